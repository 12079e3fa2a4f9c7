"""Tokens, simple lemmas and stop words for term counting; sentence iteration over a Document.

Lemmatisation is deliberately simple (plural -s/-es/-ies, possessive 's): it is transparent,
needs no model, and a report shows the most frequent surface form, not the lemma.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from ..model import Document

# Dotted abbreviations (U.S., U.N.) first, then words with inner hyphens/apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")

STOP_WORDS = frozenset(
    line.strip()
    for line in resources.files("concept_diff").joinpath("data", "stopwords.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)

# Words whose final -s is not a plural; a short generic list, not tied to any corpus.
_NOT_PLURAL = frozenset(
    {
        "alias", "arms", "atlas", "bias", "bus", "chaos", "economics", "ethics", "gas", "has",
        "hers", "his", "is", "its", "mathematics", "means", "news", "ours", "physics", "politics",
        "series", "species", "this", "thus", "was", "yours"
    }
)


def normalise(text: str) -> str:
    """Fold ligatures and compatibility forms (ﬁ → fi) so OCR'd and clean texts count alike."""
    return unicodedata.normalize("NFKC", text)


def lemma(token: str) -> str:
    """Lower-cased token with possessive and regular plural endings removed."""
    word = _POSSESSIVE.sub("", token.lower()) if "'" in token or "’" in token else token.lower()
    if word in _NOT_PLURAL or len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "sis", "xis", "ous")):
        return word
    return word[:-1]


_SUFFIXES = (
    "ively", "ations", "ation", "ions", "ion", "ives", "ive", "ingly", "ings", "ing",
    "edly", "ed", "ments", "ment", "ly", "ers", "er", "es", "s",
)


def stem(word: str) -> str:
    """A crude word-family key ("preemption", "preemptive", "preempt" -> "preempt").

    Used only to ask whether any form of a word survives in the other version.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Surface tokens of a text (lower-cased), ligatures folded."""
    text = normalise(text).replace("’", "'")
    return [match.group(0).lower() for match in _TOKEN.finditer(text)]


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of each token in ``text`` itself (no normalisation: offsets hold)."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def is_stop(word: str) -> bool:
    return word in STOP_WORDS or len(word) < 2


@dataclass(frozen=True)
class SentenceRef:
    """One sentence of a document, with the passage it sits in (quotes are cut from it)."""

    passage: str  # passage id
    index: int  # sentence index inside the passage
    start: int  # offset inside Passage.text
    end: int
    text: str


def iter_sentences(doc: Document) -> Iterator[SentenceRef]:
    """Every sentence of the document in reading order; a passage without sentences is one."""
    for passage in doc.passages:
        sentences = passage.sentences
        if not sentences and passage.text.strip():
            yield SentenceRef(passage.id, 0, 0, len(passage.text), passage.text)
            continue
        for index, sentence in enumerate(sentences):
            yield SentenceRef(passage.id, index, sentence.start, sentence.end, sentence.text)


def words_in(doc: Document) -> int:
    """Running words of a document as the term counter sees them (the rate denominator)."""
    return sum(len(tokens(passage.text)) for passage in doc.passages)
