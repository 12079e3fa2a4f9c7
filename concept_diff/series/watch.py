"""Re-run `update` whenever a file in the corpus folder changes (polling: works on synced folders,
network drives and containers, where inotify-style events are often missing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime_ns) of every visible file: a cheap fingerprint that changes on edits."""
    entries = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            stat = path.stat()
            entries.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def watch(
    corpus_path: Path,
    run_update: Callable[[], object],
    *,
    interval: float = 5.0,
    settle: float = 1.0,
    max_runs: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run ``run_update`` once, then again after each change; returns how many runs were made.

    ``settle``: after a change is seen, wait until the folder has been quiet this long, so a file
    still being copied is not compared half-written.
    """
    folder = corpus_path if corpus_path.is_dir() else corpus_path.parent
    runs = 0
    seen = folder_signature(folder)
    run_update()
    runs += 1
    while max_runs is None or runs < max_runs:
        sleep(interval)
        current = folder_signature(folder)
        if current == seen:
            continue
        while True:  # wait for the folder to settle
            sleep(settle)
            latest = folder_signature(folder)
            if latest == current:
                break
            current = latest
        seen = current
        run_update()
        runs += 1
    return runs
