"""Tokens, simple lemmas and stop words for term counting; sentence iteration over a Document.

Lemmatisation is deliberately simple (plural -s/-es/-ies, possessive 's): it is transparent,
needs no model, and a report shows the most frequent surface form, not the lemma.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Document

# Dotted abbreviations (U.S., U.N.) first, then words with inner hyphens/apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")

STOP_WORDS = frozenset(
    """
a about above across after again against all almost also although always am among an and
another any anyone anything are around as at be became because become becomes been before
being below between both but by can cannot could did do does doing done down during each
either else enough etc even ever every few for from further had has have having he her here
hers herself him himself his how however i if in into is it its itself just least less like
made make makes many may me might more most much must my myself neither never no nor not now
of off often on once one only onto or other others otherwise our ours ourselves out over own
per perhaps rather same several shall she should since so some still such than that the their
theirs them themselves then there therefore these they this those though through thus to too
toward towards under until up upon us very via was we well were what whatever when where
whether which while who whom whose why will with within without would yet you your yours
yourself yourselves also s t ii iii iv vi vii viii ix x
""".split()
)

# Words whose final -s is not a plural; a short generic list, not tied to any corpus.
_NOT_PLURAL = frozenset(
    "news series species means arms physics politics economics mathematics ethics "
    "thus has was is this its his hers ours yours gas bus bias chaos atlas alias".split()
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
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    return word[:-1]


def tokens(text: str) -> list[str]:
    """Surface tokens of a text (lower-cased), ligatures folded."""
    return [match.group(0).lower() for match in _TOKEN.finditer(normalise(text))]


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
