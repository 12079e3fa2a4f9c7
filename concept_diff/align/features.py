"""Evidence that two passages say the same thing, one number per kind of evidence.

Each feature is something a reader would cite when judging a pair, and each is computed from
the two versions being compared and nothing else (no corpus-specific lists):

  cosine            the embedder's cosine of the two passages (meaning)
  margin            how far that cosine beats the best rival: the cosine minus the best cosine
                    either passage has with any other passage of the other version (the larger
                    of the two sides, so a passage split in two still counts for each piece)
  lexical           difflib's word ratio (wording kept)
  rare_containment  the share of the shorter passage's content words, weighted by rarity in
                    these two versions (idf over all their passages), found in the other one
  rare_jaccard      the same weight over the union of both passages' content words
  tfidf             cosine of the two passages' content-word counts weighted by that rarity
                    (tf-idf over the passages of these two versions)
  sentence_max      the best cosine between a sentence of one passage and a sentence of the
                    other (one point made in both); the passage cosine when the aligner was
                    given no sentence vectors
  numbers           Jaccard overlap of numbers (0 when neither has one)
  names             Jaccard overlap of capitalised words inside sentences (names, acronyms)
  length_ratio      shorter / longer, in words
  short             log of the shorter passage's length in words (short texts are weak evidence)
  anchors           how many of the two diagonal neighbours, (previous old, previous new) and
                    (next old, next new), the aligner links: a passage replaced in place

The decision (decision.py) combines a chosen subset with coefficients fitted on labelled pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from .candidates import pyramid_top_k
from .scoring import pair_lexical, ratio, tokens

FEATURES = ("cosine", "margin", "lexical", "rare_containment", "rare_jaccard", "tfidf",
            "sentence_max", "numbers", "names", "length_ratio", "short", "anchors")
EMBEDDER_FEATURES = ("cosine", "margin", "sentence_max")  # read the embedder's vectors

# A capitalised word that does not open a sentence (no terminal punctuation or line start
# before it): a name, an acronym, a title.
_CAPITALISED = re.compile(r"(?<![.!?:;\"“]\s)(?<!^)\b[A-Z][\w'’\-]*")
_DIGIT = re.compile(r"\d")
BLOCK_ELEMENTS = 1 << 22  # float32 cells per similarity block
DENSE_CELLS = 1 << 22  # up to this many old×new cells, one similarity matrix serves all


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("concept_diff").joinpath("data", "stopwords.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


class _Side:
    """One version's passages: tokens, content words, numbers and names, once each."""

    def __init__(self, texts: Sequence[str], toks: Sequence[list[str]] | None = None):
        stops = stop_words()
        self.texts = list(texts)
        self.toks = list(toks) if toks is not None else [tokens(t) for t in self.texts]
        self.content = [frozenset(t for t in ts if t not in stops and len(t) > 2
                                  and not _DIGIT.search(t)) for ts in self.toks]
        self._tfidf: dict[int, tuple[dict[str, float], float]] = {}
        self.numbers = [frozenset(t for t in ts if _DIGIT.search(t)) for ts in self.toks]
        self.names = [frozenset(m.group(0).lower() for m in _CAPITALISED.finditer(" ".join(
            t.split())) if m.group(0).lower() not in stops) for t in self.texts]

    def tfidf(self, k: int, idf: dict[str, float]) -> tuple[dict[str, float], float]:
        """Passage ``k``'s content words weighted count × idf, and the vector's norm (once)."""
        if k not in self._tfidf:
            words = self.content[k]
            weights = {w: n * idf[w] for w, n in Counter(t for t in self.toks[k]
                                                        if t in words).items()}
            self._tfidf[k] = weights, math.sqrt(sum(v * v for v in weights.values()))
        return self._tfidf[k]


class PairEvidence:
    """Features of any (old, new) passage pair of two versions; rarity counted over both."""

    def __init__(self, old_texts: Sequence[str], new_texts: Sequence[str],
                 old_vecs: np.ndarray, new_vecs: np.ndarray, *,
                 old_toks: Sequence[list[str]] | None = None,
                 new_toks: Sequence[list[str]] | None = None,
                 sentences: tuple[SentenceVectors, SentenceVectors] | None = None):
        self.old, self.new = _Side(old_texts, old_toks), _Side(new_texts, new_toks)
        self.sentences = sentences
        self.old_vecs = np.ascontiguousarray(old_vecs, dtype=np.float32)
        self.new_vecs = np.ascontiguousarray(new_vecs, dtype=np.float32)
        df = Counter(w for side in (self.old, self.new) for words in side.content for w in words)
        total = len(self.old.texts) + len(self.new.texts)
        self.idf = {w: math.log((total + 1) / (c + 1)) + 1.0 for w, c in df.items()}
        # math.fsum: exact, so a sum over a set does not depend on the order of iteration
        # (string hashing differs between runs) and the output stays byte-identical
        self.old_weight = [math.fsum(map(self.idf.__getitem__, words))
                           for words in self.old.content]
        self.new_weight = [math.fsum(map(self.idf.__getitem__, words))
                           for words in self.new.content]
        self._sims: np.ndarray | None = None
        self.linked: set[tuple[int, int]] = set()  # the aligner's links, for "anchors"
        # passages repeating a heading of their document, old and new (headings.py)
        self.heading_like: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        # coarse-to-fine candidates per side and k: margins ask for 2, merges for 8, related
        # for more; one built for the first k asked would starve the later, larger asks
        self._pyramid: dict[tuple[int, int], dict[int, list[int]]] = {}
        self._known: dict[tuple[int, int], dict[str, float]] = {}  # features once per pair

    def matrix(self, pairs: Sequence[tuple[int, int]], names: Sequence[str]) -> np.ndarray:
        """One row per (old index, new index) pair, one column per feature in ``names``.

        A pair's features are computed once and remembered (the decision, its merges and
        ``related`` ask for the same pairs); ``anchors`` is read afresh, as ``linked`` changes.
        """
        fixed = [name for name in names if name != "anchors"]
        todo = sorted({tuple(p) for p in pairs
                       if any(name not in self._known.get(tuple(p), ()) for name in fixed)})
        if todo:
            for pair, row in zip(todo, self._matrix(todo, fixed).tolist()):
                self._known.setdefault(pair, {}).update(zip(fixed, row))
        out = np.zeros((len(pairs), len(names)), dtype=np.float64)
        for col, name in enumerate(names):
            if name == "anchors":
                out[:, col] = [float(((i - 1, j - 1) in self.linked)
                                     + ((i + 1, j + 1) in self.linked)) for i, j in pairs]
            else:
                out[:, col] = [self._known[tuple(p)][name] for p in pairs]
        return out

    def _matrix(self, pairs: Sequence[tuple[int, int]], names: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(pairs), len(names)), dtype=np.float64)
        if not pairs:
            return out
        idx = np.asarray(pairs, dtype=np.int64)
        cos = np.einsum("ij,ij->i", self.old_vecs[idx[:, 0]], self.new_vecs[idx[:, 1]])
        columns: dict[str, np.ndarray] = {"cosine": cos.astype(np.float64)}
        if "margin" in names:
            columns["margin"] = self._margins(idx, cos)
        if "lexical" in names:
            columns["lexical"] = np.array(pair_lexical(self.old, self.new, pairs))
        if "sentence_max" in names:
            columns["sentence_max"] = self._sentence_max(pairs, cos)
        if "tfidf" in names:
            columns["tfidf"] = np.array([self._tfidf(i, j) for i, j in pairs])
        text = ("rare_containment", "rare_jaccard", "numbers", "names", "length_ratio", "short")
        if any(name in names for name in text):  # not for related.py's cosine and tf-idf
            per_pair = [self._text_features(i, j) for i, j in pairs]
            for k, name in enumerate(text):
                columns[name] = np.array([row[k] for row in per_pair])
        for col, name in enumerate(names):
            out[:, col] = columns[name]
        return out

    def group_scores(self, olds: Sequence[int], news: Sequence[int]) -> tuple[float, float]:
        """Cosine of the summed (normalised) vectors and word ratio of the joined passages."""
        a, b = self.old_vecs[list(olds)].sum(axis=0), self.new_vecs[list(news)].sum(axis=0)
        norm = float(np.linalg.norm(a) * np.linalg.norm(b))
        cosine = float(a @ b) / norm if norm > 0 else 0.0
        joined_old = [t for i in olds for t in self.old.toks[i]]
        joined_new = [t for j in news for t in self.new.toks[j]]
        return max(-1.0, min(1.0, cosine)), ratio(joined_old, joined_new)

    def _text_features(self, i: int, j: int) -> tuple[float, ...]:
        shared = math.fsum(map(self.idf.__getitem__, self.old.content[i] & self.new.content[j]))
        size_a, size_b = self.old_weight[i], self.new_weight[j]
        smaller = min(size_a, size_b)
        union = size_a + size_b - shared
        len_a, len_b = len(self.old.toks[i]), len(self.new.toks[j])
        return (
            shared / smaller if smaller > 0 else 0.0,
            shared / union if union > 0 else 0.0,
            _jaccard(self.old.numbers[i], self.new.numbers[j]),
            _jaccard(self.old.names[i], self.new.names[j]),
            min(len_a, len_b) / max(len_a, len_b) if max(len_a, len_b) else 0.0,
            math.log1p(min(len_a, len_b)),
        )

    def _tfidf(self, i: int, j: int) -> float:
        (tf_a, norm_a), (tf_b, norm_b) = self.old.tfidf(i, self.idf), self.new.tfidf(j, self.idf)
        dot = math.fsum(tf_a[w] * tf_b[w] for w in self.old.content[i] & self.new.content[j])
        return dot / (norm_a * norm_b) if norm_a * norm_b > 0 else 0.0

    def _sentence_max(self, pairs: Sequence[tuple[int, int]], cos: np.ndarray) -> np.ndarray:
        """Best sentence-to-sentence cosine of each pair (see the module doc)."""
        if self.sentences is None:
            return cos.astype(np.float64)
        old, new = self.sentences
        return np.array([float(np.max(old.of(i) @ new.of(j).T)) for i, j in pairs])

    def _margins(self, idx: np.ndarray, cos: np.ndarray) -> np.ndarray:
        """cosine − best rival on the side where the pair is most clearly each other's best."""
        rows_best, rows_arg = self._top2(0, np.unique(idx[:, 0]))
        cols_best, cols_arg = self._top2(1, np.unique(idx[:, 1]))
        out = np.zeros(len(idx), dtype=np.float64)
        for k, (i, j) in enumerate(idx.tolist()):
            rival_old = _rival(rows_best[i], rows_arg[i], j)
            rival_new = _rival(cols_best[j], cols_arg[j], i)
            out[k] = float(cos[k]) - min(rival_old, rival_new)
        return out

    def _top2(self, side: int, rows: np.ndarray) -> tuple[dict, dict]:
        """Best two cosines (and their partners) of each of ``rows`` against the other side."""
        values, args = self.neighbours(side, rows, 2)
        return ({int(r): values[k] for k, r in enumerate(rows)},
                {int(r): args[k] for k, r in enumerate(rows)})

    def neighbours(self, side: int, rows: Sequence[int] | np.ndarray,
                   k: int) -> tuple[np.ndarray, np.ndarray]:
        """``nearest`` for some passages of one side (0 old, 1 new) against the other side;
        from one similarity matrix, computed once, when the two versions are not too long."""
        rows = np.asarray(rows, dtype=np.int64)
        mine, theirs = (self.old_vecs, self.new_vecs) if side == 0 else (self.new_vecs,
                                                                           self.old_vecs)
        if len(mine) * len(theirs) > DENSE_CELLS:
            return self._coarse_to_fine(side, rows, k)
        if self._sims is None:
            self._sims = self.old_vecs @ self.new_vecs.T
        sims = self._sims[rows] if side == 0 else self._sims[:, rows].T
        return top_k(sims, k)


    def _coarse_to_fine(self, side: int, rows: np.ndarray,
                        k: int) -> tuple[np.ndarray, np.ndarray]:
        """Long versions: each row's best among the aligner's own coarse-to-fine candidates
        (candidates.pyramid_top_k), so the work stays linear in length."""
        mine, theirs = (self.old_vecs, self.new_vecs) if side == 0 else (self.new_vecs,
                                                                           self.old_vecs)
        if (side, k) not in self._pyramid:
            found: dict[int, list[int]] = {}
            for i, j in sorted(pyramid_top_k(mine, theirs, k, DENSE_CELLS)):
                found.setdefault(i, []).append(j)
            self._pyramid[side, k] = found
        values = np.full((len(rows), k), -np.inf, dtype=np.float32)
        args = np.full((len(rows), k), -1, dtype=np.int64)
        for r, row in enumerate(rows.tolist()):
            cols = np.asarray(self._pyramid[side, k].get(row, []), dtype=np.int64)
            if len(cols):
                v, a = top_k((theirs[cols] @ mine[row])[None, :], k)
                values[r], args[r] = v[0], np.where(a[0] >= 0, cols[np.maximum(a[0], 0)], -1)
        return values, args


class SentenceVectors:
    """One version's sentence vectors and which rows belong to each passage."""

    def __init__(self, vecs: np.ndarray, counts: Sequence[int]):
        self.vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        ends = np.cumsum(counts).tolist()
        self.rows = [slice(end - n, end) for n, end in zip(counts, ends)]
        if len(self.vecs) != (ends[-1] if ends else 0):
            raise ValueError(f"need one vector per sentence: {len(self.vecs)}/{ends[-1:]}")

    def of(self, passage: int) -> np.ndarray:
        return self.vecs[self.rows[passage]]


def _rival(values: np.ndarray, args: np.ndarray, partner: int) -> float:
    """The best cosine with anyone but ``partner`` (-1 when there is no one else)."""
    for value, arg in zip(values.tolist(), args.tolist()):
        if arg != partner and arg >= 0:
            return float(value)
    return -1.0


def nearest(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row of ``a``'s ``k`` most similar rows of ``b``: (cosines, indices), best first
    (equal cosines by index); short rows are padded with (-inf, -1). Bounded-memory blocks."""
    parts = [top_k(a[start:start + max(1, BLOCK_ELEMENTS // max(1, len(b)))] @ b.T, k)
             for start in range(0, len(a), max(1, BLOCK_ELEMENTS // max(1, len(b))))]
    if not parts:
        return np.full((0, k), -np.inf, dtype=np.float32), np.full((0, k), -1, dtype=np.int64)
    return np.vstack([v for v, _ in parts]), np.vstack([i for _, i in parts])


def top_k(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest cells of each row of ``sims`` and their columns (see ``nearest``)."""
    n, m = sims.shape
    values = np.full((n, k), -np.inf, dtype=np.float32)
    args = np.full((n, k), -1, dtype=np.int64)
    take = min(k, m)
    if n == 0 or take == 0:
        return values, args
    top = np.argpartition(-sims, take - 1, axis=1)[:, :take] if m > take else \
        np.broadcast_to(np.arange(m), sims.shape)
    vals = np.take_along_axis(sims, top, axis=1)
    order = np.lexsort((top, -vals), axis=1)
    values[:, :take] = np.take_along_axis(vals, order, axis=1)
    args[:, :take] = np.take_along_axis(top, order, axis=1)
    return values, args


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0
