"""A synthetic series of N documents through `concept-diff timeline`, cold: time and peak memory.

    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_series.py \
        [--sizes 10,35,70] [--backend onnx-int8] [--threads 2] [--repeats 1] \
        [--trees .,/tmp/wt-baseline]

The documents are cut and perturbed from the real NSS texts (2002-2015) in a temporary folder
and never written anywhere else: document k is a window of WINDOW paragraphs that drifts
through the corpus (consecutive versions share most paragraphs, as editions of a series do),
with some paragraphs edited, one dropped and one inserted, all chosen by k (deterministic).
Each size runs in a fresh process (``python -m concept_diff timeline DIR -o OUT``) with an empty
cache folder (only the ONNX export, made once per machine, is linked in), OMP/ORT limited to
``--threads``; $CONCEPT_DIFF_CACHE points at the same empty folder, so nothing (documents,
parses) comes from or goes to another cache. Printed: wall time, CPU time (the child's and its
children's, user + system: what the run costs on a shared machine), the child's own peak RSS
(VmHWM), texts embedded, and time per document.

Memory should stay flat in N, and the last line says how flat: the growth of the peak RSS from
the smallest to the largest size divided by the documents added, in MiB per extra document
(and between each pair of neighbouring sizes). "Flat" means that figure is at most
FLAT_MIB_PER_DOCUMENT (0.25 MiB a document, 15 MiB from 10 to 70 documents); a series that
kept something per document (a version's text, its vectors, its parses) would show 1 MiB or
more. One run's peak is noisy on a loaded machine: use --repeats for a verdict. What keeps it flat: vectors stream to the cache on disk, pairs read back only theirs,
parses are read by shard, only the pair being compared is held, memory freed by each pair is
handed back to the system (update._return_freed_memory), onnxruntime runs without its CPU
memory arena (which kept the activations of the longest batch seen, so the peak grew with the
chance of meeting long passages), the stream does not load the parser under its batches, and the series index counts the versions' texts one pair
file at a time (report.series.SeriesTally) and draws its framing chart for the last
FRAMING_CHART_VERSIONS versions (a bar per actor and version made a 70-version chart
800x11,390 px, ~50 MiB to render). ``--trees`` runs each size with each source tree in turn
(e.g. this checkout and a ``git worktree`` of an older commit), so a change is measured beside
its baseline in the same run. The shared 2-core machine is noisy; with --repeats > 1 medians
are printed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_cold import fresh_cache, prepare_export, run_child

YEARS = ("2002", "2006", "2010", "2015")  # never the editions before 2002 (held out)
WINDOW = 45
DRIFT = 3
EDIT_WORDS = ("notably", "accordingly", "in particular", "above all", "moreover")
FLAT_MIB_PER_DOCUMENT = 0.25  # see the docstring: what "flat in the number of documents" means


def corpus_paragraphs() -> list[str]:
    root = Path(os.environ.get("CONCEPT_DIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
    out: list[str] = []
    for year in YEARS:
        path = root / "us-national-security-strategy" / f"{year}-national-security-strategy.txt"
        raw = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        out += [" ".join(p.split()) for p in raw if len(p.split()) >= 25]
    return out


def perturb(text: str, k: int) -> str:
    words = text.split()
    words.insert((7 * k) % len(words), EDIT_WORDS[k % len(EDIT_WORDS)])
    words[(3 * k + 1) % len(words)] = words[(3 * k + 1) % len(words)].upper()
    return " ".join(words)


def document(paragraphs: list[str], k: int) -> str:
    start = (k * DRIFT) % (len(paragraphs) - WINDOW)
    window = paragraphs[start:start + WINDOW]
    window = [perturb(p, k) if (i + k) % 6 == 0 else p for i, p in enumerate(window)]
    del window[(5 * k) % len(window)]
    window.insert((11 * k) % len(window), paragraphs[(start + 97 * k + 200) % len(paragraphs)])
    return f"Synthetic Strategy {k}\n\n" + "\n\n".join(window) + "\n"


def write_series(folder: Path, count: int, paragraphs: list[str]) -> None:
    folder.mkdir(parents=True)
    for k in range(count):
        (folder / f"{1950 + k}-synthetic-strategy.txt").write_text(document(paragraphs, k),
                                                                   encoding="utf-8")


def run_size(series: Path, tree: str, args, env: dict[str, str], export_cache: Path,
             scratch: Path) -> tuple[float, int, int, int, float]:
    """One cold timeline of ``series`` with the code of ``tree``: wall, peak RSS, pairs, texts,
    CPU seconds."""
    cache = fresh_cache(export_cache, scratch)
    out = scratch / "reports"
    argv = [sys.executable, "-m", "concept_diff", "timeline", str(series), "-o", str(out),
            "--backend", args.backend, "--cache-dir", str(cache), "--format", args.formats,
            "--quiet"]
    child_env = dict(env, CONCEPT_DIFF_CACHE=str(cache), PYTHONPATH=tree)
    try:
        # Not from a checkout: `python -c` imports from its working folder before PYTHONPATH.
        wall, rss, _, cpu = run_child(argv, child_env, cwd=str(scratch))
        state = json.loads((out / ".concept-diff" / "state.json").read_text())
        embedded = sum(np.load(p)["hashes"].shape[0]
                       for p in (cache / "embeddings").rglob("*.npz"))
        return wall, rss, len(state["pairs"]), embedded, cpu
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def flatness(peaks: dict[int, float]) -> str:
    """The peak's growth per extra document, smallest to largest size and between neighbours."""
    sizes = sorted(peaks)
    if len(sizes) < 2:
        return "flatness: needs two sizes or more"

    def slope(a: int, b: int) -> float:
        return (peaks[b] - peaks[a]) / (b - a)
    overall = slope(sizes[0], sizes[-1])
    steps = ", ".join(f"{a}->{b} {slope(a, b):+.2f}" for a, b in itertools.pairwise(sizes))
    verdict = "flat" if overall <= FLAT_MIB_PER_DOCUMENT else "NOT flat"
    return (f"  peak RSS {peaks[sizes[-1]] - peaks[sizes[0]]:+.0f} MiB from {sizes[0]} to "
            f"{sizes[-1]} documents: {overall:+.2f} MiB per extra document ({steps}); "
            f"{verdict} (flat: at most {FLAT_MIB_PER_DOCUMENT} MiB per document)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,35,70")
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--formats", default="md,html,json")
    parser.add_argument("--trees", default=str(ROOT),
                        help="comma-separated source trees to run (PYTHONPATH of the child)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    trees = [str(Path(t).resolve()) for t in args.trees.split(",")]
    scratch = Path(tempfile.mkdtemp(prefix="bench-series-"))
    try:
        paragraphs = corpus_paragraphs()
        export_cache = scratch / "exports"
        prepare_export(args.backend, export_cache)
        env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(args.threads),
                   MKL_NUM_THREADS=str(args.threads), TOKENIZERS_PARALLELISM="false")
        print(f"synthetic series from {len(paragraphs)} NSS paragraphs, window {WINDOW}, "
              f"backend {args.backend}, {args.threads} threads, cold cache each run")
        rows: dict[tuple[str, int], list] = {}
        for _ in range(args.repeats):
            for count in sizes:
                series = scratch / f"series-{count}"
                if not series.exists():
                    write_series(series, count, paragraphs)
                for tree in trees:
                    rows.setdefault((tree, count), []).append(
                        run_size(series, tree, args, env, export_cache, scratch))
        for tree in trees:
            if len(trees) > 1:
                print(tree)
            peaks = {}
            for count in sizes:
                runs = rows[(tree, count)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[4] for r in runs)
                peaks[count] = rss = statistics.median(r[1] for r in runs)
                print(f"  {count:3d} documents ({runs[0][2]} pairs, {runs[0][3]:,} texts embedded):"
                      f" {wall:7.1f} s wall, {cpu:6.1f} s CPU ({cpu / count:5.2f} s/document)"
                      f"  peak RSS {rss:5.0f} MiB  {[(round(r[0], 1), r[1]) for r in runs]}")
            print(flatness(peaks))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
