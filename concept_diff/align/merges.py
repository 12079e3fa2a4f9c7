"""Merges and splits the monotone chain cannot see: passages that are not neighbours.

The chain (chain.py) links groups of *consecutive* passages only, and a group must lie on the
monotone path. Editions also fold a paragraph into one that lives elsewhere, or keep half of a
paragraph whose other half moved: the chain then links one piece and calls the other added or
removed. On the labelled NSS pairs (tests/data/pairs), 30 of the 38 `same` pairs the aligner
missed had one passage inside an entry the aligner had made with another passage.

``attach_confident`` runs after the pair decision (decision.py): each added or removed passage
joins the entry of its most probably-same passage among its nearest on the other side, when
that P(same) reaches the decision's threshold (the bar every linked pair meets; chosen on
labelled pairs for precision) and the entry holds exactly that one passage on its other side
(a 1-1 pair becomes a merge or a split, a merge can take another old passage, a split another
new one; never many to many, which no kind names), and the group's cosine rises with it.
A merge's old passages need not be neighbours; a split's new passages must be (the new one
joins next to them), since the report walks the new version in order and shows each entry
once. Proposals are taken most probable first, so the outcome does not depend on the order of
the passages. Every passage still sits in exactly one entry.

A passage that repeats a heading of its document (a chapter title in a list of chapters:
headings.py) is no evidence of the same content: it neither joins an entry nor takes one.

Measured by bench/bench_pairs.py (held out by document pair, the aligner without it in the
same run): see "the new aligner at decision threshold t" there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .entries import Entry
from .features import PairEvidence
from .headings import neither_heading_like

if TYPE_CHECKING:
    from .decision import Decision

# kinds whose entry can take another passage; 'unchanged' cannot (a verbatim copy says all of
# its partner and nothing more)
GROWS = ("edited", "rewritten", "moved", "split", "merged")


def attach_confident(entries: list[Entry], evidence: PairEvidence, decision: Decision,
                     ids: tuple[Sequence[str], Sequence[str]], candidates: int) -> list[Entry]:
    """After the pair decision: each added or removed passage joins the entry of its most
    probably-same passage among its ``candidates`` nearest on the other side, when that
    P(same) reaches the decision's threshold (the bar every linked pair meets) and the entry
    can take it (module doc). Best first; the piece's P(same) becomes the entry's confidence
    when lower."""
    # a lonely old passage can join an entry holding one new passage (a merge), a lonely new
    # passage one holding one old passage (a split)
    hosts = ({j: e for e in entries if e.kind in GROWS and len(e.new_index) == 1
              for j in e.new_index},
             {i: e for e in entries if e.kind in GROWS and len(e.old_index) == 1
              for i in e.old_index})
    proposals = []
    for side, kind in ((0, "removed"), (1, "added")):
        rows = [(e.old_index if side == 0 else e.new_index)[0] for e in entries if e.kind == kind]
        if not rows:
            continue
        _, near = evidence.neighbours(side, rows, candidates)
        pairs = [(r, int(o)) if side == 0 else (int(o), r)
                 for r, others in zip(rows, near.tolist()) for o in others if o >= 0]
        pairs = [(i, j) for i, j in pairs if neither_heading_like(evidence, i, j)]  # headings.py
        if not pairs:
            continue
        probs = decision.same.probability(evidence.matrix(pairs, decision.same.features))
        best: dict[int, tuple[float, int]] = {}
        for (i, j), p in zip(pairs, probs.tolist()):
            row, other = (i, j) if side == 0 else (j, i)
            if row not in best or p > best[row][0]:
                best[row] = (p, other)
        for row, (p, other) in sorted(best.items()):
            if p >= decision.threshold and other in hosts[side]:
                proposals.append((-p, side, row, hosts[side][other]))
    # a split's new passages stay neighbours: the report walks the new version in order
    proposals = [q for q in proposals if q[1] == 0 or q[2] in (min(q[3].new_index) - 1,
                                                                max(q[3].new_index) + 1)]
    joined: set[tuple[int, int]] = set()
    for minus_p, side, row, entry in sorted(proposals, key=lambda q: q[:3]):
        if len(entry.new_index if side == 0 else entry.old_index) != 1:
            continue  # it took a passage on the other side meanwhile: no many to many
        olds, news = _with(entry, side, row)
        cosine, lexical = evidence.group_scores(olds, news)
        if cosine <= evidence.group_scores(entry.old_index, entry.new_index)[0]:
            continue  # the group must say the other side better than the entry did alone
        entry.kind = "merged" if len(olds) > 1 else "split"
        entry.old_index, entry.new_index = olds, news
        entry.old, entry.new = [ids[0][i] for i in olds], [ids[1][j] for j in news]
        entry.similarity, entry.lexical = cosine, lexical
        entry.confidence = round(min(1.0 if entry.confidence is None else entry.confidence,
                                     -minus_p), 4)
        joined.add((side, row))
    return [e for e in entries if not _left(e, joined)]


def _left(entry: Entry, joined: set[tuple[int, int]]) -> bool:
    """An added/removed entry whose passage joined another entry."""
    if entry.kind == "removed":
        return (0, entry.old_index[0]) in joined
    return entry.kind == "added" and (1, entry.new_index[0]) in joined


def _with(entry: Entry, side: int, unit: int) -> tuple[list[int], list[int]]:
    if side == 0:
        return sorted([*entry.old_index, unit]), list(entry.new_index)
    return list(entry.old_index), sorted([*entry.new_index, unit])
