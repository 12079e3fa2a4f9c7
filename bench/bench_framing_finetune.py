"""Fine-tuned MiniLM as a target-aware framing classifier, by held-out document.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        nice -n 5 python bench/bench_framing_finetune.py [--tune] [--fit OUT.npz]

The experiment of issue #9's untried lever: instead of a linear model over the frozen MiniLM
vector of the masked sentence (the shipped model, framing_model.py), adapt MiniLM itself to
the task. The mention is read as the shipped scorer reads it (the sentence clipped around the
actor, the actor replaced by "the country"); the top layer(s) of the bundled all-MiniLM-L6-v2
get LoRA updates (attention and feed-forward, plain torch: concept_diff/shifts/framing_tuned.py)
and a 5-way head reads the mean of the final states beside their mean over the mask's tokens.
The fine-tuned probabilities are used alone ("tuned") and mixed with the shipped model's
("mixed": p ∝ p_shipped^(1-a) p_tuned^a, then the shipped never-partner guard).

Protocol, as bench/bench_framing.py: leave one document out; items and their resolution from
concept_diff/shifts/labelled.py; fitted and scored on the labelled items still detected as
actors. Every setting (layers, rank, rate, marker, epochs, the mix weight a) is chosen on the
2002 and 2006 folds only (``--tune`` prints that grid); the 2010 and 2015 folds are then
reported once with the chosen settings (CHOSEN below), beside the shipped model refitted in
the same run (bench_framing.held_out on the ``full`` variant), with an exact sign test and a
paired bootstrap. Training is deterministic (fixed seeds, one CPU thread); the held-out
probabilities of each (settings, fold) are cached under $CONCEPT_DIFF_CACHE/framing_finetune
(keyed by the settings and the fold's texts and labels), so a rerun prints the same table
without training again (delete the folder to retrain).

``--fit OUT.npz`` fits the adapter with the chosen settings on all four documents and writes
it as a plain npz (framing_tuned.save).

Results (29 Nov 2026; 1,049 actor mentions; 2 shared CPU cores under a load of 12-20).
The grid on the 2002+2006 folds (509 items; the shipped model refitted there: accuracy 0.750,
macro-F1 0.582, swaps 0.6 %), each setting's best epoch and mix (a = 0.25 was best for every
setting; "tuned" alone never passed 0.72 / 0.54):

    0  1 layer,  lr 1e-3, mask     epoch 2  mixed 0.768 / 0.585
    1  1 layer,  lr 3e-3, mask     epoch 2  mixed 0.782 / 0.601
    2  1 layer,  lr 1e-3, bracket  epoch 3  mixed 0.762 / 0.601
    3  2 layers, lr 5e-4, mask     epoch 6  mixed 0.766 / 0.599
    4  3 layers, lr 5e-4, mask     epoch 5  mixed 0.778 / 0.609   <- chosen (CHOSEN)

(settings 1 and 4 are within noise of each other; the gain comes from mixing, which every
setting gave). Then, once, every fold with CHOSEN beside the shipped model refitted in the same
run (accuracy / macro-F1 / partner<->threat swaps):

                      shipped              tuned alone          mixed (a = 0.25)
    2002+2006 (tuned) 0.749 0.578 0.6 %    0.717 0.502 2.0 %    0.776 0.606 1.0 %
    2010              0.717 0.574 1.9 %    0.710 0.571 0.7 %    0.743 0.619 2.2 %
    2015              0.786 0.697 1.8 %    0.712 0.558 1.1 %    0.815 0.726 1.5 %
    2010+2015 (unseen) 0.752 0.644 1.9 %   0.711 0.560 0.9 %    0.780 0.681 1.9 %
    all four          0.750 0.610 1.2 %    0.714 0.535 1.4 %    0.778 0.642 1.4 %

On the 2010+2015 folds mixed is right where shipped is wrong on 21 items, the reverse on 6
(exact sign test p = 0.006; bootstrap 95 % intervals of the gain: accuracy [+0.009, +0.046],
macro-F1 [+0.002, +0.072]); on all four folds 48 vs 19 (p = 0.001). The fine-tuned model
alone is worse than shipped (all folds 94 vs 132, p = 0.014): it helps only as a second
opinion beside the parse features. Issue #9's bar (0.80 / 0.65 / 3 %) is still not met
pooled (0.778 / 0.642 / 1.4 %). Cost: a fold (about 780 training mentions, 3 adapted layers,
5 epochs, one thread) 114-121 s CPU plus 11 s for the frozen states; the whole grid and the
final folds about 17 min CPU; --fit on all 1,049 mentions 138 s CPU, an npz of 638 kB.

How firm the choice is: rerun later the same day, the shipped model's refit on the tuning
folds had moved (0.749 / 0.578: the tree's actor detection changed the context features) and
the criterion then preferred epoch 4 of the same setting, by 0.0005. Epoch 4, looked at only
as that check and not chosen: 2010+2015 mixed 0.772 / 0.665 / 1.7 %, 18 items better than
shipped and 7 worse. Not integrated yet (see the report of that session).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_framing as bf

from concept_diff.shifts import framing_tuned as ft

# Chosen on the 2002+2006 folds by --tune (the best mean of accuracy and macro-F1 of "mixed"
# pooled over those two folds); see the grid there.
CHOSEN = ft.Settings(layers=3, rank=8, lr=5e-4, epochs=5, marker="mask")
CHOSEN_MIX = 0.25
CONTEXT = 20  # words kept each side of the mention (the shipped scorer keeps 30): CPU cost
GRID = [ft.Settings(layers=1, rank=8, lr=1e-3, epochs=3),
        ft.Settings(layers=1, rank=8, lr=3e-3, epochs=3),
        ft.Settings(layers=1, rank=8, lr=1e-3, epochs=3, marker="bracket"),
        ft.Settings(layers=2, rank=8, lr=5e-4, epochs=8),
        ft.Settings(layers=3, rank=8, lr=5e-4, epochs=8)]
MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)


def cache_root() -> Path:
    base = os.environ.get("CONCEPT_DIFF_CACHE") or "/tmp/cdcache"
    return Path(base) / "framing_finetune"


class Data:
    """The labelled actor mentions, the shipped model's held-out probabilities refitted in
    this run, and the model pieces the adapter needs."""

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from concept_diff.shifts.framing_model import design_matrix, feature_names

        items, spec, _, data, rows = bf.labelled_mentions(
            bf.DATA / "labels.tsv", lambda i: i.label and i.detected)
        self.spec, self.keys = spec, spec.keys
        variants = feature_names(data, self.keys)
        data = bf._subset(data, rows)
        self.items = items
        self.y = np.array([i.label for i in items], dtype=object)
        self.groups = np.array([i.year for i in items])
        self.roles = np.array([r.role for r in data.roles], dtype=object)
        self._full = (design_matrix(data, variants["full"]), bf.column_weights(variants["full"]))
        self._shipped = None
        self._model = None
        self._states: dict = {}

    @property
    def shipped(self) -> np.ndarray:
        """The shipped model's held-out probabilities, refitted (bench_framing.held_out)."""
        if self._shipped is None:
            t = time.process_time()
            self._shipped = np.zeros((len(self.y), len(self.keys)))
            bf.held_out(self._full[0], self.y, self.groups, self.keys, self.roles, bf.choose_c,
                        self._full[1], self._shipped)
            print(f"shipped model refitted held out in {time.process_time() - t:.0f} s CPU",
                  flush=True)
        return self._shipped

    @property
    def model(self):
        if self._model is None:
            from concept_diff.embed import get_embedder

            self._model = get_embedder(backend="torch", use_cache=False).model
            self._model[0].auto_model.eval()
        return self._model

    def inputs(self, settings: ft.Settings) -> tuple[list, list[dict]]:
        """The frozen states below the adapted layers and the encoded texts (cached)."""
        key = (settings.marker, settings.layers)
        if key not in self._states:
            spec = replace(self.spec, context=CONTEXT)
            texts = ft.marked([(i.mention.text, i.mention.spans) for i in self.items], spec,
                              settings.marker)
            encoded = ft.encode(self.model.tokenizer, texts)
            bert = self.model[0].auto_model
            upto = len(bert.encoder.layer) - settings.layers
            t = time.process_time()
            self._states[key] = (ft.bottom_states(bert, encoded, upto), encoded)
            print(f"  frozen states ({settings.marker}, below layer {upto + 1}): "
                  f"{time.process_time() - t:.0f} s CPU", flush=True)
        return self._states[key]


def held_out_tuned(data: Data, settings: ft.Settings, folds) -> dict[int, np.ndarray]:
    """{epoch: probabilities}, each fold's rows from an adapter fitted on the other documents
    (rows of other folds zero)."""
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = {e: np.zeros((len(data.y), len(data.keys))) for e in range(1, settings.epochs + 1)}
    index = {k: j for j, k in enumerate(data.keys)}
    labels = [index[v] for v in data.y]
    for g in folds:
        test = np.flatnonzero(data.groups == g)
        train = np.flatnonzero(data.groups != g)
        path = cache_root() / f"{_key(data, settings, g)}.npz"
        if path.exists():
            with np.load(path) as saved:
                cached = {int(k[1:]): saved[k] for k in saved.files}
            if all(e in cached for e in out):
                for e, probs in out.items():
                    probs[test] = cached[e]
                continue
        states, encoded = data.inputs(settings)
        base = ft.base_weights(data.model[0].auto_model, settings.layers)
        found = {}

        def evaluate(epoch, params, test=test, found=found, base=base, states=states,
                     encoded=encoded):
            found[epoch] = ft.predict(base, {k: v.detach() for k, v in params.items()},
                                      [states[i] for i in test], [encoded[i] for i in test])

        t = time.process_time()
        ft.train(base, [states[i] for i in train], [encoded[i] for i in train],
                 [labels[i] for i in train], len(data.keys), settings, evaluate)
        print(f"  fold {g}: {len(train)} trained, {settings.epochs} epochs, "
              f"{time.process_time() - t:.0f} s CPU", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **{f"e{e}": p for e, p in found.items()})
        for e, probs in out.items():
            probs[test] = found[e]
    return out


def _key(data: Data, settings: ft.Settings, fold: str) -> str:
    what = {"settings": {k: v for k, v in settings.__dict__.items() if k != "epochs"},
            "context": CONTEXT, "fold": fold,
            "items": [(i.id, i.mention.text, i.mention.spans, i.label) for i in data.items]}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:20]


def mixed(data: Data, tuned: np.ndarray, a: float) -> np.ndarray:
    """p ∝ shipped^(1-a) tuned^a, then the shipped model's never-partner guard."""
    from concept_diff.shifts.framing_model import never_partner

    logp = (1 - a) * np.log(data.shipped + 1e-12) + a * np.log(tuned + 1e-12)
    p = np.exp(logp - logp.max(axis=1, keepdims=True))
    return never_partner(p / p.sum(axis=1, keepdims=True), list(data.roles), data.keys)


def labels_of(data: Data, probs: np.ndarray) -> list[str]:
    return [data.keys[i] for i in np.argmax(probs, axis=1)]


def score(data: Data, probs: np.ndarray, folds) -> dict:
    mask = np.isin(data.groups, folds)
    return bf.metrics(list(data.y[mask]), list(np.array(labels_of(data, probs))[mask]),
                      data.keys)


def tune(data: Data, only: list[int] | None = None) -> None:
    """Every grid setting (or those numbered ``only``), epoch and mix weight on the 2002+2006
    folds; after each epoch's line, how often the tuned model alone gives each label."""
    print(f"tuning on the {'+'.join(bf.CHOSEN_ON)} folds ({np.isin(data.groups, bf.CHOSEN_ON).sum()}"
          " items); criterion: mean of accuracy and macro-F1 of the mixed model")
    base = score(data, data.shipped, bf.CHOSEN_ON)
    print(f"shipped (refitted): accuracy {base['accuracy']:.3f} macro-F1 {base['macro_f1']:.3f} "
          f"swaps {100 * base['swaps']:.1f}%")
    best = None
    for n, settings in enumerate(GRID):
        if only is not None and n not in only:
            continue
        print(f"{n}: {settings}", flush=True)
        curve = held_out_tuned(data, settings, bf.CHOSEN_ON)
        for epoch, probs in curve.items():
            line = []
            for a in MIXES:
                m = score(data, mixed(data, probs, a), bf.CHOSEN_ON)
                line.append(f"a={a:.2f} {m['accuracy']:.3f}/{m['macro_f1']:.3f}/"
                            f"{100 * m['swaps']:.1f}%")
                value = (m["accuracy"] + m["macro_f1"]) / 2
                if a > 0 and (best is None or value > best[0] + 1e-9):
                    best = (value, replace(settings, epochs=epoch), a)
            given = Counter(np.array(labels_of(data, probs))[np.isin(data.groups, bf.CHOSEN_ON)])
            print(f"  epoch {epoch}: " + "; ".join(line) + "; tuned alone gives "
                  + ", ".join(f"{k} {given[k]}" for k in data.keys), flush=True)
    print(f"best: {best[1]} a={best[2]} (mean of accuracy and macro-F1 {best[0]:.3f})")


def report(data: Data) -> None:
    """The chosen settings on every fold, beside the shipped model refitted in this run."""
    tuned = held_out_tuned(data, CHOSEN, sorted(set(data.groups)))[CHOSEN.epochs]
    methods = {"shipped": data.shipped, "tuned": mixed(data, tuned, 1.0),
               "mixed": mixed(data, tuned, CHOSEN_MIX)}
    print(f"chosen on the {'+'.join(bf.CHOSEN_ON)} folds: {CHOSEN}, mix a = {CHOSEN_MIX}, "
          f"context {CONTEXT} words")
    predictions = {k: labels_of(data, p) for k, p in methods.items()}
    batch = np.array([1 if int(i.id[1:]) <= bf.BATCH1_LAST else 2 for i in data.items])
    bf._print_table(predictions, list(data.y), data.groups, data.keys, batch)
    gold = list(data.y)
    for name in ("tuned", "mixed"):
        for part in (bf.CHOSEN_ON, bf.UNSEEN):
            mask = np.isin(data.groups, part)
            bf._print_paired(list(data.y[mask]), list(np.array(predictions[name])[mask]),
                             list(np.array(predictions["shipped"])[mask]), data.keys, name,
                             f"shipped ({'+'.join(part)} folds)")
        bf._print_paired(gold, predictions[name], predictions["shipped"], data.keys, name,
                         "shipped (all folds)")
    for name in ("tuned", "mixed"):
        print(f"confusion ({name}, held-out; rows gold, columns predicted):")
        bf._confusion(gold, predictions[name], data.keys)
        print(f"calibration ({name}, held-out): {bf.calibration(gold, methods[name], data.keys)}")


def fit(data: Data, out: Path) -> None:
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    states, encoded = data.inputs(CHOSEN)
    base = ft.base_weights(data.model[0].auto_model, CHOSEN.layers)
    index = {k: j for j, k in enumerate(data.keys)}
    t = time.process_time()
    params = ft.train(base, states, encoded, [index[v] for v in data.y], len(data.keys),
                      CHOSEN)
    ft.save(out, params, data.keys, CHOSEN, {"context": CONTEXT, "mix": CHOSEN_MIX,
                                             "items": len(data.y)})
    print(f"wrote {out} ({out.stat().st_size} bytes), {time.process_time() - t:.0f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", action="store_true", help="the grid on the 2002+2006 folds")
    parser.add_argument("--only", help="with --tune: the grid settings to run, e.g. 3,4")
    parser.add_argument("--train", help="only train the chosen settings on these held-out "
                        "folds, e.g. 2010, and cache them (a later run prints the table)")
    parser.add_argument("--fit", type=Path, help="fit on all four documents, write this npz")
    args = parser.parse_args()
    t = time.process_time()
    data = Data()
    print(f"{len(data.y)} labelled actor mentions "
          f"({dict(sorted(Counter(data.groups).items()))} by document), read in "
          f"{time.process_time() - t:.0f} s CPU", flush=True)
    if args.train:  # only train and cache these folds (to spread folds over processes)
        held_out_tuned(data, CHOSEN, args.train.split(","))
    elif args.tune:
        tune(data, [int(n) for n in args.only.split(",")] if args.only else None)
    elif args.fit:
        fit(data, args.fit)
    else:
        report(data)


if __name__ == "__main__":
    t0, c0 = time.perf_counter(), time.process_time()
    main()
    print(f"bench took {time.perf_counter() - t0:.0f} s ({time.process_time() - c0:.0f} s CPU)")
