"""The short terminal summary `concept-diff compare` prints: versions, kinds, most changed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .comparison import Comparison

_CHANGED = ("rewritten", "moved", "split", "merged", "edited", "added", "removed")


def most_changed(comparison: Comparison, top: int) -> list:
    """Entries ranked by how much changed: lowest similarity first; added/removed after pairs
    that changed meaning, longest first. Ties: document order (stable sort)."""
    def key(entry) -> tuple:
        if entry.similarity is None:
            doc, ids = (comparison.new, entry.new) if entry.new else (comparison.old, entry.old)
            return (1, -sum(doc.passage(i).words for i in ids))
        return (0, entry.similarity)

    changed = [e for e in comparison.alignment.entries if e.kind in _CHANGED]
    return sorted(changed, key=key)[: max(0, top)]


def _first_words(comparison: Comparison, entry, count: int = 12) -> str:
    doc, ids = (comparison.new, entry.new) if entry.new else (comparison.old, entry.old)
    words = " ".join(doc.passage(i).text for i in ids).split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def print_summary(
    comparison: Comparison, *, top: int = 10, written: Sequence[Path] = (),
    console: Console | None = None, headline_count: int = 5,
) -> None:
    console = console or Console()
    old, new = comparison.old, comparison.new
    console.print(f"[bold]{old.version}[/] → [bold]{new.version}[/]  "
                  f"({old.words:,} → {new.words:,} words; "
                  f"{len(old.passages)} → {len(new.passages)} passages; "
                  f"model {comparison.embedder_info.get('name')})")
    counts = comparison.alignment.counts()
    console.print("  ".join(f"{kind} {n}" for kind, n in counts.items()))
    ranked = most_changed(comparison, top)
    if ranked:
        table = Table(title=f"Most changed ({len(ranked)})", show_lines=False)
        for column in ("old", "new", "kind", "similarity", "text"):
            table.add_column(column, overflow="fold")
        for entry in ranked:
            sim = "" if entry.similarity is None else f"{entry.similarity:.2f}"
            table.add_row(",".join(entry.old), ",".join(entry.new), entry.kind, sim,
                          _first_words(comparison, entry))
        console.print(table)
    headlines = comparison.shifts.get("headlines", [])[: max(0, headline_count)]
    if headlines:
        console.print("[bold]Headline shifts[/]")
        for item in headlines:
            console.print(f"  {item['rank']}. {escape(item['summary'])}", highlight=False)
    for path in written:
        console.print(f"wrote {path}")
