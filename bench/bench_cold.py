"""Cold compare of NSS 2010 → 2015 beside the plain-encode floor of the same backend, same run.

    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_cold.py \
        [--backends torch,onnx,onnx-int8] [--repeats 3] [--threads 2] [--trees .,/tmp/wt-old]

For each backend and repeat, three fresh processes, interleaved so the machine's noise hits all
of them alike:

- ``floor``: import the backend's library, load the model and encode the texts compare embeds
  (passages and sentences of both documents, each distinct text once), nothing else. torch:
  ``SentenceTransformer(folder).encode(texts)`` with its defaults; onnx*: fastembed
  ``TextEmbedding(...).embed(texts)`` with its defaults on the exported graph.
- ``backend``: our backend's ``encode(texts)`` alone (length-sorted batches, long texts chunked),
  with no cache, no documents, no alignment: the floor as this package pays it.
- ``cold``: ``concept-diff compare 2010 2015 --backend B --quiet`` with an empty cache folder
  (no documents, no vectors, no parses; $CONCEPT_DIFF_CACHE names it too), so it loads, cleans,
  segments, embeds, aligns and analyses.

``--trees`` runs the cold compare with each source tree in turn (a ``git worktree`` of an older
commit beside this checkout), so a change is measured beside its baseline in the same run; the
cold row also gives its ratio to the backend's encode alone and how many texts it embedded (the
analysis embeds masked mention sentences and clauses besides the passages and sentences).

"Cold" keeps the ONNX export, which is made once per machine (on first use, ~15 s with torch),
like installing a package: it is prepared before the timings, in a folder of its own, and
linked into each fresh cache. Wall times include interpreter start. Peak RSS is the child's
own high-water mark (VmHWM), not the rusage maxrss, which starts at the parent's RSS. The
shared 2-core machine is noisy: medians of the repeats are printed with all runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

YEARS = ("2010", "2015")


def nss_paths() -> list[Path]:
    root = Path(os.environ.get("CONCEPT_DIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
    folder = root / "us-national-security-strategy"
    return [folder / f"{year}-national-security-strategy.txt" for year in YEARS]


def compare_texts(scratch: Path) -> list[str]:
    """The distinct texts compare() embeds for the pair, loaded without touching any cache."""
    from concept_diff.align import sentence_texts
    from concept_diff.loaders import load_document

    docs = [load_document(p, use_cache=False) for p in nss_paths()]
    texts = [p.text for d in docs for p in d.passages] + [s for d in docs
                                                          for s in sentence_texts(d)]
    return list(dict.fromkeys(texts))


def floor_worker(backend: str, texts_file: str, export_cache: str, mode: str) -> None:
    """Runs in a fresh process: import, load, encode; prints seconds of each part as JSON."""
    start = time.perf_counter()
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    from concept_diff.embed.neural import bundled_model_dir

    folder = bundled_model_dir()
    if mode == "backend":
        from concept_diff.embed import get_embedder

        embedder = get_embedder(None, backend=backend, device="cpu", cache_dir=export_cache,
                                use_cache=False)
        embedder.warm_up()
        loaded = time.perf_counter()
        embedder.encode(texts)
    elif backend == "torch":
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(folder), device="cpu")
        loaded = time.perf_counter()
        model.encode(texts)
    else:
        from fastembed import TextEmbedding

        from concept_diff.embed import get_embedder

        embedder = get_embedder(None, backend=backend, device="cpu", cache_dir=export_cache,
                                use_cache=False)
        embedder.warm_up()  # registers the exported graph with fastembed (files exist already)
        name = embedder.model.model_name
        loaded = time.perf_counter()
        model = TextEmbedding(name, specific_model_path=str(embedder.export_folder),
                              local_files_only=True)
        list(model.embed(texts))
    done = time.perf_counter()
    print(json.dumps({"load": loaded - start, "encode": done - loaded}))


# Runs the child's real command line and, at exit, writes its own peak RSS (VmHWM, kB). The
# rusage of wait4 will not do: Linux starts a child's maxrss at the RSS of the parent it was
# forked from, so a bench holding 800 MiB would report at least 800 MiB for every child.
_PEAK_WRAPPER = """
import atexit, runpy, sys
def _peak(path=sys.argv[1]):
    with open('/proc/self/status') as status:
        kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
    with open(path, 'w') as out:
        out.write(kb)
atexit.register(_peak)
rest = sys.argv[2:]
if rest[0] == '-m':
    sys.argv = rest[1:]
    runpy.run_module(rest[1], run_name='__main__', alter_sys=True)
else:
    sys.argv = rest
    runpy.run_path(rest[0], run_name='__main__')
"""


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MiB, the child's own high-water mark) and stdout of one fresh
    Python process (``argv[0]`` the interpreter)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [argv[0], "-c", _PEAK_WRAPPER, peak.name, *argv[1:]]
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(argv)} failed:\n{err.read()[-2000:]}")
        kb = peak.read().strip()
        return wall, (int(kb) if kb else usage.ru_maxrss) // 1024, out.read()


def prepare_export(backend: str, export_cache: Path) -> None:
    if backend == "torch":
        return
    from concept_diff.embed import get_embedder

    embedder = get_embedder(None, backend=backend, device="cpu", cache_dir=export_cache,
                            use_cache=False)
    embedder.warm_up()


def fresh_cache(export_cache: Path, scratch: Path) -> Path:
    cache = Path(tempfile.mkdtemp(prefix="cold-", dir=scratch))
    if (export_cache / "onnx").is_dir():
        shutil.copytree(export_cache / "onnx", cache / "onnx", copy_function=os.link)
    return cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="OMP/ORT threads of each child")
    parser.add_argument("--trees", default=str(ROOT),
                        help="comma-separated source trees whose cold compare runs (PYTHONPATH)")
    parser.add_argument("--floor-worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_worker:
        floor_worker(*args.floor_worker)
        return
    backends = args.backends.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        run(backends, args.repeats, args.threads, scratch,
            [str(Path(t).resolve()) for t in args.trees.split(",")])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(backends: list[str], repeats: int, threads: int, scratch: Path,
        trees: list[str]) -> None:
    export_cache = scratch / "exports"
    texts = compare_texts(scratch)
    texts_file = scratch / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    for backend in backends:
        prepare_export(backend, export_cache)
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false")
    exe = [sys.executable]
    cli = [sys.executable, "-m", "concept_diff", "compare", *map(str, nss_paths()), "--quiet"]
    print(f"NSS {YEARS[0]}→{YEARS[1]}: {len(texts):,} distinct passage and sentence texts; "
          f"{repeats} repeats, {threads} threads, medians [all runs]")
    results: dict[tuple[str, str], list[tuple[float, int, dict]]] = {}
    for _ in range(repeats):
        for backend in backends:
            for mode in ("floor", "backend"):
                argv = exe + [__file__, "--floor-worker", backend, str(texts_file),
                              str(export_cache), mode]
                wall, rss, out = run_child(argv, env)
                results.setdefault((backend, mode), []).append((wall, rss, json.loads(out)))
            for tree in trees:
                cache = fresh_cache(export_cache, scratch)
                # $CONCEPT_DIFF_CACHE too: no part of the run (documents, parses) reads a warm
                # cache; PYTHONPATH: the source tree whose compare runs
                wall, rss, _ = run_child(cli + ["--backend", backend, "--cache-dir", str(cache)],
                                         dict(env, CONCEPT_DIFF_CACHE=str(cache), PYTHONPATH=tree))
                embedded = sum(np.load(p)["hashes"].shape[0]
                               for p in (cache / "embeddings").rglob("*.npz"))
                results.setdefault((backend, "cold", tree), []).append(
                    (wall, rss, {"texts": embedded}))
                shutil.rmtree(cache, ignore_errors=True)
    report(backends, results, len(texts), trees)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def report(backends: list[str], results: dict, count: int, trees: list[str]) -> None:
    torch_rate = None
    for backend in backends:
        floor = results[(backend, "floor")]
        ours = results[(backend, "backend")]
        colds = [(f"cold compare (CLI){' ' + Path(t).name if len(trees) > 1 else ''}",
                  results[(backend, "cold", t)]) for t in trees]
        floor_wall = _median([r[0] for r in floor])
        print(f"\n{backend}")
        for label, rows in [("floor: library plain encode", floor),
                            ("backend encode only", ours), *colds]:
            walls = [r[0] for r in rows]
            med = _median(walls)
            rss = _median([r[1] for r in rows])
            extra = ""
            if "texts" in rows[0][2]:  # the analysis embeds more than passages and sentences
                ours_wall = _median([r[0] for r in ours])
                extra = (f"  ({med / ours_wall:4.2f}× backend encode; {rows[0][2]['texts']:,} "
                         f"texts embedded)")
            elif rows[0][2]:
                load = _median([r[2]["load"] for r in rows])
                enc = _median([r[2]["encode"] for r in rows])
                extra = f"  (import+load {load:5.1f} s, encode {enc:5.1f} s = {count / enc:5.1f}/s)"
            ratio = med / floor_wall
            print(f"  {label:<30} {med:7.1f} s  {ratio:5.2f}× floor  peak {rss:5.0f} MiB{extra}"
                  f"  {[round(w, 1) for w in walls]}")
        rate = count / _median([r[2]["encode"] for r in floor])
        if backend == "torch":
            torch_rate = rate
        elif torch_rate:
            ours_rate = count / _median([r[2]["encode"] for r in ours])
            print(f"  texts/s vs torch floor: library {rate / torch_rate:4.2f}×, "
                  f"backend {ours_rate / torch_rate:4.2f}×")


if __name__ == "__main__":
    main()
