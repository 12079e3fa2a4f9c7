"""Files the tool writes get the mode the user's umask gives, not the temp file's 0600."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concept_diff import atomic
from concept_diff.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OLD = EXAMPLES / "2030-meridian-strategic-concept.md"
NEW = EXAMPLES / "2040-meridian-strategic-concept.md"


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_compare_writes_0644_under_umask_022(tmp_path: Path, umask_022: None) -> None:
    run(["compare", str(OLD), str(NEW), "-o", str(tmp_path / "r.md"),
         "--format", "md,html,json,csv", "--model", "lexical", "--quiet"])
    found = modes(tmp_path)
    assert len(found) >= 7  # md, html, json, four csv tables (and charts)
    assert set(found.values()) == {0o644}, found


def test_timeline_and_update_write_0644_under_umask_022(tmp_path: Path, umask_022: None) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (OLD, NEW, EXAMPLES / "corpus.toml"):
        shutil.copy(path, corpus / path.name)
    run(["timeline", str(corpus / "corpus.toml"), "-o", str(tmp_path / "t"),
         "--model", "lexical", "--quiet"])
    run(["update", str(corpus / "corpus.toml"), "-o", str(tmp_path / "u"),
         "--model", "lexical", "--quiet"])
    for folder in ("t", "u"):
        found = modes(tmp_path / folder)
        assert any(name.endswith("index.md") for name in found), found
        assert set(found.values()) == {0o644}, (folder, found)


def test_a_stricter_umask_is_respected(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        path = atomic.write_text(tmp_path / "private.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert atomic.default_mode() == 0o666 & ~previous
