"""Heading-like list items: passages that repeat one of their document's own headings.

A table of contents, or an overview that lists the chapters ("...our strategy: champion
aspirations for human dignity; strengthen alliances to defeat global terrorism ...; ignite a
new era of global economic growth ..."), prints each chapter's title as a list item. Such an
item names a topic, it says nothing about it, yet its words are the chapter's own key words,
so the pair model reads it as the same content as any paragraph of that topic: NSS 2006 p309
("Five principles undergird our strategy for relations with the main centers of global
power") came out "the same content as" 2002 p33, the overview's "develop agendas for
cooperative action with other main centers of global power; and" (P(same) 0.97).

``heading_like`` finds them: a passage whose words (lower case, a leading enumerator such as
"VI." dropped from both) match one of the document's headings at a difflib ratio of at least
``MIN_RATIO``. On the four NSS editions (2002, 2006, 2010, 2015) the overview items of 2002
and 2006 score 0.91-1.00 (17 items, an OCR slip "Securitv" and a dropped "the" included); the
next passages score 0.80 ("Climate change;", a list item of risks, beside 2015's heading
"Confront Climate Change") and 0.74: the bar sits in that gap. Such an item is no evidence of
the same content or topic: the aligner neither points to one from an added or removed passage
nor from one (related.py; two items of two lists of chapters name different chapters as often
as the same, 2006's "Engage the opportunities ... of globalization" came out possibly the
same content as 2002's "transform America's national security institutions ..."), nor joins
one to another passage's entry (merges.py). The chain may still link two such items, as it
links any two passages that say the same (2002 p27 and 2006 p24, "champion aspirations for
human dignity;", unchanged).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..model import Document
from .features import PairEvidence

MIN_RATIO = 0.85
ENUMERATOR = re.compile(r"^\s*(?:[ivxlcdm]+|[a-z]|\d+)[.)]\s+", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lower-case words of a heading or passage, without a leading enumerator."""
    return WORD.findall(ENUMERATOR.sub("", text, count=1).lower())


def heading_like(document: Document) -> frozenset[int]:
    """Indices of the passages (``document.passages`` order) that repeat one of the document's
    headings (module doc)."""
    headings = [h for h in {tuple(words(s.heading)) for s in document.sections} if h]
    found = set()
    for index, passage in enumerate(document.passages):
        mine = words(passage.text)
        if not mine or len(mine) > 2 * max(map(len, headings), default=0):
            continue  # quick: far longer than any heading
        for heading in headings:
            matcher = SequenceMatcher(None, mine, list(heading), autojunk=False)
            if matcher.real_quick_ratio() >= MIN_RATIO and matcher.ratio() >= MIN_RATIO:
                found.add(index)
                break
    return frozenset(found)


def neither_heading_like(evidence: PairEvidence, old: int, new: int) -> bool:
    """Can the pair be evidence of the same content or topic: neither passage heading-like."""
    old_like, new_like = evidence.heading_like
    return old not in old_like and new not in new_like
