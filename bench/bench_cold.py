"""Cold compare of NSS 2010 → 2015 beside the plain-encode floor of the same backend, same run.

    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_cold.py \
        [--backends torch,onnx,onnx-int8] [--repeats 3] [--threads 2] [--trees .,/tmp/wt-old]

What the floor encodes is what the job genuinely needs: before the timings, one compare of the
pair runs in a child process (``--record-worker``, the usual warm cache, so it is quick) with
its embedder wrapped so that every ``encode`` request is recorded with the code that asked. The
distinct texts of all requests, in the order first asked, are the floor's texts; the output
names each class of text, how many distinct texts it adds and why compare needs it:

- passages and sentences of both documents (alignment: passage vectors, and sentence vectors
  for the sentence-level evidence and merges);
- masked mention sentences (framing: each sentence naming an actor, the name masked, clipped
  around the mention; the framing model reads its vector and its prototype scores);
- masked governing clauses (framing: the clause governing the mention, where it differs from
  the sentence; the model reads its prototype scores);
- framing prototypes (the categories' example phrases, scored against the two above);
- theme labels (the headline terms and actors grouped into themes by meaning).

It also counts the requests that repeat a text (a single-sentence passage is its own sentence,
a paragraph printed in both editions, a clause that is its whole sentence); compare embeds
each distinct text once (the cache serves repeats), which the cold row checks: its "texts
embedded" (rows in the cold cache) should equal the floor's count.

For each backend and repeat, three fresh processes, interleaved so the machine's noise hits all
of them alike:

- ``floor``: import the backend's library, load the model and encode those distinct texts,
  nothing else. torch: ``SentenceTransformer(folder).encode(texts)`` with its defaults; onnx*:
  fastembed ``TextEmbedding(...).embed(texts)`` with its defaults on the exported graph.
- ``backend``: our backend's ``encode(texts)`` alone (length-sorted batches, long texts chunked),
  with no cache, no documents, no alignment: the floor as this package pays it.
- ``cold``: ``concept-diff compare 2010 2015 --backend B --quiet`` with an empty cache folder
  (no documents, no vectors, no parses; $CONCEPT_DIFF_CACHE names it too), so it loads, cleans,
  segments, embeds, aligns and analyses.

``--trees`` runs the cold compare with each source tree in turn (a ``git worktree`` of an older
commit beside this checkout), so a change is measured beside its baseline in the same run; the
cold row also gives its ratio to the backend's encode alone and how many texts it embedded.

"Cold" keeps the ONNX export, which is made once per machine (on first use, ~15 s with torch),
like installing a package: it is prepared before the timings, in a folder of its own, and
linked into each fresh cache. Wall times include interpreter start. Peak RSS is the child's
own high-water mark (VmHWM), not the rusage maxrss, which starts at the parent's RSS. The
shared 2-core machine is noisy: medians of the repeats are printed with all runs, and each row's
CPU seconds (user + system of the process and the children it reaped), which other processes
disturb less than wall time.
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


# What each encode request is for, from the code that made it: (module, function) → class.
TEXT_CLASSES = (
    (("comparison", "_encode"), "passages and sentences"),
    (("framing", "scored_with_vectors"), "masked mention sentences"),
    (("framing", "scored"), "masked governing clauses"),
    (("framing", "__init__"), "framing prototypes"),
    (("themes", "find_themes"), "theme labels"),
)


def _request_class() -> str:
    """The class of the encode request being made, read from the calling frames."""
    import traceback

    frames = [(Path(f.filename).stem, f.name) for f in traceback.extract_stack()]
    for where in reversed(frames):
        for site, name in TEXT_CLASSES:
            if where == site:
                return name
    return "other"


def record_worker(backend: str, out_file: str) -> None:
    """Runs in a fresh process: one compare of the pair with every encode request recorded as
    (class, texts); the usual cache ($CONCEPT_DIFF_CACHE) serves what it has."""
    os.environ["CONCEPT_DIFF_NO_FORK"] = "1"  # the analysis's requests are made here, recorded
    from concept_diff.comparison import compare
    from concept_diff.embed import get_embedder

    requests: list[tuple[str, list[str]]] = []

    class Recorder:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, attr):
            return getattr(self.inner, attr)

        def encode(self, texts):
            texts = list(texts)
            requests.append((_request_class(), texts))
            return self.inner.encode(texts)

    compare(*nss_paths(), embedder=Recorder(get_embedder(None, backend=backend, device="cpu")))
    Path(out_file).write_text(json.dumps(requests), encoding="utf-8")


def job_texts(backend: str, scratch: Path, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The distinct texts compare of the pair embeds with ``backend``, in the order first
    requested, and the lines describing them (classes, repeats)."""
    out = scratch / f"requests-{backend}.json"
    run_child([sys.executable, __file__, "--record-worker", backend, str(out)], env)
    requests = [(kind, texts) for kind, texts in json.loads(out.read_text(encoding="utf-8"))]
    first: dict[str, str] = {}
    asked: dict[str, int] = {}
    for kind, texts in requests:
        for text in texts:
            first.setdefault(text, kind)
            asked[kind] = asked.get(kind, 0) + 1
    lines = [(f"{backend}: {sum(asked.values()):,} texts requested, {len(first):,} distinct "
             "(the floor encodes these):")]
    for kind in dict.fromkeys(kind for kind, _ in requests):
        mine = [t for t, k in first.items() if k == kind]
        lines.append(f"  {kind:<26} {asked[kind]:5,} requested  {len(mine):5,} new distinct  "
                     f"{sum(len(t.split()) for t in mine):7,} words")
    return list(first), lines + ["  " + line for line in repeats(requests)]


def repeats(requests: list[tuple[str, list[str]]]) -> list[str]:
    """Why requests repeat texts: passage = its sentence, paragraphs in both documents, texts
    asked again by a later request (a clause that is its whole sentence, …)."""
    from concept_diff.align import sentence_texts
    from concept_diff.loaders import load_document

    docs = [load_document(p, use_cache=False) for p in nss_paths()]
    own = [{p.text for p in d.passages} | set(sentence_texts(d)) for d in docs]
    single = sum(len({p.text for p in d.passages} & set(sentence_texts(d))) for d in docs)
    inside = [t for kind, texts in requests if kind == "passages and sentences" for t in texts]
    seen: set[str] = set()
    later = 0
    for kind, texts in requests:
        if kind != "passages and sentences":
            later += sum(t in seen for t in dict.fromkeys(texts))
        seen.update(texts)
    return [(f"repeats among passages and sentences: {len(inside) - len(set(inside)):,} "
            f"({single:,} passages that are their own one sentence, "
            f"{len(own[0] & own[1]):,} texts in both documents, some both)"),
            (f"later requests asking for a text already requested: {later:,} "
            "(e.g. a governing clause that is the whole masked sentence)")]


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


def run_child(argv: list[str], env: dict[str, str],
              cwd: str | None = None) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS (MiB, the child's own high-water mark), stdout and CPU seconds
    (user + system, with the children it reaped, e.g. a cold compare's analysis worker) of
    one fresh Python process (``argv[0]`` the interpreter)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [argv[0], "-c", _PEAK_WRAPPER, peak.name, *argv[1:]]
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, stdout=out, stderr=err, text=True, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(argv)} failed:\n{err.read()[-2000:]}")
        kb = peak.read().strip()
        cpu = usage.ru_utime + usage.ru_stime
        return wall, (int(kb) if kb else usage.ru_maxrss) // 1024, out.read(), cpu


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
    parser.add_argument("--record-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_worker:
        floor_worker(*args.floor_worker)
        return
    if args.record_worker:
        record_worker(*args.record_worker)
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
    for backend in backends:
        prepare_export(backend, export_cache)
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false")
    counts: dict[str, int] = {}
    print(f"NSS {YEARS[0]}→{YEARS[1]}: the texts compare embeds, recorded from one compare "
          "(warm cache) with this checkout")
    for backend in backends:
        texts, lines = job_texts(backend, scratch, env)
        (scratch / f"texts-{backend}.json").write_text(json.dumps(texts), encoding="utf-8")
        counts[backend] = len(texts)
        print("\n".join(lines))
    exe = [sys.executable]
    cli = [sys.executable, "-m", "concept_diff", "compare", *map(str, nss_paths()), "--quiet"]
    print(f"{repeats} repeats, {threads} threads, medians [all runs]")
    results: dict[tuple[str, str], list[tuple[float, int, dict]]] = {}
    for _ in range(repeats):
        for backend in backends:
            for mode in ("floor", "backend"):
                argv = exe + [__file__, "--floor-worker", backend,
                              str(scratch / f"texts-{backend}.json"),
                              str(export_cache), mode]
                wall, rss, out, cpu = run_child(argv, env)
                results.setdefault((backend, mode), []).append(
                    (wall, rss, dict(json.loads(out), cpu=cpu)))
            for tree in trees:
                cache = fresh_cache(export_cache, scratch)
                # $CONCEPT_DIFF_CACHE too: no part of the run (documents, parses) reads a warm
                # cache; PYTHONPATH and the working folder: the source tree whose compare runs
                # (`python -m` puts the working folder first on sys.path, before PYTHONPATH:
                # run from this checkout, every tree ran this checkout's code)
                wall, rss, _, cpu = run_child(
                    cli + ["--backend", backend, "--cache-dir", str(cache)],
                    dict(env, CONCEPT_DIFF_CACHE=str(cache), PYTHONPATH=tree), cwd=tree)
                embedded = sum(np.load(p)["hashes"].shape[0]
                               for p in (cache / "embeddings").rglob("*.npz"))
                results.setdefault((backend, "cold", tree), []).append(
                    (wall, rss, {"texts": embedded, "cpu": cpu}))
                shutil.rmtree(cache, ignore_errors=True)
    report(backends, results, counts, trees)
    print("load average at the end (1, 5, 15 min): "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def _median(values: list[float]) -> float:
    return statistics.median(values)


def report(backends: list[str], results: dict, counts: dict[str, int],
           trees: list[str]) -> None:
    torch_rate = None
    for backend in backends:
        count = counts[backend]
        floor = results[(backend, "floor")]
        ours = results[(backend, "backend")]
        colds = [(f"cold compare (CLI){' ' + Path(t).name if len(trees) > 1 else ''}",
                  results[(backend, "cold", t)]) for t in trees]
        floor_wall = _median([r[0] for r in floor])
        print(f"\n{backend} (floor: {count:,} distinct texts)")
        for label, rows in [("floor: library plain encode", floor),
                            ("backend encode only", ours), *colds]:
            walls = [r[0] for r in rows]
            med = _median(walls)
            rss = _median([r[1] for r in rows])
            extra = ""
            cpu = _median([r[2]["cpu"] for r in rows])
            if "texts" in rows[0][2]:  # the analysis embeds more than passages and sentences
                ours_wall = _median([r[0] for r in ours])
                ours_cpu = _median([r[2]["cpu"] for r in ours])
                extra = (f"  ({med / ours_wall:4.2f}× backend encode, CPU {cpu / ours_cpu:4.2f}×; "
                         f"{rows[0][2]['texts']:,} texts embedded)")
            elif rows[0][2]:
                load = _median([r[2]["load"] for r in rows])
                enc = _median([r[2]["encode"] for r in rows])
                extra = f"  (import+load {load:5.1f} s, encode {enc:5.1f} s = {count / enc:5.1f}/s)"
            ratio = med / floor_wall
            print(f"  {label:<30} {med:7.1f} s  {ratio:5.2f}× floor  CPU {cpu:6.1f} s  "
                  f"peak {rss:5.0f} MiB{extra}  {[round(w, 1) for w in walls]}")
        rate = count / _median([r[2]["encode"] for r in floor])
        if backend == "torch":
            torch_rate = rate
        elif torch_rate:
            ours_rate = count / _median([r[2]["encode"] for r in ours])
            print(f"  texts/s vs torch floor: library {rate / torch_rate:4.2f}×, "
                  f"backend {ours_rate / torch_rate:4.2f}×")


if __name__ == "__main__":
    main()
