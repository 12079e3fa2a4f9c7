"""What the CLI calls: compare two files and write reports; score an alignment against gold.

The CLI only parses options and prints; these functions hold the glue.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .comparison import Comparison, compare

if TYPE_CHECKING:  # pragma: no cover
    from .report.chart_process import ChartProcess


@dataclass
class CompareResult:
    comparison: Comparison
    written: list[Path] = field(default_factory=list)


def _offline() -> None:
    # The bundled model is on disk; never let a library try the network for it.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def compare_files(
    old: str | Path,
    new: str | Path,
    *,
    model: str | None = None,
    device: str | None = None,
    cache_dir: str | Path | None = None,
    output: str | Path | None = None,
    fmt: str | None = None,
    quiet: bool = False,
    actors: list[str] | None = None,
    framing: str | Path | None = None,
    mentions: str | Path | None = None,
    framing_labels: str | Path | None = None,
    drawer: ChartProcess | None = None,
) -> CompareResult:
    """Compare two documents; with ``output``, write the report(s) there (format from ``fmt``
    or the file extension) through concept_diff.report, which renders the JSON contract.
    ``mentions``: also write every scored mention to this CSV; ``framing_labels``: such a
    file, corrected, whose labels replace the predictions (shifts/framing_io.py).
    ``drawer``: the chart process (report.start_charts) if the caller started it already (the
    CLI does, before the heavy imports); otherwise one is started here.
    Unless ``quiet``, each step is shown on stderr while it runs."""
    _offline()
    if output is not None:
        from .report import parse_formats

        parse_formats(fmt, Path(output))  # a bad format fails before the slow part
    if framing_labels is not None:  # a bad labels file fails before the slow part too
        from .shifts.framing import load_framing
        from .shifts.framing_io import read_framing_labels

        read_framing_labels(framing_labels, load_framing(framing).keys)
    actor_specs: list[str] | str | Path | None = actors or None
    if actors and len(actors) == 1 and Path(actors[0]).suffix == ".toml":
        actor_specs = Path(actors[0])
    if output is not None:  # the charts' process starts now: matplotlib loads meanwhile
        from .report import prepare_reports, start_charts

        drawer = drawer or start_charts(fmt, Path(output))
    with _progress(quiet) as step, drawer or nullcontext():
        comparison = compare(old, new, model=model, device=device, cache_dir=cache_dir,
                             actors=actor_specs, framing=framing,
                             framing_labels=framing_labels, progress=step,
                             meanwhile=(lambda: prepare_reports(fmt, Path(output)))
                             if output is not None else None)
        written: list[Path] = []
        if mentions is not None:
            from .shifts.framing_io import write_mentions

            shifts = comparison.shifts
            written.append(write_mentions(shifts.get("mentions", []),
                                          shifts.get("framing", {}).get("keys", []), mentions))
        if output is not None:
            from .report import write_reports

            step("writing reports")
            written = write_reports(comparison.to_dict(), Path(output), fmt, drawer=drawer)
    return CompareResult(comparison, written)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[..., None]]:
    """Progress on stderr: one line per finished step with its time, a bar while it counts."""
    if quiet:
        yield lambda _name, _done=None, _total=None: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn
    from rich.progress import Progress as Bar

    console = Console(stderr=True)
    current = {"name": "", "at": time.perf_counter(), "task": None}

    with Bar(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
             MofNCompleteColumn(), console=console, transient=True) as bar:

        def finish() -> None:
            if current["name"]:
                took = time.perf_counter() - current["at"]
                bar.console.print(f"[dim]  {current['name']} ({took:.1f} s)[/]")
                bar.remove_task(current["task"])

        def step(name: str, done: int | None = None, total: int | None = None) -> None:
            if name != current["name"]:
                finish()
                task = bar.add_task(name, total=total)
                current.update(name=name, at=time.perf_counter(), task=task)
            if done is not None:
                bar.update(current["task"], completed=done, total=total)

        yield step
        finish()


def evaluate_files(
    old: str | Path,
    new: str | Path,
    gold: str | Path,
    *,
    model: str | None = None,
    device: str | None = None,
    cache_dir: str | Path | None = None,
    as_json: bool = False,
) -> str:
    """Align ``old`` and ``new`` and score the alignment against the gold TSV (evaluate.py)."""
    from .evaluate import evaluate, format_scores, read_gold

    _offline()
    from .loaders import load_document

    old_doc, new_doc = load_document(old), load_document(new)
    beads = read_gold(gold, old_doc, new_doc)
    comparison = compare(old_doc, new_doc, model=model, device=device, cache_dir=cache_dir,
                         analyse=False)
    return format_scores(evaluate(comparison.alignment, beads), as_json=as_json)
