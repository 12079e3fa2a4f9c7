"""The README's fenced code blocks, and the commands inside them, for tests/test_readme.py."""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHELLS = {"sh", "bash", "shell", "console"}


@dataclass(frozen=True)
class Block:
    lang: str
    text: str


def blocks(readme: str) -> list[Block]:
    return [Block(m.group(1), m.group(2)) for m in FENCE.finditer(readme)]


def shell_commands(text: str) -> list[list[str]]:
    """Each command of a shell block (lines and ``&&`` chains split), as argv lists."""
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in line.split("&&"):
            if part.strip():
                commands.append(shlex.split(part))
    return commands


def tool_commands(text: str) -> list[list[str]]:
    """Every ``concept-diff …`` invocation in any text (cron lines, unit files, workflows)."""
    found = []
    where = r"(?:^|&&|=|run:)\s*((?:\S*/)?concept-diff [^\n|&;\"]+)"  # a command's start
    for match in re.finditer(where, text, re.MULTILINE):
        found.append(shlex.split(match.group(1).split(" #", 1)[0]))
    return found


def is_tool(argv: list[str]) -> bool:
    return bool(argv) and Path(argv[0]).name == "concept-diff"


def needs_network(argv: list[str]) -> bool:
    return "fetch" in argv[1:2] or "--fetch" in argv


def local_tool(argv: list[str]) -> list[str]:
    """The same command with this environment's concept-diff script."""
    return [str(Path(sys.executable).with_name("concept-diff")), *argv[1:]]


def main_command(readme: str) -> list[str]:
    """The first command of the README that runs the tool (after the install steps)."""
    for block in blocks(readme):
        if block.lang in SHELLS:
            for argv in shell_commands(block.text):
                if is_tool(argv):
                    return local_tool(argv)
    raise AssertionError("the README has no concept-diff command")
