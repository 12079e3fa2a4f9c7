"""Labelled passage pairs (tests/data/pairs) found in the corpus, and the fit of the decision.

The labelled sets hold no corpus text: each item names its two editions and the fingerprints
(concept_diff.fingerprint) of its two passages, so items are found by text, not by passage id,
and survive a loader that numbers passages differently. Used by bench/bench_pairs.py (fit and
held-out figures) and by the tests; nothing here runs when a report is made.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..fingerprint import fingerprint, normalised
from ..fingerprint import read_tsv as fingerprint_tsv
from ..model import Document
from .decision import Logistic

LABELS = ("same", "topic", "unrelated")


@dataclass(frozen=True)
class Item:
    """One labelled pair, resolved: indices into the two documents' passages."""

    id: str
    years: tuple[str, str]
    stratum: str
    old_index: int
    new_index: int
    label: str


def read_tsv(path: str | Path) -> list[dict[str, str]]:
    return fingerprint_tsv(path, raw_quotes=True)  # hand-typed notes hold bare quotes


def read_labels(path: str | Path, column: str = "label") -> dict[str, str]:
    """Item id → label from a labels file (``label`` column, else the second column)."""
    rows = read_tsv(path)
    if rows and column not in rows[0]:
        column = list(rows[0])[1]
    return {row[next(iter(row))]: row[column].strip() for row in rows
            if row.get(column, "").strip() in LABELS}


class Finder:
    """Finds a labelled passage in a document by the fingerprint of its text.

    First among today's passages; failing that (a loader now cuts passages differently), as a
    span of the whole text that starts with the item's hint and has its fingerprint, which is
    then the passage holding most of that span; failing that too (a loader repair changed a
    letter: 'ofA||' read as 'ofAll'), the one passage that opens with the hint once the letters
    OCR confuses are set aside.
    """

    def __init__(self, doc: Document):
        self.exact: dict[str, int] = {}
        parts, owner = [], []
        headings = {s.start for s in doc.sections}
        end = 0
        for k, passage in enumerate(doc.passages):
            self.exact.setdefault(fingerprint(passage.text), k)
            # text in no passage and no heading just before it (a letterhead the loader has
            # since set apart from its paragraph): the span search may start there
            text = normalised(_loose_text(doc.text, end, passage.start, headings) + passage.text)
            end = passage.end
            parts.append(text)
            owner += [k] * len(text)
        self.text, self.owner = "".join(parts), owner
        self.openings = [_skeleton(p.text[:200]) for p in doc.passages]

    def find(self, fp: str, hint_text: str = "") -> int | None:
        if fp in self.exact:
            return self.exact[fp]
        start = self.text.find(normalised(hint_text)) if hint_text else -1
        while start >= 0:
            for end in range(start + 1, min(len(self.text), start + MAX_SPAN) + 1):
                if _sha(self.text[start:end]) == fp:
                    return Counter(self.owner[start:end]).most_common(1)[0][0]
            start = self.text.find(normalised(hint_text), start + 1)
        opening = _skeleton(hint_text)
        hits = [k for k, text in enumerate(self.openings) if opening and text.startswith(opening)]
        return hits[0] if len(hits) == 1 else None


def _loose_text(text: str, start: int, end: int, headings: set[int]) -> str:
    """Blocks of ``text[start:end]`` (between two passages) that are no heading."""
    blocks, at = [], start
    for block in text[start:end].split("\n\n"):
        if block.strip() and at + (len(block) - len(block.lstrip())) not in headings:
            blocks.append(block)
        at += len(block) + 2
    return " ".join(blocks)


def _skeleton(text: str) -> str:
    """Letters and digits without those OCR confuses with '|' and each other (l, i, 1)."""
    return normalised(text).translate(_CONFUSED)


_CONFUSED = str.maketrans("", "", "li1")


MAX_SPAN = 20_000  # characters a labelled passage can span (normalised)


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def resolve(rows: Iterable[Mapping[str, str]], labels: Mapping[str, str],
            docs: Mapping[str, Document]) -> tuple[list[Item], list[str]]:
    """Labelled items found in ``docs`` (year → Document) by fingerprint; ids not found."""
    finders = {year: Finder(doc) for year, doc in docs.items()}
    found, missing = [], []
    for row in rows:
        if row["id"] not in labels:
            continue
        old = finders[row["old_year"]].find(row["old_fp"], row.get("old_hint", ""))
        new = finders[row["new_year"]].find(row["new_fp"], row.get("new_hint", ""))
        if old is None or new is None:
            missing.append(row["id"])
            continue
        found.append(Item(row["id"], (row["old_year"], row["new_year"]), row["stratum"], old,
                          new, labels[row["id"]]))
    return found, missing


def fit_logistic(x: np.ndarray, y: np.ndarray, features: Sequence[str],
                 l2: float = 1.0) -> Logistic:
    """L2-penalised logistic regression on standardised features (Newton steps; exact and
    deterministic, numpy only). The intercept is not penalised."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, z.T @ (y - p) - penalty * w)
        w += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return Logistic(tuple(features), tuple(_r(mean)), tuple(_r(scale)), tuple(_r(w[1:])),
                    round(float(w[0]), 6))


def _r(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def threshold_for_precision(probs: Sequence[float], truth: Sequence[bool],
                            precision: float) -> float:
    """The lowest cut whose precision (P ≥ cut counted positive) reaches ``precision``: the
    most recall at that precision. 1.0 if no cut does."""
    probs_arr, truth_arr = np.asarray(probs, dtype=float), np.asarray(truth, dtype=bool)
    best = 1.0
    for cut in sorted(set(probs_arr.tolist()), reverse=True):
        said = probs_arr >= cut
        if truth_arr[said].mean() >= precision:
            best = cut
    return round(float(best), 4)


def precision_recall(predicted: Sequence[bool], truth: Sequence[bool]) -> tuple[float, float, int]:
    """Precision, recall and the number of true positives."""
    hits = sum(1 for p, t in zip(predicted, truth) if p and t)
    said, real = sum(map(bool, predicted)), sum(map(bool, truth))
    return (hits / said if said else 0.0, hits / real if real else 0.0, hits)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two labellers over the same items."""
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b)) / n
    cats = sorted(set(a) | set(b))
    expected = sum((list(a).count(c) / n) * (list(b).count(c) / n) for c in cats)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0
