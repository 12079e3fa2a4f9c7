"""The `concept-diff` command: parses options, calls the library, prints. No logic lives here.

Start-up must stay fast (`concept-diff --help` well under a second), so every heavy module is
imported inside the command that needs it, never at the top of this file.
"""

from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import ConceptDiffError

# At exit the interpreter tears the heap down with collector passes over every object left
# (pandas, the caches of a comparison): ~0.2 s of a warm compare's 2 s on 2 cores. Frozen,
# they are freed by reference count alone; atexit handlers and files are not affected.
atexit.register(gc.freeze)

app = typer.Typer(
    name="concept-diff",
    help="Align versions of a strategy document by meaning and report what changed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Model = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Embedding model: a local sentence-transformers folder, 'lexical' (no torch), "
        "or nothing for the bundled all-MiniLM-L6-v2.",
    ),
]
Device = Annotated[
    str | None,
    typer.Option("--device", help="cpu, cuda, cuda:1, mps ... (default: best available)."),
]
Backend = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help="How the neural model runs: torch, onnx or onnx-int8 (default: onnx on a CPU, "
        "torch in half precision with --device cuda). Vectors of each are cached apart.",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", help="Cache folder (default: $CONCEPT_DIFF_CACHE or the user cache dir)."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
OutputDir = Annotated[Path, typer.Option("-o", "--output", help="Folder for the reports.")]
Formats = Annotated[
    str, typer.Option("--format", help="Report formats for each pair: any of md,html,json,csv.")
]
Corpus = Annotated[
    Path,
    typer.Argument(
        help="A folder of dated versions, a corpus.toml or a series name under corpora/."
    ),
]


def _model(model: str | None, backend: str | None) -> str | None:
    """--model with --backend folded in as one model spec ("onnx:PATH")."""
    if not backend:
        return model
    from .embed import model_spec

    try:
        return model_spec(model, backend)
    except ConceptDiffError as error:
        _fail(error)


def _fail(error: ConceptDiffError) -> None:
    typer.echo(f"concept-diff: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from . import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


@app.command()
def inspect(
    path: Annotated[
        Path,
        typer.Argument(
            help="A document (.txt .md .html .pdf .docx) or a corpus folder/corpus.toml."
        ),
    ],
    passages: Annotated[
        bool, typer.Option("--passages", help="List passages with their ids and labels (with --json: each passage's full text).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the same as JSON.")] = False,
) -> None:
    """Show what was loaded: title, date, words, sections, passages, sentences, clean-up."""
    from .inspect import inspect_path

    try:
        typer.echo(inspect_path(path, passages=passages, as_json=as_json))
    except ConceptDiffError as error:
        _fail(error)


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="The older version.")],
    new: Annotated[Path, typer.Argument(help="The newer version.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report here.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="md, html, json, csv, or several: md,html,json (default: from -o)."
        ),
    ] = None,
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            help="Add or merge an actor: 'Russia=Russia|Russian Federation|Moscow' "
            "(repeatable), or a TOML file with an \\[actors] table.",
        ),
    ] = None,
    framing: Annotated[
        Path | None,
        typer.Option("--framing", help="A TOML file of framing categories replacing the default."),
    ] = None,
    mentions: Annotated[
        Path | None,
        typer.Option("--mentions", help="Write every actor mention (sentence, role, predicted framing, probabilities) to this CSV."),
    ] = None,
    framing_labels: Annotated[
        Path | None,
        typer.Option("--framing-labels", help="A --mentions CSV with its label column corrected: those labels replace the predictions."),
    ] = None,
    model: Model = None,
    backend: Backend = None,
    device: Device = None,
    cache_dir: CacheDir = None,
    top: Annotated[
        int, typer.Option("--top", help="How many of the most changed passages to list.")
    ] = 10,
    quiet: Quiet = False,
) -> None:
    """Align OLD and NEW by meaning; print a summary and optionally write reports."""
    from .report import start_charts  # light; the chart process loads while the rest imports

    try:
        drawer = start_charts(fmt, output) if output is not None else None
        from .api import compare_files

        result = compare_files(
            old,
            new,
            drawer=drawer,
            model=_model(model, backend),
            device=device,
            cache_dir=cache_dir,
            output=output,
            fmt=fmt,
            quiet=quiet,
            actors=actor,
            framing=framing,
            mentions=mentions,
            framing_labels=framing_labels,
        )
    except ConceptDiffError as error:
        _fail(error)
    if not quiet:
        from .summary import print_summary

        print_summary(result.comparison, top=top, written=result.written)


@app.command()
def evaluate(
    old: Annotated[Path, typer.Argument(help="The older version.")],
    new: Annotated[Path, typer.Argument(help="The newer version.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold alignment (TSV; see README).")],
    model: Model = None,
    backend: Backend = None,
    device: Device = None,
    cache_dir: CacheDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score the alignment of OLD and NEW against a gold file: precision, recall, F1 (strict, lax)."""
    from .api import evaluate_files

    try:
        typer.echo(
            evaluate_files(
                old, new, gold, model=_model(model, backend), device=device,
                cache_dir=cache_dir, as_json=as_json,
            )
        )
    except ConceptDiffError as error:
        _fail(error)


@app.command()
def fetch(
    series: Annotated[
        str,
        typer.Argument(
            help="A series under corpora/ (e.g. nato-strategic-concepts) or a corpus.toml."
        ),
    ],
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Where fetched texts go (default: $CONCEPT_DIFF_DATA or the user data dir).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for a server.")
    ] = 30.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries", help="Retries (with back-off) on server errors and dropped connections."
        ),
    ] = 3,
    max_mb: Annotated[
        float, typer.Option("--max-mb", help="Abort a download larger than this.")
    ] = 100.0,
) -> None:
    """Download the series' official sources (PDF/HTML), extract their text, keep provenance.

    Prints one line per version: downloaded, unchanged, changed, failed or skipped.
    Exit code 0 when every version is available, 1 when any failed.
    """
    from .series.fetch import fetch_series
    from .series.http import HttpPolicy

    policy = HttpPolicy(timeout=timeout, retries=retries, max_bytes=int(max_mb * 1024 * 1024))
    try:
        results = fetch_series(series, data_dir=data_dir, policy=policy)
    except ConceptDiffError as error:
        _fail(error)
    for result in results:
        typer.echo(result.line())
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


@app.command()
def timeline(
    corpus: Corpus,
    output: OutputDir = Path("reports"),
    fmt: Formats = "md,html,json",
    model: Model = None,
    backend: Backend = None,
    device: Device = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Compare every consecutive pair of a series; write pair reports, the series index, charts."""
    _update(
        corpus,
        output,
        fmt=fmt,
        model=_model(model, backend),
        device=device,
        cache_dir=cache_dir,
        force=True,
        quiet=quiet,
    )


@app.command()
def update(
    corpus: Corpus,
    output: OutputDir = Path("reports"),
    fmt: Formats = "md,html,json",
    model: Model = None,
    backend: Backend = None,
    device: Device = None,
    cache_dir: CacheDir = None,
    fetch_first: Annotated[
        bool, typer.Option("--fetch", help="Fetch the official sources first.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be done; write nothing.")
    ] = False,
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 3 when reports changed (0: up to date, 1: error)."),
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for another run's lock.")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
    quiet: Quiet = False,
) -> None:
    """Bring the reports up to date: only new or changed versions are compared.

    Exit codes: 0 done (or up to date), 1 error (another run holds the lock, a fetch failed),
    2 bad input, 3 reports changed (only with --exit-code).
    """
    _update(
        corpus,
        output,
        fmt=fmt,
        model=_model(model, backend),
        device=device,
        cache_dir=cache_dir,
        fetch_first=fetch_first,
        dry_run=dry_run,
        exit_code=exit_code,
        wait=wait,
        as_json=as_json,
        quiet=quiet,
    )


@app.command()
def watch(
    corpus: Corpus,
    output: OutputDir = Path("reports"),
    fmt: Formats = "md,html,json",
    model: Model = None,
    backend: Backend = None,
    device: Device = None,
    cache_dir: CacheDir = None,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between looks at the folder.")
    ] = 5.0,
) -> None:
    """Run `update` now and again whenever a file in the corpus folder changes (Ctrl-C stops)."""
    from .series.watch import watch as watch_folder

    def once() -> None:
        _update(
            corpus,
            output,
            fmt=fmt,
            model=_model(model, backend),
            device=device,
            cache_dir=cache_dir,
            wait=60.0,
            keep_going=True,
        )

    try:
        watch_folder(corpus, once, interval=interval)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def _update(
    corpus: Path,
    output: Path,
    *,
    fmt: str,
    model: str | None,
    device: str | None,
    cache_dir: Path | None,
    force: bool = False,
    fetch_first: bool = False,
    dry_run: bool = False,
    exit_code: bool = False,
    wait: float = 0.0,
    as_json: bool = False,
    quiet: bool = False,
    keep_going: bool = False,
) -> None:
    import json

    from .series.update import EXIT_CHANGED, format_result, result_summary, run_update

    try:
        result = run_update(
            corpus,
            output,
            formats=fmt,
            model=model,
            device=device,
            cache_dir=cache_dir,
            force=force,
            fetch_first=fetch_first,
            dry_run=dry_run,
            wait=wait,
            progress=None if quiet or as_json else typer.echo,
        )
    except ConceptDiffError as error:
        if keep_going:  # `watch` reports the error and keeps watching
            typer.echo(f"concept-diff: error: {error}", err=True)
            return
        _fail(error)
    if as_json:
        typer.echo(json.dumps(result_summary(result, output), ensure_ascii=False, indent=2))
    elif not quiet:
        typer.echo(format_result(result, output, dry_run=dry_run))
    if exit_code and result.changed:
        raise typer.Exit(EXIT_CHANGED)


def run() -> None:  # pragma: no cover - console entry for `python -m concept_diff`
    app(prog_name="concept-diff", args=sys.argv[1:])
