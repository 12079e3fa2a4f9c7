"""Charts drawn in a child process, off the critical path of a compare.

Importing matplotlib (~0.4 s) and drawing the two charts (~0.3 s) were a third of a warm
compare. ``ChartProcess`` starts a fresh interpreter as soon as a compare that will write md or
html begins: it imports matplotlib on the other core while the parent loads, aligns and
analyses, then waits for the few contract fields the charts read (``charts.chart_input``, sent
as JSON on stdin) and answers with the PNG bytes on stdout. The parent never imports
matplotlib; it renders the text formats while the child draws.

The child runs the same drawing code (charts.charts) on the same data (a JSON round trip keeps
every number exactly), so the bytes are those an in-process draw makes. Any failure in the
child (an exception, a crash, garbled output) becomes one ``ChartError`` line, raised before a
report file is written. A child whose parent dies reads end-of-input and exits.

Wire format, child to parent: one JSON line ``{"terms": n, "actors": m}`` (chart names and
byte counts, in drawing order), then the PNGs back to back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from ..errors import ConceptDiffError

_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the concept_diff package
# The child finds this very package first and never the current folder (a stray matplotlib.py
# there must not be imported in its place).
_CHILD = ("import sys; root = sys.argv[1]; "
          "sys.path[:] = [root] + [p for p in sys.path if p not in ('', '.', root)]; "
          "from concept_diff.report.chart_process import serve; serve()")


class ChartError(ConceptDiffError):
    """The charts could not be drawn; no report file was written."""

    exit_code = 1


class ChartProcess:
    """A child interpreter that imports matplotlib now and draws when ``draw`` is called.

    ``draw(contract)`` sends the chart data and returns at once; ``result()`` waits for the
    PNG bytes (``{"terms": png, "actors": png}`` less a chart with nothing to show). ``close()``
    ends a child that was never asked to draw. Use it as a context manager.
    """

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, _ROOT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._thread: threading.Thread | None = None
        self._answer: tuple[bytes, bytes] | BaseException | None = None

    def draw(self, contract: Mapping[str, Any]) -> None:
        from .charts import chart_input

        request = json.dumps(chart_input(contract), ensure_ascii=False).encode("utf-8")

        def talk() -> None:
            try:
                self._answer = self._proc.communicate(request)
            except BaseException as error:  # noqa: BLE001 - handed to result()
                self._answer = error

        self._thread = threading.Thread(target=talk, name="concept-diff-charts", daemon=True)
        self._thread.start()

    def result(self) -> dict[str, bytes]:
        if self._thread is None:
            raise RuntimeError("draw() was not called")
        self._thread.join()
        answer = self._answer
        if isinstance(answer, BaseException):
            raise ChartError(f"drawing the charts failed: {answer}") from answer
        stdout, stderr = answer
        if self._proc.returncode != 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            why = lines[-1] if lines else f"exit status {self._proc.returncode}"
            raise ChartError(f"drawing the charts failed: {why}")
        return _parse(stdout)

    def close(self) -> None:
        """End the child unless it has answered (or is answering)."""
        if self._thread is None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start() -> ChartProcess | None:
    """A chart process, or None where none can be started (the charts are then drawn here)."""
    if not sys.executable:
        return None
    try:
        return ChartProcess()
    except OSError:
        return None


def _parse(stdout: bytes) -> dict[str, bytes]:
    head, _, body = stdout.partition(b"\n")
    try:
        sizes = json.loads(head)
        if not isinstance(sizes, dict) or sum(sizes.values()) != len(body):
            raise ValueError
    except (ValueError, TypeError):
        raise ChartError("drawing the charts failed: the chart process answered garbage") from None
    out, at = {}, 0
    for name, size in sizes.items():
        out[name] = body[at:at + size]
        at += size
    return out


def serve() -> None:
    """The child: import matplotlib, read the chart data, write the PNGs, exit."""
    try:
        from .charts import charts, prepare

        prepare()
        request = sys.stdin.buffer.read()
        if not request:  # the parent went away or never needed the charts
            return
        drawn = charts(json.loads(request))
        out = sys.stdout.buffer
        out.write(json.dumps({name: len(png) for name, png in drawn.items()}).encode() + b"\n")
        for png in drawn.values():
            out.write(png)
        out.flush()
    except BaseException as error:  # noqa: BLE001 - one line for the parent, never a traceback
        sys.stderr.write(f"{type(error).__name__}: {error}\n".replace("\n", " ").strip() + "\n")
        sys.stderr.flush()
        os._exit(1)
