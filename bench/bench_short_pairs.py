"""Are short passages over-represented among false same-content links, and would a stronger bar
for them help? Held out by document pair as bench_pairs.py measures the shipped aligner.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        nice -n 5 python bench/bench_short_pairs.py

Audits of the NSS 2006→2015 and 2002→2006 reports found wrong links where one side is a short
list item or a lead-in sentence sharing a topic with the other. This prints, for the labelled
pairs (tests/data/pairs), each NSS pair held out in turn (decision fitted on the other two,
threshold fixed at the shipped 0.80 as bench_pairs.py --threshold 0.8):

1. true and false "same" links, and how many have a shorter side of few words (tokens of
   align/scoring.py), among the aligner's links and among P(same) ≥ 0.80 alone;
2. the rule "a pair whose shorter side has fewer than N words needs P(same) ≥ BAR", with N
   and BAR chosen on the two training pairs (their probabilities from a model fitted on the
   other training pair, as bench_pairs chooses a threshold) and applied to the held-out one:
   the aligner's and P-alone's pooled precision/recall without and with it;
3. the same-content logistic refitted with other forms of the length evidence (held-out AUC,
   precision/recall of P(same) ≥ 0.80 alone): as fitted, log length ratio, no length ratio,
   a few-words indicator or its product with 1 − lexical, ``short`` capped at 30 words;
4. the shipped decision's links (all three pairs in its fit, so in-sample) on six NSS
   comparisons whose shorter side has fewer than 25 words, with P(same): what such a rule
   would remove there (a reading list, not a measurement).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pairs as B

from concept_diff.align.decision import Logistic, decision_for
from concept_diff.align.labelled import fit_logistic, precision_recall, read_labels

THRESHOLD = 0.8  # the shipped cut (pair_decision.json)
SHORT = (15, 20, 25)
GRID = [(0, 0.0)] + [(n, bar) for n in (10, 15, 20, 25, 30) for bar in (0.9, 0.95, 0.98)]
COMPARISONS = (("2002", "2006"), ("2006", "2010"), ("2010", "2015"), ("2002", "2010"),
               ("2006", "2015"), ("2002", "2015"))


@dataclass(frozen=True)
class ShortBar(Logistic):
    """P(same) as fitted, except that a pair with fewer than ``words`` words on its shorter
    side and P(same) below ``bar`` is held just under ``threshold`` (so it links nowhere)."""

    words: int = 0
    bar: float = 0.0
    threshold: float = THRESHOLD

    def probability(self, x: np.ndarray) -> np.ndarray:
        p = Logistic.probability(self, x)
        weak = (_words(self, x) < self.words) & (p < self.bar) & (p >= self.threshold)
        return np.where(weak, np.nextafter(self.threshold, 0.0), p)


def _words(model: Logistic, x: np.ndarray) -> np.ndarray:
    return np.rint(np.expm1(x[:, model.features.index("short")]))  # short = log1p(words)


def with_rule(decision, rule: tuple[int, float]):
    base = [getattr(decision.same, f.name) for f in fields(Logistic)]
    return replace(decision, same=ShortBar(*base, *rule, decision.threshold))


def counts(rows: list[tuple]) -> None:
    """rows: (label is same, linked by the aligner, P(same), words of the shorter side)."""
    for name, pick in (("aligner's links", lambda r: r[1]),
                       (f"P(same) ≥ {THRESHOLD} alone", lambda r: r[2] >= THRESHOLD)):
        chosen = [r for r in rows if pick(r)]
        true, false = [r for r in chosen if r[0]], [r for r in chosen if not r[0]]
        parts = ", ".join(f"< {n} words: {sum(r[3] < n for r in true)} true / "
                          f"{sum(r[3] < n for r in false)} false" for n in SHORT)
        print(f"  {name}: {len(true)} true, {len(false)} false; with a shorter side of {parts}")
    print("  all labelled pairs: " + ", ".join(
        f"< {n} words {sum(r[3] < n for r in rows)} ({sum(r[3] < n and r[0] for r in rows)}"
        f" same)" for n in SHORT) + f", of {len(rows)} ({sum(r[0] for r in rows)} same)")


def choose(train: list[B.Pair]) -> tuple[int, float]:
    """The rule of GRID with the best P-alone precision on the two training pairs (each scored
    by a model fitted on the other) that keeps their recall; the least intrusive on a tie."""
    scored = []
    for j, pair in enumerate(train):
        decision = B.fit([train[1 - j]], False, THRESHOLD)
        x = pair.features(decision.same.features)
        scored.append((decision, x, [it.label == "same" for it in pair.items]))

    def score(rule):
        said, truth = [], []
        for decision, x, t in scored:
            said += (with_rule(decision, rule).same.probability(x) >= THRESHOLD).tolist()
            truth += t
        return precision_recall(said, truth)[:2]

    base = score(GRID[0])
    kept = [(rule, score(rule)) for rule in GRID if score(rule)[1] >= base[1] - 1e-9]
    return max(kept, key=lambda rs: (round(rs[1][0], 6), -rs[0][0], -rs[0][1]))[0]


def held_out(pairs: list[B.Pair]) -> None:
    print(f"labelled pairs, held out by document pair (threshold {THRESHOLD}):")
    rows, pooled = [], {"without": ([], [], []), "with": ([], [], [])}
    for k, pair in enumerate(pairs):
        train = pairs[:k] + pairs[k + 1:]
        decision = B.fit(train, False, THRESHOLD)
        rule = choose(train)
        keys = [(it.old_index, it.new_index) for it in pair.items]
        truth = [it.label == "same" for it in pair.items]
        x = pair.features(decision.same.features)
        words = _words(decision.same, x)
        line = []
        for name, dec in (("without", decision), ("with", with_rule(decision, rule))):
            linked, _ = pair.linked(dec)
            said = [key in linked for key in keys]
            alone = (dec.same.probability(x) >= THRESHOLD).tolist()
            pooled[name][0].extend(said)
            pooled[name][1].extend(alone)
            pooled[name][2].extend(truth)
            if name == "without":
                rows += list(zip(truth, said, decision.same.probability(x).tolist(),
                                 words.tolist()))
            got = precision_recall(said, truth)
            line.append(f"{name} {got[0]:.3f}/{got[1]:.3f}")
        print(f"  held out {pair.names}: rule chosen on the other two: "
              + (f"< {rule[0]} words needs P ≥ {rule[1]}" if rule[0] else "none")
              + "; aligner precision/recall " + ", ".join(line))
    counts(rows)
    for name, (said, alone, truth) in pooled.items():
        a, b = precision_recall(said, truth), precision_recall(alone, truth)
        print(f"  pooled, {name} the held-out rule: aligner precision {a[0]:.3f} recall "
              f"{a[1]:.3f} ({a[2]} of {sum(said)}); P(same) ≥ {THRESHOLD} alone precision "
              f"{b[0]:.3f} recall {b[1]:.3f} ({b[2]} of {sum(alone)})")


FORMS = ("as fitted", "log length_ratio", "no length_ratio", "+ few words (< 20)",
         "+ few words × (1 − lexical)", "short capped at 30 words")


def _form(x: np.ndarray, name: str) -> np.ndarray:
    at = {n: B.SAME_FEATURES.index(n) for n in ("length_ratio", "short", "lexical")}
    few = (np.expm1(x[:, at["short"]]) < 20).astype(float)
    if name == "log length_ratio":
        return np.column_stack([np.delete(x, at["length_ratio"], axis=1),
                                np.log(np.maximum(x[:, at["length_ratio"]], 1e-3))])
    if name == "no length_ratio":
        return np.delete(x, at["length_ratio"], axis=1)
    if name == "+ few words (< 20)":
        return np.column_stack([x, few])
    if name == "+ few words × (1 − lexical)":
        return np.column_stack([x, few * (1 - x[:, at["lexical"]])])
    if name == "short capped at 30 words":
        return np.column_stack([np.delete(x, at["short"], axis=1),
                                np.minimum(x[:, at["short"]], np.log1p(30))])
    return x


def forms(pairs: list[B.Pair]) -> None:
    x = [p.features(B.SAME_FEATURES) for p in pairs]
    y = [np.array([it.label == "same" for it in p.items]) for p in pairs]
    print("same-content model with other forms of the length evidence, held out by pair:")
    for name in FORMS:
        probs = []
        for k in range(len(pairs)):
            train = [j for j in range(len(pairs)) if j != k]
            xt = np.vstack([_form(x[j], name) for j in train])
            names = tuple(f"f{i}" for i in range(xt.shape[1]))
            model = fit_logistic(xt, np.concatenate([y[j] for j in train]).astype(float), names)
            probs.append(model.probability(_form(x[k], name)))
        p, t = np.concatenate(probs), np.concatenate(y)
        got = precision_recall(list(p >= THRESHOLD), list(t))
        print(f"  {name:<28} AUC " + " ".join(f"{B.auc(q, u):.3f}" for q, u in zip(probs, y))
              + f" pooled {B.auc(p, t):.3f}; P(same) ≥ {THRESHOLD} precision {got[0]:.3f} "
              f"recall {got[1]:.3f} ({got[2]} of {int((p >= THRESHOLD).sum())})")


def shipped_links(docs, vecs, sentence_vecs) -> None:
    from concept_diff.align.scoring import tokens

    decision = decision_for(B.BUNDLED)
    print("shipped decision (in-sample): linked pieces whose shorter side has < 25 words")
    for years in COMPARISONS:
        pair = B.Pair(years, docs, vecs, sentence_vecs, [])
        _, result = pair.linked(decision)
        pieces = [(e.kind, i, j) for e in result.entries
                  if e.old_index and e.new_index and e.kind != "unchanged"
                  for i in e.old_index for j in e.new_index]
        probs = decision.same.probability(
            pair.evidence.matrix([(i, j) for _, i, j in pieces], decision.same.features))
        short = []
        for (kind, i, j), p in zip(pieces, probs.tolist()):
            a, b = pair.old.passages[i], pair.new.passages[j]
            n = (len(tokens(a.text)), len(tokens(b.text)))
            if min(n) < 25:
                short.append((p, kind, a.id, b.id, n, a.text[:70], b.text[:70]))
        print(f"  NSS {pair.names}: {len(pieces)} linked pieces (not unchanged), {len(short)} short")
        for p, kind, a, b, n, ta, tb in sorted(short):
            print(f"    P {p:.3f} {kind:<9} {a}→{b} words {n[0]}/{n[1]}: “{ta}” | “{tb}”")


def main() -> None:
    corpora = os.environ.get("CONCEPT_DIFF_CORPORA")
    if not corpora:
        sys.exit("set CONCEPT_DIFF_CORPORA to the folder holding us-national-security-strategy/")
    pairs = B.load_pairs(Path(corpora), read_labels(B.DATA_DIR / "pairs" / "labels.tsv"))
    held_out(pairs)
    forms(pairs)
    docs = {y: d for p in pairs for y, d in zip(p.years, (p.old, p.new))}
    vecs = {y: v for p in pairs for y, v in zip(p.years, p.vecs)}
    sentence_vecs = {y: v for p in pairs for y, v in zip(p.years, p.sentence_vecs)}
    shipped_links(docs, vecs, sentence_vecs)


if __name__ == "__main__":
    main()
