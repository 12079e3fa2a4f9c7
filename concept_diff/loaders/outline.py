"""The document's outline, settled once the cover is set aside: heading levels that the text's
own numbering and epigraphs imply, and section labels that name the chapter a repeated
section name belongs to.

- A chapter whose number the extraction lost ("Overview of ..." before "II. ...", "Engage the
  Opportunities ..." between "IX." and "XI.") is the one heading without a number where the
  series of roman numerals skips exactly that number: it takes the series' level.
- Headings that carry an epigraph (a quotation and its speaker or place and date) rank above
  the plain headings after them under the same parent: "Security" with its quotation, then
  "Strengthen Security and Resilience at Home", are a part and its section, not two siblings.
- Where the document uses a section name more than once ("C. The Way Ahead" in every chapter),
  a passage's section label is the path of headings to it ("III. Strengthen Alliances ... ›
  C. The Way Ahead"), so the label says which chapter it is in.
- Where the extraction put a chapter heading after some of its page's text and the page's start
  is unknown (``loaders/pages.py``), the passages from the last known page start up to the
  heading are labelled with both sections, "v. … or vi. … (chapter boundary uncertain)",
  rather than with the chapter before alone.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from ..build import Block
from ..model import Document, Section
from ..segment import BULLET, ENUMERATOR, _numbers
from .layout import ATTRIBUTION_WORDS, attribution

LABEL_SEPARATOR = " › "
ALTERNATIVE = " or "  # between the two sections a passage may belong to
UNSURE = " (chapter boundary uncertain)"  # closes such a label
NO_SECTION = "no section"
UNSURE_KEY_WORDS = 8  # words that find the first passage whose chapter is unknown
MIN_SERIES = 3  # numbered chapters before a gap in their numbering is read as a lost number
MIN_EPIGRAPHS = 2  # headings with an epigraph under one parent before they are read as parts
MIN_SECTIONS = 2  # plain headings after each of them before they are read as parts


def settle_levels(blocks: Sequence[Block], contents: Sequence[str] = ()) -> list[Block]:
    """Heading levels mended by the two outline rules (see the module docstring); the cover,
    dateline and signature blocks take no part. ``contents``: the table of contents' lines,
    which must list a chapter whose number was lost."""
    out = list(blocks)
    for i, level in _lost_numbers(out, contents).items():
        out[i] = dataclasses.replace(out[i], level=level)
    for i, shift in _parts(out).items():
        out[i] = dataclasses.replace(out[i], level=out[i].level + shift)
    return out


def _headings(blocks: Sequence[Block]) -> list[int]:
    return [i for i, b in enumerate(blocks) if b.kind == "heading"]


def _roman(text: str) -> int | None:
    return next((v for style, v in _numbers(text) if style in ("roman", "small roman")), None)


def _lost_numbers(blocks: Sequence[Block], contents: Sequence[str]) -> dict[int, int]:
    """Index -> level of each unnumbered heading that stands where the chapters' roman series
    skips one number (or lacks its first, "I"), the only unnumbered heading there, and that
    the table of contents lists (a sub-heading of the chapter before, where the chapter's own
    heading is lost altogether, is not)."""
    headings = _headings(blocks)
    series = [(i, _roman(blocks[i].text)) for i in headings]
    series = [(i, v) for i, v in series if v is not None]
    levels = Counter(blocks[i].level for i, _ in series)
    if len(series) < MIN_SERIES or not levels:
        return {}
    level = levels.most_common(1)[0][0]
    series = [(i, v) for i, v in series if blocks[i].level == level]
    values = [v for _, v in series]
    if len(series) < MIN_SERIES or values != sorted(set(values)):
        return {}
    gaps = [(-1, series[0][0])] if values[0] == 2 else []
    gaps += [(a, b) for (a, va), (b, vb) in itertools.pairwise(series) if vb - va == 2]
    found = {}
    for start, end in gaps:
        unnumbered = [i for i in headings if start < i < end and not ENUMERATOR.match(blocks[i].text)]
        if len(unnumbered) == 1 and _has_text(blocks, unnumbered[0]) and _listed(
            blocks[unnumbered[0]].text, contents
        ):
            found[unnumbered[0]] = level
    return found


LISTED_RATIO = 0.9  # letters of a heading and of a contents entry alike but for OCR slips


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _listed(heading: str, contents: Sequence[str]) -> bool:
    """Does a line of the contents open with the heading (OCR slips allowed: "Securitv")?"""
    key = _letters(heading)
    return bool(key) and any(
        SequenceMatcher(None, key, _letters(line)[: len(key)]).ratio() >= LISTED_RATIO
        for line in contents
    )


def _has_text(blocks: Sequence[Block], i: int) -> bool:
    """Does a passage follow the heading before the next heading?"""
    for block in blocks[i + 1 :]:
        if block.kind == "heading":
            return False
        if block.kind == "passage":
            return True
    return False


def is_epigraph(block: Block) -> bool:
    """A passage that is a quotation with its attribution after the closing mark
    ('"We will not apologize ..." —President Barack Obama, Inaugural Address, ...')."""
    text = block.text
    if block.kind != "passage" or text[:1] not in "\"“":
        return False
    close = max(text.rfind("”"), text.rfind('"'))
    rest = text[close + 1 :].strip() if close > 0 else ""
    return bool(rest) and len(rest.split()) <= ATTRIBUTION_WORDS and attribution(rest)


def _parts(blocks: Sequence[Block]) -> dict[int, int]:
    """Index -> level shift (+1) of each plain heading, and the headings under it, that follows
    an unnumbered heading with an epigraph among the children of one parent, where at least
    ``MIN_EPIGRAPHS`` of those children carry one, the first child does, and each is followed
    by at least ``MIN_SECTIONS`` plain ones."""
    headings = _headings(blocks)
    shifts: dict[int, int] = {}
    for k, parent in enumerate([-1, *headings]):
        parent_level = blocks[parent].level if parent >= 0 else 0
        below = []
        for i in headings[k:]:
            if blocks[i].level <= parent_level:
                break
            below.append(i)
        if not below:
            continue
        child_level = min(blocks[i].level for i in below)
        children = [i for i in below if blocks[i].level == child_level]
        if any(ENUMERATOR.match(blocks[i].text) for i in children):
            continue  # a numbered series is parallel by its numbering
        marked = [i for i in children if _with_epigraph(blocks, i)]
        if len(marked) < MIN_EPIGRAPHS or marked[0] != children[0]:
            continue
        under = [sum(1 for i in children if a < i < b)
                 for a, b in itertools.pairwise([*marked, children[-1] + 1])]
        if min(under) < MIN_SECTIONS:
            continue  # a quotation opening some sections of a run, not parts holding sections
        plain = False
        for i in below:  # a plain child and the headings under it go one level down
            plain = i not in marked if i in children else plain
            if plain:
                shifts[i] = 1
    return shifts


def _with_epigraph(blocks: Sequence[Block], i: int) -> bool:
    nxt = next((b for b in blocks[i + 1 :] if b.kind in ("heading", "passage")), None)
    return nxt is not None and is_epigraph(nxt)


# --- labels --------------------------------------------------------------------------------

def label_sections(document: Document) -> Document:
    """The document with each passage's section label the path of headings down to its section
    (``LABEL_SEPARATOR`` between them, outermost first), where the document uses a section name
    more than once: "C. The Way Ahead" in every chapter, "1. ..." under each; a document whose
    section names are its only ones keeps the innermost heading as the label. A passage that
    may open the chapter after it (``CleanupReport.unsure_chapters``) names both sections."""
    return _label_unsure(_label_paths(document))


def _label_paths(document: Document) -> Document:
    names = Counter(s.heading for s in document.sections)
    if all(n == 1 for n in names.values()):
        return document
    labels: dict[int, str] = {}
    stack: list[Section] = []
    for section in sorted(document.sections, key=lambda s: s.start):
        while stack and stack[-1].level >= section.level:
            stack.pop()
        stack.append(section)
        labels[section.start] = LABEL_SEPARATOR.join(s.heading for s in stack)
    starts = sorted(labels)
    passages = []
    at = -1
    for passage in document.passages:
        while at + 1 < len(starts) and starts[at + 1] < passage.start:
            at += 1
        if at >= 0 and labels[starts[at]] != passage.section:
            passage = dataclasses.replace(passage, section=labels[starts[at]])
        passages.append(passage)
    return dataclasses.replace(document, passages=passages)


def unsure_label(before: str | None, after: str) -> str:
    """The label of a passage that ends the section ``before`` or opens ``after``."""
    return f"{before or NO_SECTION}{ALTERNATIVE}{after}{UNSURE}"


def is_unsure(label: str | None) -> bool:
    """Does the label name two sections, the boundary between them unknown?"""
    return bool(label) and label.endswith(UNSURE)


def unsure_sections(label: str | None) -> set[str]:
    """The headings of the sections an unsure label names, innermost of each (both readings
    where a heading itself holds ``ALTERNATIVE``); empty for a plain label."""
    if not is_unsure(label):
        return set()
    pair = label[: -len(UNSURE)]
    found = set()
    for match in re.finditer(re.escape(ALTERNATIVE), pair):
        found |= {innermost(pair[: match.start()]), innermost(pair[match.end() :])}
    return found - {NO_SECTION, None}


def _label_unsure(document: Document) -> Document:
    """Passages from the first paragraph that may open a chapter up to its heading (the page's
    start unknown: ``loaders/pages.py``) are labelled with the section they follow and the
    chapter: ``unsure_label``."""
    passages = list(document.passages)
    for unsure in document.cleanup.unsure_chapters:
        section = next((s for s in document.sections if s.heading == unsure["heading"]), None)
        words = BULLET.sub("", unsure["from"], count=1).split()[:UNSURE_KEY_WORDS]
        if section is None or not words:
            continue
        pattern = r"\s+".join(map(re.escape, words))
        found = list(re.finditer(pattern, document.text[: section.start]))
        if not found:
            continue
        at = found[-1].start()  # the last such text before the heading
        ends = [s.start for s in document.sections if s.start > section.start]
        own = [p.section for p in passages
               if section.start < p.start < min(ends, default=len(document.text))]
        after = own[0] if own and own[0] else section.heading  # its path, where labels are paths
        for k, passage in enumerate(passages):
            if at <= passage.start and passage.end <= section.start:
                passages[k] = dataclasses.replace(
                    passage, section=unsure_label(passage.section, after))
    return dataclasses.replace(document, passages=passages)


def innermost(label: str | None) -> str | None:
    """The heading of the section a passage's label names (the last heading of its path)."""
    return label.rsplit(LABEL_SEPARATOR, 1)[-1] if label else label
