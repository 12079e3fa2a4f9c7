"""Time of the shift analysis (terms, actors, framing, headlines) beside a baseline revision.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        python bench/bench_shifts.py [--repeat 3] [--baseline REV] [--check] [--profile]

Times ``concept_diff.shifts.analyse`` on NSS 2010 → 2015 with a warm embedding cache (run
once to warm it): each run is a fresh process that loads the documents, the embedder and the
alignment, then times its first ``analyse`` call, as ``concept-diff compare`` pays it
(one-off costs such as reading the gazetteer included), and a second call in the same
process. The same is measured, in this run, for the package as it was at ``--baseline``
(exported with ``git archive``). ``--check`` also writes ``analyse(...).to_dict()`` (plus the
full term table and the mention table) for NSS 2002→2006, 2006→2010, 2010→2015 and the
Meridian examples from both revisions and says whether each is byte-identical.
``--profile`` prints a cProfile of the current code's first call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "997acaa"  # the shift analysis before the speed work


def pairs() -> list[tuple[str, Path, Path]]:
    corpora = Path(os.environ.get("CONCEPT_DIFF_CORPORA", "/work/shared/corpora"))
    nss = corpora / "us-national-security-strategy"
    found = [
        (f"nss-{a}-{b}", nss / f"{a}-national-security-strategy.txt",
         nss / f"{b}-national-security-strategy.txt")
        for a, b in (("2010", "2015"), ("2006", "2010"), ("2002", "2006"))
    ]
    meridian = sorted((ROOT / "examples").glob("*-meridian-strategic-concept.md"))
    found += [(f"meridian-{a.stem[:4]}-{b.stem[:4]}", a, b) for a, b in pairwise(meridian)]
    return found


# --- worker: runs inside the revision under test -------------------------------------------


def worker(dump: Path | None, profile: bool) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from concept_diff.comparison import compare
    from concept_diff.embed import get_embedder
    from concept_diff.loaders import load_document
    from concept_diff.shifts import analyse

    embedder = get_embedder()
    _, old_path, new_path = pairs()[0]
    old, new = load_document(old_path), load_document(new_path)
    alignment = compare(old, new, embedder=embedder, analyse=False).alignment
    if profile:
        import cProfile
        import pstats

        runner = cProfile.Profile()
        runner.runcall(analyse, old, new, alignment, embedder)
        pstats.Stats(runner, stream=sys.stderr).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "40")))
        return
    times, cpu = [], []
    for _ in range(2):
        start, start_cpu = time.perf_counter(), time.process_time()
        analyse(old, new, alignment, embedder)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(json.dumps({"first": times[0], "second": times[1], "first_cpu": cpu[0]}))
    if dump:
        for label, a, b in pairs():
            shifts = analyse(load_document(a), load_document(b), None, embedder)
            text = json.dumps(shifts.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)
            (dump / f"{label}.json").write_text(text + "\n", encoding="utf-8")
            shifts.terms.to_csv(dump / f"{label}.terms.csv", index=False)
            shifts._mentions.to_csv(dump / f"{label}.mentions.csv", index=False)


# --- driver --------------------------------------------------------------------------------


def export(revision: str, folder: Path) -> Path:
    """The package as it was at ``revision``, unpacked under ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "concept_diff"],
        check=True, capture_output=True,
    ).stdout
    tar_path = folder / "baseline.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(folder / "src", filter="data")
    return folder / "src"


def run_worker(source: Path, dump: Path | None = None, profile: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(source))
    command = [sys.executable, __file__, "--worker"]
    if dump:
        dump.mkdir(parents=True, exist_ok=True)
        command += ["--dump", str(dump)]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    if profile:
        print(done.stderr)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def identical(a: Path, b: Path) -> list[str]:
    """``name: identical`` or ``name: DIFFERENT`` for every file under either folder."""
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b) for p in b.rglob("*") if p.is_file()})

    def same(name: Path) -> bool:
        return ((a / name).is_file() and (b / name).is_file()
                and (a / name).read_bytes() == (b / name).read_bytes())

    return [f"{name}: {'identical' if same(name) else 'DIFFERENT'}" for name in names]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.dump, args.profile)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = {f"baseline {args.baseline}": export(args.baseline, folder), "current": ROOT}
        if args.profile:
            run_worker(ROOT, profile=True)
        print("analyse(), NSS 2010 → 2015, warm embedding cache, best of", args.repeat, "processes")
        for label, source in sources.items():
            runs = [run_worker(source) for _ in range(args.repeat)]
            first = min(r["first"] for r in runs)
            second = min(r["second"] for r in runs)
            cpu = min(r["first_cpu"] for r in runs)
            print(f"  {label:<20} first call {first:.3f} s (cpu {cpu:.3f} s)   "
                  f"second call {second:.3f} s")
        if args.check:
            dumps = {label: folder / label.split()[0] for label in sources}
            for label, source in sources.items():
                run_worker(source, dump=dumps[label])
            print("results, baseline vs current:")
            for line in identical(*dumps.values()):
                print("  " + line)


if __name__ == "__main__":
    main()
