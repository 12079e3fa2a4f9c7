"""One alignment pass over two lists of units (passages, or the sentences of matched passages).

candidates → scores → threshold calibrated on this pair → group beads → monotone chain → moves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .candidates import exact_pairs, pyramid_top_k
from .chain import Bead, best_chain
from .scoring import Units, blend, lexical_floor, pair_cosines, pair_lexical


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
    edited_min        lexical ratio from which a same-place pair is 'edited' not 'rewritten'
    move_margin       a pair off the monotone path becomes 'moved' if its score is at least
                      threshold + move_margin (moves need stronger evidence than pairs in order)
    max_group         largest split/merge (passages on the many side)
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
    edited_min: float = 0.6
    move_margin: float = 0.1
    max_group: int = 3
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


def calibrate(old: Units, new: Units, params: AlignParams, seed: int = 0) -> tuple[float, dict]:
    """Add/remove threshold from the scores of random pairs (what 'unrelated' looks like here)."""
    n, m = len(old), len(new)
    if params.threshold is not None or n == 0 or m == 0:
        value = params.threshold if params.threshold is not None else 0.5
        return float(value), {"method": "fixed", "threshold": round(float(value), 4)}
    rng = np.random.default_rng(seed)
    count = min(params.calibration_pairs, n * m)
    flat = rng.choice(n * m, size=count, replace=False) if n * m <= 10 * count else \
        rng.integers(0, n * m, size=count)
    pairs = [(int(x // m), int(x % m)) for x in np.sort(flat)]
    cos = pair_cosines(old, new, pairs)
    lex_pairs = pairs[:: max(1, len(pairs) // 150)]  # difflib is the slow part; ~150 suffice
    lex = float(np.mean(pair_lexical(old, new, lex_pairs)))
    scores = (1 - params.lexical_weight) * cos + params.lexical_weight * lex
    quantile = float(np.quantile(scores, params.noise_quantile))
    threshold = quantile + params.noise_margin
    info = {
        "method": "random-pairs",
        "pairs": int(count),
        "random_mean": round(float(scores.mean()), 4),
        "random_quantile": round(quantile, 4),
        "threshold": round(threshold, 4),
    }
    return threshold, info


def _one_to_one(
    old: Units, new: Units, params: AlignParams, threshold: float
) -> dict[tuple[int, int], Bead]:
    """Scored 1-1 candidates; those that cannot reach ``threshold`` carry a lexical bound only."""
    pairs = pyramid_top_k(old.vecs, new.vecs, params.top_k, params.dense_limit, params.window)
    pairs |= exact_pairs(old.keys, new.keys)
    ordered = sorted(pairs)
    cos = pair_cosines(old, new, ordered)
    w = params.lexical_weight
    lex = pair_lexical(old, new, ordered, lexical_floor(cos.tolist(), threshold, w))
    return {
        (i, j): Bead(i, 1, j, 1, float(c), float(x), blend(float(c), float(x), w))
        for (i, j), c, x in zip(ordered, cos.tolist(), lex)
    }


def _group(
    old: Units, new: Units, i: int, a: int, j: int, b: int, w: float, threshold: float
) -> Bead:
    ov, nv = old.group_vec(i, a), new.group_vec(j, b)
    cos = float(np.dot(ov, nv))
    lex = pair_lexical(
        Units([""], ov[None, :], [old.group_toks(i, a)], ["-"]),
        Units([""], nv[None, :], [new.group_toks(j, b)], ["-"]),
        [(0, 0)],
        lexical_floor([cos], threshold, w),
    )[0]
    return Bead(i, a, j, b, cos, lex, blend(cos, lex, w))


def _group_beads(
    old: Units, new: Units, singles: dict[tuple[int, int], Bead], threshold: float,
    params: AlignParams,
) -> list[Bead]:
    """Splits and merges around strong 1-1 candidates whose every piece looks related."""
    out: dict[tuple[int, int, int, int], Bead] = {}
    # A group is only tried around a pair above the threshold, and every piece must be close to
    # the other side on its own: the mean of several loosely related passages is a topic
    # centroid that resembles any passage on the topic, so it must not vouch for them.
    floor = threshold
    for (i, j), single in sorted(singles.items()):
        if single.score < threshold:
            continue
        for size in range(2, params.max_group + 1):
            for start in range(max(0, j - size + 1), min(j, len(new) - size) + 1):
                if np.min(new.vecs[start:start + size] @ old.vecs[i]) >= floor:
                    out.setdefault((i, 1, start, size), _group(old, new, i, 1, start, size,
                                                                params.lexical_weight, threshold))
            for start in range(max(0, i - size + 1), min(i, len(old) - size) + 1):
                if np.min(old.vecs[start:start + size] @ new.vecs[j]) >= floor:
                    out.setdefault((start, size, j, 1), _group(old, new, start, size, j, 1,
                                                                params.lexical_weight, threshold))
    return [out[key] for key in sorted(out)]


def _gain(bead: Bead, threshold: float, params: AlignParams) -> float:
    size = bead.a + bead.b
    return (bead.score - threshold) * size / 2 - params.group_penalty * (size - 2)


def _moves(
    singles: dict[tuple[int, int], Bead], path: list[Bead], threshold: float, params: AlignParams
) -> list[Bead]:
    """Strong pairs the monotone path could not take, greedily by score (passim-style)."""
    used_old = {i for bead in path for i in bead.old}
    used_new = {j for bead in path for j in bead.new}
    bar = threshold + params.move_margin
    moved = []
    for bead in sorted(singles.values(), key=lambda s: (-s.score, s.i, s.j)):
        if bead.score < bar:
            break
        if bead.i in used_old or bead.j in used_new:
            continue
        moved.append(bead)
        used_old.add(bead.i)
        used_new.add(bead.j)
    return sorted(moved, key=lambda s: (s.j, s.i))


def align_units(
    old: Units, new: Units, params: AlignParams, threshold: float | None = None
) -> Pass:
    """Align two unit lists; ``threshold`` given = reuse one calibrated elsewhere."""
    if threshold is None:
        threshold, info = calibrate(old, new, params)
    else:
        info = {"method": "inherited", "threshold": round(threshold, 4)}
    singles = _one_to_one(old, new, params, threshold)
    beads = [b for b in singles.values() if b.score > threshold]
    beads += _group_beads(old, new, singles, threshold, params)
    gains = [_gain(b, threshold, params) for b in beads]
    keep = [k for k, g in enumerate(gains) if g > 0]
    path = best_chain([beads[k] for k in keep], [gains[k] for k in keep], len(new))
    return Pass(path, _moves(singles, path, threshold, params), threshold, info)
