"""Warm ``concept-diff compare`` of NSS 2010 → 2015, phase by phase, beside a baseline revision.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        python bench/bench_warm.py [--repeat 5] [--baseline REV] [--formats md,html,json,csv]
        [--check] [--profile]

Each run is a fresh process that does what ``concept-diff compare OLD NEW -o DIR/r.md
--format FORMATS -q`` does, with the embedding and document cache of CONCEPT_DIFF_CACHE
(run once to warm it): import the package and CLI, load, embed (cache hits), align, analyse
shifts, build the JSON contract, write the reports (``write_reports``: the charts for md and
html, drawn in a child process started before the comparison where the revision has one, and
each format). The whole process is timed from outside (what a user waits for) and each phase
from inside; a phase's CPU time is this process's, the chart child's counts only in the whole
process's ('wall' column of the CPU rows). The same is measured, in this
run and interleaved with it, for the package as it was at ``--baseline`` (exported with
``git archive``); medians of ``--repeat`` processes each. The box is shared, so figures are
noisy: compare the two columns of one run, not figures across runs.

``--check`` writes every report (md, html, json, csv and the charts) for NSS 2002→2006,
2006→2010, 2010→2015 and the Meridian examples from both revisions and says whether each
file is byte-identical. ``--profile`` prints a cProfile of one current run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from bench_shifts import export, identical, pairs  # the same pairs, revision export, check

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "72e1426"  # before the warm-compare speed work
PHASES = ("import", "load", "embed", "align", "shifts", "contract", "reports")
STEPS = {"loading": "load", "embedding": "embed", "aligning": "align", "analysing": "shifts"}


# --- worker: runs inside the revision under test -------------------------------------------


def worker(out: Path, formats: list[str], which: list[int]) -> None:
    """Time one compare phase by phase; print the phases as JSON on the last line."""
    start, start_cpu = time.perf_counter(), time.process_time()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import concept_diff.cli  # noqa: F401  (the CLI's import is part of what a user waits for)

    try:  # the chart process and the renderers loaded ahead, where the revision has them
        from concept_diff.report import prepare_reports, start_charts
    except ImportError:
        prepare_reports = start_charts = None

    def drawer_for(index: int):  # as the CLI does: before the heavy imports for the first
        if not (start_charts and formats):
            return None
        return start_charts(formats, out / pairs()[index][0] / "report.md")

    early = drawer_for(which[0])
    from concept_diff.api import compare_files  # noqa: F401
    from concept_diff.comparison import compare
    from concept_diff.report import write_reports

    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    times = {"import": time.perf_counter() - start, "cpu import": time.process_time() - start_cpu}

    def add(phase: str, at: tuple[float, float], until: tuple[float, float]) -> None:
        times[phase] = times.get(phase, 0.0) + until[0] - at[0]
        times["cpu " + phase] = times.get("cpu " + phase, 0.0) + until[1] - at[1]

    for index in which:
        label, old, new = pairs()[index]
        folder = out / label
        marks: list[tuple[str, tuple[float, float]]] = [("load", now())]
        drawer = early if index == which[0] else drawer_for(index)

        def step(name: str, _done: int | None = None, _total: int | None = None,
                 marks: list = marks) -> None:
            phase = next((v for k, v in STEPS.items() if name.startswith(k)), name)
            if marks[-1][0] != phase:  # the embedder is made before "loading": load pays it
                marks.append((phase, now()))

        ahead = ({"meanwhile": functools.partial(prepare_reports, formats, folder / "report.md")}
                 if prepare_reports and formats else {})
        children = _children_cpu()
        comparison = compare(old, new, progress=step, **ahead)
        times["cpu fork"] = times.get("cpu fork", 0.0) + _children_cpu() - children
        marks.append(("contract", now()))
        contract = comparison.to_dict()
        marks.append(("end", now()))
        for (phase, at), (_, until) in pairwise(marks):
            add(phase, at, until)
        folder.mkdir(parents=True, exist_ok=True)
        if formats:
            at, children = now(), _children_cpu()
            write_reports(contract, folder / "report.md", formats,
                          **({"drawer": drawer} if drawer is not None else {}))
            add("reports", at, now())
            times["cpu charts"] = times.get("cpu charts", 0.0) + _children_cpu() - children
    print(json.dumps(times))


def _children_cpu() -> float:
    """CPU time of this process's children that have ended (the analysis fork, the chart
    process)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def idle_estimate(r: dict) -> float:
    """The wall time the phases' CPU times imply on an idle two-core machine: what runs before
    the analysis fork, then the longer of the parent's aligning (and waiting) and the fork's
    analysis, then the parent's contract and reports. The chart process is taken to overlap
    (its import with the parent's imports, its drawing with the rendering); interpreter start-up
    and contention are left out. Without a fork (a baseline) it is the sum of the phases."""
    before = r["cpu import"] + r["cpu load"] + r["cpu embed"]
    during = max(r["cpu align"] + r["cpu shifts"], r.get("cpu fork", 0.0))
    return before + during + r["cpu contract"] + r.get("cpu reports", 0.0)


# --- driver --------------------------------------------------------------------------------


def cache_root(folder: Path, label: str) -> Path:
    """A cache root of this revision's own: its loaded documents and parses (copied from
    $CONCEPT_DIFF_CACHE), the embeddings and ONNX models shared (linked). One shared root would
    not do: a revision whose loader code differs deletes the other's document entries, so every
    run in the interleaved loop would load both documents cold (~1.2 s)."""
    shared = Path(os.environ.get("CONCEPT_DIFF_CACHE", "/tmp/cdcache"))
    root = folder / ("cache-" + label.split()[0])
    if not root.exists():
        root.mkdir()
        for name in ("embeddings", "onnx"):
            if (shared / name).exists():
                (root / name).symlink_to((shared / name).resolve())
        for name in ("documents", "parses"):
            if (shared / name).exists():
                shutil.copytree(shared / name, root / name)
    return root


def run_worker(source: Path, out: Path, formats: list[str], which: list[int],
               profile: bool = False, cache: Path | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(source))
    if cache is not None:
        env["CONCEPT_DIFF_CACHE"] = str(cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode compiled
    command = [sys.executable, *(["-m", "cProfile", "-s", "cumulative"] if profile else []),
               __file__, "--worker", "--out", str(out), "--formats", ",".join(formats),
               "--which", ",".join(map(str, which))]
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, cwd=source, check=True, capture_output=True,
                          text=True)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if profile:
        print("\n".join(done.stdout.splitlines()[:90]))
        return {}
    times = json.loads(done.stdout.strip().splitlines()[-1])
    times["wall"] = wall
    times["cpu wall"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return times


def run_cli(source: Path, out: Path, formats: list[str], cache: Path) -> dict:
    """The command itself, ``concept-diff compare OLD NEW [-o DIR/r.md --format F] -q``, timed
    from outside: what a user waits for, the CLI's own start-up and children included."""
    env = dict(os.environ, PYTHONPATH=str(source), CONCEPT_DIFF_CACHE=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _, old, new = pairs()[0]
    command = [sys.executable, "-m", "concept_diff", "compare", str(old), str(new), "-q"]
    if formats:
        command += ["-o", str(out / "cli" / "r.md"), "--format", ",".join(formats)]
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, cwd=source, check=True, capture_output=True)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cli": wall,
            "cpu cli": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="a revision or a source folder")
    parser.add_argument("--formats", default="md,html,json,csv")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--which", default="0", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    if args.worker:
        worker(args.out, formats, [int(i) for i in args.which.split(",")])
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # a revision, or a folder holding a concept_diff package (e.g. this working tree with
        # one's own files as they were, to tell one change from others' work in progress)
        base = (Path(args.baseline) if Path(args.baseline, "concept_diff").is_dir()
                else export(args.baseline, folder))
        sources = {f"baseline {args.baseline}": base, "current": ROOT}
        caches = {label: cache_root(folder, label) for label in sources}
        for label, source in sources.items():  # compiles the bytecode, warms the caches
            run_worker(source, folder / "out", formats, [0], cache=caches[label])
        if args.profile:
            run_worker(ROOT, folder / "profile", formats, [0], profile=True,
                       cache=caches["current"])
            if not args.repeat:
                return
        runs: dict[str, list[dict]] = {label: [] for label in sources}
        load_before = os.getloadavg()[0]
        for _ in range(args.repeat):  # interleaved, so load on the box hits both alike
            for label, source in sources.items():
                runs[label].append(run_worker(source, folder / "out", formats, [0],
                                              cache=caches[label]))
                runs[label][-1].update(run_cli(source, folder / "out", formats, caches[label]))
        what = f"--format {','.join(formats)}" if formats else "no reports"
        print(f"warm compare NSS 2010 → 2015 ({what}), median of "
              f"{args.repeat} fresh processes, seconds; 'wall' is the whole process as a user "
              "waits for it, 'cli' the command itself (python -m concept_diff compare ... -q). "
              "The box is shared, so wall time is noisy; CPU time (user + system, all threads "
              "and child processes) is steadier")
        print(f"  load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
        for found in runs.values():
            for r in found:
                r["cpu idle-est"] = idle_estimate(r)
        names = [p for p in PHASES if p in runs["current"][0]]
        names += ["wall", "cli", "fork", "charts", "idle-est"]
        print("  CPU 'fork' and 'charts': the analysis fork's and the chart process's own; "
              "'idle-est': the wall time the CPU times imply on an idle 2-core machine "
              "(bench_warm.idle_estimate)")
        for kind, prefix in (("wall time", ""), ("CPU time", "cpu ")):
            print(f"  {kind:<22}" + "".join(f"{name:>9}" for name in names))
            for label, found in runs.items():
                print(f"  {label:<22}" + "".join(
                    f"{statistics.median(r.get(prefix + name, 0.0) for r in found):>9.3f}"
                    if any(prefix + name in r for r in found) else f"{'-':>9}"
                    for name in names))
        if args.check:
            outs = {label: folder / label.split()[0] for label in sources}
            every = list(range(len(pairs())))
            for label, source in sources.items():
                run_worker(source, outs[label], ["md", "html", "json", "csv"], every,
                           cache=caches[label])
            lines = identical(*outs.values())
            print(f"reports, baseline vs current: {sum('DIFFERENT' in x for x in lines)} of "
                  f"{len(lines)} files differ")
            for line in lines:
                print("  " + line)


if __name__ == "__main__":
    main()
