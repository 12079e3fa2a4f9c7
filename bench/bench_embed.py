"""Embedding throughput on NSS 2010 + 2015: batch sizes, length-sorted vs not, cold vs warm cache.

    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_embed.py [--full] [--device cuda]
    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_embed.py --backends [--repeats 3]

--backends: texts per second of each backend (torch, onnx, onnx-int8) and of two graphs beside
them (the onnx-int8 as shipped before, with spinning threads; onnxruntime's dynamic int8,
one text a call, the one before that) on the same texts after loading, repeats interleaved so
the shared machine's noise hits all alike (medians, all runs shown), beside the plain
``SentenceTransformer.encode`` floor, by wall time and by this process's CPU time (steadier when
other processes load the machine);
then the quality bars against torch: per-kind F1 on the synthetic NSS pair of
tests/test_align_synthetic.py, strict F1 of ``evaluate`` on the Meridian gold
(examples/gold.tsv), cosine to torch's vectors, the largest vector difference and mean
pairwise-similarity drift, a text alone against the same text in a batch, and whether two fresh
embedders give byte-identical vectors.
On a GPU (--device cuda) the default rows compare the fp16 backend with a plain fp32 encode.

Texts: the paragraphs (blank-line separated) and their sentences of both files. The baseline is
a plain ``SentenceTransformer(folder).encode(texts)`` with its default settings, timed in the same
run on the same texts. "unsorted" feeds batches in document order (padding to each batch's
longest text); ours hands the whole list to encode(), which sorts by length first. Cold = embed
and write the cache; warm = a fresh CachedEmbedder that reads the cache (no model load at all).
By default a sample (300 passages, 1,000 sentences) keeps the run short on a small CPU.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from concept_diff.embed import CachedEmbedder, get_embedder
from concept_diff.embed.neural import SentenceTransformerEmbedder, bundled_model_dir


def load_texts(full: bool) -> tuple[list[str], list[str]]:
    root = Path(os.environ.get("CONCEPT_DIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
    folder = root / "us-national-security-strategy"
    passages: list[str] = []
    for year in ("2010", "2015"):
        text = (folder / f"{year}-national-security-strategy.txt").read_text(encoding="utf-8")
        passages += [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if len(p.split()) >= 8]
    sentences = [s for p in passages for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 4]
    if not full:
        passages, sentences = passages[::max(1, len(passages) // 300)], sentences[::3][:1000]
    return passages, sentences


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def unsorted_encode(model, texts: list[str], batch: int) -> np.ndarray:
    parts = [
        model.encode(texts[i:i + batch], batch_size=batch, normalize_embeddings=True,
                     show_progress_bar=False)
        for i in range(0, len(texts), batch)
    ]
    return np.concatenate(parts)


def row(label: str, seconds: float, count: int, baseline: float | None) -> str:
    speed = count / seconds if seconds else float("inf")
    ratio = f"{baseline / seconds:6.2f}x" if baseline else "   base"
    return f"  {label:<34} {seconds:8.3f} s {speed:10.1f}/s {ratio}"


def bench_neural(name: str, texts: list[str], device: str | None, batches: list[int]) -> None:
    from sentence_transformers import SentenceTransformer

    folder = bundled_model_dir()
    ours = SentenceTransformerEmbedder(folder, device=device)
    plain = SentenceTransformer(str(folder), device=ours.model.device)
    ours.encode(texts[:8])  # warm up kernels and allocator outside the timings
    plain.encode(texts[:8])
    print(f"\n{name}: {len(texts)} texts, mean {np.mean([len(t.split()) for t in texts]):.0f} "
          f"words, device {ours.device}")
    base, reference = timed(plain.encode, texts)
    print(row("baseline ST encode() defaults", base, len(texts), None))
    for batch in batches:
        ours._batch_size = batch
        seconds, _ = timed(ours.encode, texts)
        print(row(f"ours, length-sorted, batch {batch}", seconds, len(texts), base))
    ours._batch_size = None
    seconds, _ = timed(unsorted_encode, ours.model, texts, ours.batch_size)
    print(row(f"unsorted, batch {ours.batch_size}", seconds, len(texts), base))
    short = [i for i, t in enumerate(texts) if len(t.split()) <= ours.max_words]
    drift = np.abs(np.asarray(reference)[short] - ours.encode([texts[i] for i in short])).max()
    print(f"  max |ours - baseline| on texts within the window: {drift:.2e}")
    cache_rows(ours, texts, base)


def cache_rows(backend, texts: list[str], base: float | None) -> None:
    with tempfile.TemporaryDirectory() as cache_dir:
        cold_embedder = CachedEmbedder(backend, cache_dir)
        cold, _ = timed(cold_embedder.encode, texts)
        print(row("cold cache (embed + write)", cold, len(texts), base))
        warm_embedder = CachedEmbedder(backend, cache_dir)
        warm, _ = timed(warm_embedder.encode, texts)
        print(row("warm cache (fresh reader)", warm, len(texts), base))
        assert warm_embedder.stats.misses == 0


BACKENDS = ("torch", "onnx", "onnx-int8")
FLOOR = "plain ST encode() (floor)"


def variants(cache_dir: str) -> dict:
    """Runs beside the shipped backends, from the same export: the onnx-int8 as shipped before
    (the same graph, onnxruntime's threads spinning between ops), and onnxruntime's dynamic int8 (MatMul only, per channel, feed-forward outputs fp32, one text a call: the one
    before that, whose per-batch activation scales made vectors batch-dependent).
    """
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from concept_diff.embed.onnx_backend import OnnxEmbedder
    from concept_diff.embed.onnx_export import FP32_FILE, INT8_FILE

    int8 = get_embedder(backend="onnx-int8", device="cpu", cache_dir=cache_dir, use_cache=False)
    int8.warm_up()
    folder = int8.export_folder
    dynamic = "model-int8-dynamic.onnx"
    if not (folder / dynamic).is_file():
        import onnx

        nodes = onnx.load(str(folder / FP32_FILE), load_external_data=False).graph.node
        kept = [n.name for n in nodes if n.op_type == "MatMul" and "attention" not in n.name
                and n.name.endswith("/output/dense/MatMul")]
        logging.getLogger().setLevel(logging.ERROR)
        quantize_dynamic(str(folder / FP32_FILE), str(folder / dynamic), per_channel=True,
                         weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         nodes_to_exclude=kept)
    assert (folder / INT8_FILE).is_file()
    source = bundled_model_dir()
    return {
        "int8 before: spinning threads": OnnxEmbedder(source, quantized=True, cache_dir=cache_dir,
                                                      graph=INT8_FILE, spinning=True),
        "int8 dynamic, 1 text a call": OnnxEmbedder(source, quantized=True, cache_dir=cache_dir,
                                                    graph=dynamic, batch_size=1),
    }


def bench_backends(texts: list[str], repeats: int) -> None:
    import statistics

    from sentence_transformers import SentenceTransformer

    with tempfile.TemporaryDirectory() as cache_dir:
        plain = SentenceTransformer(str(bundled_model_dir()), device="cpu")
        runs = {FLOOR: lambda: plain.encode(texts)}
        backends = {name: get_embedder(backend=name, device="cpu", cache_dir=cache_dir,
                                       use_cache=False) for name in BACKENDS}
        backends.update(variants(cache_dir))
        for name, backend in backends.items():
            backend.encode(texts[:8])  # load (and export) outside the timings
            runs[name] = lambda b=backend: b.encode(texts)
        plain.encode(texts[:8])
        seconds: dict[str, list[float]] = {label: [] for label in runs}
        cpu: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(repeats):
            for label, run in runs.items():
                start = time.process_time()
                seconds[label].append(timed(run)[0])
                cpu[label].append(time.process_time() - start)
    print(f"\nbackends on {len(texts)} texts (mean {np.mean([len(t.split()) for t in texts]):.0f}"
          f" words), {repeats} interleaved repeats, medians [all runs]; load average "
          f"{os.getloadavg()[0]:.1f} at the end. CPU s: this process's CPU time (less hit by other"
          " processes than wall time)")
    base = statistics.median(seconds[FLOOR])
    cpu_base = statistics.median(cpu[FLOOR])
    for label, values in seconds.items():
        median = statistics.median(values)
        cpu_median = statistics.median(cpu[label])
        print(row(label, median, len(texts), base) + f"  {[round(v, 1) for v in values]}"
              f"  CPU {len(texts) / cpu_median:6.1f}/s {cpu_base / cpu_median:5.2f}x")


def quality(sample: list[str]) -> None:
    import json

    sys.path.insert(0, str(ROOT / "tests"))
    from test_align_synthetic import build_pair, paragraphs, scores

    from concept_diff.align import align, decision_for
    from concept_diff.api import evaluate_files
    from concept_diff.build import document_from_passages

    folder = Path(os.environ.get("CONCEPT_DIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
    nss = folder / "us-national-security-strategy"
    pair = build_pair(paragraphs(nss / "2010-national-security-strategy.txt")[:56],
                      paragraphs(nss / "2015-national-security-strategy.txt")[10:14])
    old = document_from_passages(pair.old, title="old")
    new = document_from_passages(pair.new, title="new")
    examples = ROOT / "examples"
    meridian = [examples / f"20{y}0-meridian-strategic-concept.md" for y in (3, 4)]
    print("\nquality against torch (synthetic NSS pair: per-kind F1; Meridian gold: strict F1)")
    reference: dict = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        for name in BACKENDS:
            embedder = get_embedder(backend=name, device="cpu", cache_dir=cache_dir,
                                    use_cache=False)
            result = align(old, new, embedder.encode(pair.old), embedder.encode(pair.new),
                           decision=decision_for(embedder.name))
            per_kind = {k: round(v[2], 3) for k, v in scores(pair, result).items()}
            gold = json.loads(evaluate_files(*meridian, examples / "gold.tsv", model=name,
                                             cache_dir=cache_dir, as_json=True))
            vectors = embedder.encode(sample)
            again = get_embedder(backend=name, device="cpu", cache_dir=cache_dir,
                                 use_cache=False).encode(sample)
            same = vectors.tobytes() == again.tobytes()
            reference.setdefault("vectors", vectors)
            ref = reference["vectors"]
            drift = np.abs(vectors @ vectors.T - ref @ ref.T).mean()
            cosines = np.sum(vectors * ref, axis=1)
            alone = np.stack([embedder.encode([sample[i]])[0] for i in range(0, len(sample), 9)])
            batch_gap = np.abs(alone - vectors[::9]).max()
            print(f"  {name:<10} synthetic macro-F1 {np.mean(list(per_kind.values())):.3f} "
                  f"{per_kind}")
            print(f"  {'':<10} Meridian strict F1 {_f1(gold):.3f}; cosine to torch mean "
                  f"{cosines.mean():.6f} min {cosines.min():.6f}; max |v - torch| "
                  f"{np.abs(vectors - ref).max():.2e}; mean pairwise drift {drift:.4f}")
            print(f"  {'':<10} max |alone - batched| {batch_gap:.1e}; deterministic {same}")


def _f1(scores: dict) -> float:
    return float(scores["f1_strict"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all passages and sentences")
    parser.add_argument("--device", default=None)
    parser.add_argument("--batches", default="16,32,64,128")
    parser.add_argument("--backends", action="store_true", help="torch vs onnx vs onnx-int8")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    passages, sentences = load_texts(args.full)
    if args.backends:
        bench_backends(passages[::2] + sentences[::3], args.repeats)
        quality(passages[:60] + sentences[:120])
        return
    batches = [int(b) for b in args.batches.split(",")]
    lexical = get_embedder("lexical", use_cache=False)
    print(f"lexical backend (numpy, dim {lexical.dim})")
    for name, texts in (("passages", passages), ("sentences", sentences)):
        seconds, _ = timed(lexical.encode, texts)
        print(row(f"lexical {name} ({len(texts)})", seconds, len(texts), None))
    cache_rows(lexical, passages + sentences, None)
    bench_neural("passages", passages, args.device, batches)
    bench_neural("sentences", sentences, args.device, batches)


if __name__ == "__main__":
    main()
