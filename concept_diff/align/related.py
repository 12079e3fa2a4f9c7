"""``related``: where the other version treats the topic of an added or removed passage.

Outside the alignment (every passage still sits in exactly one entry), each added or removed
passage points to one passage of the other version: among its ``CANDIDATES`` nearest there by
cosine, the one with the highest

    cosine + tf-idf cosine + cosine with the candidate in its context

where the context is the candidate's vector summed with its two neighbours' (the passages
before and after it), so a candidate inside a stretch of text on the same subject outranks an
isolated passage that shares a few words of it, and the tf-idf cosine (features.py: content
words weighted by their rarity in the two versions) rewards the names and terms that define a
topic ("India", "extreme poverty"), which a passage vector blurs. The three terms are added
with equal weights: no weight was fitted (on the set the rule was chosen on, weights from 0.5
to 2 for the two added terms give 15 to 19 of 30, equal weights 19 under the P(topic) gate
below).

Measured by bench/bench_related.py (the pair decision fitted without the document pair): on
the hand-labelled counterparts of added passages (tests/data/counterparts), NSS 2010→2015,
where the rule was chosen, 19 of 30 against 14 for the previous rule (highest P(topic) among
the 8 nearest); NSS 2006→2010, held out, 9 of 30 against 10: no gain shown there. On the
labelled pairs of all three NSS document pairs (tests/data/pairs), which never chose it, it
orders the partners of a passage same > topic > unrelated in 0.907 of partner pairs against
0.858 for P(topic) (0.877 / 0.876 / 0.936 against 0.827 / 0.845 / 0.877). Tried on 2010→2015
and not kept: the best sentence pairs (mean over the new passage's sentences of their best
old sentence: 10 of 30 alone, no gain beside the cosine), the section heading's words in the tf-idf (no
gain), a prefix stemmer (worse), a hubness correction (as good as the context term, not
better with it).

A passage that repeats a heading of its document (a chapter title in a list of chapters:
headings.py) is no evidence of a topic: it is no candidate and has none.

The pointer goes to the best-ranked candidate whose P(topic) (the pair decision's calibrated
probability of at least a shared topic) reaches the decision's ``related_min``, more likely
the same topic than not; none when no candidate does. It carries that P(topic) (``score``) and
the pair's P(same) (``same``; the reports call the pair "possibly the same content" from 0.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .entries import Entry
from .features import PairEvidence
from .headings import neither_heading_like

if TYPE_CHECKING:
    from .decision import Decision

CANDIDATES = 32  # nearest passages by cosine among which the related one is chosen


def in_context(vecs: np.ndarray) -> np.ndarray:
    """Each passage's vector summed with its neighbours' (before and after), normalised."""
    vecs = np.asarray(vecs, dtype=np.float32)
    out = vecs.copy()
    out[1:] += vecs[:-1]
    out[:-1] += vecs[1:]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def pair_scores(evidence: PairEvidence, pairs: Sequence[tuple[int, int]], side: int,
                context: np.ndarray | None = None) -> np.ndarray:
    """The score of the module doc for (old index, new index) pairs, looking from ``side``
    (0 old, 1 new: the other side's passage is taken in its context); ``context`` is
    ``in_context`` of the other side's vectors, when the caller has it already."""
    if not len(pairs):
        return np.zeros(0)
    idx = np.asarray(pairs, dtype=np.int64)
    mine, theirs = (idx[:, 0], idx[:, 1]) if side == 0 else (idx[:, 1], idx[:, 0])
    own = evidence.old_vecs if side == 0 else evidence.new_vecs
    if context is None:
        context = in_context(evidence.new_vecs if side == 0 else evidence.old_vecs)
    lexical = evidence.matrix(pairs, ("cosine", "tfidf")).sum(axis=1)
    return lexical + np.einsum("ij,ij->i", own[mine], context[theirs]).astype(np.float64)


def counterpart_scores(evidence: PairEvidence, side: int, rows: Sequence[int],
                       candidates: int = CANDIDATES) -> list[list[tuple[float, int]]]:
    """For each passage ``rows`` of one side (0 old, 1 new): its ``candidates`` nearest by
    cosine on the other side as (score, index), best first (equal scores by index)."""
    if not len(rows):
        return []
    _, near = evidence.neighbours(side, rows, candidates)
    found = [(r, int(o)) for r, others in zip(rows, near.tolist()) for o in others if o >= 0
             and neither_heading_like(evidence, *((r, int(o)) if side == 0 else (int(o), r)))]
    pairs = [(r, o) if side == 0 else (o, r) for r, o in found]
    total = pair_scores(evidence, pairs, side)
    out: dict[int, list[tuple[float, int]]] = {r: [] for r in rows}
    for (r, o), score in zip(found, total.tolist()):
        out[r].append((score, o))
    return [sorted(out[r], key=lambda pair: (-pair[0], pair[1])) for r in rows]


def attach_related(entries: list[Entry], evidence: PairEvidence, decision: Decision,
                   old_ids: Sequence[str], new_ids: Sequence[str]) -> None:
    """``related`` of every added and removed entry, or None: {id, score, same} on the other
    side (module doc): the best-ranked candidate whose P(topic) reaches ``related_min``."""
    for side, kind, ids in ((1, "added", old_ids), (0, "removed", new_ids)):
        lonely = [e for e in entries if e.kind == kind]
        rows = [(e.new_index if side == 1 else e.old_index)[0] for e in lonely]
        chosen = first_on_topic(evidence, decision, side, rows,
                                 counterpart_scores(evidence, side, rows))
        for entry, row in zip(lonely, rows):
            if row in chosen:
                other, p, q = chosen[row]
                entry.related = {"id": ids[other], "score": round(p, 4), "same": round(q, 4)}


def first_on_topic(evidence: PairEvidence, decision: Decision, side: int, rows: Sequence[int],
                    ranked: list[list[tuple[float, int]]],
                    step: int = 4) -> dict[int, tuple[int, float, float]]:
    """Each row's first candidate, in ranked order, of P(topic) ≥ related_min: row → (other,
    P(topic), P(same)). P(topic) is asked for a few candidates at a time (most rows stop at
    the first), so the pair features are computed for few pairs."""
    chosen: dict[int, tuple[int, float, float]] = {}
    for start in range(0, max((len(r) for r in ranked), default=0), step):
        todo = [(row, o) for row, ranking in zip(rows, ranked) if row not in chosen
                for _, o in ranking[start:start + step]]
        if not todo:
            break
        pairs = [(o, r) if side == 1 else (r, o) for r, o in todo]
        topic = decision.topic.probability(evidence.matrix(pairs, decision.topic.features))
        passing = [(row, o, p) for (row, o), p in zip(todo, topic.tolist())
                   if p >= decision.related_min]
        first: dict[int, tuple[int, float]] = {}
        for row, o, p in passing:
            first.setdefault(row, (o, p))  # todo keeps each row's ranked order
        pairs = [(o, row) if side == 1 else (row, o) for row, (o, _) in first.items()]
        same = decision.same.probability(evidence.matrix(pairs, decision.same.features))
        for (row, (o, p)), q in zip(first.items(), same.tolist()):
            chosen[row] = (o, p, q)
    return chosen
