"""beside(): work in a forked child, the same result as in-process, errors as in-process."""

from __future__ import annotations

import os
import threading

import pytest

from concept_diff.beside import beside, can_fork


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
    assert "5 passed, 1 skipped" in run.stdout, run.stdout  # every fork test ran
