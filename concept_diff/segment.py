"""Segmentation: clean paragraphs -> headings and passages (with the document's own labels).

A paragraph becomes a heading when it looks like one: a markdown ``#`` line, a numbered
chapter ("II. Strategic Approach", "C. The Way Ahead", "1. Explaining the Goal"), or a short
title-case / all-caps line without final punctuation and without a bullet in front. A numbered
line that does not look like one is a heading when the numbers beside it in its series are
headings ("B. Successes and Challenges since 2002" between "A. ..." and "C. ...") and it is one
short sentence with text of its own below it. A paragraph that opens with its number
("12. The Alliance ...") is a numbered paragraph: the number becomes its label and is cut from
its text, so it never stands as a sentence of its own. Long unnumbered blocks stay whole.
Sentences and offsets are computed later, in ``build.build_document``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import Block

ENUMERATOR = re.compile(r"^(?:[IVXLC]{1,6}|[ivxlc]{1,6}|[A-Z]|\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
BULLET = re.compile(r"^(?:[*•·▪◦‣–-]|[o0](?=\s+[A-Z]))\s+")
_ROMAN = re.compile(r"^([IVXLC]{1,6}|[ivxlc]{1,6})[.)]\s")
_LETTER = re.compile(r"^[A-Z][.)]\s")
_ARABIC = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?\s")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED_PARA = re.compile(r"^(\d{1,3})(?:\.(?!\d)|\))?\s+(?=[\"“‘'(A-Z])")
_FINAL_PUNCT = re.compile(r"[.,;!?][\"'”’)\]]*$")
_WORD = re.compile(r"[A-Za-z][\w’'\-]*")
_CLOSING_QUOTE = re.compile(r"[\"”][)\]]*$")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH_DATE = re.compile(
    r"\b(" + "|".join(MONTHS) + r")\s+(?:(\d{1,2}),?\s+)?((?:19|20)\d\d)\b", re.IGNORECASE
)
_FILE_DATE = re.compile(r"^((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?(?:[-_ ]+(.*))?$")


@dataclass(frozen=True)
class Unit:
    """A paragraph on its way to a Block; ``kind`` "auto" lets the segmenter decide."""

    text: str
    kind: str = "auto"  # "auto", "heading" or "passage"
    level: int | None = None


def is_heading_like(text: str) -> bool:
    """Short, no final punctuation, no bullet, and title-case or all caps (numbering allowed)."""
    text = text.strip()
    if not text or len(text) > 150 or _FINAL_PUNCT.search(text) or text.endswith(":"):
        return False
    if _MARKDOWN.match(text):
        return True
    if BULLET.match(text):
        return False  # an item of a list ("0 Promoting the efforts of the new Director ...")
    body = ENUMERATOR.sub("", text, count=1)
    words = _WORD.findall(body)
    if not words or len(words) > 18 or not (body[0].isupper() or body[0].isdigit()):
        return False
    if not any(len(w) >= 4 or w.isupper() for w in words):
        return len(words) <= 3
    return title_case_ratio(body) >= 0.75


def title_case_ratio(text: str) -> float:
    """Share of the significant words (4+ letters, or all caps) that start with a capital."""
    significant = [w for w in _WORD.findall(text) if len(w) >= 4 or w.isupper()]
    if not significant:
        return 0.0
    return sum(w[0].isupper() for w in significant) / len(significant)


def heading_level(text: str) -> int:
    """1 for parts/chapters (roman numerals, all caps), 2 for lettered or plain, 3+ for 1.2."""
    markdown = _MARKDOWN.match(text)
    if markdown:
        return len(markdown.group(1))
    if _ROMAN.match(text) and not (_LETTER.match(text) and text[0] not in "IVX"):
        return 1
    if _LETTER.match(text):
        return 2
    arabic = _ARABIC.match(text)
    if arabic and ENUMERATOR.match(text):
        return 2 + arabic.group(1).count(".") + 1
    letters = [c for c in text if c.isalpha()]
    return 1 if letters and all(c.isupper() for c in letters) else 2


def split_label(text: str, *, bare_numbers: bool = False) -> tuple[str | None, str]:
    """"12. The Alliance ..." -> ("12", "The Alliance ..."); bare "12 The" only when asked."""
    match = _NUMBERED_PARA.match(text)
    if not match:
        return None, text
    has_mark = text[len(match.group(1))] in ".)"
    if not has_mark and not bare_numbers:
        return None, text
    return match.group(1), text[match.end() :].lstrip()


def _uses_bare_numbers(texts: Sequence[str]) -> bool:
    """Does the document number its paragraphs "1 ", "2 ", ... without a dot? (rising run of 3+)"""
    numbers = [
        int(m.group(1)) for t in texts if (m := re.match(r"^(\d{1,3})\s+[A-Z]", t)) and len(t) > 80
    ]
    rising = sum(b == a + 1 for a, b in itertools.pairwise(numbers))
    return rising >= 3 and rising >= 0.6 * (len(numbers) - 1)


def _is_attribution(text: str, previous: Block | None) -> bool:
    """A short place/date line right after a quotation ("President Bush West Point, New York
    June 1, 2002") belongs to the quote; a title without place or date is a heading."""
    from .loaders.layout import attribution  # loaders import this module

    return (
        previous is not None
        and previous.kind == "passage"
        and bool(_CLOSING_QUOTE.search(previous.text))
        and len(text.split()) <= 12
        and attribution(text)
    )


def _strip_markup(text: str) -> tuple[str, int | None]:
    markdown = _MARKDOWN.match(text)
    if markdown:
        return markdown.group(2), len(markdown.group(1))
    return BULLET.sub("", text, count=1), None


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_SENTENCE_INSIDE = re.compile(r"[.!?][\"'”’)]*\s+[\"“(]?[A-Z]")


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral.lower()]
    return sum(-v if v < w else v for v, w in itertools.zip_longest(values, values[1:], fillvalue=0))


def _numbers(text: str) -> set[tuple[str, int]]:
    """The place of a numbered unit in its series: ("arabic", 2) for "2.", ("letter", 2) for
    "B.", ("roman", 4) for "IV." (a lone I, V, X, L or C may be a letter or a numeral)."""
    match = ENUMERATOR.match(text)
    if not match:
        return set()
    mark = match.group().strip()[:-1]
    if mark.isdigit():
        return {("arabic", int(mark))}
    found = set()
    if len(mark) == 1 and mark.isalpha():
        found.add(("letter" if mark.isupper() else "small", ord(mark.lower()) - 96))
    if _ROMAN_NUMERAL.match(mark.upper()):
        found.add(("roman" if mark.isupper() else "small roman", _roman_value(mark)))
    return found


def _sibling_headings(texts: Sequence[str], heading: Sequence[bool]) -> set[int]:
    """Numbered units that are headings because the numbers beside them in their series are:
    "B. Successes and Challenges since 2002" between the headings "A. ..." and "C. ...",
    "1. Opening markets and integrating developing countries." before the heading "3. ...".
    Each is one short sentence with text of its own below it (not the next item of a list),
    within ``SIBLING_REACH`` units of a heading (or of a unit found so) numbered one off it."""
    numbers = [_numbers(t) for t in texts]
    candidates = {
        i for i, text in enumerate(texts[:-1])
        if numbers[i] and not heading[i] and _short_title(text)
        and not numbers[i + 1] & {(s, v + 1) for s, v in numbers[i]}  # next item: a list
    }
    where: dict[tuple[str, int], list[int]] = {}
    for i, found in enumerate(numbers):
        for number in found:
            where.setdefault(number, []).append(i)
    promoted: set[int] = set()
    queue = [i for i, found in enumerate(numbers) if found and heading[i]]
    while queue:
        i = queue.pop()
        for style, value in numbers[i]:
            for j in where.get((style, value - 1), []) + where.get((style, value + 1), []):
                if j in candidates and j not in promoted and abs(j - i) <= SIBLING_REACH:
                    promoted.add(j)
                    queue.append(j)
    return promoted


SIBLING_REACH = 80  # units: a chapter's sub-headings lie within this of each other


def _short_title(text: str) -> bool:
    body = ENUMERATOR.sub("", text.strip(), count=1)
    return (
        len(_WORD.findall(body)) <= 18
        and not _SENTENCE_INSIDE.search(body)
        and not re.search(r"[,;:]$", body)
        and body[:1].isupper()
    )


def segment_units(units: Iterable[Unit]) -> list[Block]:
    """Classify units into heading and passage Blocks; numbered paragraphs get labels."""
    units = [u for u in units if u.text.strip()]
    bare = _uses_bare_numbers([u.text for u in units])
    raws = [u.text.strip() for u in units]
    looks = [
        u.kind == "heading"
        or (u.kind == "auto" and (_MARKDOWN.match(raw) is not None or is_heading_like(raw)))
        for u, raw in zip(units, raws)
    ]
    siblings = _sibling_headings(raws, looks)
    blocks: list[Block] = []
    for k, unit in enumerate(units):
        raw = raws[k]
        text, md_level = _strip_markup(raw)
        heading = unit.kind != "passage" and (looks[k] or k in siblings)
        previous = blocks[-1] if blocks else None
        if heading and unit.kind == "auto" and md_level is None and _is_attribution(raw, previous):
            blocks[-1] = Block("passage", f"{previous.text} {text}", label=previous.label)
            continue
        if heading:
            level = unit.level or md_level or heading_level(text)
            blocks.append(Block("heading", text, level=level))
            continue
        label, body = split_label(text, bare_numbers=bare)
        blocks.append(Block("passage", body, label=label))
    return blocks


# --- cover, title and date ---------------------------------------------------------------

_LOWER = re.compile(r"[a-z]")


def _has_english_word(text: str) -> bool:
    from .loaders.words import english_words  # loaders import this module

    return any(len(w) >= 3 and w.lower() in english_words() for w in re.findall("[A-Za-z]+", text))


def _cover_block(block: Block, first_level: int | None) -> bool:
    if block.kind == "passage":  # cover debris: a scrap of capitals or of no word ("NA’.")
        return len(block.text.split()) <= 3 and not (
            _LOWER.search(block.text) and _has_english_word(block.text)
        )
    if ENUMERATOR.match(block.text):
        return False  # "I. Introduction": the body has begun
    if len(block.text.split()) <= 3 and not _has_english_word(block.text):
        return True  # "Wsxasri‘": a scrap, whatever level it was given
    return first_level is None or block.level <= first_level


def mark_cover(blocks: Sequence[Block], *, trust_headings: bool = False) -> list[Block]:
    """The title page kept out of the sections: its blocks become ``cover`` blocks.

    The cover is what comes before the first passage of prose, a numbered heading or a
    sub-heading of the first heading: title lines, dates, a letterhead ("THE WHITE HOUSE"),
    scraps of capitals or of no English word (a signature read as "x Wsxasri"). A lone
    one-word heading ("Introduction") is a section, not a cover; so is the last of several
    headings when it has small letters and no date ("Core Tasks" under "Strategic Concept"). ``trust_headings``: headings
    came from markup (HTML, Word styles), so the title is the first and the rest are sections.
    Later headings that are only a dateline become ``dateline`` blocks, in no section either.
    """
    end, first_level = 0, None
    while end < len(blocks) and _cover_block(blocks[end], first_level):
        if trust_headings and first_level is not None:
            break
        if blocks[end].kind == "heading" and first_level is None:
            first_level = blocks[end].level
        end += 1
    headings = [i for i in range(end) if blocks[i].kind == "heading"]
    last = blocks[end - 1].text if end else ""
    if len(headings) >= 2 and headings[-1] == end - 1 and _LOWER.search(last):
        end -= 0 if _MONTH_DATE.search(last) else 1  # "Core Tasks" then prose: the body
    if end == len(blocks) or first_level is None:
        end = 0  # no heading in it, or nothing after it: no cover to set aside
    elif sum(len(_WORD.findall(b.text)) for b in blocks[:end] if b.kind == "heading") < 2:
        end = 0
    body = [Block("dateline", b.text) if _is_dateline(b) else b for b in blocks[end:]]
    return [Block("cover", b.text) for b in blocks[:end]] + body


def _is_dateline(block: Block) -> bool:
    """A heading that is a date, or a date with a few words in capitals ("September 14, 2001",
    "THE WHITE HOUSE, September 17, 2002"): a letter's or a quotation's dateline, no section."""
    if block.kind != "heading" or not _MONTH_DATE.search(block.text):
        return False
    rest = _MONTH_DATE.sub(" ", block.text)
    return not _LOWER.search(rest) and len(_WORD.findall(rest)) <= 4


MINOR_WORDS = frozenset(  # English words a title writes in small letters
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
     "or", "the", "to", "with"]
)
_ROMAN_NUMERAL = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z’'.]*")


def title_case(title: str, prose: str) -> str:
    """A title in capitals as the document's prose writes its words ("NATIONAL SECURITY
    STRATEGY" -> "National Security Strategy"); acronyms the prose keeps in capitals (NATO),
    dotted ones (U.S.) and roman numerals stay. A title with small letters is left alone."""
    if _LOWER.search(title) or not re.search(r"[A-Z]{2}", title):
        return title
    capitals = Counter(w for w in _TITLE_WORD.findall(prose) if len(w) > 1 and w.isupper())
    others = Counter(w.upper() for w in _TITLE_WORD.findall(prose) if not w.isupper())
    position = 0

    def recase(match: re.Match) -> str:
        nonlocal position
        word = match.group()
        position += 1
        if "." in word.rstrip(".") or _ROMAN_NUMERAL.match(word):
            return word  # U.S., II
        if capitals[word] > others[word] or (not others[word] and not re.search("[AEIOUY]", word)):
            return word  # NATO in the prose, or no vowel to say it by (NSC)
        lower = word.lower()
        if position > 1 and lower in MINOR_WORDS:
            return lower
        return lower[:1].upper() + lower[1:]

    return _TITLE_WORD.sub(recase, title)


def _date_span(text: str) -> re.Match | None:
    return _MONTH_DATE.search(text)


def _good_title(text: str, vocab: dict[str, int]) -> bool:
    """Not OCR debris: no letters glued to digits ("SECURI7"), few stray letter pairs."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    if len(words) < 2 or len(text) > 160 or re.search(r"[A-Za-z]\d|\d[A-Za-z]", text):
        return False
    stray = sum(len(w) <= 2 and vocab.get(w, 0) < 2 for w in words)  # "NA", "TY"
    return stray <= len(words) / 3


def title_from_blocks(
    blocks: Sequence[Block], vocab: dict[str, int], *, trust_headings: bool = False
) -> str | None:
    """The cover's title: the first heading lines before any passage, dates cut off.

    ``trust_headings``: headings came from markup (HTML, Word styles), so the first is the title.
    """
    if trust_headings:
        return next((b.text for b in blocks if b.kind == "heading"), None)
    cover: list[str] = []
    cover_level = 0
    for block in blocks[:8]:
        if block.kind != "heading" or (cover and ENUMERATOR.match(block.text)):
            break  # a passage or a numbered chapter: the cover has ended
        if cover and block.level > cover_level:
            break  # a sub-heading under the title ("# Title" then "## Part"): not the title
        cover_level = block.level if not cover else cover_level
        text = _MONTH_DATE.sub(" ", block.text)
        text = re.sub(r"\s+", " ", text).strip(" ,;-")
        if not text:
            if cover:
                break
            continue
        cover.append(text)
        if len(cover) >= 3 or _MONTH_DATE.search(block.text):
            break
    title = " ".join(cover)
    return title if _good_title(title, vocab) else None


def title_from_path(path: str | Path) -> str:
    stem = Path(str(path)).stem
    match = _FILE_DATE.match(stem)
    slug = match.group(4) if match and match.group(4) else stem
    return re.sub(r"[-_]+", " ", slug).strip().title() or stem


def date_from_path(path: str | Path) -> str | None:
    """ISO date from a name like ``2015-02-06-national-security-strategy.txt``."""
    match = _FILE_DATE.match(Path(str(path)).stem)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    if month and not 1 <= int(month) <= 12:
        return year
    if day and not 1 <= int(day) <= 31:
        day = None
    return "-".join(p for p in (year, month, day) if p)


def date_from_text(text: str, *, within: int = 3000) -> str | None:
    """The cover date: the first "Month [D,] YYYY" near the start of the text."""
    match = _MONTH_DATE.search(text[:within])
    if not match:
        return None
    month = MONTHS.index(match.group(1).lower()) + 1
    day = f"-{int(match.group(2)):02d}" if match.group(2) else ""
    return f"{match.group(3)}-{month:02d}{day}"
