"""From beads to alignment entries: kinds, accounting, reading order, redlines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .chain import Bead
from .core import AlignParams, Pass
from .scoring import Units


@dataclass
class Entry:
    """What became of some old units: ``old``/``new`` are ids (one side empty: removed/added)."""

    kind: str
    old: list[str]
    new: list[str]
    similarity: float | None  # cosine of the (mean) vectors
    lexical: float | None  # difflib ratio on words
    redline: list[dict] = field(default_factory=list)
    sentences: list[Entry] = field(default_factory=list)
    old_index: list[int] = field(default_factory=list, repr=False)
    new_index: list[int] = field(default_factory=list, repr=False)
    confidence: float | None = None  # P(same content) of a linked pair (align/decision.py)
    related: dict | None = None  # added/removed: the nearest same-topic passage, {id, score}

    def to_dict(self, *, nested: bool = True) -> dict:
        out = {
            "kind": self.kind,
            "old": list(self.old),
            "new": list(self.new),
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "lexical": None if self.lexical is None else round(self.lexical, 4),
        }
        if nested:
            out["confidence"] = self.confidence
            if not (self.old and self.new):
                out["related"] = self.related
            out["redline"] = self.redline
            out["sentences"] = [s.to_dict(nested=False) for s in self.sentences]
        return out


def _kind(bead: Bead, old: Units, new: Units, params: AlignParams) -> str:
    if bead.a > 1:
        return "merged"
    if bead.b > 1:
        return "split"
    if old.keys[bead.i].casefold() == new.keys[bead.j].casefold():
        return "unchanged"  # the same words; a change of letter case alone keeps a redline
    return "edited" if bead.lexical >= params.edited_min else "rewritten"


def build_entries(
    old_ids: Sequence[str], new_ids: Sequence[str], old: Units, new: Units, result: Pass,
    params: AlignParams, *, redline: bool = True,
) -> list[Entry]:
    """One entry per bead, per move, per removed and per added unit."""
    entries = []
    for bead, moved in [(b, False) for b in result.path] + [(b, True) for b in result.moved]:
        kind = "moved" if moved else _kind(bead, old, new, params)
        entries.append(Entry(
            kind, [old_ids[i] for i in bead.old], [new_ids[j] for j in bead.new],
            max(-1.0, min(1.0, bead.cosine)), bead.lexical,
            old_index=list(bead.old), new_index=list(bead.new),
        ))
    used_old = {i for e in entries for i in e.old_index}
    used_new = {j for e in entries for j in e.new_index}
    entries += [Entry("removed", [old_ids[i]], [], None, None, old_index=[i])
                for i in range(len(old_ids)) if i not in used_old]
    entries += [Entry("added", [], [new_ids[j]], None, None, new_index=[j])
                for j in range(len(new_ids)) if j not in used_new]
    if redline:
        redlines(entries, old, new)
    return entries


def redlines(entries: list[Entry], old: Units, new: Units) -> None:
    """A word redline for every linked entry whose texts differ: an unchanged one has a
    redline only where its letter case changed ("champion" -> "Champion"), so that shows."""
    from ..redline import diff_words

    for entry in entries:
        if not (entry.old_index and entry.new_index):
            continue
        if entry.kind == "unchanged" and [old.keys[i] for i in entry.old_index] == [
                new.keys[j] for j in entry.new_index]:
            continue
        entry.redline = diff_words(
            " ".join(old.texts[i] for i in entry.old_index),
            " ".join(new.texts[j] for j in entry.new_index),
        )


def order_entries(entries: list[Entry]) -> list[Entry]:
    """New document order; a removed unit right after the entry that holds the nearest
    preceding old unit still in place (not moved, not removed), or first if there is none."""
    placed = sorted((e for e in entries if e.new_index), key=lambda e: min(e.new_index))
    removed = sorted((e for e in entries if not e.new_index), key=lambda e: e.old_index[0])
    owner = {i: k for k, e in enumerate(placed) if e.kind != "moved" for i in e.old_index}
    after: dict[int, list[Entry]] = defaultdict(list)  # position in placed (-1: start) -> removed
    for entry in removed:
        anchor = next((owner[i] for i in range(entry.old_index[0] - 1, -1, -1) if i in owner), -1)
        after[anchor].append(entry)
    ordered = list(after[-1])
    for k, entry in enumerate(placed):
        ordered.append(entry)
        ordered.extend(after[k])
    return ordered


def check_accounting(entries: list[Entry], n_old: int, n_new: int) -> None:
    """Every old and every new unit sits in exactly one entry (the contract's promise)."""
    olds = sorted(i for e in entries for i in e.old_index)
    news = sorted(j for e in entries for j in e.new_index)
    if olds != list(range(n_old)) or news != list(range(n_new)):
        raise AssertionError("alignment does not account for every unit exactly once")
