"""The monotone dynamic programme, over candidate beads only.

A bead takes ``a`` consecutive old units and ``b`` consecutive new units (1-1, 1-n split, n-1
merge) and earns ``gain`` (positive: its score above the add/remove threshold, times its size).
Units left out of every bead are added or removed, which earns nothing, so the best path is the
heaviest chain of beads that never cross. That is a two-dimensional chaining problem: beads are
swept by old start, finished beads are released into a prefix-maximum Fenwick tree over the new
side once the sweep passes their old end, and each bead extends the best chain that ends at or
before its new start. Time O(B log M) for B beads, memory O(B + M): no N×M table and no band
to choose, and the result is the exact optimum of the banded/full DP over the same candidates.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass


@dataclass(frozen=True)
class Bead:
    i: int  # first old unit
    a: int  # how many old units
    j: int  # first new unit
    b: int  # how many new units
    cosine: float
    lexical: float
    score: float

    @property
    def old(self) -> range:
        return range(self.i, self.i + self.a)

    @property
    def new(self) -> range:
        return range(self.j, self.j + self.b)


class _PrefixMax:
    """Fenwick tree of (value, bead index): best value among positions <= p."""

    def __init__(self, size: int):
        self.size = size + 1
        self.tree: list[tuple[float, int]] = [(0.0, -1)] * (self.size + 1)

    def update(self, pos: int, item: tuple[float, int]) -> None:
        p = pos + 1
        while p <= self.size:
            if item[0] > self.tree[p][0]:
                self.tree[p] = item
            p += p & -p

    def query(self, pos: int) -> tuple[float, int]:
        p, best = pos + 1, (0.0, -1)
        while p > 0:
            if self.tree[p][0] > best[0]:
                best = self.tree[p]
            p -= p & -p
        return best


def best_chain(beads: list[Bead], gains: list[float], new_len: int) -> list[Bead]:
    """The non-crossing, non-overlapping subset of ``beads`` with the largest total gain."""
    order = sorted(range(len(beads)), key=lambda k: (beads[k].i, beads[k].j, beads[k].a, beads[k].b))
    tree = _PrefixMax(new_len)
    pending: list[tuple[int, int]] = []  # (old end, bead index) not yet released
    total = [0.0] * len(beads)
    back = [-1] * len(beads)
    for k in order:
        bead = beads[k]
        while pending and pending[0][0] <= bead.i:
            _, done = heapq.heappop(pending)
            tree.update(beads[done].j + beads[done].b, (total[done], done))
        value, prev = tree.query(bead.j)
        total[k], back[k] = value + gains[k], prev
        heapq.heappush(pending, (bead.i + bead.a, k))
    if not beads:
        return []
    last = max(range(len(beads)), key=lambda k: (total[k], -k))
    chain = []
    while last != -1:
        chain.append(beads[last])
        last = back[last]
    return chain[::-1]
