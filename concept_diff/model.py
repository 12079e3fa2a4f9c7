"""The document model: one Document, views into its cleaned text by offset.

A ``Document`` keeps the cleaned text of a source file. A ``Passage`` is a span of that
text (``start``/``end`` are offsets into ``Document.text``) with a stable id (``p1``, ``p2``,
... in reading order), the document's own label where it has one (``"12"`` for a numbered
paragraph) and the heading of the section it sits in. A ``Sentence`` is a span inside its
passage (offsets relative to ``Passage.text``). Every quote a report prints is cut from
these spans, so each one can be traced back to its passage. A sentence that is a quotation's
attribution is marked (``Sentence.kind``), so word and actor counts can leave it out.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of letters/digits, inner apostrophes and hyphens kept."""
    return len(_WORD.findall(text))


ATTRIBUTION = "attribution"  # Sentence.kind of a quotation's speaker/place/date line


@dataclass(frozen=True)
class Sentence:
    start: int  # offset inside Passage.text
    end: int
    text: str
    # "text", or ATTRIBUTION: the speaker and place/date under a quotation ("President Bush
    # West Point, New York June 1, 2002"), marked by the loader (layout.attribution_marks).
    # It stays in the passage, is aligned and redlined, but no analysis counts its words.
    kind: str = "text"


@dataclass(frozen=True)
class Section:
    heading: str
    level: int  # 1 = top-level part/chapter, 2 = sub-heading, ...
    start: int  # offset of the heading in Document.text


@dataclass(frozen=True)
class Passage:
    id: str  # "p1", "p2", ... in reading order
    label: str | None  # the document's own label, e.g. "12" for paragraph 12.
    # heading of the innermost section the passage sits in (its path, where names repeat); two
    # of them where a chapter boundary is unknown: "v. … or vi. … (chapter boundary uncertain)"
    section: str | None
    start: int  # offsets into Document.text
    end: int
    text: str
    sentences: tuple[Sentence, ...] = ()

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass
class CleanupReport:
    """What clean-up removed or repaired, so `inspect` can show it and tests can check it."""

    headers_footers: list[str] = field(default_factory=list)  # distinct running lines dropped
    header_footer_lines: int = 0  # how many lines they accounted for
    page_numbers: int = 0
    toc_lines: list[str] = field(default_factory=list)
    hyphen_joins: int = 0
    ligatures: int = 0
    letterspaced: int = 0
    rejoined_lines: int = 0
    ocr_repairs: int = 0  # "|" read for "l", sentences glued together ("end.Next")
    header_footer_counts: dict[str, int] = field(default_factory=dict)  # running line -> times
    # every repair that changed a word (by kind, each kind in reading order): {"kind", "before",
    # "after"}, kind one of "letterspacing" (pieces closed up), "hyphen" (a line-break hyphen
    # dropped), "pipe" ("|" read as "l"); ligatures are only counted. Kind "moved" changes no
    # word: a heading and epigraph set beside the text, which cut a sentence or list, put
    # before it ("before": the heading, "after": the paragraph it now precedes)
    repairs: list[dict[str, str]] = field(default_factory=list)
    cover: list[str] = field(default_factory=list)  # title-page lines kept out of the sections
    # chapter headings the extraction put after (some of) the text of the page they open, where
    # that page's start is unknown: {"heading", "from": the first paragraph that may be the
    # chapter's or the one before's}; passages from there up to the heading name both sections
    unsure_chapters: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Document:
    title: str
    date: str | None  # ISO: "2015", "2015-02" or "2015-02-06"
    source: str  # path or URL it was loaded from
    sha256: str  # of the source bytes
    text: str  # cleaned text; passages are spans of it
    format: str  # "txt", "md", "html", "pdf", "docx"
    passages: list[Passage] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    cleanup: CleanupReport = field(default_factory=CleanupReport)

    @property
    def words(self) -> int:
        return sum(p.words for p in self.passages)

    @property
    def sentence_count(self) -> int:
        return sum(len(p.sentences) for p in self.passages)

    def passage(self, passage_id: str) -> Passage:
        return self._index()[passage_id]

    def _index(self) -> dict[str, Passage]:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.passages):
            index = {p.id: p for p in self.passages}
            self.__dict__["_by_id"] = index
        return index

    @property
    def version(self) -> str:
        """Short name for the version in reports: its date, else its title."""
        return self.date or self.title
