"""One alignment pass over two lists of units (passages, or the sentences of matched passages).

candidates → scores → threshold calibrated on this pair → group beads → monotone chain → moves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .candidates import exact_pairs, pyramid_top_k
from .chain import Bead, best_chain
from .scoring import (
    SequenceMatcher,
    Units,
    blend,
    bounded_ratio,
    lexical_floor,
    pair_cosines,
    pair_lexical,
    row_dots,
)


@dataclass(frozen=True)
class AlignParams:
    """Thresholds of the aligner. Every value used is reported in the JSON ``parameters``.

    top_k             candidates kept per passage, from each side (row and column top-k)
    lexical_weight    w in score = (1 - w) * cosine + w * lexical (difflib ratio on words)
    threshold         add/remove threshold on the score; None = calibrated per pair (below)
    noise_quantile    calibration: the threshold is this quantile of the scores of random
                      (old, new) pairs of the same two documents, i.e. of pairs that are not
                      translations of each other, as vecalign normalises by random pairs
    noise_margin      ... plus this margin, so a pair must clearly beat chance
    calibration_pairs how many random pairs are scored (fixed seed: deterministic)
    default_threshold used when fewer than min_calibration random non-candidate pairs exist
                      (very short documents): too few to say what chance looks like
    edited_min        lexical ratio from which a same-place pair is 'edited' not 'rewritten'
    move_margin       a pair off the monotone path becomes 'moved' if its score is at least
                      threshold + move_margin (moves need stronger evidence than pairs in order)
    max_group         largest split/merge of neighbouring passages (passages on the many side)
    attach            with a pair decision: an added/removed passage joins the entry of its most
                      probably-same passage when that P(same) passes the decision's threshold
                      (merges/splits of passages that are not neighbours; align/merges.py)
    group_penalty     score a split/merge must gain over its 1-1 parts, per extra passage
    dense_limit       above this many old×new cells candidates are found coarse-to-fine
    window            passages per coarse window in the coarse-to-fine search
    """

    top_k: int = 4
    lexical_weight: float = 0.3
    threshold: float | None = None
    noise_quantile: float = 0.99
    noise_margin: float = 0.05
    calibration_pairs: int = 2000
    default_threshold: float = 0.5
    min_calibration: int = 50
    edited_min: float = 0.6
    move_margin: float = 0.02
    max_group: int = 3
    attach: bool = True
    group_penalty: float = 0.05
    dense_limit: int = 4_000_000
    window: int = 8

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Pass:
    """The outcome of one pass: beads on the monotone path, moved pairs, the threshold used."""

    path: list[Bead]
    moved: list[Bead]
    threshold: float
    calibration: dict


def calibrate(
    old: Units, new: Units, params: AlignParams, exclude: set[tuple[int, int]] | None = None,
    seed: int = 0,
) -> tuple[float, dict]:
    """Add/remove threshold from the scores of random pairs (what 'unrelated' looks like here).

    Cells in ``exclude`` (the candidates: every true pair is among them) are not sampled, so a
    short document whose passages mostly survive does not count its own matches as noise.
    """
    n, m = len(old), len(new)
    if params.threshold is not None or n == 0 or m == 0:
        value = params.threshold if params.threshold is not None else 0.5
        return float(value), {"method": "fixed", "threshold": round(float(value), 4)}
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n * m, size=3 * params.calibration_pairs)
    codes = np.unique(draws)  # sorted cell codes i * m + j: the pairs in (i, j) order
    if exclude:
        taken = np.fromiter((i * m + j for i, j in exclude), dtype=np.int64, count=len(exclude))
        codes = codes[~np.isin(codes, taken)]
    codes = codes[: params.calibration_pairs]
    pairs = list(zip((codes // m).tolist(), (codes % m).tolist()))
    if len(pairs) < params.min_calibration:
        value = params.default_threshold
        return value, {"method": "default", "pairs": len(pairs), "threshold": value}
    cos = pair_cosines(old, new, pairs)
    lex_pairs = pairs[:: max(1, len(pairs) // 150)]  # difflib is the slow part; ~150 suffice
    lex = float(np.mean(pair_lexical(old, new, lex_pairs)))
    scores = (1 - params.lexical_weight) * cos + params.lexical_weight * lex
    quantile = float(np.quantile(scores, params.noise_quantile))
    threshold = quantile + params.noise_margin
    info = {
        "method": "random-pairs",
        "pairs": len(pairs),
        "random_mean": round(float(scores.mean()), 4),
        "random_quantile": round(quantile, 4),
        "threshold": round(threshold, 4),
    }
    return threshold, info


def _one_to_one(
    old: Units, new: Units, candidates: set[tuple[int, int]], params: AlignParams,
    threshold: float,
) -> dict[tuple[int, int], Bead]:
    """Scored 1-1 candidates; those that cannot reach ``threshold`` carry a lexical bound only."""
    ordered = sorted(candidates)
    cos = pair_cosines(old, new, ordered)
    w = params.lexical_weight
    lex = pair_lexical(old, new, ordered, lexical_floor(cos.tolist(), threshold, w))
    return {
        (i, j): Bead(i, 1, j, 1, float(c), float(x), blend(float(c), float(x), w))
        for (i, j), c, x in zip(ordered, cos.tolist(), lex)
    }


def _max_norm(vecs: np.ndarray) -> float:
    return float(np.linalg.norm(vecs, axis=1).max()) if len(vecs) else 0.0


class _Groups:
    """Scores split/merge beads; a group's vector, tokens and difflib index are built once."""

    def __init__(self, old: Units, new: Units, w: float):
        self.old, self.new, self.w = old, new, w
        self.vecs: dict[tuple[int, int, int], np.ndarray] = {}
        self.matchers: dict[tuple[int, int], SequenceMatcher] = {}
        self.norms = _max_norm(old.vecs) * _max_norm(new.vecs)

    def _vec(self, side: int, start: int, size: int) -> np.ndarray:
        key = (side, start, size)
        if key not in self.vecs:
            self.vecs[key] = (self.new if side else self.old).group_vec(start, size)
        return self.vecs[key]

    def _matcher(self, start: int, size: int) -> SequenceMatcher:
        """A matcher whose second sequence is the new group (difflib indexes that side)."""
        key = (start, size)
        if key not in self.matchers:
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(self.new.group_toks(start, size))
            self.matchers[key] = matcher
        return self.matchers[key]

    def related(
        self, keys: list[tuple[int, int, int, int]], threshold: float
    ) -> list[tuple[int, int, int, int]]:
        """The groups whose every piece is close to the other side on its own.

        The piece cosines of all groups come from one batched product; only a group whose
        smallest one lies within rounding distance of ``threshold`` is decided by the exact
        per-group product, so the answer is the per-group test's, at a fraction of the calls.
        """
        if not keys:
            return []
        olds, news, sizes = [], [], []
        for i, a, j, b in keys:
            olds += [i] * b if a == 1 else list(range(i, i + a))
            news += list(range(j, j + b)) if a == 1 else [j] * a
            sizes.append(max(a, b))
        cos = row_dots(self.old.vecs, np.asarray(olds), self.new.vecs, np.asarray(news))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        smallest = np.minimum.reduceat(cos, starts).tolist()
        # float32 dot products of length d differ by at most ~d * 2^-24 * |a| |b| between
        # summation orders; ten times that is a safe margin.
        margin = 10 * self.old.vecs.shape[1] * 2.0 ** -24 * self.norms
        out = []
        for key, low in zip(keys, smallest):
            if low >= threshold + margin or (low >= threshold - margin and self._related(key,
                                                                                     threshold)):
                out.append(key)
        return out

    def _related(self, key: tuple[int, int, int, int], threshold: float) -> bool:
        i, a, j, b = key
        if a == 1:
            return bool(np.min(self.new.vecs[j:j + b] @ self.old.vecs[i]) >= threshold)
        return bool(np.min(self.old.vecs[i:i + a] @ self.new.vecs[j]) >= threshold)

    def bead(self, i: int, a: int, j: int, b: int, threshold: float) -> Bead:
        cos = float(np.dot(self._vec(0, i, a), self._vec(1, j, b)))
        floor = lexical_floor([cos], threshold, self.w)[0]
        lex = bounded_ratio(self._matcher(j, b), self.old.group_toks(i, a), floor)
        return Bead(i, a, j, b, cos, lex, blend(cos, lex, self.w))


def _group_beads(
    old: Units, new: Units, singles: dict[tuple[int, int], Bead], threshold: float,
    params: AlignParams,
) -> list[Bead]:
    """Splits and merges around strong 1-1 candidates whose every piece looks related.

    A group is tried only around a pair above the threshold; every piece must be close to the
    other side on its own (the mean of loosely related passages is a topic centroid that
    resembles any passage on the topic), and the group must score above each of its pieces
    alone, or a passage that survived verbatim would be swallowed by a neighbour's merge.
    """
    keys = dict.fromkeys(  # every group around a strong pair, once, in a fixed order
        key for (i, j), single in sorted(singles.items()) if single.score >= threshold
        for key in _group_keys(i, j, len(old), len(new), params.max_group)
    )
    groups = _Groups(old, new, params.lexical_weight)
    out: dict[tuple[int, int, int, int], Bead] = {}
    for key in groups.related(list(keys), threshold):
        gi, a, gj, b = key
        bar = _bar(singles, range(gi, gi + a), range(gj, gj + b), threshold)
        out[key] = groups.bead(gi, a, gj, b, bar)
    return [bead for key, bead in sorted(out.items()) if _beats_pieces(bead, singles)]


def _group_keys(i: int, j: int, n: int, m: int, max_group: int) -> list[tuple[int, int, int, int]]:
    """(old start, old size, new start, new size) of every split and merge holding (i, j)."""
    keys = []
    for size in range(2, max_group + 1):
        keys += [(i, 1, start, size) for start in range(max(0, j - size + 1), min(j, m - size) + 1)]
        keys += [(start, size, j, 1) for start in range(max(0, i - size + 1), min(i, n - size) + 1)]
    return keys


def _bar(singles: dict[tuple[int, int], Bead], olds, news, threshold: float) -> float:
    """The score a group must beat: the threshold and each of its pieces alone."""
    pieces = [singles[(i, j)].score for i in olds for j in news if (i, j) in singles]
    return max([threshold, *pieces])


def _beats_pieces(group: Bead, singles: dict[tuple[int, int], Bead]) -> bool:
    pieces = [singles.get((i, j)) for i in group.old for j in group.new]
    return all(p is None or group.score > p.score for p in pieces)


def _gain(bead: Bead, threshold: float, params: AlignParams) -> float:
    size = bead.a + bead.b
    return (bead.score - threshold) * size / 2 - params.group_penalty * (size - 2)


def _moves(
    singles: dict[tuple[int, int], Bead], path: list[Bead], threshold: float, params: AlignParams
) -> tuple[list[Bead], list[Bead]]:
    """Strong pairs the monotone path could not take become moves (passim-style, any order).

    A move may also displace path beads that hold its passages when they are worth less than
    it (a weak in-order pair or a merge that swallowed a passage whose verbatim copy moved):
    each such swap raises the total gain, so repeating the sweep until nothing changes ends.
    Returns the path that remains and the moves, both in new-document order.
    """
    bar = threshold + params.move_margin
    strong = sorted((b for b in singles.values() if b.score >= bar),
                    key=lambda s: (-s.score, s.i, s.j))
    beads = {k: bead for k, bead in enumerate(path)}
    gains = {k: _gain(bead, threshold, params) for k, bead in beads.items()}
    owner_old = {i: k for k, bead in beads.items() for i in bead.old}
    owner_new = {j: k for k, bead in beads.items() for j in bead.new}
    moves: set[int] = set()
    fresh = len(path)
    changed = True
    while changed:
        changed = False
        for pair in strong:
            if pair.i in owner_old and owner_old[pair.i] == owner_new.get(pair.j):
                continue  # already aligned together
            held = {owner_old.get(pair.i), owner_new.get(pair.j)} - {None}
            if held & moves:
                continue
            gain = pair.score - threshold - params.move_margin
            if sum(gains[k] for k in held) >= gain:
                continue
            for k in held:
                for i in beads[k].old:
                    del owner_old[i]
                for j in beads[k].new:
                    del owner_new[j]
                del beads[k], gains[k]
            key, fresh = fresh, fresh + 1
            beads[key], gains[key] = pair, gain
            owner_old[pair.i], owner_new[pair.j] = key, key
            moves.add(key)
            changed = True
    order = sorted(beads, key=lambda k: (beads[k].j, beads[k].i))
    return ([beads[k] for k in order if k not in moves], [beads[k] for k in order if k in moves])


def align_units(
    old: Units, new: Units, params: AlignParams, threshold: float | None = None
) -> Pass:
    """Align two unit lists; ``threshold`` given = reuse one calibrated elsewhere."""
    candidates = pyramid_top_k(old.vecs, new.vecs, params.top_k, params.dense_limit,
                               params.window)
    candidates |= exact_pairs(old.keys, new.keys)
    if threshold is None:
        threshold, info = calibrate(old, new, params, exclude=candidates)
    else:
        info = {"method": "inherited", "threshold": round(threshold, 4)}
    singles = _one_to_one(old, new, candidates, params, threshold)
    beads = [b for b in singles.values() if b.score > threshold]
    beads += _group_beads(old, new, singles, threshold, params)
    gains = [_gain(b, threshold, params) for b in beads]
    keep = [k for k, g in enumerate(gains) if g > 0]
    path = best_chain([beads[k] for k in keep], [gains[k] for k in keep], len(new))
    path, moved = _moves(singles, path, threshold, params)
    return Pass(path, moved, threshold, info)
