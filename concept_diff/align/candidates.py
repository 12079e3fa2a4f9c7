"""Candidate pairs: the few passages of the other version each passage could have become.

Only candidates are ever scored, so the rest of the aligner never sees an N×M matrix:

* ``dense_top_k`` takes every row's and every column's ``k`` best cosines from the full
  similarity matrix, computed in float32 row blocks of bounded size (any order, so moved
  passages are candidates wherever they went);
* ``pyramid_top_k`` does the same for long inputs coarse-to-fine (as vecalign does): passages are
  averaged into windows, the windows are matched recursively, and a passage is compared only
  with the passages inside the candidate windows (and their neighbours) of its own window.
  Work per level is linear in length, so the whole search is.
* ``exact_pairs`` adds identical texts in any order (passim-style reuse): long-distance moves of
  verbatim text survive even where the windows blur them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

BLOCK_ELEMENTS = 1 << 22  # float32 cells per similarity block (16 MiB)
WINDOW = 8  # passages per coarse window, per pyramid level


def _merge_top(vals: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the k largest per column of (vals, idx); ties go to the smaller index."""
    if vals.shape[0] > k:
        order = np.lexsort((idx, -vals), axis=0)[:k]
        vals = np.take_along_axis(vals, order, axis=0)
        idx = np.take_along_axis(idx, order, axis=0)
    return vals, idx


def _row_top(sims: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the k best cells of each row (ties: lower position)."""
    if sims.shape[1] <= k:
        return np.tile(np.arange(sims.shape[1]), (sims.shape[0], 1))
    part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return part


def dense_top_k(a: np.ndarray, b: np.ndarray, k: int) -> set[tuple[int, int]]:
    """Every row's and column's k most similar partners, in bounded-memory float32 blocks."""
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return set()
    k = max(1, k)
    rows = max(1, BLOCK_ELEMENTS // m)
    col_vals = np.full((0, m), -np.inf, dtype=np.float32)
    col_idx = np.zeros((0, m), dtype=np.int64)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, n, rows):
        sims = a[start:start + rows] @ b.T
        top = _row_top(sims, k)
        for r, cols in enumerate(top.tolist()):
            pairs.update((start + r, c) for c in cols)
        kk = min(k, sims.shape[0])
        part = np.argpartition(-sims, kk - 1, axis=0)[:kk] if sims.shape[0] > kk else \
            np.tile(np.arange(sims.shape[0])[:, None], (1, m))
        vals = np.take_along_axis(sims, part, axis=0)
        col_vals, col_idx = _merge_top(
            np.vstack([col_vals, vals]), np.vstack([col_idx, part + start]), k
        )
    for c in range(m):
        pairs.update((int(r), c) for r in col_idx[:, c].tolist())
    return pairs


def window_means(vecs: np.ndarray, size: int) -> np.ndarray:
    """L2-normalised means of consecutive windows of ``size`` rows (the last may be shorter)."""
    n = len(vecs)
    groups = (n + size - 1) // size
    padded = np.zeros((groups * size, vecs.shape[1]), dtype=np.float32)
    padded[:n] = vecs
    means = padded.reshape(groups, size, -1).sum(axis=1)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return means / np.maximum(norms, 1e-12)


def pyramid_top_k(
    a: np.ndarray, b: np.ndarray, k: int, dense_limit: int, window: int = WINDOW
) -> set[tuple[int, int]]:
    """Top-k candidates coarse-to-fine: exact below ``dense_limit`` cells, linear above it."""
    n, m = len(a), len(b)
    if n * m <= dense_limit or n <= window or m <= window:
        return dense_top_k(a, b, k)
    coarse = pyramid_top_k(window_means(a, window), window_means(b, window), k, dense_limit, window)
    wanted: dict[int, set[int]] = defaultdict(set)
    groups_b = (m + window - 1) // window
    for big_i, big_j in coarse:
        for jj in (big_j - 1, big_j, big_j + 1):
            if 0 <= jj < groups_b:
                wanted[big_i].add(jj)
    return _refine(a, b, k, wanted, window)


def _refine(
    a: np.ndarray, b: np.ndarray, k: int, wanted: dict[int, set[int]], window: int
) -> set[tuple[int, int]]:
    """Exact top-k of each row (and column) among the columns of its window's candidates."""
    m = len(b)
    col_vals = np.full((k, m), -np.inf, dtype=np.float32)
    col_idx = np.zeros((k, m), dtype=np.int64)
    pairs: set[tuple[int, int]] = set()
    for big_i in sorted(wanted):
        r0, r1 = big_i * window, min(len(a), (big_i + 1) * window)
        cols = np.concatenate(
            [np.arange(j * window, min(m, (j + 1) * window)) for j in sorted(wanted[big_i])]
        )
        sims = a[r0:r1] @ b[cols].T
        for r, top in enumerate(_row_top(sims, k).tolist()):
            pairs.update((r0 + r, int(cols[c])) for c in top)
        rows_idx = np.broadcast_to(np.arange(r0, r1)[:, None], sims.shape)
        vals, idx = _merge_top(
            np.vstack([col_vals[:, cols], sims]), np.vstack([col_idx[:, cols], rows_idx]), k
        )
        col_vals[:, cols], col_idx[:, cols] = vals, idx
    seen = np.isfinite(col_vals)
    for r, c in zip(col_idx[seen].tolist(), np.nonzero(seen)[1].tolist()):
        pairs.add((r, c))
    return pairs


def exact_pairs(
    old_keys: Sequence[str], new_keys: Sequence[str], limit: int = 3
) -> set[tuple[int, int]]:
    """Pairs of identical (normalised) texts in any order; boilerplate repeated often is skipped."""
    where: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(new_keys):
        if key:
            where[key].append(j)
    seen: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(old_keys):
        if key in where:
            seen[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, olds in seen.items():
        news = where[key]
        if len(olds) <= limit and len(news) <= limit:
            pairs.update((i, j) for i in olds for j in news)
    return pairs
