"""Framing accuracy on labelled real sentences, by held-out document, and warm timing.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        python bench/bench_framing.py [--labels FILE] [--fit] [--no-timing]

The labelled set is tests/data/framing (actor mentions from the four NSS texts, labelled
twice and adjudicated; `label` column of labels.tsv; batch 1 is f0001-f0640, batch 2 the
items after it, drawn later from the mentions batch 1 left). Leave one document out: for each NSS
year, the models are fitted on the other three years (their settings chosen by the same
leave-one-year-out inside those three, never looking at the held-out year) and scored on the
held-out year. Printed for each method: accuracy, macro-F1 over the five categories and the
partner<->threat swap rate (share of items whose gold and predicted labels are partner and
threat, either way), per held-out document and pooled over all four. Methods, all measured
in this run:

- prototype: today's scorer (FramingScorer on the whole masked sentence, framing.toml);
- rules:     the role-aware rules (a target or threat agent is a threat, ...; no fitting);
- previous:  the model shipped before this one (parse features and the prototype scorer's
             probabilities, its grid of settings), refitted here on the same folds;
- parse:     logistic regression on parse/role/cue features and the kind of actor (used with a
             non-bundled embedder);
- full:      parse features + the prototype scorer's probabilities on the sentence, the clause
             and the actor's other sentences in the document + the masked sentence's vector,
             penalised EMB_WEIGHT^-2 times harder (shipped);
- mention:   with --mention-vectors, an experiment: full + the mention vector (the model's last
             hidden states at the masked words of the masked sentence, mean-pooled, unit length;
             mention_vectors()), penalised TOK_WEIGHT^-2 times harder. Not shipped: see README.
Models are fitted on actor mentions only: a labelled item whose words actor detection no longer
finds as an actor (labelled.Item.detected; an analysis never frames it) is left out of fitting
and of the table; the lines "all labelled" also score those items.
Also printed: each pooled figure on batch 1 and batch 2 alone; the 2002 and 2006 folds pooled
(the folds on which features and the vector's penalty were chosen) and the 2010 and 2015 folds
pooled (never used to choose anything); the items full gets right and previous wrong and the
reverse (exact sign test), and a paired bootstrap interval of the differences.

--fit then fits both models on all four documents (settings by leave-one-year-out over all
four) and writes concept_diff/data/framing_model.json with the held-out figures and kappa.
Timing: warm framing of the four-NSS timeline (2002→2006→2010→2015) in a fresh process with
parses and vectors cached, the prototype scorer's time beside it (times are noisy on a shared
machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

CORPUS_NAME = "US National Security Strategies"  # tests/data/framing draws on these
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "framing"
MODEL_PATH = ROOT / "concept_diff" / "data" / "framing_model.json"
# The shipped models: class weights the square root of the balanced ones (n / (k n_class))
# ** 0.5, halfway on a log scale between the classes' frequencies and balance; the inverse
# penalty C chosen from C_GRID by the held-out log-loss of leave-one-document-out inside the
# training documents (smoother than accuracy, so less at the mercy of a few items). Weight and
# EMB_WEIGHT were chosen on the 2002 and 2006 folds (CHOSEN_ON).
WEIGHT = 0.5
C_GRID = (0.003, 0.006, 0.01, 0.02, 0.03)
EMB_WEIGHT = 0.3  # the sentence vector's columns are scaled by this after standardising
TOK_WEIGHT = 0.5  # the mention vector's (--mention-vectors), chosen on CHOSEN_ON of 0.3/0.5/0.8
# The previous model's grid of (C, class weight), chosen by the mean of accuracy and macro-F1.
PREVIOUS_GRID = [(c, w) for c in (0.03, 0.1, 0.3) for w in (None, "balanced")]
BATCH1_LAST = 640  # items f0001-f0640 are batch 1; later ids were drawn and labelled after it
CHOSEN_ON = ("2002", "2006")  # folds whose held-out figures chose the features
UNSEEN = ("2010", "2015")  # folds never looked at when the features were chosen


def corpus_dir() -> Path:
    return Path(os.environ.get("CONCEPT_DIFF_CORPORA", "/work/shared/corpora")) / \
        "us-national-security-strategy"


def load_labels(path: Path) -> dict[str, str]:
    from concept_diff.shifts.labelled import read_tsv

    rows = read_tsv(path)
    column = "label" if "label" in rows[0] else list(rows[0])[1]
    return {r["id"]: r[column] for r in rows if r.get(column)}


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two labellings of the same items."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def metrics(gold: list[str], pred: list[str], keys: list[str]) -> dict[str, float]:
    n = len(gold)
    f1s = []
    for k in keys:
        tp = sum(g == k and p == k for g, p in zip(gold, pred))
        fp = sum(g != k and p == k for g, p in zip(gold, pred))
        fn = sum(g == k and p != k for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    swaps = sum({g, p} == {"partner", "threat"} for g, p in zip(gold, pred))
    return {"n": n, "accuracy": sum(g == p for g, p in zip(gold, pred)) / n,
            "macro_f1": float(np.mean(f1s)), "swaps": swaps / n}


# --- models ----------------------------------------------------------------------------------


def fit(x: np.ndarray, y: np.ndarray, c: float, weight, colw=None) -> tuple:
    """A logistic regression on standardised columns; ``colw`` multiplies columns after
    standardising (a smaller weight, a stronger penalty), folded into the returned scale."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant column (some vector dimensions nearly are)
    if colw is not None:
        scale = scale / colw
    model = LogisticRegression(C=c, class_weight=class_weights(y, weight), max_iter=3000)
    model.fit((x - mean) / scale, y)
    return model, mean, scale


def class_weights(y: np.ndarray, weight):
    if weight is None or weight == "balanced":
        return weight
    counts = Counter(y)
    return {k: (len(y) / (len(counts) * n)) ** weight for k, n in counts.items()}


def column_weights(features: tuple[str, ...]) -> np.ndarray:
    weight = {"emb:": EMB_WEIGHT, "tok:": TOK_WEIGHT}
    return np.array([weight.get(f[:4], 1.0) for f in features])


def probabilities(fitted, x: np.ndarray, keys: list[str], roles=None) -> np.ndarray:
    """Probabilities as the shipped model gives them: the logistic model's, then the
    never-partner guard for targeted roles (framing_model.never_partner)."""
    from concept_diff.shifts.framing_model import never_partner

    model, mean, scale = fitted
    if not len(x):
        return np.zeros((0, len(keys)))
    probs = model.predict_proba((x - mean) / scale)
    order = [list(model.classes_).index(k) for k in keys]
    return never_partner(probs[:, order], list(roles) if roles is not None else [""] * len(x),
                         keys)


def predict(fitted, x: np.ndarray, keys: list[str], roles=None) -> list[str]:
    return [keys[i] for i in np.argmax(probabilities(fitted, x, keys, roles), axis=1)]


def choose_c(x, y, groups, keys, roles, colw=None) -> tuple:
    """(C, WEIGHT): the C of C_GRID with the least log-loss, leave-one-group-out."""
    best, best_loss = C_GRID[0], np.inf
    for c in C_GRID:
        loss = 0.0
        for g in sorted(set(groups)):
            train, test = groups != g, groups == g
            model, mean, scale = fit(x[train], y[train], c, WEIGHT, colw)
            probs = model.predict_proba((x[test] - mean) / scale)
            column = [list(model.classes_).index(k) for k in y[test]]
            loss -= float(np.log(probs[np.arange(len(column)), column] + 1e-12).sum())
        if loss < best_loss - 1e-9:
            best, best_loss = c, loss
    return best, WEIGHT


def choose(x, y, groups, keys, roles, grid=PREVIOUS_GRID, colw=None) -> tuple:
    """The grid setting with the best mean of accuracy and macro-F1, leave-one-group-out."""
    best, best_score = grid[0], -1.0
    for c, w in grid:
        gold, pred = [], []
        for g in sorted(set(groups)):
            train, test = groups != g, groups == g
            gold += list(y[test])
            pred += predict(fit(x[train], y[train], c, w, colw), x[test], keys, roles[test])
        m = metrics(gold, pred, keys)
        score = (m["accuracy"] + m["macro_f1"]) / 2
        if score > best_score + 1e-9:
            best, best_score = (c, w), score
    return best


def held_out(x, y, groups, keys, roles, chooser=choose_c, colw=None, probs=None, fitted=None
             ) -> tuple[list[str], dict]:
    """Predictions for every item from a model fitted without its document, its setting
    chosen by leave-one-document-out inside the training documents (``probs``, an array of
    one row per item, receives the probabilities); ``fitted`` (a mask) names the items models
    may be fitted on (all by default)."""
    probs = np.zeros((len(y), len(keys))) if probs is None else probs
    fitted = np.ones(len(y), dtype=bool) if fitted is None else fitted
    chosen = {}
    for g in sorted(set(groups)):
        train, test = (groups != g) & fitted, groups == g
        setting = chooser(x[train], y[train], groups[train], keys, roles[train], colw=colw)
        chosen[str(g)] = setting
        probs[test] = probabilities(fit(x[train], y[train], *setting, colw), x[test], keys,
                                    roles[test])
    return [keys[i] for i in np.argmax(probs, axis=1)], chosen


def calibration(gold, probs: np.ndarray, keys: list[str]) -> str:
    """How honest held-out probabilities are: the mean probability of the label given beside
    the share of those labels that are right, the expected calibration error over ten bins
    of that probability, the log-loss, and each category's mean probability beside its share
    of the gold labels."""
    top = probs.max(axis=1)
    right = np.array([keys[i] == g for i, g in zip(np.argmax(probs, axis=1), gold)])
    bins = np.minimum((top * 10).astype(int), 9)
    ece = sum(abs(top[bins == b].mean() - right[bins == b].mean()) * (bins == b).sum()
              for b in range(10) if (bins == b).any()) / len(top)
    column = [keys.index(g) for g in gold]
    loss = -float(np.mean(np.log(probs[np.arange(len(gold)), column] + 1e-12)))
    shares = ", ".join(f"{k} {probs[:, j].mean():.2f}/{sum(g == k for g in gold) / len(gold):.2f}"
                       for j, k in enumerate(keys))
    return (f"mean probability of the label given {top.mean():.3f}, share right "
            f"{right.mean():.3f}; ECE {ece:.3f}; log-loss {loss:.3f}; mean probability / gold "
            f"share: {shares}")


# --- timing ----------------------------------------------------------------------------------

TIMING = """
import os, sys, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from itertools import pairwise
from pathlib import Path
from concept_diff import load
from concept_diff.embed import get_embedder
from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.analysis import _self_actor
from concept_diff.shifts.framing import FramingScorer, load_framing
from concept_diff.shifts.framing_model import frame_mentions
folder = Path(sys.argv[1])
docs = [load(folder / f"{y}-national-security-strategy.txt") for y in (2002, 2006, 2010, 2015)]
embedder, spec = get_embedder(), load_framing()
items, actors = [], []
for old, new in pairwise(docs):
    mentions = find_mentions(old, "old", Matcher(detect_actors([old, new])))
    mentions += find_mentions(new, "new", Matcher(detect_actors([old, new])))
    me = _self_actor(mentions)
    items += [(m.text, m.spans) for m in mentions if m.actor != me]
    actors += [m.actor for m in mentions if m.actor != me]
embedder.encode(["warm up"])
t = time.perf_counter(); FramingScorer(spec, embedder).scored(items); a = time.perf_counter() - t
t = time.perf_counter(); frame_mentions(items, spec, embedder, actors=actors)
b = time.perf_counter() - t
from concept_diff.shifts import analyse
t = time.perf_counter()
for old, new in pairwise(docs):
    analyse(old, new, embedder=embedder)
c = time.perf_counter() - t
print(len(items), round(a, 2), round(b, 2), round(c, 2), "spacy" in sys.modules)
"""


def timing() -> str:
    runs = []
    for _ in range(2):  # the first run warms the parse and vector caches
        out = subprocess.run([sys.executable, "-c", TIMING, str(corpus_dir())], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.split()
        runs.append(out)
    n, old, new, whole, spacy = runs[-1]
    return (f"warm framing of the four-NSS timeline ({n} mention sentences, 3 pairs), fresh "
            f"process, parses and vectors cached: prototype scorer {old} s, role-aware model "
            f"{new} s; whole shift analysis of the 3 pairs {whole} s (spaCy loaded: {spacy}); "
            f"the first of the two runs (caches as found): model {runs[0][2]} s")


# --- main ------------------------------------------------------------------------------------


def labelled_mentions(labels_path: Path, keep):
    """The labelled items ``keep`` accepts, with every mention of the four documents framed as
    an analysis would frame it (each actor's other sentences in the same document are
    context): (items, framing spec, embedder, the data of every mention, each item's row
    in it)."""
    from concept_diff.embed import get_embedder
    from concept_diff.shifts.framing import load_framing
    from concept_diff.shifts.framing_model import mention_data
    from concept_diff.shifts.labelled import resolve

    items, every = resolve(DATA / "items.tsv", corpus_dir(), load_labels(labels_path))
    items = [i for i in items if keep(i)]
    spec, embedder = load_framing(), get_embedder()
    data = mention_data([(m.text, m.spans) for m in every], spec, embedder,
                        groups=[(m.version, m.actor) for m in every],
                        actors=[m.actor for m in every])
    where = {(m.version, m.passage, m.sentence, m.actor): k for k, m in enumerate(every)}
    rows = [where[(i.year, i.mention.passage, i.mention.sentence, i.mention.actor)]
            for i in items]
    return items, spec, embedder, data, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=Path, default=DATA / "labels.tsv")
    parser.add_argument("--fit", action="store_true", help="write the shipped model")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--mention-vectors", action="store_true",
                        help="also the experimental model with the mention vector (torch)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from concept_diff.shifts.framing_model import (
        design_matrix,
        feature_names,
        rule_probabilities,
    )

    items, spec, embedder, all_data, rows = labelled_mentions(args.labels, lambda i: i.label)
    keys = spec.keys
    data = _subset(all_data, rows)
    detected = np.array([i.detected for i in items])
    y = np.array([i.label for i in items], dtype=object)
    groups = np.array([i.year for i in items])
    batch = np.array([1 if int(i.id[1:]) <= BATCH1_LAST else 2 for i in items])
    variants = feature_names(all_data, keys)
    previous = tuple(f for f in variants["full"] if not f.startswith(("kind=", "emb:")))
    matrices = {v: design_matrix(data, f) for v, f in variants.items()}
    predictions = {
        "prototype": [keys[i] for i in np.argmax(data.sentence_probs, axis=1)],
        "rules": [keys[i] for i in np.argmax(rule_probabilities(data, keys), axis=1)],
    }
    settings = {}
    roles = np.array([r.role for r in data.roles], dtype=object)
    probs = {v: np.zeros((len(y), len(keys))) for v in ("previous", *variants)}
    predictions["previous"], settings["previous"] = held_out(
        design_matrix(data, previous), y, groups, keys, roles, choose, probs=probs["previous"],
        fitted=detected)
    for v in variants:
        predictions[v], settings[v] = held_out(matrices[v], y, groups, keys, roles, choose_c,
                                               column_weights(variants[v]), probs[v], detected)
    if args.mention_vectors:
        vectors = mention_vectors([(i.mention.text, i.mention.spans) for i in items], spec)
        x = np.hstack([matrices["full"], vectors])
        colw = np.concatenate([column_weights(variants["full"]), np.full(vectors.shape[1],
                                                                         TOK_WEIGHT)])
        probs["mention"] = np.zeros((len(y), len(keys)))
        predictions["mention"], settings["mention"] = held_out(
            x, y, groups, keys, roles, choose_c, colw, probs["mention"], detected)
    print(f"{len(items)} labelled mentions ({dict(sorted(Counter(batch).items()))} by batch, "
          f"{dict(sorted(Counter(groups).items()))} by document); "
          f"gold: {dict(sorted(Counter(y).items()))}")
    _print_agreement(args.labels, keys)
    print(f"{int((~detected).sum())} labelled items are no longer detected as actors (gold "
          f"{dict(sorted(Counter(y[~detected]).items()))}): left out of fitting and of the "
          "table but its 'all labelled' lines")
    print(f"roles: {dict(sorted(Counter(r.role for r in data.roles).items()))}")
    gold_all, pred_all = list(y), predictions
    y, groups, batch = y[detected], groups[detected], batch[detected]
    probs = {v: p[detected] for v, p in probs.items()}
    predictions = {m: [p for p, k in zip(pred, detected) if k] for m, pred in pred_all.items()}
    report = _print_table(predictions, list(y), groups, keys, batch)
    for method in ("previous", "full", "mention"):
        if method in pred_all:
            m = metrics(gold_all, pred_all[method], keys)
            report[method]["all labelled"] = {k: round(v, 4) for k, v in m.items()}
            print(f"{method:10} {'all labelled':9} {m['n']:4d} {m['accuracy']:9.3f} "
                  f"{m['macro_f1']:9.3f} {100 * m['swaps']:6.1f}%")
    print("settings chosen inside each training fold (C, class weight):", settings)
    _print_paired(list(y), predictions["full"], predictions["previous"], keys, "full",
                  "previous")
    if "mention" in predictions:
        for part in (CHOSEN_ON, UNSEEN):
            mask = np.isin(groups, part)
            _print_paired(list(y[mask]), list(np.array(predictions["mention"])[mask]),
                          list(np.array(predictions["full"])[mask]), keys, "mention",
                          f"full ({'+'.join(part)} folds)")
        _print_paired(list(y), predictions["mention"], predictions["full"], keys, "mention",
                      "full")
    for v in ("previous", "full"):
        print(f"confusion ({v}, held-out; rows gold, columns predicted):")
        _confusion(list(y), predictions[v], keys)
    for v, p in probs.items():
        print(f"calibration ({v}, held-out): {calibration(list(y), p, keys)}")
    if args.fit:
        _fit_and_write({v: x[detected] for v, x in matrices.items()}, variants, y, groups, keys,
                       embedder, report, args.labels, roles[detected], len(detected))
    if not args.no_timing:
        print(timing())


def _print_agreement(path: Path, keys: list[str]) -> None:
    from concept_diff.shifts.labelled import read_tsv

    rows = read_tsv(path)
    if not rows or "label_a" not in rows[0]:
        return
    parts = {"all": rows}
    later = [r for r in rows if int(r["id"][1:]) > BATCH1_LAST]
    if later:
        parts = {"batch 1": [r for r in rows if int(r["id"][1:]) <= BATCH1_LAST],
                 "batch 2": later, "all": rows}
    for name, part in parts.items():
        a, b = [r["label_a"] for r in part], [r["label_b"] for r in part]
        per = ", ".join(f"{k} {kappa([x == k for x in a], [y == k for y in b]):.3f}"
                        for k in keys)
        print(f"labellers' agreement, {name} ({len(part)} items): Cohen's kappa "
              f"{kappa(a, b):.3f} (raw {sum(x == y for x, y in zip(a, b)) / len(a):.3f}); "
              f"one category vs rest: {per}")


def _print_paired(gold, new, old, keys, name: str, other: str) -> None:
    """Items the ``name`` model gets right and the ``other`` wrong, and the reverse (two-sided exact sign test on those discordant items); and a paired
    bootstrap over items (2,000 resamples, seed 0) of the difference in accuracy and macro-F1:
    its 95 % interval."""
    from scipy.stats import binomtest

    better = sum(g == n != o for g, n, o in zip(gold, new, old))
    worse = sum(g == o != n for g, n, o in zip(gold, new, old))
    p = binomtest(better, better + worse).pvalue if better + worse else 1.0
    rng = np.random.default_rng(0)
    gold, new, old = (np.array(v, dtype=object) for v in (gold, new, old))
    diffs = []
    for _ in range(2000):
        k = rng.integers(0, len(gold), len(gold))
        a, b = metrics(list(gold[k]), list(new[k]), keys), metrics(list(gold[k]), list(old[k]),
                                                                     keys)
        diffs.append((a["accuracy"] - b["accuracy"], a["macro_f1"] - b["macro_f1"]))
    low, high = np.percentile(np.array(diffs), [2.5, 97.5], axis=0)
    print(f"{name} vs {other} on the same {len(gold)} held-out items: {name} right and "
          f"{other} wrong {better}, the reverse {worse} (exact sign test p = {p:.3f}); "
          f"95 % bootstrap interval of the difference: accuracy [{low[0]:+.3f}, "
          f"{high[0]:+.3f}], macro-F1 [{low[1]:+.3f}, {high[1]:+.3f}]")


def mention_vectors(items, spec) -> np.ndarray:
    """The experimental mention vector of each (sentence, spans): the bundled model's last
    hidden states (torch backend) over the tokens covering the masks in the text the
    prototype scorer embeds (the sentence clipped around the actor, the actor masked),
    mean-pooled, unit length; the tokens' character offsets come from the tokenizer."""
    import torch

    from concept_diff.embed import get_embedder
    from concept_diff.shifts.framing import _clip

    model = get_embedder(backend="torch", use_cache=False).model
    masked = [_masked(*_clip(text, spans, spec.context), spec.mask) for text, spans in items]
    out = np.zeros((len(items), model.get_sentence_embedding_dimension()))
    for start in range(0, len(masked), 64):
        batch = masked[start:start + 64]
        encoded = model.tokenizer([t for t, _ in batch], padding=True, truncation=True,
                                  max_length=model.max_seq_length, return_tensors="pt",
                                  return_offsets_mapping=True)
        offsets = encoded.pop("offset_mapping").numpy()
        with torch.inference_mode():
            states = model[0](dict(encoded))["token_embeddings"].numpy()
        for j, (_, where) in enumerate(batch):
            real = encoded["attention_mask"][j].numpy().astype(bool) & \
                (offsets[j, :, 1] > offsets[j, :, 0])
            chosen = np.zeros_like(real)
            for a, b in where:
                chosen |= real & (offsets[j, :, 0] < b) & (offsets[j, :, 1] > a)
            vector = states[j][chosen if chosen.any() else real].mean(axis=0)
            out[start + j] = vector / max(float(np.linalg.norm(vector)), 1e-12)
    return out


def _masked(text: str, spans, mask: str) -> tuple[str, list[tuple[int, int]]]:
    """framing.mask_sentence's text and where each mask stands in it."""
    from concept_diff.shifts.framing import mask_sentence

    where, shift = [], 0
    for a, b in sorted(spans):
        where.append((a + shift, a + shift + len(mask)))
        shift += len(mask) - (b - a)
    return mask_sentence(text, spans, mask), where


def _subset(data, rows: list[int]):
    from concept_diff.shifts.framing_model import MentionData

    return MentionData([data.roles[k] for k in rows], [data.features[k] for k in rows],
                       data.sentence_probs[rows],
                       data.sentence_raw[rows], data.sentence_vectors[rows])


def _print_table(predictions, gold, groups, keys, batch) -> dict:
    """Per held-out document, pooled ("all"), the 2010 and 2015 folds pooled and, with two
    batches, the pooled figure on each batch's items alone."""
    report = {}
    years = sorted(set(groups))
    subsets = {"all": [True] * len(gold),
               "+".join(CHOSEN_ON): [g in CHOSEN_ON for g in groups],
               "+".join(UNSEEN): [g in UNSEEN for g in groups]}
    if len(set(batch)) > 1:
        subsets.update({f"all b{b}": [k == b for k in batch] for b in sorted(set(batch))})
    print(f"{'method':10} {'held out':9} {'n':>4} {'accuracy':>9} {'macro-F1':>9} {'swaps':>7}")
    for method, pred in predictions.items():
        rows = {}
        for year in [*years, *subsets]:
            mask = subsets[year] if year in subsets else [g == year for g in groups]
            m = metrics([g for g, k in zip(gold, mask) if k], [p for p, k in zip(pred, mask) if k],
                        keys)
            rows[year] = {k: round(v, 4) for k, v in m.items()}
            print(f"{method:10} {year:9} {m['n']:4d} {m['accuracy']:9.3f} {m['macro_f1']:9.3f} "
                  f"{100 * m['swaps']:6.1f}%")
        report[method] = rows
    return report


def _confusion(gold, pred, keys) -> None:
    print("          " + " ".join(f"{k[:9]:>9}" for k in keys))
    for g in keys:
        print(f"{g[:9]:>9} " + " ".join(
            f"{sum(a == g and b == p for a, b in zip(gold, pred)):9d}" for p in keys))


def _fit_and_write(matrices, variants, y, groups, keys, embedder, report, labels_path,
                   roles, labelled: int) -> None:
    from concept_diff import atomic
    from concept_diff.shifts.framing_model import LinearModel
    from concept_diff.shifts.labelled import read_tsv

    out = {"keys": keys, "embedder": embedder.name}
    for v, x in matrices.items():
        colw = column_weights(variants[v])
        c, w = choose_c(x, y, groups, keys, roles, colw)
        model, mean, scale = fit(x, y, c, w, colw)
        order = [list(model.classes_).index(k) for k in keys]
        out[v] = LinearModel(tuple(keys), variants[v], mean, scale, model.coef_[order],
                             model.intercept_[order]).to_dict()
        out[v]["setting"] = {"C": c, "class_weight": w}
    rows = read_tsv(labels_path)
    agreement, batches = None, {}
    if rows and "label_a" in rows[0]:
        agreement = round(kappa([r["label_a"] for r in rows], [r["label_b"] for r in rows]), 3)
        for b, part in ((1, [r for r in rows if int(r["id"][1:]) <= BATCH1_LAST]),
                        (2, [r for r in rows if int(r["id"][1:]) > BATCH1_LAST])):
            if part:
                batches[f"batch{b}"] = {"items": len(part), "kappa": round(kappa(
                    [r["label_a"] for r in part], [r["label_b"] for r in part]), 3)}
    years = sorted(set(groups))
    out["evaluation"] = {
        "items": len(y),  # fitted on and measured on: the labelled items still actors
        "labelled": labelled,
        "documents": years,
        "corpus": CORPUS_NAME,  # what the Method section calls the labelled documents
        "kappa": agreement,
        "batches": batches,
        "held_out": {m: report[m]["all"] for m in report},
        "per_document": {m: {g: report[m][g] for g in years} for m in report},
        "subsets": {m: {s: report[m][s] for s in report[m] if s not in years and s != "all"}
                    for m in report},
    }
    atomic.write_text(MODEL_PATH, json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench took {time.perf_counter() - t0:.0f} s")
