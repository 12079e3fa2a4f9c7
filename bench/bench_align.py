"""Alignment benchmark: NSS 2010 → 2015 cold and warm, and scaling on synthetic documents.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        python bench/bench_align.py [--sizes 1000,10000,100000] [--baseline REV] [--check]

Prints (1) a cold compare (empty embedding cache) and a warm one (same cache) of NSS 2010 vs
2015 with the bundled model, broken down into load / embed / align / shifts; (2) the warm
``compare`` as ``concept-diff compare`` pays it, step by step (load, embed, align, shifts,
total, plus the package import), each in a fresh process with the embedding cache of
CONCEPT_DIFF_CACHE (run once to warm it), for the current code and, in the same run, for the
package as it was at ``--baseline`` (exported with ``git archive``); ``--check`` also writes
the alignment JSON (``alignment`` and ``parameters``) of NSS 2010→2015, 2002→2006 and the
Meridian examples with the lexical and the bundled model from both revisions and says
whether each is byte-identical; (3) alignment time for synthetic documents of N sentences
(random 384-d unit vectors, texts drawn from a fixed vocabulary; the new version has edits,
deletions, insertions and long-distance moves), beside a baseline run in the same process: a
dense aligner that scores the full N×M matrix (float64 cosine + difflib on every cell) and
runs a full Needleman-Wunsch DP. The dense baseline runs only where it finishes in
reasonable time.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if "--worker" not in sys.argv:  # a worker imports the revision its PYTHONPATH names
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DIM = 384
BASELINE = "57d91c5"  # the aligner before its speed work (pure-Python difflib everywhere)
STEPS = {"loading": "load", "embedding": "embed", "aligning": "align", "analysing": "shifts"}


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def nss_compare(corpora: Path) -> None:
    from concept_diff.align import sentence_texts
    from concept_diff.comparison import compare
    from concept_diff.embed import get_embedder
    from concept_diff.loaders import load_document

    folder = corpora / "us-national-security-strategy"
    paths = [folder / f"{y}-national-security-strategy.txt" for y in ("2010", "2015")]
    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            old, new = (load_document(p) for p in paths)
            t_load = time.perf_counter() - t0
            embedder = get_embedder(None, device="cpu", cache_dir=cache)
            texts = [p.text for p in old.passages + new.passages]
            texts += sentence_texts(old) + sentence_texts(new)
            _, t_embed = _timed(embedder.encode, texts)
            result, t_align = _timed(compare, old, new, embedder=embedder, analyse=False)
            _, t_total = _timed(compare, paths[0], paths[1], embedder=embedder, analyse=True)
            print(f"NSS 2010→2015 {label}: load {t_load:.2f}s, embed {len(texts)} texts "
                  f"{t_embed:.2f}s ({len(texts) / t_embed:.0f}/s), compare without shifts "
                  f"{t_align:.2f}s, full compare (load+embed+align+shifts) {t_total:.2f}s")
        counts = result.alignment.counts()
        print("  kinds:", ", ".join(f"{k} {v}" for k, v in counts.items()))


def synthetic(n: int, seed: int = 0) -> tuple:
    """Two versions of an n-sentence document with known edits; vectors made to match."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{k}" for k in range(5000)]
    texts = [" ".join(rng.choice(vocab, size=int(rng.integers(8, 30)))) for _ in range(n)]
    vecs = rng.normal(size=(n, DIM)).astype(np.float32)
    new_texts, new_vecs = [], []
    moved: list[int] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.05:
            continue  # deleted
        if roll < 0.07:
            moved.append(i)
            continue
        if roll < 0.15:  # edited: some words changed, vector nudged
            words = texts[i].split()
            words[0] = "edited"
            new_texts.append(" ".join(words))
            new_vecs.append(vecs[i] + 0.3 * rng.normal(size=DIM))
        else:
            new_texts.append(texts[i])
            new_vecs.append(vecs[i])
        if rng.random() < 0.05:  # inserted
            new_texts.append(" ".join(rng.choice(vocab, size=15)))
            new_vecs.append(rng.normal(size=DIM))
    for i in moved:  # long-distance moves, to a random place
        at = int(rng.integers(0, len(new_texts) + 1))
        new_texts.insert(at, texts[i])
        new_vecs.insert(at, vecs[i])
    nv = np.asarray(new_vecs, dtype=np.float32)
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)
    return _doc(texts), _doc(new_texts), unit(vecs), unit(nv)


def _doc(texts: list[str]):
    # Passages built directly: sentence splitting 100k lines would time the segmenter instead.
    from concept_diff.model import Document, Passage

    passages = [Passage(f"p{k + 1}", None, None, 0, 0, t) for k, t in enumerate(texts)]
    return Document("synthetic", None, "<bench>", "", "", "txt", passages)


def dense_baseline(old, new, a: np.ndarray, b: np.ndarray) -> int:
    """Full matrix: float64 cosine and difflib on every cell, then Needleman-Wunsch."""
    ta = [p.text.split() for p in old.passages]
    tb = [p.text.split() for p in new.passages]
    sims = a.astype(np.float64) @ b.astype(np.float64).T
    lex = np.zeros_like(sims)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, toks in enumerate(tb):
        matcher.set_seq2(toks)
        for i, other in enumerate(ta):
            matcher.set_seq1(other)
            lex[i, j] = matcher.ratio()
    score = 0.7 * sims + 0.3 * lex - 0.5
    n, m = score.shape
    dp = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        row, prev = dp[i], dp[i - 1]
        diag = prev[:-1] + score[i - 1]
        best = np.maximum(prev[1:], diag)
        for j in range(1, m + 1):  # the left neighbour makes this row sequential
            row[j] = max(best[j - 1], row[j - 1])
    return int(dp[n, m] > 0)


def scaling(sizes: list[int], baseline_max: int) -> None:
    from concept_diff.align import AlignParams, align

    previous = None
    for n in sizes:
        old, new, a, b = synthetic(n)
        result, t = _timed(align, old, new, a, b, AlignParams())
        counts = result.alignment if hasattr(result, "alignment") else result
        kinds = counts.counts()
        ratio = f", ×{t / previous[1]:.1f} time for ×{n / previous[0]:.0f} size" if previous else ""
        line = (f"{n:>7} sentences: align {t:7.2f}s ({result.parameters['candidate_search']}"
                f"{ratio}); moved {kinds['moved']}, removed {kinds['removed']}, "
                f"added {kinds['added']}")
        if n <= baseline_max:
            _, tb = _timed(dense_baseline, old, new, a, b)
            line += f"; dense baseline {tb:7.2f}s"
        else:
            line += "; dense baseline skipped (quadratic)"
        print(line, flush=True)
        previous = (n, t)


# --- warm compare, step by step, current code beside a baseline revision ------------------


def _pairs(corpora: Path) -> dict[str, tuple[Path, Path]]:
    nss = corpora / "us-national-security-strategy"
    found = {f"nss-{a}-{b}": (nss / f"{a}-national-security-strategy.txt",
                              nss / f"{b}-national-security-strategy.txt")
             for a, b in (("2010", "2015"), ("2002", "2006"))}
    meridian = sorted((ROOT / "examples").glob("*-meridian-strategic-concept.md"))
    if len(meridian) >= 2:
        found["meridian"] = (meridian[0], meridian[1])
    return found


def worker(corpora: Path, dump: Path | None) -> None:
    """In a fresh process: one warm ``compare`` of NSS 2010 → 2015 timed step by step."""
    start = time.perf_counter()
    from concept_diff.comparison import compare

    imported = time.perf_counter() - start
    marks: list[tuple[str, float]] = []

    def step(name: str, _done: int | None = None, _total: int | None = None) -> None:
        label = STEPS.get(name.split()[0], name)
        if not marks or marks[-1][0] != label:
            marks.append((label, time.perf_counter()))

    old, new = _pairs(corpora)["nss-2010-2015"]
    begin = time.perf_counter()
    compare(old, new, progress=step)
    end = time.perf_counter()
    times = {label: (marks[k + 1][1] if k + 1 < len(marks) else end) - at
             for k, (label, at) in enumerate(marks)}
    times |= {"import": imported, "total": end - begin, "torch": "torch" in sys.modules}
    print(json.dumps(times))
    if dump:
        _dump_alignments(corpora, dump)


def _dump_alignments(corpora: Path, dump: Path) -> None:
    from concept_diff.comparison import compare
    from concept_diff.embed import get_embedder

    dump.mkdir(parents=True, exist_ok=True)
    for model in ("lexical", None):
        embedder = get_embedder(model)
        for label, (old, new) in _pairs(corpora).items():
            contract = compare(old, new, embedder=embedder, analyse=False).to_dict()
            text = json.dumps({"alignment": contract["alignment"],
                               "parameters": contract["parameters"]}, ensure_ascii=False)
            (dump / f"{model or 'bundled'}-{label}.json").write_text(text, encoding="utf-8")


def _export(revision: str, folder: Path) -> Path:
    """The package as it was at ``revision``, unpacked under ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "concept_diff"],
                             check=True, capture_output=True).stdout
    (folder / "baseline.tar").write_bytes(archive)
    with tarfile.open(folder / "baseline.tar") as tar:
        tar.extractall(folder / "src", filter="data")
    return folder / "src"


def _run_worker(source: Path, corpora: Path, dump: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--worker", "--corpora", str(corpora)]
    command += ["--dump", str(dump)] if dump else []
    done = subprocess.run(command, env=dict(os.environ, PYTHONPATH=str(source)), check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_breakdown(corpora: Path, baseline: str, repeat: int, check: bool) -> None:
    columns = ("import", "load", "embed", "align", "shifts", "total")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = {f"baseline {baseline}": _export(baseline, folder), "current": ROOT}
        print(f"warm compare NSS 2010→2015, seconds, best of {repeat} fresh processes "
              f"(cache {os.environ.get('CONCEPT_DIFF_CACHE', 'default')}):")
        print("  " + " " * 18 + "".join(f"{c:>8}" for c in columns) + "  torch imported")
        for label, source in sources.items():
            runs = [_run_worker(source, corpora) for _ in range(repeat)]
            best = {c: min(r.get(c, float("nan")) for r in runs) for c in columns}
            print(f"  {label:<18}" + "".join(f"{best[c]:8.3f}" for c in columns)
                  + f"  {any(r['torch'] for r in runs)}", flush=True)
        if check:
            dumps = {label: folder / label.split()[0] for label in sources}
            for label, source in sources.items():
                _run_worker(source, corpora, dumps[label])
            print("alignment JSON, baseline vs current:")
            for path in sorted(dumps["current"].iterdir()):
                other = dumps[next(iter(dumps))] / path.name
                same = other.exists() and other.read_bytes() == path.read_bytes()
                print(f"  {path.stem}: {'identical' if same else 'DIFFERENT'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline-max", type=int, default=1000)
    parser.add_argument("--skip-nss", action="store_true")
    parser.add_argument("--skip-cold", action="store_true", help="no cold (empty cache) run")
    parser.add_argument("--baseline", default=BASELINE, help="revision for the warm baseline")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpora", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.corpora, args.dump)
        return
    corpora = os.environ.get("CONCEPT_DIFF_CORPORA")
    if corpora and not args.skip_nss:
        if not args.skip_cold:
            nss_compare(Path(corpora))
        warm_breakdown(Path(corpora), args.baseline, args.repeat, args.check)
    else:
        print("NSS compare skipped (set CONCEPT_DIFF_CORPORA)")
    scaling([int(s) for s in args.sizes.split(",")], args.baseline_max)


if __name__ == "__main__":
    main()
