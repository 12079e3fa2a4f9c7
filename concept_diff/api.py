"""What the CLI calls: compare two files and write reports; score an alignment against gold.

The CLI only parses options and prints; these functions hold the glue.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .comparison import Comparison, compare


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
) -> CompareResult:
    """Compare two documents; with ``output``, write the report(s) there (format from ``fmt``
    or the file extension) through concept_diff.report, which renders the JSON contract."""
    del quiet  # nothing here prints; the CLI decides
    _offline()
    if output is not None:
        from .report import parse_formats

        parse_formats(fmt, Path(output))  # a bad format fails before the slow part
    comparison = compare(old, new, model=model, device=device, cache_dir=cache_dir)
    written: list[Path] = []
    if output is not None:
        from .report import write_reports

        written = write_reports(comparison.to_dict(), Path(output), fmt)
    return CompareResult(comparison, written)


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
