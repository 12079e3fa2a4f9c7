"""Themes: the terms and actors that changed, grouped by what they are about, with each
theme's share of passages in each version ("climate: 1 → 7 passages").

The members are the strongest headline candidates about terms and actors (one per story).
Each is represented by what it means (its label embedded by the comparison's own embedder)
and where it is discussed (the passages of both versions holding it), the two halves
weighted by MEANING; the vectors are clustered by average-linkage agglomeration under a
cosine-distance cut, so the groups come from the documents, not from a list of topics. A
theme needs two members and is named after the member found in most passages; its passages
in a version are those holding any member in any spelling. Themes are ordered by how far
their share of passages moved (G2 on passages).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..model import Document
from .headlines import same_story
from .terms import g2

MAX_MEMBERS = 60  # the strongest term and actor candidates considered
LINK = 0.8  # cosine distance (average linkage) under which two groups join
MEANING = 0.6  # weight of the embedding against co-occurrence in passages
MAX_THEMES = 12


def find_themes(candidates: Sequence[Any], old: Document, new: Document, embedder: Any,
                limit: int = MAX_THEMES) -> list[dict]:
    """[{theme, members, forms, old_passages, new_passages, old_share, new_share}], moved most
    first; ``forms``: {term member: the folded forms counted as it}."""
    members = _members(candidates)
    if len(members) < 2 or embedder is None:
        return []
    vectors = np.hstack([MEANING * _unit(embedder.encode([_text(c) for c in members])),
                         (1 - MEANING) * _unit(_incidence(members, old, new))])
    totals = (max(len(old.passages), 1), max(len(new.passages), 1))
    themes = []
    for group in cluster(vectors, LINK):
        if len(group) < 2:
            continue
        chosen = [members[i] for i in sorted(group)]
        held = [frozenset().union(*(c.held[v] for c in chosen)) for v in (0, 1)]
        moved = float(g2(np.array([len(held[1])]), np.array([len(held[0])]), totals[1],
                         totals[0])[0])
        widest = max(chosen, key=lambda c: (len(c.held[0]) + len(c.held[1]), -chosen.index(c)))
        themes.append({
            "theme": widest.subject,
            "members": [c.subject for c in chosen],
            # What each term member counts (its family's and acronym's forms, folded), so a
            # series can count the theme in other versions as this pair does.
            "forms": {c.subject: sorted(" ".join(run) for run in c.story)
                      for c in chosen if not c.actor},
            "old_passages": len(held[0]),
            "new_passages": len(held[1]),
            "old_share": round(len(held[0]) / totals[0], 4),
            "new_share": round(len(held[1]) / totals[1], 4),
            "_moved": moved,
        })
    themes.sort(key=lambda t: (-round(t["_moved"], 9), t["theme"]))
    for theme in themes:
        del theme["_moved"]
    return themes[:limit]


def _members(candidates: Sequence[Any]) -> list[Any]:
    """The strongest term and actor candidates, one per story, strongest first."""
    ordered = sorted(candidates, key=lambda c: (-round(c.score, 9), c.kind, c.subject))
    seen: set[str] = set()
    members = []
    for candidate in ordered:
        if not candidate.kind.startswith(("term_", "actor_")) or candidate.subject in seen:
            continue
        if not (candidate.held[0] or candidate.held[1]):
            continue
        if any(same_story(candidate, member) for member in members):
            continue
        seen.add(candidate.subject)
        members.append(candidate)
        if len(members) >= MAX_MEMBERS:
            break
    return members


def _unit(rows: Any) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _incidence(members: Sequence[Any], old: Document, new: Document) -> np.ndarray:
    """Which passages (of both versions) hold each member: terms discussed together."""
    index = {("old", p.id): i for i, p in enumerate(old.passages)}
    index |= {("new", p.id): len(old.passages) + i for i, p in enumerate(new.passages)}
    rows = np.zeros((len(members), len(index)))
    for row, member in enumerate(members):
        for version, held in zip(("old", "new"), member.held):
            for passage in held:
                rows[row, index[(version, passage)]] = 1.0
    return rows


def _text(candidate: Any) -> str:
    """What is embedded: the subject without an acronym's parenthesis."""
    return candidate.subject.split(" (")[0]


def cluster(vectors: np.ndarray, cut: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of unit vectors by cosine distance: the two
    closest groups join while their mean distance is under ``cut`` (ties: lowest indices).
    The group distances are updated in place (Lance-Williams, UPGMA)."""
    n = len(vectors)
    distance = 1.0 - vectors @ vectors.T
    np.fill_diagonal(distance, np.inf)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(groups) > 1:
        alive = sorted(groups)
        sub = distance[np.ix_(alive, alive)]
        flat = int(np.argmin(sub))
        i, j = divmod(flat, len(alive))
        if sub[i, j] >= cut:
            break
        a, b = alive[min(i, j)], alive[max(i, j)]
        na, nb = len(groups[a]), len(groups[b])
        distance[a, :] = (na * distance[a, :] + nb * distance[b, :]) / (na + nb)
        distance[:, a] = distance[a, :]
        distance[a, a] = np.inf
        distance[b, :] = distance[:, b] = np.inf
        groups[a] += groups.pop(b)
    return [groups[k] for k in sorted(groups)]
