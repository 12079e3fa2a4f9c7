"""beside(): work in a forked child, the same result as in-process, errors as in-process."""

from __future__ import annotations

import os
import threading

import pytest

from concept_diff.beside import Worker, WorkerGone, ask_parent, beside, can_fork


@pytest.fixture
def forking() -> None:
    """Checked when the test runs: an earlier test may have loaded torch or left a thread."""
    if not can_fork():
        pytest.skip("no fork here (platform, threads or a native thread pool loaded)")


needs_fork = pytest.mark.usefixtures("forking")


@needs_fork
def test_result_comes_from_a_child_and_equals_the_work() -> None:
    here = os.getpid()
    result = beside(lambda: {"pid": os.getpid(), "values": [0.1 + 0.2, float("nan"), "é"]})()
    assert result["pid"] != here  # it ran in the child
    assert result["values"][0] == 0.1 + 0.2 and result["values"][2] == "é"


@needs_fork
def test_a_failing_child_runs_the_work_here_and_raises_as_it_would() -> None:
    here = os.getpid()

    def work() -> None:
        raise ValueError(f"bad input in {os.getpid()}")

    with pytest.raises(ValueError, match=f"bad input in {here}$"):
        beside(work)()


@needs_fork
def test_a_child_that_dies_is_replaced_by_an_in_process_run() -> None:
    here = os.getpid()

    def work() -> int:
        if os.getpid() != here:
            os._exit(3)
        return 7

    assert beside(work)() == 7


def test_no_fork_while_another_thread_runs(monkeypatch) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        assert beside(os.getpid)() == os.getpid()
    finally:
        release.set()
        other.join()
    monkeypatch.setenv("CONCEPT_DIFF_NO_FORK", "1")
    assert not can_fork()


@needs_fork
def test_a_result_never_asked_for_leaves_no_child() -> None:
    waiting = beside(lambda: b"x" * 1_000_000)  # more than a pipe holds: the child blocks
    pid = waiting.pid
    del waiting  # the finalizer kills and reaps it
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _twice_asked(values: list[int]) -> list:
    """In the worker: its pid, and what the parent answers when asked for each value."""
    return [os.getpid(), *(ask_parent(v) for v in values)]


def _dies() -> None:
    os._exit(3)


@needs_fork
def test_a_worker_runs_calls_there_and_the_parent_answers_what_they_ask() -> None:
    worker = Worker.start()
    try:
        pid, *answers = worker.call(_twice_asked, [1, 2, 3], serve=lambda v: v * 2)
        assert pid == worker.pid != os.getpid() and answers == [2, 4, 6]
        pending = worker.submit(_twice_asked, [5])
        pending.poll(serve=lambda v: -v)  # answers what was asked so far, waits for nothing
        assert pending.result(serve=lambda v: -v)[1:] == [-5]
        with pytest.raises(WorkerGone):  # it raised there: the caller runs it here
            worker.call(int, "not a number")
        assert worker.call(sorted, [3, 1, 2]) == [1, 2, 3]  # the worker goes on
        with pytest.raises(WorkerGone):
            worker.call(_dies)
        assert not worker.usable
    finally:
        worker.close()
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(pid, os.WNOHANG)


@needs_fork
def test_an_error_serving_the_worker_is_raised_here_and_ends_it() -> None:
    worker = Worker.start()

    def serve(value: int) -> int:
        raise KeyError(value)

    with pytest.raises(KeyError):
        worker.call(_twice_asked, [1], serve=serve)
    assert not worker.usable


@needs_fork
def test_a_first_run_analyses_in_the_worker_with_the_same_result(monkeypatch, tmp_path) -> None:
    """A cold compare forks the analysis before the model loads; the analysis's texts are
    embedded here, by this process's model; the result is the in-process one."""
    from importlib.util import find_spec
    from pathlib import Path

    if find_spec("spacy") is None:  # not imported here: thinc would load torch (no fork then)
        pytest.skip("spaCy is not installed")

    from concept_diff import comparison
    from concept_diff.embed import CachedEmbedder
    from concept_diff.embed.lexical import LexicalEmbedder
    from concept_diff.errors import InputError

    examples = Path(__file__).resolve().parent.parent / "examples"
    old, new = (examples / f"{y}-meridian-strategic-concept.md" for y in (2030, 2040))
    asked_by: set[int] = set()
    in_process: list[int] = []
    shifts = comparison._shifts

    class Loading(LexicalEmbedder):
        """A backend that loads, as a neural model does (a first run warms it up)."""

        def warm_up(self) -> None:
            pass

        def encode(self, texts):
            asked_by.add(os.getpid())
            return super().encode(texts)

    def counted(*args, **kwargs):
        in_process.append(os.getpid())
        return shifts(*args, **kwargs)

    monkeypatch.setattr(comparison, "_shifts", counted)
    results = []
    for run, no_fork in enumerate(("", "1")):
        monkeypatch.setenv("CONCEPT_DIFF_NO_FORK", no_fork)
        embedder = CachedEmbedder(Loading(), tmp_path / f"cache{run}")
        results.append(comparison.compare(old, new, embedder=embedder).to_dict())
        # the worker ran the analysis (none here), then the in-process run did
        assert in_process == ([] if run == 0 else [os.getpid()])
    assert asked_by == {os.getpid()}  # every text was embedded by this process
    assert results[0]["headlines"] and results[0]["actors"]
    assert results[0] == results[1]
    # the worker loads the documents: a bad one is reported as an in-process load reports it
    monkeypatch.setenv("CONCEPT_DIFF_NO_FORK", "")
    with pytest.raises(InputError, match="missing.md: no such file"):
        comparison.compare(tmp_path / "missing.md", new,
                           embedder=CachedEmbedder(Loading(), tmp_path / "cache2"))


def test_the_fork_tests_run_in_a_fresh_interpreter_when_this_one_cannot_fork() -> None:
    """In a whole-suite run an earlier test has loaded torch or onnxruntime, so the tests above
    skip here: run them again in a fresh interpreter, where nothing has been loaded yet."""
    import subprocess
    import sys

    if os.environ.get("CONCEPT_DIFF_BESIDE_INNER") or not sys.platform.startswith("linux"):
        pytest.skip("the inner run itself, or no fork on this platform")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", __file__],
        env={**os.environ, "CONCEPT_DIFF_BESIDE_INNER": "1", "CONCEPT_DIFF_NO_FORK": ""},
        capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "8 passed, 1 skipped" in run.stdout, run.stdout  # every fork test ran
