"""Page layout a text extraction leaves in the reading order: epigraphs (a quotation, then its
speaker and place/date lines) and chapter headings set beside the text, which the extractor
puts after the page's text, sometimes in the middle of a sentence.

Predicates over paragraph texts; ``clean.py`` decides what to join and move with them, and
``attribution_marks`` tells which sentences of a built passage are such attribution lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..segment import BULLET, ENUMERATOR, MONTHS, is_heading_like

QUOTE_REACH = 8  # paragraphs a quotation may run over before it closes (an epigraph's lines)
ATTRIBUTION_WORDS = 16  # an attribution line ("President Bush" / a place and a date) is short

_OPENS = re.compile(r"^[\"“]")
_CLOSES = re.compile(r"[\"”][)\]]*$")
_DASHED = re.compile(r"^[—–-]{1,2}\s?[A-Z]")  # "—President Barack Obama, ..."
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$")
_DATE = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b.*\b(?:1[89]|20)\d\d\b", re.IGNORECASE)


def open_quotation(text: str) -> bool:
    """Does the paragraph open a quotation it does not close ("Our Nation's cause ...)?"""
    return bool(_OPENS.match(text)) and _unbalanced(text, "“", "”")


def closes_quotation(text: str) -> bool:
    """Does the paragraph close a quotation opened before it ("... on every continent.")?"""
    return bool(_CLOSES.search(text)) and _unbalanced(text, "”", "“")


def _unbalanced(text: str, mark: str, other: str) -> bool:
    """More curly ``mark`` than ``other`` marks, or with straight quotes an odd number."""
    if mark in text or other in text:
        return text.count(mark) > text.count(other)
    return text.count('"') % 2 == 1


def quotation(text: str) -> bool:
    """A paragraph that is a whole quotation: it opens with a quote mark and closes with one."""
    return bool(_OPENS.match(text) and _CLOSES.search(text))


def quotation_end(texts: Sequence[str], start: int) -> int | None:
    """Index of the paragraph that closes the quotation ``texts[start]`` opens, when it is near
    and no heading or list item stands between (an epigraph set one line a paragraph)."""
    if not open_quotation(texts[start]):
        return None
    for k in range(start + 1, min(len(texts), start + QUOTE_REACH + 1)):
        text = texts[k]
        if BULLET.match(text) or is_heading_like(text) or _OPENS.match(text):
            return None
        if closes_quotation(text):
            return k
    return None


def attribution(text: str, following: str = "") -> bool:
    """A speaker or place/date line under a quotation, short: a line led by a dash
    ("—President Barack Obama, ..."), a title-case line with a place or date ("President Bush
    West Point, New York June 1, 2002"), a line holding a date ("Monterrey, Mexico march 22,
    2002"), or a short name ("President Bush") when a place or date line follows it. A
    numbered line or a title without place or date ("Strengthen Our Alliances") is a heading."""
    if len(text.split()) > ATTRIBUTION_WORDS or BULLET.match(text) or ENUMERATOR.match(text):
        return False
    if _DASHED.match(text):
        return True
    if re.search(r"[.!?;:]$", text) and not _ABBREVIATION_END.search(text):
        return False  # a sentence, unless its stop is an abbreviation's ("Washington, D.C.")
    if _DATE.search(text) and text[:1].isupper():
        return True
    if not is_heading_like(text):
        return False
    if "," in text:
        return True
    return len(text.split()) <= NAME_WORDS and _place_or_date(following)


NAME_WORDS = 4  # a speaker's name and title ("President Bush")


def _place_or_date(text: str) -> bool:
    return bool(text) and attribution(text) and ("," in text or bool(_DATE.search(text)))


def _next(texts: Sequence[str], k: int) -> str:
    return texts[k + 1] if k + 1 < len(texts) else ""


def epigraph_end(texts: Sequence[str], start: int) -> int | None:
    """One past the last paragraph of an epigraph starting at ``start``: a whole quotation, then
    at least one attribution line; None when ``texts[start]`` opens none."""
    if start >= len(texts) or not quotation(texts[start]):
        return None
    k = start + 1
    while k < len(texts) and k - start <= 3 and attribution(texts[k], _next(texts, k)):
        k += 1
    return k if k > start + 1 else None


def attribution_marks(sentences: Sequence[str], before: str = "") -> list[bool]:
    """Which sentences of a passage are a quotation's attribution (its speaker, place and date,
    kept as the epigraph's last sentence): one that ``attribution`` accepts, right after a
    sentence that closes a quotation or after another so marked. ``before`` is the last
    sentence of the passage just before (no heading between), for an attribution set as a
    passage of its own (an HTML paragraph under a blockquote)."""
    marks: list[bool] = []
    previous = before
    for k, text in enumerate(sentences):
        after_quote = bool(marks and marks[-1]) or bool(_CLOSES.search(previous))
        marks.append(after_quote and attribution(text, _next(sentences, k)))
        previous = text
    return marks
