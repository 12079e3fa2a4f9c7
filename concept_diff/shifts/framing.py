"""How an actor is framed in each sentence that names it, and how that changes.

A framing file (data/framing.toml, replaceable) defines categories by prototype statements
and cue words. A sentence is scored with the actor masked, so the model judges what is said
about the actor, not the actor's name: cosine similarity of the masked sentence to each
category's prototypes plus a bonus for each cue word near the mention (see the file's header).
"""

from __future__ import annotations

import math
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import InputError
from .text import lemma, token_spans


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    prototypes: tuple[str, ...]
    cues: tuple[tuple[str, ...], ...]  # each cue as a tuple of lemmas
    bias: float = 0.0


@dataclass(frozen=True)
class Framing:
    categories: tuple[Category, ...]
    mask: str = "the country"
    context: int = 30
    window: int = 12
    cue_weight: float = 0.06
    max_cues: int = 3
    temperature: float = 0.05

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def label(self, key: str) -> str:
        return next(c.label for c in self.categories if c.key == key)


def _cue(text: str) -> tuple[str, ...]:
    return tuple(lemma(word) for word in text.split())


def load_framing(path: str | Path | None = None) -> Framing:
    """The default framing categories, or a user's TOML file of the same shape."""
    if path is None:
        source = resources.files("concept_diff").joinpath("data", "framing.toml")
        text, where = source.read_text(encoding="utf-8"), "framing.toml"
    else:
        try:
            text, where = Path(path).read_text(encoding="utf-8"), str(path)
        except (FileNotFoundError, IsADirectoryError) as error:
            raise InputError("framing file not found", path) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"framing file is not valid TOML: {error}", where) from error
    return _framing_from(data, where)


def _framing_from(data: dict, where: str) -> Framing:
    table = data.get("categories")
    if not isinstance(table, dict) or len(table) < 2:
        raise InputError("framing file needs a [categories.NAME] table for 2+ categories", where)
    categories = []
    for key, spec in table.items():
        prototypes = tuple(spec.get("prototypes", ()))
        if not prototypes or not all(isinstance(p, str) for p in prototypes):
            raise InputError(f"category {key!r} needs a list of prototype statements", where)
        categories.append(
            Category(
                key=key,
                label=str(spec.get("label", key)),
                prototypes=prototypes,
                cues=tuple(_cue(c) for c in spec.get("cues", ()) if c.strip()),
                bias=float(spec.get("bias", 0.0)),
            )
        )
    options = {k: data[k] for k in ("mask", "context", "window", "max_cues") if k in data}
    floats = {k: float(data[k]) for k in ("cue_weight", "temperature") if k in data}
    return Framing(categories=tuple(categories), **options, **floats)


def mask_sentence(text: str, spans: tuple[tuple[int, int], ...], mask: str) -> str:
    """The sentence with every mention of the actor replaced by the neutral mask."""
    parts, position = [], 0
    for start, end in sorted(spans):
        parts.append(text[position:start])
        parts.append(mask)
        position = end
    parts.append(text[position:])
    masked = "".join(parts)
    return masked[0].upper() + masked[1:] if masked.startswith(mask) else masked


def _near_lemmas(text: str, spans, width: int) -> list[str]:
    """Lemmas within ``width`` words of a mention (the mention itself left out)."""
    words = token_spans(text)
    starts = [s for s, _, _ in words]
    ends = [e for _, e, _ in words]
    named = [False] * len(words)
    for a, b in spans:  # the tokens overlapping [a, b): tokens are sorted and disjoint
        for i in range(bisect_right(ends, a), bisect_left(starts, b)):
            named[i] = True
    hits = [i for i, flag in enumerate(named) if flag]
    if not hits:
        return [lemma(w) for _, _, w in words]
    near = set()
    for hit in hits:
        near.update(range(hit - width, hit + width + 1))
    return [
        "\0" if named[i] else lemma(w)
        for i, (_, _, w) in enumerate(words)
        if i in near
    ]


def count_cues(lemmas: list[str], cues: tuple[tuple[str, ...], ...]) -> int:
    """Occurrences of the cues (lemma tuples) in ``lemmas``, overlaps and repeats counted."""
    return CueIndex([cues]).counts(lemmas)[0]


class CueIndex:
    """Cues of several categories indexed by their first lemma, so a sentence is read once."""

    def __init__(self, cue_lists: Iterable[tuple[tuple[str, ...], ...]]):
        self.size = 0
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for j, cues in enumerate(cue_lists):
            self.size = j + 1
            for cue in cues:  # a cue listed twice counts twice, as a list of cues says
                if cue:
                    self.by_first.setdefault(cue[0], []).append((cue, j))

    def counts(self, lemmas: list[str]) -> list[int]:
        """Cue occurrences in ``lemmas`` for each category."""
        found = [0] * self.size
        for i, word in enumerate(lemmas):
            for cue, j in self.by_first.get(word, ()):
                if tuple(lemmas[i : i + len(cue)]) == cue:
                    found[j] += 1
        return found


def _clip(text: str, spans, words: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The part of a long sentence within ``words`` words of the first and last mention."""
    tokens = token_spans(text)
    if len(tokens) <= 2 * words + 1:
        return text, spans
    first = min(a for a, _ in spans)
    last = max(b for _, b in spans)
    before = [s for s, _, _ in tokens if s < first]
    after = [e for _, e, _ in tokens if e > last]
    start = before[-words] if len(before) >= words else 0
    end = after[words - 1] if len(after) >= words else len(text)
    shifted = tuple((a - start, b - start) for a, b in spans)
    return text[start:end], shifted


class FramingScorer:
    """Scores mention sentences against the categories of a Framing with one embedder."""

    def __init__(self, framing: Framing, embedder: Embedder):
        self.framing = framing
        self.embedder = embedder
        self._prototypes = [
            np.asarray(embedder.encode(list(c.prototypes)), dtype=np.float32)
            for c in framing.categories
        ]

    def scores(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]) -> np.ndarray:
        """Raw scores, one row per (sentence, mention spans), one column per category."""
        return self.scores_and_vectors(items)[0]

    def scores_and_vectors(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]
                           ) -> tuple[np.ndarray, np.ndarray]:
        """Raw scores and the vectors of the masked sentences they were computed from."""
        if not items:
            return np.zeros((0, len(self.framing.categories))), np.zeros((0, 0), np.float32)
        clipped = [_clip(text, spans, self.framing.context) for text, spans in items]
        masked = [mask_sentence(text, spans, self.framing.mask) for text, spans in clipped]
        vectors = np.asarray(self.embedder.encode(masked), dtype=np.float32)
        result = np.zeros((len(items), len(self.framing.categories)))
        for j, (category, protos) in enumerate(zip(self.framing.categories, self._prototypes)):
            sims = np.sort(vectors @ protos.T, axis=1)[:, ::-1][:, :2]
            result[:, j] = sims.mean(axis=1) + category.bias
        index = CueIndex(category.cues for category in self.framing.categories)
        for i, (text, spans) in enumerate(clipped):
            found = index.counts(_near_lemmas(text, spans, self.framing.window))
            for j, count in enumerate(found):
                result[i, j] += self.framing.cue_weight * min(count, self.framing.max_cues)
        return result, vectors

    def probabilities(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]) -> np.ndarray:
        return self.scored(items)[1]

    def scored(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]
               ) -> tuple[np.ndarray, np.ndarray]:
        """(raw scores, probabilities: a softmax of the scores at the file's temperature)."""
        return self._softmax(self.scores(items))

    def scored_with_vectors(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(raw scores, probabilities, the masked sentences' vectors)."""
        scores, vectors = self.scores_and_vectors(items)
        return (*self._softmax(scores), vectors)

    def _softmax(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raw = scores / self.framing.temperature
        raw -= raw.max(axis=1, keepdims=True) if len(raw) else 0
        exp = np.exp(raw)
        return scores, (exp / exp.sum(axis=1, keepdims=True) if len(exp) else exp)

    def labels(self, items: list[tuple[str, tuple[tuple[int, int], ...]]]) -> list[str]:
        keys = self.framing.keys
        return [keys[int(i)] for i in np.argmax(self.scores(items), axis=1)]


def distribution(labels: list[str], keys: list[str]) -> dict[str, float]:
    """Share of the mention sentences given each label (all zeros when there are none)."""
    total = len(labels)
    return {key: (labels.count(key) / total if total else 0.0) for key in keys}


def js_distance(p: dict[str, float], q: dict[str, float]) -> float:
    """Jensen–Shannon distance (base 2, so 0..1) between two distributions."""
    keys = sorted(set(p) | set(q))
    a = [p.get(k, 0.0) for k in keys]
    b = [q.get(k, 0.0) for k in keys]
    if not sum(a) or not sum(b):
        return 0.0
    m = [(x + y) / 2 for x, y in zip(a, b)]

    def kl(x: list[float]) -> float:
        return sum(xi * math.log2(xi / mi) for xi, mi in zip(x, m) if xi > 0)

    return math.sqrt(max(0.0, (kl(a) + kl(b)) / 2))


TIE = "+"  # joins the categories of a tie that nothing breaks: "competitor+threat"


def dominant(
    shares: dict[str, float], keys: list[str], totals: dict[str, float] | None = None
) -> str | None:
    """The category with the largest share. Categories tied on share are separated by
    ``totals`` (each category's scores summed over the sentences); a tie that remains is
    reported as all of its categories, in file order, joined by TIE: the file's order
    says nothing about the text."""
    if not any(shares.values()):
        return None
    top = max(shares.get(k, 0.0) for k in keys)
    tied = [k for k in keys if shares.get(k, 0.0) == top]
    if len(tied) > 1 and totals:
        best = max(round(totals.get(k, 0.0), 6) for k in tied)
        tied = [k for k in tied if round(totals.get(k, 0.0), 6) == best]
    return TIE.join(tied)


def tied(key: str | None) -> list[str]:
    """The categories of a dominant value (one, or those of an unbroken tie)."""
    return key.split(TIE) if key else []


# --- how sure a framing shift is -----------------------------------------------------------
#
# The rule: a framing-shift headline needs MIN_SENTENCES sentences naming the actor in each
# version, and the rise in the share of the framing it claims must be supported: the 95 %
# interval of (new share - old share) excludes 0. The interval is Bayesian: each version's
# category shares get a Dirichlet posterior (counts of the sentences' labels + 1/2, Jeffreys'
# prior); DRAWS paired draws with a fixed seed (so reports are reproducible) give the
# distribution of the difference. Labels are taken as given: the classifier's own error rate
# is stated separately (the report's Method section). A headline also needs the main framing
# to switch, with the new one's gain in share at least MIN_Z standard errors (two-proportion z;
# shifts.headlines.framing_support): stricter than the interval alone on few sentences.

MIN_SENTENCES = 5
DRAWS = 4000
LEVEL = 0.95
MIN_Z = 3.0


def counts_from(shares: dict[str, float], total: int) -> dict[str, int]:
    """Sentence counts back from shares of ``total`` sentences."""
    return {k: round(v * total) for k, v in shares.items()}


def share_change_interval(old: dict[str, int], new: dict[str, int], key: str
                          ) -> tuple[float, float]:
    """The LEVEL interval of new share - old share of ``key`` (Dirichlet posteriors)."""
    keys = sorted(set(old) | set(new))
    rng = np.random.default_rng(0)
    column = keys.index(key)
    a = rng.dirichlet([old.get(k, 0) + 0.5 for k in keys], DRAWS)[:, column]
    b = rng.dirichlet([new.get(k, 0) + 0.5 for k in keys], DRAWS)[:, column]
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(b - a, [tail, 1 - tail])
    return float(low), float(high)


def supported_shift(old: dict[str, int], new: dict[str, int], gained: list[str]
                    ) -> tuple[float, float] | None:
    """The interval of the smallest gain among ``gained`` when every gain is supported
    (enough sentences on each side, interval above 0); else None."""
    if min(sum(old.values()), sum(new.values())) < MIN_SENTENCES or not gained:
        return None
    intervals = [share_change_interval(old, new, k) for k in gained]
    low, high = min(intervals)
    return (low, high) if low > 0 else None
