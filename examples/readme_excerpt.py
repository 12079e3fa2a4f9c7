"""Regenerate the report excerpt in README.md from a real run of the README's main command.

    .venv/bin/python examples/readme_excerpt.py          # rewrites the block in README.md
    .venv/bin/python examples/readme_excerpt.py --check  # exit 1 if README.md is stale

The excerpt is the top of ``reports/meridian.md`` (title, overview, the first headlines),
quoted, between the ``<!-- report-excerpt -->`` markers. tests/test_readme.py checks that
the README's excerpt is what the main command writes today.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- report-excerpt:start -->", "<!-- report-excerpt:end -->"
HEADLINES = 3


def excerpt(report: str, headlines: int = HEADLINES) -> str:
    """The report's lines up to the end of headline number ``headlines``, quoted."""
    lines = report.splitlines()
    out: list[str] = []
    seen = 0
    for line in lines:
        if line.startswith("## ") and seen:
            break
        if re.match(r"\d+\. ", line):
            seen += 1
            if seen > headlines:
                break
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(f"> {line}".rstrip() for line in out)


def main_command_report(workdir: Path) -> str:
    """Run the README's main command (after its install steps) in ``workdir``."""
    from readme_blocks import main_command  # tests/readme_blocks.py

    command = main_command(README.read_text(encoding="utf-8"))
    (workdir / "examples").symlink_to(ROOT / "examples")
    subprocess.run(command, cwd=workdir, check=True)
    return (workdir / "reports" / "meridian.md").read_text(encoding="utf-8")


def replace_block(readme: str, block: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}\n{END}{tail}"


def readme_block(readme: str) -> str:
    return readme.split(START, 1)[1].split(END, 1)[0].strip("\n")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    with tempfile.TemporaryDirectory() as tmp:
        block = excerpt(main_command_report(Path(tmp)))
    readme = README.read_text(encoding="utf-8")
    if "--check" in argv:
        fresh = readme_block(readme) == block
        print("README excerpt is up to date" if fresh else "README excerpt is stale")
        return 0 if fresh else 1
    README.write_text(replace_block(readme, block), encoding="utf-8")
    print("README excerpt rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
