"""The calibrated pair decision: does a linked pair say the same thing, and where else was a topic?

Two logistic models read the evidence of features.py. ``same`` gives the probability that two
passages have the same content; ``topic`` the probability that they share at least a topic.
Both were fitted on NSS passage pairs labelled by people (tests/data/pairs; fitted and measured
on held-out document pairs by bench/bench_pairs.py) and ship as plain numbers in
data/pair_decision.json: one set for the bundled model (its cosines are features) and one from
text evidence alone for every other embedder, whose cosines the fit never saw.

After the aligner has chosen its beads, every pair it links (edited, rewritten, moved, each
piece of a split or merge) keeps its link only when P(same) reaches the shipped threshold,
which was chosen for precision; the probability is the entry's ``confidence``. A pair below it
is reported as removed + added, and the pieces of a split or merge below it leave the group.
Then (``attach``, align/merges.py) an added or removed passage joins the linked entry of its
most probably-same passage on the other side when that P(same) reaches the same threshold: a
merge or split of passages that need not be neighbours. Then every added or removed passage
gets ``related`` (related.py): where the other side treats its topic, kept when that pair's
P(topic) reaches ``related_min``. Related links are outside the alignment: every passage still
sits in exactly one entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .entries import Entry
from .features import PairEvidence
from .merges import attach_confident

DATA = "pair_decision.json"
ANY_EMBEDDER = "*"
RELATED_CANDIDATES = 8  # nearest passages by cosine among which merges look for a host


@dataclass(frozen=True)
class Logistic:
    """P(y) = sigmoid(intercept + coef · (x - mean) / scale), features by name."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Logistic:
        return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
                   tuple(data["coef"]), float(data["intercept"]))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "coef": list(self.coef), "intercept": self.intercept}

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -50.0, 50.0)))


@dataclass(frozen=True)
class Decision:
    """The fitted models and thresholds for one embedder (or for any: ``*``)."""

    name: str
    same: Logistic
    topic: Logistic
    threshold: float  # least P(same) for a link
    related_min: float  # least P(topic) for a related passage

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> Decision:
        return cls(name, Logistic.from_dict(data["same"]), Logistic.from_dict(data["topic"]),
                   float(data["threshold"]), float(data["related_min"]))

    def to_dict(self) -> dict:
        return {"same": self.same.to_dict(), "topic": self.topic.to_dict(),
                "threshold": self.threshold, "related_min": self.related_min}

    def describe(self) -> dict:
        """What the JSON ``parameters`` report: which fit, its thresholds and features."""
        return {"fit": self.name, "threshold": self.threshold, "related_min": self.related_min,
                "same_features": list(self.same.features),
                "topic_features": list(self.topic.features)}


@lru_cache(maxsize=1)
def _shipped() -> dict:
    text = resources.files("concept_diff").joinpath("data", DATA).read_text(encoding="utf-8")
    return json.loads(text)


def held_out(fit: str) -> dict | None:
    """The shipped fit's held-out figures (bench_pairs --write), for the Method section."""
    return (_shipped().get("held_out") or {}).get(fit)


def decision_for(embedder_name: str | None) -> Decision | None:
    """The shipped decision fitted for this embedder, else the text-only one (None if absent)."""
    models = _shipped().get("models", {})
    key = embedder_name if embedder_name in models else ANY_EMBEDDER
    return Decision.from_dict(key, models[key]) if key in models else None


def decide(entries: list[Entry], evidence: PairEvidence, decision: Decision,
           old_ids: Sequence[str], new_ids: Sequence[str], edited_min: float, *,
           attach: bool = True) -> list[Entry]:
    """Confidence on every linked entry; pairs below the threshold unlinked; with ``attach``,
    added/removed passages then join linked entries (merges.attach_confident; module doc)."""
    evidence.linked = {(i, j) for e in entries for i in e.old_index for j in e.new_index}
    pieces = sorted({(i, j) for e in entries if e.kind != "unchanged"
                     for i in e.old_index for j in e.new_index})
    probs = dict(zip(pieces, decision.same.probability(
        evidence.matrix(pieces, decision.same.features)).tolist()))
    out: list[Entry] = []
    for entry in entries:
        if not entry.old_index or not entry.new_index:
            out.append(entry)
        elif entry.kind == "unchanged":
            entry.confidence = 1.0
            out.append(entry)
        else:
            out += _judged(entry, probs, decision.threshold, evidence, old_ids, new_ids,
                           edited_min, contiguous=not attach)
    if attach:
        out = attach_confident(out, evidence, decision, (old_ids, new_ids), RELATED_CANDIDATES)
    return out


def _judged(entry: Entry, probs: dict, threshold: float, evidence: PairEvidence,
            old_ids: Sequence[str], new_ids: Sequence[str], edited_min: float, *,
            contiguous: bool) -> list[Entry]:
    """The entry as it stands, or shrunk to the pieces that pass, plus what was let go: the
    longest run of passing pieces, or, for a merge when ``contiguous`` is off (merges.attach),
    every passing piece (a merge's old passages need not be neighbours; a split's new ones
    must be, or the report could not walk the new version in order)."""
    olds, news = entry.old_index, entry.new_index
    many_old = len(olds) > 1  # a merge; otherwise the new side holds the pieces (or 1-1)
    pieces = [(i, news[0]) for i in olds] if many_old else [(olds[0], j) for j in news]
    passes = [probs[p] >= threshold for p in pieces]
    kept = _longest_run(passes, pieces) if contiguous or not many_old else [
        p for p, ok in zip(pieces, passes) if ok]
    if len(kept) == len(pieces):
        entry.confidence = round(min(probs[p] for p in pieces), 4)
        return [entry]
    keep_old = sorted({i for i, _ in kept})
    keep_new = sorted({j for _, j in kept})
    loose = [Entry("removed", [old_ids[i]], [], None, None, old_index=[i])
             for i in olds if i not in keep_old]
    loose += [Entry("added", [], [new_ids[j]], None, None, new_index=[j])
              for j in news if j not in keep_new]
    if not kept:
        return loose
    cosine, lexical = evidence.group_scores(keep_old, keep_new)
    if len(keep_old) > 1:
        kind = "merged"
    elif len(keep_new) > 1:
        kind = "split"
    else:
        kind = "edited" if lexical >= edited_min else "rewritten"
    shrunk = Entry(kind, [old_ids[i] for i in keep_old], [new_ids[j] for j in keep_new],
                   cosine, lexical, old_index=keep_old, new_index=keep_new,
                   confidence=round(min(probs[p] for p in kept), 4))
    return [shrunk, *loose]


def _longest_run(passes: list[bool], pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of consecutive passing pieces (the first, on a tie): a group that lost
    a middle piece keeps one contiguous side, so the report's reading order still holds."""
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for ok, piece in zip(passes, pieces):
        run = [*run, piece] if ok else []
        if len(run) > len(best):
            best = run
    return best
