"""An exclusive lock on an output folder, so two updates cannot interleave their writes."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConceptDiffError

LOCK_NAME = ".concept-diff.lock"


class LockBusy(ConceptDiffError):
    """Another process holds the lock and we were told not to wait (longer)."""

    exit_code = 1


@contextmanager
def folder_lock(folder: Path, *, wait: float = 0.0, poll: float = 0.1) -> Iterator[Path]:
    """Hold an flock on ``folder/.concept-diff.lock``; wait up to ``wait`` seconds for it.

    flock is released by the kernel when the holder dies, so a killed run never leaves a stale
    lock behind; the file itself stays and is harmless.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    raise LockBusy(
                        f"another concept-diff run{holder} is updating this folder; "
                        "try again later or pass --wait SECONDS",
                        folder,
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor drops the flock


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
