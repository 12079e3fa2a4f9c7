"""Tokens, simple lemmas and stop words for term counting; sentence iteration over a Document.

Lemmatisation is deliberately simple (plural -s/-es/-ies, possessive 's): it is transparent,
needs no model, and a report shows the most frequent surface form, not the lemma.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from ..model import ATTRIBUTION, Document, Passage

# Dotted abbreviations (U.S., U.N.) first, then words with inner hyphens/apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
# Texts are tokenised by terms, actors, framing and headlines alike: each text once per
# process (bounded, so a long-running watch does not grow without end).
_CACHE_TEXTS = 1 << 15
_CACHE_WORDS = 1 << 17


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("concept_diff").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


STOP_WORDS = _word_list("stopwords.txt")
COMMON_WORDS = _word_list("common_words.txt")

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
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def fold_apostrophes(text: str) -> str:
    """Curly apostrophes as straight ones: one character for one, so offsets still hold."""
    return text.replace("’", "'")


@lru_cache(maxsize=_CACHE_WORDS)
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
_DOCTRINE = ("isms", "ism", "ists", "ist")


@lru_cache(maxsize=_CACHE_WORDS)
def stem(word: str) -> str:
    """A crude word-family key ("preemption", "preemptive", "preempt" -> "preempt").

    Used only to ask whether any form of a word survives in the other version.
    """
    for suffix in _DOCTRINE:  # "terrorism", "terrorist" -> "terror"; "realism" stays
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Surface tokens of a text (lower-cased), ligatures folded."""
    return list(surface_tokens(text))


def lemmas(text: str) -> tuple[str, ...]:
    """The lemma of each token of ``tokens(text)``."""
    return _analysed(text)[1]


def surface_and_lemmas(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``tokens(text)`` and their lemmas, as tuples (shared: do not build on their identity)."""
    return _analysed(text)


@lru_cache(maxsize=_CACHE_TEXTS)
def surface_tokens(text: str) -> tuple[str, ...]:
    """``tokens(text)`` as a tuple (shared: do not build on its identity)."""
    if text.isascii():  # nothing to fold, and lower-casing ASCII keeps every class and length
        return tuple(map(str.lower, raw_tokens(text)))
    folded = normalise(text).replace("’", "'")
    return tuple(token.lower() for token in _TOKEN.findall(folded))


@lru_cache(maxsize=_CACHE_TEXTS)
def _analysed(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    surface = surface_tokens(text)
    return surface, tuple(map(lemma, surface))


@lru_cache(maxsize=_CACHE_TEXTS)
def lemma_line(text: str) -> str:
    """The text's lemmas joined by single spaces, padded with one space at each end, so
    ``f" {key} " in lemma_line(text)`` asks whether the lemma n-gram ``key`` occurs."""
    return " " + " ".join(_analysed(text)[1]) + " "


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of each token in ``text`` itself (no normalisation: offsets hold)."""
    return list(_spans(text))


@lru_cache(maxsize=_CACHE_TEXTS)
def _spans(text: str) -> tuple[tuple[int, int, str], ...]:
    # Every token starts with a letter and the text between two tokens holds none, so the
    # next occurrence of a token's text is where the pattern matched it.
    spans, position, find = [], 0, text.find
    for token in raw_tokens(text):
        start = find(token, position)
        position = start + len(token)
        spans.append((start, position, token))
    return tuple(spans)


@lru_cache(maxsize=_CACHE_TEXTS)
def raw_tokens(text: str) -> tuple[str, ...]:
    """The tokens of ``token_spans(text)``, as written (case kept, nothing folded)."""
    return tuple(_TOKEN.findall(text))


def is_stop(word: str) -> bool:
    return word in STOP_WORDS or len(word) < 2


def is_common(word: str) -> bool:
    """Is a single lemma a very common general English word (or an inflection of one)?"""
    if word in STOP_WORDS or word in COMMON_WORDS:
        return True
    bases = {word[:-1], word[:-2], word[:-3], word[:-3] + "e", word[:-2] + "e"}
    if word.endswith("ied"):
        bases.add(word[:-3] + "y")
    if word.endswith(("ed", "es", "ing", "s", "d")):
        return any(len(b) >= 3 and b in COMMON_WORDS for b in bases)
    return False


# Stop words that English also uses as prefixes of real words ("away", "indirect", "overall").
_PREFIX_LIKE = frozenset(
    {"a", "an", "any", "as", "at", "be", "by", "down", "in", "no", "off", "on", "out", "over",
     "some", "there", "to", "under", "up", "where", "with"}
)


def ocr_junk(documents: Iterable[Iterable[str]]) -> frozenset[str]:
    """Tokens that OCR made, judged against the texts themselves (each document given as its
    sentences): two words run together ("ofthe") or a word split apart ("cou ntries").

    Run together: a token found 2+ times that splits into two words of the texts, one a stop
    word not used as a prefix, where the split form occurs at least as often as the joined one.
    Split apart: neighbours that join into a word of the texts, each seen in such a pair at
    least half the times it occurs and absent from some document (OCR damage is local, so
    "man" or "area" found in a clean version stays).
    """
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    vocabularies = []
    for sentences in documents:
        vocabulary: set[str] = set()
        for text in sentences:
            words = surface_tokens(text)
            vocabulary.update(words)
            unigrams.update(words)
            bigrams.update(pairwise(words))
        vocabularies.append(vocabulary)
    junk = {word for word, count in unigrams.items() if _run_together(word, count, unigrams, bigrams)}
    joinable: Counter = Counter()
    for (head, tail), count in bigrams.items():
        if head + tail in unigrams and not (head in STOP_WORDS or tail in STOP_WORDS):
            joinable[head] += count
            joinable[tail] += count
    local = set.union(*vocabularies) - set.intersection(*vocabularies) if vocabularies else set()
    junk |= {
        word
        for (head, tail) in bigrams
        if head + tail in unigrams
        and 2 * joinable[head] >= unigrams[head]
        and 2 * joinable[tail] >= unigrams[tail]
        for word in (head, tail)
        if word not in STOP_WORDS and word in local
    }
    return frozenset(junk)


def _run_together(word: str, count: int, unigrams: Counter, bigrams: Counter) -> bool:
    if count < 2 or word in STOP_WORDS or not word.isalpha():
        return False
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        stop = head not in _PREFIX_LIKE and (head in STOP_WORDS or tail in STOP_WORDS)
        if stop and unigrams[head] and unigrams[tail] and bigrams[(head, tail)] >= count:
            return True
    return False


@dataclass(frozen=True)
class SentenceRef:
    """One sentence of a document, with the passage it sits in (quotes are cut from it)."""

    passage: str  # passage id
    index: int  # sentence index inside the passage
    start: int  # offset inside Passage.text
    end: int
    text: str


def iter_sentences(doc: Document) -> Iterator[SentenceRef]:
    """Every sentence of the document in reading order; a passage without sentences is one.
    A quotation's attribution line (``Sentence.kind``, marked by the loader: "President Bush
    West Point, New York June 1, 2002") is left out: its name and places are no content.

    Terms, spellings, actors and names all walk the sentences: the references are made once
    per document and kept on it, for as long as it holds the same (frozen) passages."""
    passages = tuple(doc.passages)
    cached = doc.__dict__.get("_sentence_refs")
    if cached is None or len(cached[0]) != len(passages) or any(
        a is not b for a, b in zip(cached[0], passages)
    ):
        cached = doc.__dict__["_sentence_refs"] = (passages, tuple(_sentence_refs(passages)))
    return iter(cached[1])


def _sentence_refs(passages: Iterable[Passage]) -> Iterator[SentenceRef]:
    for passage in passages:
        sentences = passage.sentences
        if not sentences and passage.text.strip():
            yield SentenceRef(passage.id, 0, 0, len(passage.text), passage.text)
            continue
        for index, sentence in enumerate(sentences):
            if sentence.kind != ATTRIBUTION:
                yield SentenceRef(passage.id, index, sentence.start, sentence.end, sentence.text)


def counted_text(passage: Passage) -> str:
    """The passage's text as word counts see it: its attribution lines blanked (spaces, so
    offsets hold); the text itself when it has none."""
    text = passage.text
    for s in passage.sentences:
        if s.kind == ATTRIBUTION:
            text = text[: s.start] + " " * (s.end - s.start) + text[s.end :]
    return text


def words_in(doc: Document) -> int:
    """Running words of a document as the term counter sees them (the rate denominator)."""
    return sum(_words(passage) for passage in doc.passages)


def _words(passage: Passage) -> int:
    if not tiled(passage):
        return len(surface_tokens(counted_text(passage)))
    return sum(len(surface_tokens(s.text)) for s in passage.sentences if s.kind != ATTRIBUTION)


def tiled(passage: Passage) -> bool:
    """Do the sentences cover the passage with only whitespace around and between them?

    Then the passage's tokens are its sentences' tokens (a token never spans whitespace),
    and the passage need not be tokenised again."""
    text, position = passage.text, 0
    if not passage.sentences:
        return False
    for i, sentence in enumerate(passage.sentences):
        gap = text[position : sentence.start]
        if gap.strip() or (i and not gap) or text[sentence.start : sentence.end] != sentence.text:
            return False
        position = sentence.end
    return not text[position:].strip()
