"""Term frequencies and keyness between two versions.

Terms are n-grams of 1-3 lemmas inside one sentence whose first and last words are not stop
words ("rule of law" counts, "of the" does not). A term is kept when it recurs (at least
``min_count`` times in one version). A shorter n-gram that only ever occurs inside one longer
kept n-gram (same counts in both versions) is dropped in favour of the longer one.
A name of several words is one token ("states" is not counted inside "United States"), and a
term that is an actor's name has no row: the actors table counts it (compound.py).
Tokens that OCR ran together ("ofthe") or split apart ("cou ntries") are left out
(text.ocr_junk).
Columns ``old_family``/``new_family`` count every form of a single word's family (crude stem),
so a headline can tell "preemption" vanishing with all its forms from a mere change of form;
``old_passages``/``new_passages`` count the passages holding the term (or family), so a
headline can tell a term discussed in depth where it occurs (bursty) from one spread thinly.

Keyness is Dunning's log-likelihood G2 (signed: positive = relatively more in the new
version) with its chi-square (1 dof) p-value, plus the log2 ratio of rates with 0.5 added to
both counts as the effect size.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from ..model import Document
from .ngrams import Counted, count_versions, lemma_of_form, name_tokens
from .text import (
    STOP_WORDS,
    counted_text,
    iter_sentences,
    lemma,
    lemma_line,
    ocr_junk,
    stem,
    surface_and_lemmas,
)

COLUMNS = [
    "term", "old_count", "new_count", "old_per_10k", "new_per_10k",
    "keyness", "p_value", "log_ratio", "status",
]
SIGNIFICANCE = 0.01  # p below this makes a term "up" or "down"


def count_terms(doc: Document, max_n: int = 3, names=None) -> tuple[Counter, Counter, int]:
    """(lemma n-gram counts, surface-form counts, running words) of a document; ``names``
    (compound.Names) makes each multi-word name one token."""
    grams: Counter = Counter()  # surface n-grams as tuples: counted in C, joined once each
    words = 0
    for sentence in iter_sentences(doc):
        surface, lemmas = _analysed(sentence.text, names)
        words += sum(form.count(" ") + 1 for form in surface)
        grams.update(surface[a:b] for a, b in _term_spans(lemmas, max_n))
    counts: Counter = Counter()
    surfaces: Counter = Counter()
    for gram, count in grams.items():
        key = " ".join(map(lemma_of_form, gram))  # a surface n-gram has one lemma key
        counts[key] += count
        surfaces[(key, " ".join(gram))] += count
    return counts, surfaces, words


def _term_spans(lemmas: tuple[str, ...], max_n: int) -> list[tuple[int, int]]:
    """(start, end) of every n-gram (n <= max_n) whose first and last words are not stop
    words, by n then start."""
    stops = [word in STOP_WORDS or len(word) < 2 for word in lemmas]  # is_stop, inlined
    return [
        (i, i + n)
        for n in range(1, max_n + 1)
        for i in range(len(lemmas) - n + 1)
        if not (stops[i] or stops[i + n - 1])
    ]


def _analysed(text: str, names) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(surface tokens, lemmas) of a text, each multi-word name one token where ``names``."""
    if names is None:
        return surface_and_lemmas(text)
    surface = tuple(name_tokens(text, names))
    return surface, tuple(map(lemma_of_form, surface))


def passage_spread(doc: Document, max_n: int = 3, names=None) -> Counter:
    """Passages that hold each lemma n-gram, and each single word's family (key "~stem")."""
    spread: Counter = Counter()
    for passage in doc.passages:
        lemmas = _analysed(counted_text(passage), names)[1]
        present = {" ".join(lemmas[a:b]) for a, b in _term_spans(lemmas, max_n)}
        present |= {"~" + stem(key) for key in present if " " not in key}
        spread.update(present)
    return spread


def g2(new: np.ndarray, old: np.ndarray, new_total: int, old_total: int) -> np.ndarray:
    """Unsigned log-likelihood G2 of each term's counts in two corpora of the given sizes."""
    both = new + old
    expected_new = new_total * both / (new_total + old_total)
    expected_old = old_total * both / (new_total + old_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        part_new = np.where(new > 0, new * np.log(new / expected_new), 0.0)
        part_old = np.where(old > 0, old * np.log(old / expected_old), 0.0)
    return 2.0 * (part_new + part_old)


def p_value(g2_value: float) -> float:
    """Upper tail of chi-square with 1 degree of freedom: erfc(sqrt(x/2))."""
    return math.erfc(math.sqrt(max(g2_value, 0.0) / 2.0))


def _display_forms(surfaces: Counter) -> dict[str, str]:
    """The most frequent surface form of each lemma key (ties: alphabetical)."""
    best: dict[str, tuple[int, str]] = {}
    for (key, form), count in surfaces.items():
        current = best.get(key)
        if current is None or (-count, form) < (-current[0], current[1]):
            best[key] = (count, form)
    return {key: form for key, (_, form) in best.items()}


def _drop_subsumed(old: Counter, new: Counter, kept: set[str]) -> set[str]:
    """Remove n-grams that occur only as part of one longer kept n-gram."""
    subsumed: set[str] = set()
    for key in kept:
        words = key.split(" ")
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                sub = " ".join(words[i : i + n])
                if sub in kept and old[sub] == old[key] and new[sub] == new[key]:
                    subsumed.add(sub)
    return kept - subsumed


def _family_counts(counts: Counter) -> Counter:
    """Occurrences of each word family (single words only), e.g. all forms of "preempt"."""
    families: Counter = Counter()
    for key, count in counts.items():
        if " " not in key:
            families[stem(key)] += count
    return families


def status_of(old_count: int, new_count: int, keyness: float, p: float, min_count: int) -> str:
    if old_count == 0 and new_count >= min_count:
        return "new"
    if new_count == 0 and old_count >= min_count:
        return "gone"
    if p < SIGNIFICANCE:
        return "up" if keyness > 0 else "down"
    return "same"


def term_table(old: Document, new: Document, *, max_n: int = 3, min_count: int = 2,
               names=None) -> pd.DataFrame:
    """Every recurring term with counts, rates per 10k words, keyness, p-value and status.

    ``names`` (compound.Names over the pair's actors): each multi-word name is one token,
    and a term that is an actor's name has no row (the actors table counts it).
    Sorted by absolute keyness (descending), then term.
    """
    try:
        counted = count_versions(old, new, max_n, min_count, names)
    except OverflowError:  # a vocabulary too large for int64 codes: count as strings
        counted = _count_versions(old, new, max_n, min_count, names)
    old_counts, new_counts = counted.counts
    old_words, new_words = counted.words
    sentences = [[s.text for s in iter_sentences(doc)] for doc in (old, new)]
    junk = {lemma(word) for word in ocr_junk(sentences)}
    kept = {k for k in counted.kept if junk.isdisjoint(k.split(" "))}
    if names is not None:  # a term naming an actor in half its occurrences: the actors table's
        named = names.named(old) + names.named(new)
        kept = {k for k in kept if 2 * named[k] < old_counts[k] + new_counts[k]}
    keys = sorted(_drop_subsumed(old_counts, new_counts, kept))
    forms = counted.forms
    old_arr = np.array([old_counts[k] for k in keys], dtype=float)
    new_arr = np.array([new_counts[k] for k in keys], dtype=float)
    old_total, new_total = max(old_words, 1), max(new_words, 1)
    unsigned = g2(new_arr, old_arr, new_total, old_total)
    rate_old = old_arr / old_total
    rate_new = new_arr / new_total
    sign = np.where(rate_new >= rate_old, 1.0, -1.0)
    frame = pd.DataFrame(
        {
            "term": [forms[k] for k in keys],
            "lemma": keys,
            "old_count": old_arr.astype(int),
            "new_count": new_arr.astype(int),
            "old_per_10k": np.round(rate_old * 10_000, 3),
            "new_per_10k": np.round(rate_new * 10_000, 3),
            "keyness": np.round(sign * unsigned, 4),
            "p_value": [p_value(v) for v in unsigned],
            "log_ratio": np.round(
                np.log2(((new_arr + 0.5) / new_total) / ((old_arr + 0.5) / old_total)), 4
            ),
        }
    )
    old_family, new_family = _family_counts(old_counts), _family_counts(new_counts)
    frame["old_family"] = [old_family[stem(k)] if " " not in k else old_counts[k] for k in keys]
    frame["new_family"] = [new_family[stem(k)] if " " not in k else new_counts[k] for k in keys]
    for version, spread in zip(("old", "new"), counted.spread):
        frame[f"{version}_passages"] = [spread["~" + stem(k)] if " " not in k else spread[k] for k in keys]
    frame["status"] = [
        status_of(o, n, k, p, min_count)
        for o, n, k, p in zip(frame.old_count, frame.new_count, frame.keyness, frame.p_value)
    ]
    frame["_abs"] = frame.keyness.abs()
    frame = frame.sort_values(["_abs", "term"], ascending=[False, True], kind="mergesort")
    return frame.drop(columns="_abs").reset_index(drop=True)


def _count_versions(old: Document, new: Document, max_n: int, min_count: int, names=None
                    ) -> Counted:
    """ngrams.count_versions with Python strings (slower, no limit on the vocabulary)."""
    old_counts, old_surfaces, old_words = count_terms(old, max_n, names)
    new_counts, new_surfaces, new_words = count_terms(new, max_n, names)
    kept = {k for k, c in old_counts.items() if c >= min_count}
    kept |= {k for k, c in new_counts.items() if c >= min_count}
    return Counted(
        counts=(old_counts, new_counts),
        kept=kept,
        forms=_display_forms(old_surfaces + new_surfaces),
        spread=(passage_spread(old, max_n, names), passage_spread(new, max_n, names)),
        words=(old_words, new_words),
    )


def find_term(sentence_text: str, key: str) -> bool:
    """Does the sentence contain the lemma n-gram ``key``?"""
    # Lemmas hold no spaces, so a padded substring is exactly a run of whole lemmas.
    return f" {key} " in lemma_line(sentence_text)


def first_sentences(doc: Document, key: str, limit: int = 1) -> list[tuple[str, str]]:
    """(passage id, sentence text) of the first sentences containing a term, in reading order."""
    found: list[tuple[str, str]] = []
    for sentence in iter_sentences(doc):
        if find_term(sentence.text, key):
            found.append((sentence.passage, sentence.text))
            if len(found) >= limit:
                break
    return found


def top_terms(frame: pd.DataFrame, limit: int = 200) -> pd.DataFrame:
    """The JSON cut: terms whose status is not "same", by absolute keyness, at most ``limit``."""
    extra = ["old_family", "new_family", "old_passages", "new_passages"]
    changed = frame[frame.status != "same"].drop(columns=extra)
    return changed.head(limit).reset_index(drop=True)


def by_status(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Terms grouped by status (for summaries and tests)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for term, status in zip(frame.term, frame.status):
        groups[status].append(term)
    return dict(groups)
