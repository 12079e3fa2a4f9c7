"""Incremental updates on a real corpus folder: only new work is done, kills and races are safe.

These run the real `concept-diff` command in subprocesses (the kill and lock tests need real
processes). The lexical model keeps them fast; the code path is the same for any embedder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from concept_diff.series.update import EXIT_CHANGED, read_state, state_path

CLI = [sys.executable, "-m", "concept_diff"]


def run_cli(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), check=False, env=env, capture_output=True, text=True,
                          **kwargs)


@pytest.fixture()
def workspace(tmp_path: Path, nss_files: dict[str, Path]):
    corpus = tmp_path / "nss"
    corpus.mkdir()
    for year in ("2002", "2006", "2010"):
        shutil.copy(nss_files[year], corpus / nss_files[year].name)
    env = dict(os.environ, CONCEPT_DIFF_CACHE=str(tmp_path / "cache"), PYTHONUNBUFFERED="1")
    env.pop("CONCEPT_DIFF_CORPORA", None)  # the copy alone is the corpus
    return corpus, tmp_path / "reports", env


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".concept-diff" not in p.parts
    }


def test_incremental_update_does_only_new_work(workspace, nss_files):
    corpus, reports, env = workspace
    first = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", "--json",
                    env=env)
    assert first.returncode == 0, first.stderr
    first_embedded = json.loads(first.stdout)["embedded"]
    assert (reports / "2002-vs-2006.md").exists() and (reports / "2006-vs-2010.md").exists()
    assert (reports / "index.md").exists()
    before = snapshot(reports)

    shutil.copy(nss_files["2015"], corpus / nss_files["2015"].name)
    second = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", "--json",
                     env=env)
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["compared"] == [["2010", "2015"]]
    after = snapshot(reports)
    # Old pair reports are untouched, byte for byte; the new one and the index were written.
    for name in ("2002-vs-2006.md", "2002-vs-2006.json", "2006-vs-2010.md", "2006-vs-2010.html"):
        assert after[name] == before[name]
    assert "2010-vs-2015.md" in after and after["index.md"] != before["index.md"]
    # The old versions' passages and sentences came from the cache: the second run embedded
    # the new document (plus its framing probes), far less than the first run's three versions.
    assert 0 < summary["embedded"] < first_embedded / 2
    state, _ = read_state(reports)
    assert state["changelog"][-1]["changes"][0] == "new version 2015 added"

    third = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", "--json",
                    "--exit-code", env=env)
    assert third.returncode == 0, third.stderr
    summary = json.loads(third.stdout)
    assert summary["up_to_date"] is True and summary["compared"] == []
    assert snapshot(reports) == after


def test_exit_code_and_dry_run(workspace, nss_files):
    corpus, reports, env = workspace
    dry = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", "--dry-run",
                  env=env)
    assert dry.returncode == 0, dry.stderr
    assert "compare 2002 → 2006" in dry.stdout
    assert not reports.exists() or not any(reports.iterdir())  # a dry run writes nothing

    changed = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical",
                      "--exit-code", env=env)
    assert changed.returncode == EXIT_CHANGED, changed.stderr


def test_streamed_series_index_equals_the_one_made_from_whole_contracts(workspace, tmp_path):
    """update counts the versions' texts one pair file at a time (the contracts it keeps have
    no passages); the index and charts must be byte for byte those write_series makes from
    the pair contracts read whole, passages and all."""
    from concept_diff.report.series import write_series
    from concept_diff.series.corpus import load_corpus

    corpus, reports, env = workspace
    done = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", env=env)
    assert done.returncode == 0, done.stderr
    names = ["2002-vs-2006", "2006-vs-2010"]
    contracts = [json.loads((reports / f"{n}.json").read_text(encoding="utf-8")) for n in names]
    assert all(c["new"]["passages"] for c in contracts)
    direct = tmp_path / "direct"
    direct.mkdir()
    state, _ = read_state(reports)
    written = write_series(contracts, direct, "md", title=load_corpus(corpus).name,
                           changelog=state["changelog"], pair_names=names)
    assert "index.md" in {p.name for p in written}
    for path in written:
        assert path.read_bytes() == (reports / path.name).read_bytes(), path.name


def test_corrupt_state_is_reported_and_rebuilt(workspace):
    corpus, reports, env = workspace
    assert run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical",
                   env=env).returncode == 0
    state_path(reports).write_text('{"schema": "concept-diff-state/1", "pairs": [tru')
    again = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", env=env)
    assert again.returncode == 0, again.stderr
    assert "rebuilding" in (again.stdout + again.stderr)
    state, note = read_state(reports)
    assert note is None and set(state["pairs"]) == {"2002-vs-2006", "2006-vs-2010"}


def test_killed_update_leaves_reports_intact_and_next_run_completes(workspace, nss_files):
    corpus, reports, env = workspace
    assert run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical",
                   env=env).returncode == 0
    before = snapshot(reports)
    # Change every version so the next run has several pairs to redo, then kill it mid-run.
    for path in sorted(corpus.iterdir()):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nA closing line added later.\n",
                        encoding="utf-8")
    shutil.copy(nss_files["2015"], corpus / nss_files["2015"].name)
    process = subprocess.Popen(CLI + ["update", str(corpus), "-o", str(reports), "--model",
                                      "lexical"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:  # kill as soon as it reports working on the second pair
        if "comparing 2006" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Whatever the state vouches for exists with the recorded hash; earlier files are whole.
    state, note = read_state(reports)
    assert note is None
    for pair in state["pairs"].values():
        for name in pair["outputs"]:
            assert (reports / name).exists()
    for name, data in snapshot(reports).items():
        if name in before and name.endswith(".json"):
            json.loads(data)  # never half-written

    finish = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical", env=env)
    assert finish.returncode == 0, finish.stderr
    done, _ = read_state(reports)
    assert set(done["pairs"]) == {"2002-vs-2006", "2006-vs-2010", "2010-vs-2015"}
    # The interrupted-then-finished folder equals a clean run on the same inputs.
    clean = reports.parent / "clean"
    assert run_cli("update", str(corpus), "-o", str(clean), "--model", "lexical",
                   env=env).returncode == 0
    finished, fresh = snapshot(reports), snapshot(clean)
    # (the index differs by design: its changelog records the interrupted history)
    assert {k: v for k, v in finished.items() if not k.startswith("index.")} == {
        k: v for k, v in fresh.items() if not k.startswith("index.")
    }


def test_second_concurrent_update_is_refused_clearly(workspace):
    corpus, reports, env = workspace
    first = subprocess.Popen(CLI + ["update", str(corpus), "-o", str(reports), "--model",
                                    "lexical"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        for line in first.stdout:  # the first run holds the lock once it starts comparing
            if "comparing" in line:
                break
        second = run_cli("update", str(corpus), "-o", str(reports), "--model", "lexical",
                         env=env)
        assert second.returncode == 1
        assert "another concept-diff run" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
    finally:
        first.stdout.read()
        assert first.wait() == 0
