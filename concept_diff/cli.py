"""The `concept-diff` command: parses options, calls the library, prints. No logic lives here.

Start-up must stay fast (`concept-diff --help` well under a second), so every heavy module is
imported inside the command that needs it, never at the top of this file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import ConceptDiffError

app = typer.Typer(
    name="concept-diff",
    help="Align versions of a strategy document by meaning and report what changed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = typer.Option(
    None,
    "--model",
    help="Embedding model: a local sentence-transformers folder, 'lexical' (no torch), "
    "or empty for the bundled all-MiniLM-L6-v2.",
)
DeviceOpt = typer.Option(None, "--device", help="cpu, cuda, cuda:1, mps ... (default: best available).")
CacheOpt = typer.Option(
    None, "--cache-dir", help="Embedding cache folder (default: $CONCEPT_DIFF_CACHE or the user cache dir)."
)


def _fail(error: ConceptDiffError) -> None:
    typer.echo(f"concept-diff: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        from . import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


@app.command()
def inspect(
    path: Path = typer.Argument(..., help="A document (.txt .md .html .pdf .docx) or a corpus folder/corpus.toml."),
    passages: bool = typer.Option(False, "--passages", help="List passages with their ids and labels."),
    as_json: bool = typer.Option(False, "--json", help="Print the same as JSON."),
) -> None:
    """Show what was loaded: title, date, words, sections, passages, sentences, clean-up."""
    from .inspect import inspect_path

    try:
        typer.echo(inspect_path(path, passages=passages, as_json=as_json))
    except ConceptDiffError as error:
        _fail(error)


@app.command()
def compare(
    old: Path = typer.Argument(..., help="The older version."),
    new: Path = typer.Argument(..., help="The newer version."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report here."),
    fmt: Optional[str] = typer.Option(
        None, "--format", help="json (more formats come with the reports); default from -o's extension."
    ),
    model: Optional[str] = ModelOpt,
    device: Optional[str] = DeviceOpt,
    cache_dir: Optional[Path] = CacheOpt,
    top: int = typer.Option(10, "--top", help="How many of the most changed passages to list."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Align OLD and NEW by meaning; print a summary and optionally write a report."""
    from .api import compare_files
    from .summary import print_summary

    try:
        result = compare_files(
            old, new, model=model, device=device, cache_dir=cache_dir, output=output, fmt=fmt, quiet=quiet
        )
    except ConceptDiffError as error:
        _fail(error)
    if not quiet:
        print_summary(result.comparison, top=top, written=result.written)


@app.command()
def evaluate(
    old: Path = typer.Argument(..., help="The older version."),
    new: Path = typer.Argument(..., help="The newer version."),
    gold: Path = typer.Option(..., "--gold", help="Gold alignment (TSV; see README)."),
    model: Optional[str] = ModelOpt,
    device: Optional[str] = DeviceOpt,
    cache_dir: Optional[Path] = CacheOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score the alignment of OLD and NEW against a gold file: precision, recall, F1 (strict, lax)."""
    from .api import evaluate_files

    try:
        typer.echo(evaluate_files(old, new, gold, model=model, device=device, cache_dir=cache_dir, as_json=as_json))
    except ConceptDiffError as error:
        _fail(error)


@app.command()
def fetch(
    series: Annotated[
        str, typer.Argument(help="A series under corpora/ (e.g. nato-strategic-concepts) or a corpus.toml.")
    ],
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Where fetched texts go (default: $CONCEPT_DIFF_DATA or the user data dir)."),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a server.")] = 30.0,
    retries: Annotated[
        int, typer.Option("--retries", help="Retries (with back-off) on server errors and dropped connections.")
    ] = 3,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Abort a download larger than this.")] = 100.0,
) -> None:
    """Download the series' official sources (PDF/HTML), extract their text, keep provenance.

    Prints one line per version: downloaded, unchanged, changed, failed or skipped.
    Exit code 0 when every version is available, 1 when any failed.
    """
    from .fetch import fetch_series
    from .http import HttpPolicy

    policy = HttpPolicy(timeout=timeout, retries=retries, max_bytes=int(max_mb * 1024 * 1024))
    try:
        results = fetch_series(series, data_dir=data_dir, policy=policy)
    except ConceptDiffError as error:
        _fail(error)
    for result in results:
        typer.echo(result.line())
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


FormatsOpt = typer.Option(
    "md,html,json", "--format", help="Report formats for each pair: any of md,html,json,csv."
)


@app.command()
def timeline(
    corpus: Path = typer.Argument(..., help="A folder of dated versions or a corpus.toml."),
    output: Path = typer.Option(Path("reports"), "-o", "--output", help="Folder for the reports."),
    fmt: str = FormatsOpt,
    model: Optional[str] = ModelOpt,
    device: Optional[str] = DeviceOpt,
    cache_dir: Optional[Path] = CacheOpt,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Compare every consecutive pair of a series and write the series report and index."""
    _update(corpus, output, fmt=fmt, model=model, device=device, cache_dir=cache_dir,
            force=True, quiet=quiet)


@app.command()
def update(
    corpus: Path = typer.Argument(..., help="A folder of dated versions, a corpus.toml or a series name."),
    output: Path = typer.Option(Path("reports"), "-o", "--output", help="Folder for the reports."),
    fmt: str = FormatsOpt,
    model: Optional[str] = ModelOpt,
    device: Optional[str] = DeviceOpt,
    cache_dir: Optional[Path] = CacheOpt,
    fetch_first: bool = typer.Option(False, "--fetch", help="Fetch the official sources first."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be done; write nothing."),
    exit_code: bool = typer.Option(
        False, "--exit-code", help="Exit 3 when reports changed (0: up to date, 1: error)."
    ),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another run's lock."),
    as_json: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Bring the reports up to date: only new or changed versions are compared.

    Exit codes: 0 done (or up to date), 1 error (another run holds the lock, a fetch failed),
    2 bad input, 3 reports changed (only with --exit-code).
    """
    _update(corpus, output, fmt=fmt, model=model, device=device, cache_dir=cache_dir,
            fetch_first=fetch_first, dry_run=dry_run, exit_code=exit_code, wait=wait,
            as_json=as_json, quiet=quiet)


@app.command()
def watch(
    corpus: Path = typer.Argument(..., help="A folder of dated versions or a corpus.toml."),
    output: Path = typer.Option(Path("reports"), "-o", "--output", help="Folder for the reports."),
    fmt: str = FormatsOpt,
    model: Optional[str] = ModelOpt,
    device: Optional[str] = DeviceOpt,
    cache_dir: Optional[Path] = CacheOpt,
    interval: float = typer.Option(5.0, "--interval", help="Seconds between looks at the folder."),
) -> None:
    """Run `update` now and again whenever a file in the corpus folder changes (Ctrl-C stops)."""
    from .watch import watch as watch_folder

    def once() -> None:
        try:
            _update(corpus, output, fmt=fmt, model=model, device=device, cache_dir=cache_dir,
                    wait=60.0, keep_going=True)
        except typer.Exit:
            pass

    try:
        watch_folder(corpus, once, interval=interval)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def _update(corpus: Path, output: Path, *, fmt: str, model, device, cache_dir, force=False,
            fetch_first=False, dry_run=False, exit_code=False, wait=0.0, as_json=False,
            quiet=False, keep_going=False) -> None:
    import json

    from .update import EXIT_CHANGED, format_result, result_summary, run_update

    try:
        result = run_update(corpus, output, formats=fmt, model=model, device=device,
                            cache_dir=cache_dir, force=force, fetch_first=fetch_first,
                            dry_run=dry_run, wait=wait,
                            progress=None if quiet or as_json else typer.echo)
    except ConceptDiffError as error:
        if keep_going:
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
