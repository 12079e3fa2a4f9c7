"""Lemma n-gram counts of two versions over integer token ids (numpy), for the term table.

Counting every n-gram as a Python string is most of the cost of the term table; here each
token is an id in a vocabulary shared by both versions, every n-gram a single int64 code, and
counts come from sorting. Strings are made only for the n-grams the table keeps.

Names of several words (compound.Names: "United States") are one token each, so "states"
does not count inside them; running words are still counted word by word.

Each text is tokenised once: a passage's tokens are its sentences' tokens when the sentences
tile the passage with only whitespace between them (tokens never span whitespace), so passage
counts (n-grams may cross sentence ends there) reuse them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from ..model import Document
from .compound import compound
from .text import STOP_WORDS, counted_text, iter_sentences, lemma, stem, surface_tokens, tiled

MAX_VOCABULARY = 2_000_000  # (size + 1) ** 3 must fit in an int64 code


@dataclass
class Vocabulary:
    """Surface forms and lemmas of both versions, each with a dense id."""

    forms: dict[str, int] = field(default_factory=dict)
    lemmas: list[str] = field(default_factory=list)
    form_lemma: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    stop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    width: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # words

    def ids(self, surface: tuple[str, ...]) -> list[int]:
        forms = self.forms
        ids = list(map(forms.get, surface))
        if None in ids:  # new forms get the next ids (a repeat of one gets the same id)
            for i, known in enumerate(ids):
                if known is None:
                    ids[i] = forms.setdefault(surface[i], len(forms))
        return ids  # type: ignore[return-value]

    def freeze(self) -> None:
        """Lemma ids and stop flags for every form seen (call once all texts are in)."""
        index: dict[str, int] = {}
        self.form_lemma = np.array(
            [index.setdefault(lemma_of_form(form), len(index)) for form in self.forms], dtype=np.int64
        )
        self.lemmas = list(index)
        self.stop = np.array([w in STOP_WORDS or len(w) < 2 for w in self.lemmas], dtype=bool)
        self.width = np.array([form.count(" ") + 1 for form in self.forms], dtype=np.int64)


def lemma_of_form(form: str) -> str:
    """A form's lemma; a compound name's ("united states") word by word ("united state")."""
    return " ".join(map(lemma, form.split(" "))) if " " in form else lemma(form)


def name_tokens(text: str, names) -> tuple[str, ...] | list[str]:
    """The text's surface tokens, each multi-word name in it one token (``names``: a
    compound.Names, or None)."""
    tokens = surface_tokens(text)
    phrases = names.phrases(text) if names is not None else ()
    if not phrases:
        return tokens
    return compound(tokens, [surface_tokens(p) for p in phrases], " ".join)


@dataclass
class Sequence:
    """Token ids of a document in reading order, with the group (sentence or passage) of
    each token; n-grams never cross a group boundary."""

    forms: np.ndarray
    groups: np.ndarray


@dataclass
class Grams:
    """Every n-gram (n <= max_n) whose first and last lemmas are not stop words."""

    codes: np.ndarray  # lemma n-gram code
    form_codes: np.ndarray  # surface n-gram code (same n-gram as written)
    starts: np.ndarray  # index of the first token in the sequence
    sizes: np.ndarray  # n
    groups: np.ndarray


def sequences(doc: Document, vocabulary: Vocabulary, names=None
              ) -> tuple[Sequence, Sequence, int]:
    """(sentence sequence, passage sequence, running words) of a document; ``names``
    (compound.Names) makes each multi-word name one token (words still count each word)."""
    sentence_ids: list[list[int]] = []
    passage_ids: list[list[int]] = []
    by_passage: dict[str, list[list[int]]] = {}
    for sentence in iter_sentences(doc):
        ids = vocabulary.ids(name_tokens(sentence.text, names))
        sentence_ids.append(ids)
        by_passage.setdefault(sentence.passage, []).append(ids)
    words = 0
    for passage in doc.passages:
        own = by_passage.get(passage.id, [])
        if tiled(passage):
            ids = list(chain.from_iterable(own))
        else:
            ids = vocabulary.ids(name_tokens(counted_text(passage), names))
        passage_ids.append(ids)
        words += len(ids)
    return _sequence(sentence_ids), _sequence(passage_ids), words


def _sequence(parts: list[list[int]]) -> Sequence:
    lengths = np.array([len(p) for p in parts], dtype=np.int64)
    forms = np.fromiter(chain.from_iterable(parts), dtype=np.int64, count=int(lengths.sum()))
    return Sequence(forms, np.repeat(np.arange(len(parts), dtype=np.int64), lengths))


def grams(seq: Sequence, vocabulary: Vocabulary, max_n: int) -> Grams:
    lemmas = vocabulary.form_lemma[seq.forms]
    stop = vocabulary.stop[lemmas]
    lemma_base = len(vocabulary.lemmas) + 1
    form_base = len(vocabulary.forms) + 1
    parts = []
    total = len(seq.forms)
    for n in range(1, max_n + 1):
        if total < n:
            break
        last = total - n + 1
        keep = (seq.groups[:last] == seq.groups[n - 1 :]) & ~stop[:last] & ~stop[n - 1 :]
        starts = np.flatnonzero(keep)
        codes = np.zeros(len(starts), dtype=np.int64)
        form_codes = np.zeros(len(starts), dtype=np.int64)
        for offset in range(n):
            codes = codes * lemma_base + lemmas[starts + offset] + 1
            form_codes = form_codes * form_base + seq.forms[starts + offset] + 1
        parts.append((codes, form_codes, starts, np.full(len(starts), n), seq.groups[starts]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Grams(empty, empty, empty, empty, empty)
    return Grams(*(np.concatenate(column) for column in zip(*parts)))


def counts(codes: np.ndarray) -> dict[int, int]:
    values, numbers = np.unique(codes, return_counts=True)
    return dict(zip(values.tolist(), numbers.tolist()))


def group_counts(codes: np.ndarray, groups: np.ndarray) -> dict[int, int]:
    """How many groups hold each code."""
    if not len(codes):
        return {}
    order = np.lexsort((groups, codes))
    c, g = codes[order], groups[order]
    first = np.ones(len(c), dtype=bool)
    first[1:] = (c[1:] != c[:-1]) | (g[1:] != g[:-1])
    return counts(c[first])


@dataclass
class VersionGrams:
    """One version's sentence and passage n-grams."""

    sentences: Sequence
    passages: Sequence
    words: int
    in_sentences: Grams
    in_passages: Grams


def version_grams(docs: list[Document], max_n: int, names=None
                  ) -> tuple[Vocabulary, list[VersionGrams]]:
    vocabulary = Vocabulary()
    seqs = [sequences(doc, vocabulary, names) for doc in docs]
    if len(vocabulary.forms) + 1 >= MAX_VOCABULARY:
        raise OverflowError("vocabulary too large for int64 n-gram codes")
    vocabulary.freeze()
    return vocabulary, [  # running words: a compound name counts each of its words
        VersionGrams(s, p, int(vocabulary.width[p.forms].sum()), grams(s, vocabulary, max_n),
                     grams(p, vocabulary, max_n))
        for s, p, _ in seqs
    ]


def stem_spread(vocabulary: Vocabulary, version: VersionGrams) -> Counter:
    """Passages holding some (non-stop) form of each single word's family, keyed by stem."""
    g = version.in_passages
    single = g.sizes == 1
    lemma_ids = vocabulary.form_lemma[version.passages.forms[g.starts[single]]]
    index: dict[str, int] = {}
    stem_ids = np.array(
        [index.setdefault(stem(w), len(index)) for w in vocabulary.lemmas], dtype=np.int64
    )
    spread = group_counts(stem_ids[lemma_ids], g.groups[single])
    names = list(index)
    return Counter({names[i]: n for i, n in spread.items()})


@dataclass
class Counted:
    """What the term table needs from the two versions, keyed by lemma n-gram strings.

    ``counts`` hold every recurring n-gram (``min_count``+ in one version) and every single
    word; ``spread`` the passages holding each recurring n-gram and each word family
    ("~stem"); ``forms`` the most frequent surface form of each recurring n-gram."""

    counts: tuple[Counter, Counter]
    kept: set[str]
    forms: dict[str, str]
    spread: tuple[Counter, Counter]
    words: tuple[int, int]


def count_versions(old: Document, new: Document, max_n: int, min_count: int, names=None
                   ) -> Counted:
    """``names`` (compound.Names): multi-word names are one token (see the module notes)."""
    vocabulary, versions = version_grams([old, new], max_n, names)
    tables = [_first_and_count(v.in_sentences.codes) for v in versions]
    recurring = {c for values, _, numbers in tables for c, k in zip(values, numbers) if k >= min_count}
    kept = np.array(sorted(recurring), dtype=np.int64)
    keys = _keys(vocabulary, versions, tables, recurring)
    counts = tuple(
        Counter({keys[c]: k for c, k in zip(values, numbers) if c in keys})
        for values, _, numbers in tables
    )
    return Counted(
        counts=counts,  # type: ignore[arg-type]
        kept={keys[c] for c in recurring},
        forms=_forms(vocabulary, versions, kept, keys),
        spread=tuple(_spread(vocabulary, v, kept, keys) for v in versions),  # type: ignore[arg-type]
        words=tuple(int(vocabulary.width[v.sentences.forms].sum())  # type: ignore[arg-type]
                    for v in versions),
    )


def _first_and_count(codes: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    values, first, numbers = np.unique(codes, return_index=True, return_counts=True)
    return values.tolist(), first.tolist(), numbers.tolist()


def _keys(vocabulary: Vocabulary, versions: list[VersionGrams], tables, recurring: set[int]
          ) -> dict[int, str]:
    """The string of every single-word code and of every recurring n-gram code."""
    lemmas = vocabulary.lemmas
    keys = {i + 1: word for i, word in enumerate(lemmas)}
    wanted = recurring - keys.keys()
    for version, (values, first, _) in zip(versions, tables):
        g = version.in_sentences
        tokens = vocabulary.form_lemma[version.sentences.forms].tolist()
        starts, sizes = g.starts.tolist(), g.sizes.tolist()
        for code, at in zip(values, first):
            if code in wanted:
                start = starts[at]
                keys[code] = " ".join(lemmas[i] for i in tokens[start : start + sizes[at]])
                wanted.discard(code)
    return keys


def _forms(vocabulary: Vocabulary, versions: list[VersionGrams], kept: np.ndarray,
           keys: dict[int, str]) -> dict[str, str]:
    """Most frequent surface form of each kept n-gram, over both versions (ties: a-z)."""
    forms = list(vocabulary.forms)
    masks = [np.isin(v.in_sentences.codes, kept) for v in versions]
    form_codes = np.concatenate([v.in_sentences.form_codes[m] for v, m in zip(versions, masks)])
    # Where each n-gram sits: (version, start, size), to spell it out once.
    which = np.concatenate([np.full(int(m.sum()), i) for i, m in enumerate(masks)])
    starts = np.concatenate([v.in_sentences.starts[m] for v, m in zip(versions, masks)])
    sizes = np.concatenate([v.in_sentences.sizes[m] for v, m in zip(versions, masks)])
    codes = np.concatenate([v.in_sentences.codes[m] for v, m in zip(versions, masks)])
    _, first, numbers = np.unique(form_codes, return_index=True, return_counts=True)
    tokens = [v.sentences.forms.tolist() for v in versions]
    best: dict[str, tuple[int, str]] = {}
    for at, count in zip(first.tolist(), numbers.tolist()):
        start, size, seq = int(starts[at]), int(sizes[at]), tokens[int(which[at])]
        form = forms[seq[start]] if size == 1 else " ".join(
            forms[i] for i in seq[start : start + size]
        )
        key = keys[int(codes[at])]
        current = best.get(key)
        if current is None or (-count, form) < (-current[0], current[1]):
            best[key] = (count, form)
    return {key: form for key, (_, form) in best.items()}


def _spread(vocabulary: Vocabulary, version: VersionGrams, kept: np.ndarray,
            keys: dict[int, str]) -> Counter:
    g = version.in_passages
    mask = np.isin(g.codes, kept)
    spread = Counter({keys[c]: n for c, n in group_counts(g.codes[mask], g.groups[mask]).items()})
    spread.update({"~" + name: n for name, n in stem_spread(vocabulary, version).items()})
    return spread
