"""Run one function in a forked child while this process does other work (the second core).

    shifts = beside(lambda: analyse(old, new))   # the child starts now
    alignment = align(...)                        # meanwhile, here
    result = shifts()                             # the child's result (or an in-process run)

A warm compare spends ~0.5 s aligning and ~0.9 s analysing terms, actors and framing, and the
analysis does not read the alignment: on two cores they can run at once. The child is a fork,
so it starts in a few milliseconds with everything already imported and loaded, and its
result comes back pickled over a private pipe (data this process's own fork made; nothing read
from outside is ever unpickled).

A fork is only safe where no other thread may hold a lock the child needs, so the function runs
in this process instead (when asked for, so in the order it always ran) where:
- the platform is not Linux (Windows has no fork; on macOS, system libraries that numpy may
  link are not fork-safe), or ``CONCEPT_DIFF_NO_FORK`` is set;
- a thread other than the progress display's refresh thread is running (e.g. the parser loading
  in the background on a cold run);
- an inference runtime with native thread pools (onnxruntime, torch) is loaded, as on a cold run
  that embedded texts: its pools do not survive a fork.
Whatever goes wrong in the child (an exception, a crash, an unreadable answer) makes the
function run again here, so errors surface exactly as they would without the child.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_NATIVE_POOLS = ("onnxruntime", "torch")


def beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked child; returns the function that waits for its result."""
    if not can_fork():
        return work
    return _Forked(work)


class _Forked:
    def __init__(self, work: Callable[[], T]) -> None:
        self.work = work
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child(work, write_end)
        os.close(write_end)
        self.pid: int | None = pid
        self.read_end = read_end
        # a caller that fails before asking for the result leaves no child behind
        self._finalizer = weakref.finalize(self, _end, pid, read_end)

    def __call__(self) -> T:
        if self.pid is not None:
            self._finalizer.detach()
            answer = _collect(self.pid, self.read_end)
            self.pid = None
            self.answer = self.work() if answer is None else answer[0]
        return self.answer


def can_fork() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("CONCEPT_DIFF_NO_FORK"):
        return False  # macOS system libraries are not fork-safe; Windows has no fork
    if any(name in sys.modules for name in _NATIVE_POOLS):
        return False
    return all(t is threading.main_thread() or _is_display_refresh(t)
               for t in threading.enumerate())


def _is_display_refresh(thread: threading.Thread) -> bool:
    """rich's progress refresh thread: it only redraws the display, which the child never
    touches (the child writes through fresh stdout/stderr objects of its own)."""
    return thread.daemon and type(thread).__module__.startswith("rich.")


def _child(work: Callable[[], object], write_end: int) -> None:
    status = 1
    try:
        # fresh stream objects: a lock the display thread held at the fork is not ours
        sys.stdout = open(os.dup(1), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stderr = open(os.dup(2), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with open(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001, S110 - the parent runs the work again and reports
        pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)  # no atexit handlers, no second flush of the parent's buffers


def _collect(pid: int, read_end: int) -> tuple | None:
    """The child's ``(result,)``, or None when it failed."""
    try:
        with open(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        _end(pid, None)
        raise
    if status != 0 or not data:
        return None
    try:
        return pickle.loads(data)  # written by our own fork (see the module doc)
    except Exception:  # noqa: BLE001 - a torn answer: run the work here
        return None


def _end(pid: int, read_end: int | None) -> None:
    """Stop and reap a child whose result is not wanted (it has not been reaped yet)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    if read_end is not None:
        os.close(read_end)
