"""Every code block in the README runs (or, where it needs the network, parses) as written."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer
from readme_blocks import (
    SHELLS,
    blocks,
    is_tool,
    local_tool,
    main_command,
    needs_network,
    shell_commands,
    tool_commands,
)

from concept_diff.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = blocks(README)
sys.path.insert(0, str(ROOT / "examples"))


def ci_command() -> str:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if "pytest" in line and not line.startswith("#"))


def workdir(tmp_path: Path) -> Path:
    for name in ("examples", "corpora"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def parses(argv: list[str]) -> None:
    """The options are the CLI's own: click parses them without running the command."""
    group = typer.main.get_command(app)
    with group.make_context("concept-diff", ["--help"], resilient_parsing=True) as ctx:
        sub = group.get_command(ctx, argv[1])
    assert sub is not None, f"no command {argv[1]!r}: {shlex.join(argv)}"
    sub.make_context(argv[1], list(argv[2:]))  # raises on an unknown option or a bad value


def test_the_test_command_is_what_ci_runs() -> None:
    test_blocks = [b.text.strip() for b in BLOCKS if b.lang in SHELLS and "pytest" in b.text]
    assert test_blocks == [ci_command().strip()]


def test_the_install_steps_of_the_main_command_match_the_tested_ones() -> None:
    first = next(b for b in BLOCKS if b.lang in SHELLS)
    steps = shell_commands(first.text)
    tested = shell_commands(ci_command())
    assert steps[0] == tested[0] == ["python3", "-m", "venv", ".venv"]
    install = [a for a in steps[1] if a != "-q"]
    assert install[:5] == [".venv/bin/pip", "install", "-c", "constraints.txt", "-e"]
    extras = set(install[5].strip(".[]").split(","))
    assert extras <= set(tested[1][-1].strip(".[]").split(",")), (extras, tested[1])
    assert is_tool(steps[2])


@pytest.mark.model
def test_the_main_command_runs_and_the_readme_excerpt_is_what_it_writes(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    from readme_excerpt import excerpt, readme_block

    argv = main_command(README)
    subprocess.run(argv, cwd=workdir(tmp_path), check=True, env={**os.environ, "NO_COLOR": "1"})
    report = (tmp_path / "reports" / "meridian.md").read_text(encoding="utf-8")
    assert readme_block(README) == excerpt(report), (
        "README.md's report excerpt is stale: run `.venv/bin/python examples/readme_excerpt.py`")


def test_every_other_shell_command_runs_or_parses(tmp_path: Path) -> None:
    cwd = workdir(tmp_path)
    main = main_command(README)[1:]
    for block in BLOCKS:
        if block.lang not in SHELLS or "pytest" in block.text:
            continue
        online = False  # a command after a download needs what was downloaded
        for argv in shell_commands(block.text):
            if argv[0] in ("python3", ".venv/bin/pip") or argv[1:] == main:
                continue  # the install steps and the main command are tested above
            assert is_tool(argv), f"README command this test does not know: {shlex.join(argv)}"
            parses(argv)
            online = online or needs_network(argv)
            if not online:
                subprocess.run(local_tool(argv), cwd=cwd, check=True)


def test_scheduler_examples_call_real_commands() -> None:
    found = [argv for b in BLOCKS if b.lang in ("cron", "ini", "yaml") for argv in
             tool_commands(b.text)]
    assert len(found) >= 3
    for argv in found:
        parses(argv)


def test_python_blocks_run_in_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    python = [b.text for b in BLOCKS if b.lang == "python"]
    assert python
    monkeypatch.chdir(ROOT)
    for text in python:
        exec(compile(text, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our README


def test_toml_blocks_are_valid_manifests(tmp_path: Path) -> None:
    from concept_diff.series.corpus import load_corpus

    manifests = [b.text for b in BLOCKS if b.lang == "toml"]
    assert manifests
    for i, text in enumerate(manifests):
        tomllib.loads(text)
        path = tmp_path / f"m{i}" / "corpus.toml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        corpus = load_corpus(path)
        assert corpus.entries
