"""Scores of candidate beads: cosine of (mean) vectors blended with a difflib ratio on words.

The cosine sees meaning (a reworded passage keeps it), the lexical ratio sees wording (an edited
passage keeps most of it); ``score = (1 - w) * cosine + w * lexical``. The lexical ratio is the
one ``difflib.SequenceMatcher`` gives on lower-cased word tokens with ``autojunk=False`` and is
computed only for candidates. A group (split or merge) is scored with the normalised mean of its
pieces' vectors, which needs no second trip to the embedder and, measured on the synthetic
splits and merges in tests/test_align_synthetic.py, separates true groups from a 1-1 pair plus
a neighbour as well as re-embedding the joined text does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

try:  # difflib's own algorithm compiled: the same ratios, about four times faster
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - the pure-Python original gives identical results
    from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def normalised(text: str) -> str:
    """Text with all whitespace runs made one space: 'unchanged' means equal after this."""
    return " ".join(text.split())


def ratio(a: Sequence[str], b: Sequence[str]) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Units:
    """One side's units (passages or sentences): texts, tokens and unit vectors."""

    texts: list[str]
    vecs: np.ndarray
    toks: list[list[str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vecs = np.ascontiguousarray(self.vecs, dtype=np.float32).reshape(len(self.texts), -1)
        if not self.toks:
            self.toks = [tokens(t) for t in self.texts]
        if not self.keys:
            self.keys = [normalised(t) for t in self.texts]

    def __len__(self) -> int:
        return len(self.texts)

    def group_vec(self, start: int, size: int) -> np.ndarray:
        vec = self.vecs[start:start + size].sum(axis=0)
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else vec

    def group_toks(self, start: int, size: int) -> list[str]:
        return [t for toks in self.toks[start:start + size] for t in toks]


def blend(cosine: float, lexical: float, weight: float) -> float:
    return (1.0 - weight) * cosine + weight * lexical


def pair_lexical(
    old: Units, new: Units, pairs: Sequence[tuple[int, int]], floor: Sequence[float] | None = None
) -> list[float]:
    """difflib ratio of each pair; each new unit's index is built once and reused.

    With ``floor`` (per pair), a pair whose upper bound (``quick_ratio``, a bag-of-words count)
    is already below its floor keeps that bound instead: it cannot matter, and the exact ratio
    is where the time goes. Exact ratios are remembered for the two sides (``_memo``), so a pair
    asked for again (the pair decision's feature rows, the related pointers and the attached
    merges ask for the same candidates) is not matched twice.
    """
    out = [0.0] * len(pairs)
    by_new: dict[int, list[int]] = {}
    for k, (_, j) in enumerate(pairs):
        by_new.setdefault(j, []).append(k)
    memo = _memo(old, new)
    matcher = SequenceMatcher(None, autojunk=False)
    for j in sorted(by_new):
        indexed = False
        for k in by_new[j]:
            i = pairs[k][0]
            known = memo.get((i, j))
            # an exact ratio at or above the floor is what the bound would have led to
            if known is not None and (floor is None or known >= floor[k]):
                out[k] = known
                continue
            a = old.toks[i]
            if not a and not new.toks[j]:
                out[k] = 1.0
                continue
            if not indexed:
                matcher.set_seq2(new.toks[j])
                indexed = True
            matcher.set_seq1(a)
            if floor is not None and floor[k] > 0:  # a floor <= 0 is met by any ratio
                bound = matcher.quick_ratio()
                if bound < floor[k]:
                    out[k] = bound
                    continue
            out[k] = memo[(i, j)] = matcher.ratio()
    return out


def _memo(old: object, new: object) -> dict[tuple[int, int], float]:
    """The exact ratios found so far between ``old``'s and ``new``'s units, kept on ``new``
    (the memo lives as long as the units; their tokens never change)."""
    memos = vars(new).setdefault("_lexical_memo", [])
    for side, found in memos:
        if side is old:
            return found
    memos.append((old, {}))
    return memos[-1][1]


def bounded_ratio(matcher: SequenceMatcher, a: list[str], floor: float) -> float:
    """``matcher``'s ratio against ``a``, or its cheap upper bound where that is below ``floor``.

    ``matcher`` holds the other sequence already (``set_seq2``): that side's index is reused.
    """
    if not a and not matcher.b:
        return 1.0
    matcher.set_seq1(a)
    if floor <= 0:  # met by any ratio: the bound would only cost time
        return matcher.ratio()
    bound = matcher.quick_ratio()
    return bound if bound < floor else matcher.ratio()


def lexical_floor(cosines: Sequence[float], threshold: float, weight: float) -> list[float]:
    """The lexical ratio a pair needs to reach ``threshold`` given its cosine."""
    if weight <= 0:
        return [2.0] * len(cosines)  # lexical does not count: only the bound is ever needed
    return [(threshold - (1 - weight) * c) / weight for c in cosines]


DOT_CHUNK = 1 << 15  # rows gathered per block: bounded memory for 100k-sentence documents


def row_dots(a: np.ndarray, rows_a: np.ndarray, b: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """``a[rows_a[k]] · b[rows_b[k]]`` for every k, gathered and multiplied block by block."""
    out = np.empty(len(rows_a), dtype=np.result_type(a, b))
    for start in range(0, len(rows_a), DOT_CHUNK):
        part = slice(start, start + DOT_CHUNK)
        out[part] = np.einsum("ij,ij->i", a[rows_a[part]], b[rows_b[part]])
    return out


def pair_cosines(old: Units, new: Units, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    idx = np.asarray(pairs, dtype=np.int64)
    return row_dots(old.vecs, idx[:, 0], new.vecs, idx[:, 1])
