"""The "Passage by passage" section: every alignment entry, in the new document's order.

Each entry opens with the anchors of all its passages (so every passage of both versions has
exactly one anchor in the report), then a header line saying what happened, then the text:
a redline for aligned pairs (in HTML, a rewritten pair's two texts side by side instead), the
full text for added and removed passages, which also name their nearest same-topic passage on
the other side (``related``) where the JSON has one.

Removed passages stand where they stood in the old version, as in a redline (Word's Compare,
Draftable): beside the entry holding a linked old passage next to them, the one before or the
one after, whichever is of their own old section, else the nearer (``anchored``), so a long
removed stretch is not carried into a distant new section by the last link before it. A
heading names the section every passage below it belongs to, so a run of removed passages
whose old section is not the heading in force gets its own heading, ``Removed from 2006 · <old
section>``, and the new version's section resumes under ``<section> (continued)``: a reader
scanning the headings never files a removed passage under a new section that is not its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import redlines
from .markup import anchor, md_fragment, md_text, squash
from .refs import Refs

KIND_WORDS = {
    "unchanged": "unchanged",
    "edited": "edited",
    "rewritten": "rewritten",
    "moved": "moved",
    "split": "split",
    "merged": "merged",
    "added": "added",
    "removed": "removed",
}


def ordered(refs: Refs) -> list[Mapping[str, Any]]:
    """Alignment entries in the new document's reading order, removed ones at their old place
    (``anchored``: beside the linked passage before or after them in the old version)."""
    entries = list(refs.contract.get("alignment", []))
    new_order, old_order = refs.order["new"], refs.order["old"]
    placed: dict[int, int] = {}  # old position -> new position of the entry holding it
    keys: list[tuple] = [()] * len(entries)
    for i, entry in enumerate(entries):
        if entry.get("new"):
            position = min(new_order[p] for p in entry["new"])
            keys[i] = (position, 0, 0, i)
            placed.update({old_order[p]: position for p in entry.get("old", [])})
    paths = [readings(p.get("section")) for p in refs.contract["old"].get("passages", [])]
    where = anchored(placed, paths, len(new_order))
    for i, entry in enumerate(entries):
        if not entry.get("new"):
            first = min((old_order[p] for p in entry.get("old", [])), default=0)
            keys[i] = (*where.get(first, (-1, 1)), first, i)
    return [entries[i] for i in sorted(range(len(entries)), key=lambda i: keys[i])]


Path = tuple[str, ...]  # a section label's headings, outermost first
Readings = tuple[Path, ...]  # the paths a passage's section may be: two where it is unsure


def readings(label: str | None) -> Readings:
    """The heading paths a section label names: one, or both sections of a label whose chapter
    boundary is unknown (loaders/outline.py ``unsure_label``; each place a heading could part
    the two, as a heading may hold ``ALTERNATIVE`` itself)."""
    from ..loaders.outline import ALTERNATIVE, LABEL_SEPARATOR, NO_SECTION, UNSURE, is_unsure

    def path(text: str) -> Path:
        return tuple(text.split(LABEL_SEPARATOR)) if text and text != NO_SECTION else ()

    if not is_unsure(label):
        return (path(label or ""),)
    pair = str(label)[: -len(UNSURE)]
    found = [path(part) for m in re.finditer(re.escape(ALTERNATIVE), pair)
             for part in (pair[: m.start()], pair[m.end():])]
    return tuple(dict.fromkeys(found)) or ((),)


def anchored(placed: Mapping[int, int], paths: list[Readings],
             new_count: int) -> dict[int, tuple[int, int]]:
    """Where each unplaced old passage goes (by old position): ``(p, 1)`` just after the entry
    at new position p, ``(p, -1)`` just before it; ``(-1, 1)`` opens the walk, ``(new_count,
    -1)`` closes it.

    Each run of unplaced passages lies between two placed ones in the old version, or the old
    version's start or end (which stand for the new version's start or end). The run is cut in
    two: its head goes after the entry holding the placed passage before it, its tail before
    the entry holding the one after it, at the cut that (1) keeps the most of them beside an
    anchor of their own old section (``_affinity``: shared headings, a label unsure of its
    chapter read as either chapter), then (2) parts the two
    old passages on either side of it at the highest heading level (a removed section stays
    whole), then (3) keeps them nearest their anchor in old order, the versions' start and end
    counting as no distance (a stretch before the first link opens the walk, one after the last
    closes it, unless its own section pulls it to that link); a tie goes to the head, as a
    redline keeps deleted text after what preceded it."""
    count = len(paths)
    runs: list[list[int]] = []
    for position in range(count):
        if position not in placed:
            if runs and runs[-1][-1] == position - 1:
                runs[-1].append(position)
            else:
                runs.append([position])
    out: dict[int, tuple[int, int]] = {}
    for run in runs:
        before, after = run[0] - 1, run[-1] + 1
        cut = _cut(run, paths)
        out.update({i: (placed.get(before, -1), 1) for i in run[:cut]})
        out.update({i: (placed.get(after, new_count), -1) for i in run[cut:]})
    return out


def _cut(run: list[int], paths: list[Readings]) -> int:
    """How many of a run go after the placed passage before it (``anchored``'s rule)."""
    before, after = run[0] - 1, run[-1] + 1
    # per cut: affinity and old-order distance of run[:cut] after `before` (head) and of
    # run[cut:] before `after` (tail); the versions' start and end are no distance away (a
    # stretch before the first link opens the walk, unless its own section pulls it)
    ahead, behind = before >= 0, after < len(paths)
    head = _cumulative([(_affinity(paths[i], _at(paths, before)), (i - before) * ahead)
                        for i in run])
    tail = _cumulative([(_affinity(paths[i], _at(paths, after)), (after - i) * behind)
                        for i in reversed(run)])[::-1]

    def score(cut: int) -> tuple[int, int, int]:
        parted = _shared(_at(paths, before + cut), _at(paths, before + cut + 1))
        return (head[cut][0] + tail[cut][0], -parted, -head[cut][1] - tail[cut][1])

    return max(range(len(run), -1, -1), key=score)  # the first best: the longest head


def _cumulative(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Running sums of (affinity, distance) pairs, from (0, 0)."""
    sums = [(0, 0)]
    for affinity, distance in items:
        sums.append((sums[-1][0] + affinity, sums[-1][1] + distance))
    return sums


def _at(paths: list[Readings], position: int) -> Readings:
    """The section paths of an old position; none for the versions' start and end."""
    return paths[position] if 0 <= position < len(paths) else ()


def _affinity(mine: Readings, anchor: Readings) -> int:
    """Headings two sections share from the top, one more where they are the same, at their
    closest readings (none with the versions' start or end, which are no passage)."""
    return max((_common(a, b) + (a == b) for a in mine for b in anchor), default=0)


def _shared(one: Readings, other: Readings) -> int:
    """How many headings two sections share from the top, at their closest readings."""
    return max((_common(a, b) for a in one for b in other), default=0)


def _common(one: Path, other: Path) -> int:
    shared = 0
    for mine, theirs in zip(one, other):
        if mine != theirs:
            break
        shared += 1
    return shared


def render(refs: Refs, *, html: bool = False) -> list[str]:
    old, new = (md_text(refs.version(side)) for side in ("old", "new"))
    intro = (f"In the order of {new}. A removed passage stands where it stood in {old}, beside "
             f"the nearest passage before or after it there that {new} kept (one of its own "
             f"section first), under a heading naming its {old} section.")
    lines = ["## Passage by passage", "", intro, ""]
    current: tuple[str, str | None] | None = None  # (side, section) of the heading in force
    last_new: object = object()  # the new section headed last
    for entry in ordered(refs):
        side = "new" if entry.get("new") else "old"
        section = refs.section(side, entry[side][0])
        name = md_text(section) if section else "(no section)"
        if side == "new" and current != ("new", section):
            lines += [f"### {name}{' (continued)' if section == last_new else ''}", ""]
            current, last_new = ("new", section), section
        elif side == "old" and (current is None or current[1] != section):
            lines += [f"### Removed from {old} · {name}", ""]  # not the heading in force
            current = ("old", section)
        lines += [_header(refs, entry), "", _body(refs, entry, html), ""]
    return lines


def _header(refs: Refs, entry: Mapping[str, Any]) -> str:
    old_ids, new_ids = list(entry.get("old", [])), list(entry.get("new", []))
    anchors = "".join([anchor("new", p) for p in new_ids] + [anchor("old", p) for p in old_ids])
    kind = str(entry.get("kind", ""))
    if new_ids and old_ids:
        title = f"{refs.names('new', new_ids)} ← {refs.names('old', old_ids)}"
    else:
        side, ids = ("new", new_ids) if new_ids else ("old", old_ids)
        title = refs.names(side, ids)
    line = f"{anchors}**{title}** · {md_text(KIND_WORDS.get(kind, kind))}"
    if kind == "unchanged" and entry.get("redline"):
        line += " (only letter case differs)"
    line += _scores(entry)
    if kind == "moved":
        line += " · " + _moved_from(refs, old_ids)
    if kind == "removed":
        section = refs.section("old", old_ids[0])
        where = f", section “{md_text(section)}”" if section else ""
        line += f" from {md_text(refs.version('old'))}{where}"
    if entry.get("related"):
        line += " · " + _related(refs, entry, "old" if new_ids else "new")
    return line


def _scores(entry: Mapping[str, Any]) -> str:
    parts = []
    for key in ("similarity", "lexical", "confidence"):
        value = entry.get(key)
        if isinstance(value, (int, float)):
            parts.append(f"{key} {value:.2f}")
    return "".join(f" · {p}" for p in parts)


POSSIBLY_SAME = 0.5  # P(same) from which a related pair reads "possibly the same content"
POSSIBLY_SAME_WORDS = 8  # ... and only when both passages have this many words: a list item
# of four words ("dissuade future military competition;") cannot show that it says the same
# thing as a paragraph, and the pair model is least sure on such fragments


def possibly_same(refs: Refs, entry: Mapping[str, Any]) -> bool:
    """Whether an added/removed entry's related passage possibly says the same thing."""
    related = entry.get("related") or {}
    same = related.get("same")
    if not isinstance(same, (int, float)) or same < POSSIBLY_SAME:
        return False
    side = "new" if entry.get("new") else "old"
    other = "old" if side == "new" else "new"
    texts = [refs.passage(side, entry[side][0]), refs.passage(other, related["id"])]
    return min(len(str(t.get("text", "")).split()) for t in texts) >= POSSIBLY_SAME_WORDS


def _related(refs: Refs, entry: Mapping[str, Any], side: str) -> str:
    """The other side's passage nearest in topic: ``closest in topic: 2010 p7 (topic 0.81)``,
    or ``possibly the same content as 2010 p7 (confidence 0.62)`` where P(same) reaches 0.5
    without reaching the link threshold (P(same) is calibrated: about that share are)."""
    related = entry["related"]
    link = refs.link(side, related["id"])
    if possibly_same(refs, entry):
        same = related["same"]
        linked_at = ((refs.contract.get("parameters") or {}).get("decision") or {}).get(
            "threshold")
        if not isinstance(linked_at, (int, float)) or same < linked_at:
            return f"possibly the same content as {link} (confidence {same:.2f})"
        if related["id"] in refs.linked[side]:  # e.g. a passage the version printed twice
            return (f"the same content as {link} (confidence {same:.2f}), which is linked to "
                    "another passage")
        return (f"probably the same content as {link} (confidence {same:.2f}), which the "
                "alignment left unpaired")
    score = related.get("score")
    shown = f" (topic {score:.2f})" if isinstance(score, (int, float)) else ""
    return f"closest in topic: {link}{shown}"


def _moved_from(refs: Refs, old_ids: list[str]) -> str:
    """Where a moved passage used to be: its old section and the old passage it followed."""
    first = min(old_ids, key=lambda p: refs.order["old"][p])
    position = refs.order["old"][first]
    where = f"moved from {_quoted_section(refs, 'old', first)} of {md_text(refs.version('old'))}"
    if position == 0:
        return where + ", where it opened the document"
    previous = refs.contract["old"]["passages"][position - 1]["id"]
    return where + f", where it followed {refs.link('old', previous)}"


def _quoted_section(refs: Refs, side: str, passage_id: str) -> str:
    section = refs.section(side, passage_id)
    return f"section “{md_text(section)}”" if section else "no section"


def _body(refs: Refs, entry: Mapping[str, Any], html: bool) -> str:
    old_ids, new_ids = list(entry.get("old", [])), list(entry.get("new", []))
    if html and entry.get("kind") == "rewritten" and old_ids and new_ids:
        return _side_by_side(refs, old_ids, new_ids)
    if entry.get("redline") and old_ids and new_ids:  # unchanged: only where the case changed
        return redlines.render(entry["redline"], html=html)
    side, ids = ("new", new_ids) if new_ids else ("old", old_ids)
    return md_text(" ".join(refs.passage(side, p)["text"] for p in ids))


def _side_by_side(refs: Refs, old_ids: list[str], new_ids: list[str]) -> str:
    """Old and new in two columns: a word redline of two different texts is unreadable."""
    def column(side: str, ids: list[str]) -> str:
        return md_fragment(squash(" ".join(refs.passage(side, p)["text"] for p in ids))) or " "

    return "\n".join([f"| {refs.names('old', old_ids)} | {refs.names('new', new_ids)} |",
                      "|---|---|", f"| {column('old', old_ids)} | {column('new', new_ids)} |"])
