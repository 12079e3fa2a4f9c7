"""Charts drawn in a child process: the same bytes, matplotlib never imported here, and a
failing child is one error line with no report file written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_fixtures import make_contract

from concept_diff.report import start_charts, write_reports
from concept_diff.report.chart_process import ChartError, ChartProcess
from concept_diff.report.charts import charts

FORMATS = "md,html,json,csv"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_child_draws_the_bytes_an_in_process_draw_makes(tmp_path: Path) -> None:
    with ChartProcess() as drawer:
        drawer.draw(make_contract())
        assert drawer.result() == charts(make_contract())
    here = write_reports(make_contract(), tmp_path / "here" / "r.md", FORMATS)
    with start_charts(FORMATS, tmp_path / "child" / "r.md") as drawer:
        child = write_reports(make_contract(), tmp_path / "child" / "r.md", FORMATS,
                              drawer=drawer)
    assert [p.name for p in here] == [p.name for p in child]
    assert {"r-terms.png", "r-actors.png"} <= {p.name for p in child}
    assert _files(tmp_path / "here") == _files(tmp_path / "child")


def test_no_chart_process_for_formats_without_charts(tmp_path: Path) -> None:
    assert start_charts("json,csv", tmp_path / "r.json") is None


def test_matplotlib_is_never_imported_in_the_parent(tmp_path: Path) -> None:
    code = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path;"
            "from report_fixtures import make_contract;"
            "from concept_diff.report import start_charts, write_reports;"
            f"out = Path({str(tmp_path / 'r.md')!r}); d = start_charts('md,html', out);"
            "written = write_reports(make_contract(), out, 'md,html', drawer=d);"
            "assert len(written) == 4, written;"
            "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("child", ["/bin/false", "/bin/echo"])  # dies; answers garbage
def test_a_failing_child_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch,
                                                        child: str) -> None:
    monkeypatch.setattr(sys, "executable", child)
    drawer = start_charts(FORMATS, tmp_path / "r.md")
    assert drawer is not None
    with drawer, pytest.raises(ChartError) as failed:
        write_reports(make_contract(), tmp_path / "r.md", FORMATS, drawer=drawer)
    message = str(failed.value)
    assert message.startswith("drawing the charts failed: ") and "\n" not in message
    assert failed.value.exit_code != 0
    assert list(tmp_path.iterdir()) == []  # json and csv were rendered, but not written


def test_a_child_never_asked_to_draw_is_ended(tmp_path: Path) -> None:
    drawer = start_charts("md", tmp_path / "r.md")
    with drawer:
        pass
    assert drawer._proc.returncode is not None
