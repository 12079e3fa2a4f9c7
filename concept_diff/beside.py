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

``Worker`` is a forked child that stays and runs calls, asking this process for what it
lacks (a cold compare forks one before the runtime's pools exist, and the analysis runs there
while this process embeds; the analysis's texts are embedded here, at its request):

    worker = Worker.start()                     # None where a fork is not safe (can_fork)
    pending = worker.submit(analyse, old, new)  # runs there now
    pending.poll(serve=embed)                   # answer what it asked so far (ask_parent)
    result = pending.result(serve=embed)        # WorkerGone if it failed: run it here
    worker.close()
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

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
    def send() -> None:
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with open(write_end, "wb") as pipe:
            pipe.write(data)

    _exit_after(send)  # the parent runs the work again and reports if it failed


def _exit_after(body: Callable[[], None]) -> NoReturn:
    """A forked child runs ``body`` and leaves by os._exit (status 0 if ``body`` returned):
    no atexit handlers, no second flush of the parent's buffers."""
    status = 1
    try:
        # fresh stream objects: a lock the display thread held at the fork is not ours
        sys.stdout = open(os.dup(1), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stderr = open(os.dup(2), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        body()
        status = 0
    except BaseException:  # noqa: BLE001, S110 - the parent sees the failure
        pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


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


class WorkerGone(Exception):
    """The worker failed or is gone: the caller does the work itself."""


class Worker:
    """A forked child that runs calls ``fn(*args)`` (module-level functions, sent by name)
    one at a time; while one runs it may ask this process for something (``ask_parent``),
    which the caller answers with its ``serve`` function."""

    def __init__(self) -> None:
        from_parent, to_child = os.pipe()  # (read end, write end)
        from_child, to_parent = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(to_child)
            os.close(from_child)
            _serve(from_parent, to_parent)
        os.close(from_parent)
        os.close(to_parent)
        self.pid: int | None = pid
        self.owner = os.getpid()  # a process forked from this one must not use the pipes
        self._send = open(to_child, "wb")  # noqa: SIM115 - closed by close()
        self._receive = open(from_child, "rb", buffering=0)  # noqa: SIM115 - select() sees all
        self._finalizer = weakref.finalize(self, _end_worker, pid, self._send, self._receive,
                                           self.owner)

    @classmethod
    def start(cls) -> Worker | None:
        """A worker, or None where a fork is not safe (``can_fork``)."""
        return cls() if can_fork() else None

    @property
    def usable(self) -> bool:
        return self.pid is not None and os.getpid() == self.owner

    def submit(self, fn: Callable[..., T], *args: object) -> Pending[T]:
        """Start ``fn(*args)`` there; the handle gives its result."""
        self._write(("run", fn, args))
        return Pending(self)

    def call(self, fn: Callable[..., T], *args: object,
             serve: Callable[[object], object] | None = None) -> T:
        return self.submit(fn, *args).result(serve)

    def close(self) -> None:
        """Stop the child and reap it."""
        if self.pid is None or os.getpid() != self.owner:
            return
        self._finalizer.detach()
        _end_worker(self.pid, self._send, self._receive, self.owner)
        self.pid = None

    def _write(self, message: tuple) -> None:
        if not self.usable:
            raise WorkerGone
        try:
            data = _framed(message)
        except Exception as error:  # what cannot be sent is done here
            raise WorkerGone from error
        try:
            self._send.write(data)
            self._send.flush()
        except OSError as error:
            self.close()
            raise WorkerGone from error

    def _read(self) -> tuple:
        try:
            return pickle.loads(_read_message(self._receive))  # from our own fork
        except Exception as error:  # a torn message or a dead child
            self.close()
            raise WorkerGone from error


class Pending(Generic[T]):
    """A call running in a worker: ``result`` waits for it, ``poll`` answers what it asked."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.answer: tuple | None = None  # (result,) once done, None if the call failed
        self.done = False

    def poll(self, serve: Callable[[object], object] | None = None) -> None:
        """Answer the requests the call has made so far, without waiting for more."""
        while not self.done and self.worker.usable and _readable(self.worker._receive):
            self._step(serve)

    def result(self, serve: Callable[[object], object] | None = None) -> T:
        """The call's result (its requests answered by ``serve`` meanwhile), or WorkerGone."""
        while not self.done:
            self._step(serve)
        if self.answer is None:
            raise WorkerGone  # the call raised there: the caller runs it here and reports
        return self.answer[0]

    def _step(self, serve: Callable[[object], object] | None) -> None:
        kind, payload = self.worker._read()
        if kind == "done":
            self.done, self.answer = True, payload
            return
        if serve is None:
            self.worker.close()
            raise WorkerGone
        try:
            reply = serve(payload)
        except BaseException:
            self.worker.close()  # it waits for an answer that will not come
            raise
        self.worker._write(("answer", (reply,)))


def ask_parent(payload: object) -> object:
    """In a worker's call: have the parent's ``serve`` answer ``payload``."""
    if _channel is None:
        raise WorkerGone("not in a worker")
    requests, answers = _channel
    _write_message(answers, ("ask", payload))
    kind, reply = pickle.loads(_read_message(requests))
    if kind != "answer" or reply is None:
        raise WorkerGone
    return reply[0]


_channel: tuple | None = None  # in a worker: (requests from the parent, answers to it)


def _readable(stream) -> bool:
    return bool(select.select([stream], [], [], 0)[0])


def _framed(message: tuple) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack("<Q", len(data)) + data


def _write_message(stream, message: tuple) -> None:
    stream.write(_framed(message))
    stream.flush()


def _read_message(stream) -> bytes:
    size = struct.unpack("<Q", _read_exactly(stream, 8))[0]
    return _read_exactly(stream, size)


def _read_exactly(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            raise EOFError
        data += more
    return data


def _serve(read_end: int, write_end: int) -> None:
    """The worker's loop: one call at a time until the parent closes its end."""
    _exit_after(lambda: _serve_calls(read_end, write_end))


def _serve_calls(read_end: int, write_end: int) -> None:
    global _channel
    with open(read_end, "rb") as requests, open(write_end, "wb") as answers:
        _channel = requests, answers
        while True:
            try:
                _, fn, args = pickle.loads(_read_message(requests))
            except EOFError:
                return
            try:
                answer: tuple | None = (fn(*args),)
            except Exception:  # noqa: BLE001 - the parent runs it again and reports
                answer = None
            try:
                data = _framed(("done", answer))
            except Exception:  # noqa: BLE001 - an answer that cannot be sent: done there
                data = _framed(("done", None))
            answers.write(data)
            answers.flush()


def _end_worker(pid: int, send, receive, owner: int) -> None:
    """Close the pipes, stop the worker and reap it (what it was doing is dropped: a worker
    keeps nothing that outlives it); only in the process that forked it."""
    if os.getpid() != owner:
        return
    for stream in (send, receive):
        try:
            stream.close()
        except OSError:
            pass
    _end(pid, None)
