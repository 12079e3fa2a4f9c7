"""Bad input: one clear line naming the file and the problem, exit code 2, no traceback."""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from concept_diff.cli import app


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


CASES = {
    "empty": ("empty.txt", b"", "empty file"),
    "blank": ("blank.md", b"  \n\n \t\n", "empty file"),
    "binary": ("data.txt", bytes(range(256)) * 8, "binary file"),
    "png": ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary file"),
    "unsupported": ("table.csv", b"a,b\n1,2\n", "unsupported format '.csv'"),
    "scanned pdf": ("scan.pdf", _blank_pdf(), "no text layer (scanned PDF?)"),
    "fake pdf": ("fake.pdf", b"just some words, not a pdf", "not a valid .pdf"),
    "undecodable": ("weird.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x41]) * 50, "cannot decode"),
    "broken docx": ("broken.docx", b"PK\x03\x04word/document.xml" + b"\x01" * 40, "unreadable .docx"),
}


def _run(*args: str):
    result = CliRunner().invoke(app, ["inspect", *args])
    return result, result.output  # click 8.2+: output holds stdout and stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gives_one_clear_line_and_exit_2(tmp_path, case):
    name, data, problem = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    result, output = _run(str(path))
    assert result.exit_code == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.txt"
    result, output = _run(str(missing))
    assert result.exit_code == 2
    assert output.strip() == f"concept-diff: error: {missing}: no such file or directory"


def test_folder_without_documents(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    result, output = _run(str(tmp_path))
    assert result.exit_code == 2
    assert str(tmp_path) in output and "no documents" in output
    assert len(output.strip().splitlines()) == 1


def test_bad_input_writes_nothing(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    before = sorted(p.name for p in tmp_path.iterdir())
    _run(str(path), "--json")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
