"""Atomic writes: a reader sees the old file or the new one, never half of either.

The temp file that mkstemp makes is owner-only (0600), and a rename keeps that mode, so the
file is given the mode a plain ``open(path, "w")`` would give it (0666 less the umask) before
it replaces the target: reports stay readable by a web server, a shared folder or a colleague.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_umask_lock = threading.Lock()


def default_mode() -> int:
    """0666 less the process umask: the mode a newly created file gets."""
    with _umask_lock:  # reading the umask means setting it; no other write can race in here
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), default_mode())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path: str | Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
