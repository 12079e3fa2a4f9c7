"""Pages a text extraction leaves behind: which page each numbered footer closes, the page the
table of contents gives each chapter, and a chapter heading that the extractor put after the
text of its own first page.

An extractor that reads a page's body before the heading set above it (NSS 2002: "[the page's
text] National Security Strategy 1 i. Overview of America's International Strategy [epigraph]
[the next page]") leaves the heading after the page it opens. The heading goes back to the
start of that page when the text says where the page starts: the footer right before the
heading carries the page the contents give the chapter, and the page break before the page's
text is known to close the page before it (that page's numbered footer, or the contents before
the first page of the body). Where the page before has no footer the page's start is unknown
and nothing is moved: the paragraphs from the last known page start up to the heading belong to
the chapter before or to this one, and which is not known (``displaced_chapters``, unsure).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..segment import ENUMERATOR, _numbers, is_heading_like
from .layout import epigraph_end

FRONT_MATTER = 0  # page "number" of a footer numbered in roman (vii): before the body's page 1
KEY_WORDS = 6  # words that identify a paragraph by its opening
MAX_TITLE_WORDS = 25  # a contents entry's title, at most

_ENTRY = re.compile(  # "ii. Champion Aspirations for Human Dignity ........ 3"
    r"(?:^|\s)((?:[IVXLC]{1,6}|[ivxlc]{1,6}|[A-Z]|\d{1,3})[.)])\s+(\S.*?)\s*(?:\.\s?){3,}\s*"
    r"(\d{1,3})\b"
)
_WORD = re.compile(r"[a-z]+")


def opening(text: str) -> str:
    """A paragraph's first words, spacing normalised: how a page's first paragraph is found."""
    return " ".join(text.split()[:KEY_WORDS])


def _follows(text: str, starts: dict[str, int]) -> int | None:
    """The page whose footer the paragraph ``text`` follows (its opening begins with the text
    found after that footer), else None."""
    head = " ".join(text.split()[: KEY_WORDS + 2])
    return next((page for key, page in starts.items() if head.startswith(key)), None)


def _title(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(ENUMERATOR.sub("", text.strip(), count=1).lower())[:3])


def contents_pages(toc_lines: Sequence[str]) -> dict[tuple, int]:
    """(number, first title words) -> page, for each numbered entry of the table of contents
    ("ii. Champion Aspirations for Human Dignity ..... 3")."""
    pages: dict[tuple, int] = {}
    for line in [" ".join(toc_lines)]:  # an entry may run on to the next line
        for match in _ENTRY.finditer(line):
            title = _title(match.group(2))
            for number in _numbers(f"{match.group(1)} x"):
                pages.setdefault((number, title), int(match.group(3)))
    return pages


def page_of(heading: str, contents: dict[tuple, int]) -> int | None:
    """The contents' page for a numbered heading, by its number and first title words."""
    title = _title(heading)
    return next((contents[(n, title)] for n in _numbers(heading) if (n, title) in contents), None)


def footer_page(footer: str) -> int | None:
    """The page number of a footer ("National Security Strategy 12", "12 National ..."), or
    ``FRONT_MATTER`` for a roman one ("... vii")."""
    words = footer.split()
    for word in (words[-1], words[0]):
        if word.isdigit():
            return int(word)
    return FRONT_MATTER if re.fullmatch(r"[ivxlc]+", words[-1]) else None


def page_starts(lines: Sequence[str], cuts: Sequence[Sequence[re.Match]]) -> dict[str, int]:
    """The opening of the text after each footer (the rest of its line, else the next line
    with text) -> the footer's page number: the page that paragraph follows."""
    starts: dict[str, int] = {}
    for i, matches in enumerate(cuts):
        for k, match in enumerate(matches):
            page = footer_page(match.group())
            end = matches[k + 1].start() if k + 1 < len(matches) else len(lines[i])
            rest = lines[i][match.end() : end].strip()
            if not rest:
                rest = next((line.strip() for line in lines[i + 1 :] if line.strip()
                             and line.strip() != "\f"), "")
            if page is not None and rest:
                starts.setdefault(opening(rest), page)
    return starts


def _title_like(text: str) -> bool:
    """A heading, or a short line without a closing stop that may be one ("iv. Work with others
    to Defuse Regional Conflicts": too many small words for ``is_heading_like``); the contents
    must list it too."""
    return is_heading_like(text) or (
        len(text.split()) <= MAX_TITLE_WORDS and text.rstrip()[-1:] not in ".;:,")


def _chapter_pages(
    texts: Sequence[str], breaks: Sequence[bool], contents: dict[tuple, int],
    starts: dict[str, int],
) -> list[tuple[int, int, int]]:
    """(heading index, its page, index of the paragraph after the last page break before it)
    for each numbered heading that follows the footer of the page the contents give it."""
    found = []
    for h, text in enumerate(texts):
        if not (breaks[h] and ENUMERATOR.match(text) and _title_like(text)):
            continue
        page = page_of(text, contents)
        if page is None or _follows(text, starts) != page:
            continue
        start = next((j for j in range(h - 1, -1, -1) if breaks[j]), None)
        if start is not None:
            found.append((h, page, start))
    return found


def displaced_chapters(
    texts: Sequence[str],
    breaks: Sequence[bool],
    contents: dict[tuple, int],
    starts: dict[str, int],
    after_contents: str | None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The numbered headings that follow the footer of the page the contents give them, in two
    lists. Known: (heading index, index of its page's first paragraph), after a page whose
    start is known. Unsure: (heading index, index of the first paragraph whose chapter is
    unknown), where the start of the page is unknown (the page before has no footer): the
    paragraphs from the last page break before the heading (after any heading there and its
    epigraph, and after the paragraph that opens the page after a footer, which is known to
    come before the chapter's page) up to the heading end the chapter before or open this one.
    ``breaks[i]``: a page break came before paragraph i; ``after_contents``: the opening of the
    first paragraph after the table of contents."""
    first_page = min(contents.values(), default=None)
    known, unsure = [], []
    for h, page, start in _chapter_pages(texts, breaks, contents, starts):
        if _known(texts[start], page, starts, first_page, after_contents):
            if not any(is_heading_like(t) for t in texts[start:h]):
                known.append((h, start))
            continue
        before = _follows(texts[start], starts)  # the page whose footer the break is
        for j in range(start, h):  # text after a heading in the way (and its epigraph)
            if is_heading_like(texts[j]):
                start = max(start, epigraph_end(texts, j + 1) or j + 1)
        if before is not None and before + 1 < page:
            start += 1  # the paragraph opening the page after that footer is the chapter before's
        if start < h:
            unsure.append((h, start))
    return known, unsure


def _known(text: str, page: int, starts: dict[str, int], first_page: int | None,
           after_contents: str | None) -> bool:
    """Does the paragraph ``text``, after a page break, open the page ``page``?"""
    return _follows(text, starts) == page - 1 or (
        page == first_page and after_contents is not None
        and _follows(text, {opening(after_contents): page}) is not None
    )
