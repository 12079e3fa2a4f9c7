"""Align two versions passage by passage, then sentence by sentence inside matched passages.

    alignment = align(old_doc, new_doc, old_vecs, new_vecs)            # vectors per passage
    alignment = align(old_doc, new_doc, old_vecs, new_vecs,
                      old_sentence_vecs=..., new_sentence_vecs=...)    # + sentence level
    alignment.entries[0].kind, .old, .new, .similarity, .lexical, .redline, .sentences

The aligner never sees the embedder, only unit vectors (one row per passage, in
``doc.passages`` order; one row per ``sentence_texts(doc)`` item), so any backend fits.
Steps (align/core.py): top-k candidates from the cosine matrix (candidates.py), scored with
cosine blended with a difflib word ratio (scoring.py); an add/remove threshold calibrated on
random pairs of the same two documents; a monotone chain DP over 1-1, split and merge beads
(chain.py); strong pairs off the path become ``moved``. With a pair decision, a passage left
out then joins the entry of its most probably-same passage (merges/splits of passages that are
not neighbours: merges.py). Kinds and order: entries.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..gcpause import collector_paused
from ..model import Document
from .core import AlignParams, align_units, calibrate
from .decision import Decision, decide, decision_for
from .entries import Entry, build_entries, check_accounting, order_entries, redlines
from .features import PairEvidence, SentenceVectors
from .headings import heading_like
from .related import attach_related
from .scoring import Units

__all__ = ["KINDS", "AlignParams", "Alignment", "Decision", "Entry", "align", "decision_for",
           "sentence_texts"]

KINDS = ("unchanged", "edited", "rewritten", "moved", "split", "merged", "added", "removed")


@dataclass
class Alignment:
    entries: list[Entry]
    parameters: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Entries per kind, every kind present (zero when absent), in KINDS order."""
        counts = dict.fromkeys(KINDS, 0)
        for entry in self.entries:
            counts[entry.kind] += 1
        return counts

    def to_list(self) -> list[dict]:
        return [entry.to_dict() for entry in self.entries]


def sentence_texts(doc: Document) -> list[str]:
    """The sentences of every passage in order (a passage without sentences counts as one)."""
    out: list[str] = []
    for passage in doc.passages:
        out.extend(s.text for s in passage.sentences) if passage.sentences else out.append(
            passage.text
        )
    return out


def sentence_vectors(doc: Document, vecs: np.ndarray) -> SentenceVectors:
    """Vectors of ``sentence_texts(doc)`` with the rows of each passage."""
    return SentenceVectors(vecs, [max(1, len(p.sentences)) for p in doc.passages])


def align(
    old: Document,
    new: Document,
    old_vecs: np.ndarray,
    new_vecs: np.ndarray,
    params: AlignParams | None = None,
    *,
    old_sentence_vecs: np.ndarray | None = None,
    new_sentence_vecs: np.ndarray | None = None,
    decision: Decision | None = None,
) -> Alignment:
    """Every passage of ``old`` and ``new`` in exactly one entry, in the new document's order.

    With ``decision`` (decision.py; ``decision_for(embedder.name)`` gives the shipped one),
    linked pairs carry a calibrated ``confidence`` and are kept only above its threshold, and
    added/removed passages get their ``related`` same-topic passage on the other side.
    """
    with collector_paused():
        return _align(old, new, old_vecs, new_vecs, params, old_sentence_vecs, new_sentence_vecs,
                      decision)


def _align(
    old: Document, new: Document, old_vecs: np.ndarray, new_vecs: np.ndarray,
    params: AlignParams | None, old_sentence_vecs: np.ndarray | None,
    new_sentence_vecs: np.ndarray | None, decision: Decision | None,
) -> Alignment:
    params = params or AlignParams()
    _check_rows(old, old_vecs, new, new_vecs)
    old_ids, new_ids = [p.id for p in old.passages], [p.id for p in new.passages]
    old_units = Units([p.text for p in old.passages], old_vecs)
    new_units = Units([p.text for p in new.passages], new_vecs)
    result = align_units(old_units, new_units, params)
    entries = build_entries(old_ids, new_ids, old_units, new_units, result, params,
                            redline=decision is None)
    if decision is not None:
        sentences = None
        if old_sentence_vecs is not None and new_sentence_vecs is not None:
            sentences = (sentence_vectors(old, old_sentence_vecs),
                         sentence_vectors(new, new_sentence_vecs))
        evidence = PairEvidence(old_units.texts, new_units.texts, old_units.vecs, new_units.vecs,
                                old_toks=old_units.toks, new_toks=new_units.toks,
                                sentences=sentences)
        evidence.heading_like = (heading_like(old), heading_like(new))
        entries = decide(entries, evidence, decision, old_ids, new_ids, params.edited_min,
                         attach=params.attach)
        attach_related(entries, evidence, decision, old_ids, new_ids)
        redlines(entries, old_units, new_units)
    entries = order_entries(entries)
    check_accounting(entries, len(old_ids), len(new_ids))
    parameters = {
        **params.to_dict(),
        "threshold": round(result.threshold, 4),
        "calibration": result.calibration,
        "candidate_search": "dense" if len(old_ids) * len(new_ids) <= params.dense_limit
        else "coarse-to-fine",
    }
    if decision is not None:
        parameters["decision"] = decision.describe()
    if old_sentence_vecs is not None and new_sentence_vecs is not None:
        parameters["sentence_calibration"] = _align_sentences(
            entries, _Sentences.of(old, old_sentence_vecs), _Sentences.of(new, new_sentence_vecs),
            params,
        )
    return Alignment(entries, parameters)


def _check_rows(old: Document, old_vecs: np.ndarray, new: Document, new_vecs: np.ndarray) -> None:
    if len(old_vecs) != len(old.passages) or len(new_vecs) != len(new.passages):
        raise ValueError(
            f"need one vector per passage: old {len(old_vecs)}/{len(old.passages)}, "
            f"new {len(new_vecs)}/{len(new.passages)}"
        )


@dataclass
class _Sentences:
    """A document's sentences as units, with the passage each came from."""

    units: Units
    ids: list[str]
    by_passage: dict[str, range]

    @classmethod
    def of(cls, doc: Document, vecs: np.ndarray) -> _Sentences:
        texts = sentence_texts(doc)
        if len(vecs) != len(texts):
            raise ValueError(f"need one vector per sentence: {len(vecs)}/{len(texts)}")
        ids, by_passage, start = [], {}, 0
        for passage in doc.passages:
            count = max(1, len(passage.sentences))
            ids += [f"{passage.id}.s{k + 1}" for k in range(count)]
            by_passage[passage.id] = range(start, start + count)
            start += count
        return cls(Units(texts, vecs), ids, by_passage)

    def subset(self, passage_ids: Sequence[str]) -> tuple[Units, list[str]]:
        rows = [r for pid in passage_ids for r in self.by_passage[pid]]
        units = Units(
            [self.units.texts[r] for r in rows], self.units.vecs[rows],
            [self.units.toks[r] for r in rows], [self.units.keys[r] for r in rows],
        )
        return units, [self.ids[r] for r in rows]


def _align_sentences(
    entries: list[Entry], old: _Sentences, new: _Sentences, params: AlignParams
) -> dict:
    """Sentence alignment inside each paired entry, with one threshold for the whole pair."""
    threshold, info = calibrate(old.units, new.units, params)
    for entry in entries:
        if not entry.old or not entry.new:
            continue
        old_units, old_ids = old.subset(entry.old)
        new_units, new_ids = new.subset(entry.new)
        if entry.kind == "unchanged" and old_units.keys == new_units.keys:
            entry.sentences = [Entry("unchanged", [o], [n], 1.0, 1.0) for o, n in
                               zip(old_ids, new_ids)]
            continue
        result = align_units(old_units, new_units, params, threshold=threshold)
        found = build_entries(old_ids, new_ids, old_units, new_units, result, params,
                              redline=False)
        entry.sentences = order_entries(found)
        check_accounting(entry.sentences, len(old_ids), len(new_ids))
    return info
