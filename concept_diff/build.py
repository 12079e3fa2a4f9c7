"""Assemble a Document from segmented blocks: the one place where offsets are computed.

Loaders and the segmenter produce a flat list of ``Block`` (headings and passages, in reading
order). ``build_document`` joins them into the document's canonical cleaned text, blocks
separated by a blank line, so every passage and sentence is an exact span of ``Document.text``.
Tests and synthetic documents use the same path (``document_from_passages``). Sentences that
are a quotation's attribution are marked here (``loaders.layout.attribution_marks``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import ATTRIBUTION, CleanupReport, Document, Passage, Section, Sentence


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "passage", or "cover"/"dateline" (text in no section or passage)
    text: str
    level: int = 1  # headings only
    label: str | None = None  # passages only: the document's own number, e.g. "12"


_TRAILING_SPACE = re.compile(r"\s*")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd
    from pysbd.utils import TextSpan

    class Segmenter(pysbd.Segmenter):
        """pysbd with its span search done by ``str.find``, same result.

        pysbd compiles one regex per sentence (``escape(sentence) + \\s*``) to find its span;
        that thrashes ``re``'s 512-entry cache and was over half the load time of a long
        document. A literal search with pysbd's rule (the first non-overlapping occurrence
        ending after the previous sentence) gives the same spans.
        """

        def sentences_with_char_spans(self, sentences: list[str]) -> list:
            if not all(sentences):  # an empty match has its own regex semantics: leave to pysbd
                return super().sentences_with_char_spans(sentences)
            text, spans, prior_end = self.original_text, [], 0
            for sentence in sentences:
                start = text.find(sentence)
                while start != -1:
                    end = _TRAILING_SPACE.match(text, start + len(sentence)).end()
                    if end > prior_end:
                        spans.append(TextSpan(text[start:end], start, end))
                        prior_end = end
                        break
                    start = text.find(sentence, end)
            return spans

    return Segmenter(language="en", clean=False, char_span=True)


_SPACE = re.compile(r"\s")
# A passage pysbd can only return whole: letters, digits, spaces and inert punctuation, with at
# most one sentence-final mark at the very end. Quotes, brackets, inner periods and pysbd's own
# placeholder symbols are left out because pysbd splits (or drops text) around them. Checked
# against pysbd on the NSS texts and on generated strings (tests/test_load_cache.py).
_ONE_SENTENCE = re.compile(
    r"(?:[A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f \t,;:\-\u2013\u2014%$&/]"
    r"|(?<=[A-Za-z])['\u2019](?=[A-Za-z]))*[.!?]?"
)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of a passage as spans of ``text`` (pysbd), trimmed of surrounding whitespace."""
    if not text.strip():
        return ()
    if _ONE_SENTENCE.fullmatch(text):
        start, end = len(text) - len(text.lstrip()), len(text.rstrip())
        return (Sentence(start, end, text[start:end]),)
    return tuple(
        Sentence(start, end, text[start:end])
        for span in _spans(text)
        for start, end in _quoted_sentences(text, *span)
    )


def _spans(text: str) -> list[tuple[int, int]]:
    """pysbd's sentence spans of ``text``, trimmed of whitespace."""
    spans = []
    for span in _segmenter().segment(text):
        start, end = span.start, span.end
        while start < end and _SPACE.match(text[start]):
            start += 1
        while end > start and _SPACE.match(text[end - 1]):
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


_CLOSE = {'"': '"', "\u201c": "\u201d"}


def _quoted_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence that opens with a quotation of several sentences (pysbd keeps a quotation
    whole: an epigraph of 100 words was one sentence) is cut into the quotation's sentences;
    what follows the closing mark is a sentence of its own ("President Bush ...",
    "\u2014President Barack Obama, ..."), unless it goes on in small letters ('..." he said.')."""
    closing = _CLOSE.get(text[start])
    close = text.find(closing, start + 1) if closing else -1
    if close < 0 or close >= end:
        return [(start, end)]
    inner = _spans(text[start + 1 : close])
    if len(inner) < 2:
        return [(start, end)]
    pieces = [(start + 1 + a, start + 1 + b) for a, b in inner]
    pieces[0] = (start, pieces[0][1])
    pieces[-1] = (pieces[-1][0], close + 1)
    rest = text[close + 1 : end]
    lead = len(rest) - len(rest.lstrip())
    if rest.strip() and (rest.lstrip()[:1].islower() or not lead):
        pieces[-1] = (pieces[-1][0], end)  # '..." he said.', '...".': one sentence
    elif rest.strip():
        pieces.append((close + 1 + lead, end))
    return pieces


def build_document(
    blocks: Iterable[Block],
    *,
    title: str,
    date: str | None,
    source: str,
    sha256: str,
    fmt: str,
    cleanup: CleanupReport | None = None,
) -> Document:
    """Join blocks into the document text and cut passages, sections and sentences from it."""
    parts: list[str] = []
    passages: list[Passage] = []
    sections: list[Section] = []
    heading_stack: list[Section] = []
    offset = 0
    last = ""  # the last sentence of the passage just before, with no heading between
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            offset += 2
        start, end = offset, offset + len(text)
        parts.append(text)
        offset = end
        if block.kind != "passage":
            last = ""
        if block.kind not in ("heading", "passage"):
            continue  # "cover", "dateline": kept in the text, in no section and no passage
        if block.kind == "heading":
            section = Section(heading=text, level=block.level, start=start)
            sections.append(section)
            while heading_stack and heading_stack[-1].level >= block.level:
                heading_stack.pop()
            heading_stack.append(section)
            continue
        sentences = _marked(split_sentences(text), last)
        last = sentences[-1].text if sentences else ""
        passages.append(
            Passage(
                id=f"p{len(passages) + 1}",
                label=block.label,
                section=heading_stack[-1].heading if heading_stack else None,
                start=start,
                end=end,
                text=text,
                sentences=sentences,
            )
        )
    return Document(
        title=title,
        date=date,
        source=source,
        sha256=sha256,
        text="".join(parts),
        format=fmt,
        passages=passages,
        sections=sections,
        cleanup=cleanup or CleanupReport(),
    )


def _marked(sentences: tuple[Sentence, ...], before: str) -> tuple[Sentence, ...]:
    """The sentences with each quotation's attribution line marked (``Sentence.kind``)."""
    from .loaders.layout import attribution_marks  # loaders import this module

    marks = attribution_marks([s.text for s in sentences], before)
    if not any(marks):
        return sentences
    return tuple(
        Sentence(s.start, s.end, s.text, ATTRIBUTION) if mark else s
        for s, mark in zip(sentences, marks)
    )


def document_from_passages(
    passages: Sequence[str],
    *,
    title: str = "untitled",
    date: str | None = None,
    labels: Sequence[str | None] | None = None,
    source: str = "<memory>",
) -> Document:
    """A Document made directly from passage texts: for tests and synthetic benchmarks."""
    labels = list(labels) if labels is not None else [None] * len(passages)
    blocks = [Block("passage", text, label=label) for text, label in zip(passages, labels)]
    joined = "\n\n".join(passages).encode("utf-8")
    return build_document(
        blocks,
        title=title,
        date=date,
        source=source,
        sha256=hashlib.sha256(joined).hexdigest(),
        fmt="txt",
    )
