"""The public Python API and the compare command's contract on the shipped examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import concept_diff
from concept_diff.model import Document

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

OLD = EXAMPLES / "2030-meridian-strategic-concept.md"
NEW = EXAMPLES / "2040-meridian-strategic-concept.md"


def test_public_functions_survive_their_submodules_being_imported():
    # These imports once replaced the functions of the same name with the modules.
    import concept_diff.comparison
    import concept_diff.loaders

    doc = concept_diff.load(OLD)
    assert isinstance(doc, Document) and doc.passages[0].label == "1"
    assert callable(concept_diff.compare)


def test_compare_api_accounts_for_every_passage_and_gives_a_frame():
    result = concept_diff.compare(OLD, NEW, model="lexical")
    frame = result.alignment_frame()
    assert len(frame) == len(result.alignment.entries)
    old_ids = [i for entry in result.alignment.entries for i in entry.old]
    new_ids = [i for entry in result.alignment.entries for i in entry.new]
    assert sorted(old_ids) == sorted(p.id for p in result.old.passages)
    assert sorted(new_ids) == sorted(p.id for p in result.new.passages)
    contract = result.to_dict()
    assert contract["schema"].startswith("concept-diff/")
    for key in ("old", "new", "model", "parameters", "alignment", "terms", "actors", "headlines"):
        assert key in contract


def test_compare_cli_writes_each_format_and_bad_input_is_one_line(tmp_path: Path):
    out = tmp_path / "report.md"
    run = subprocess.run(
        [sys.executable, "-m", "concept_diff", "compare", str(OLD), str(NEW), "-o", str(out),
         "--format", "md,json,csv", "--model", "lexical", "--quiet"],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""  # --quiet
    contract = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert contract["new"]["title"] == "The Meridian Alliance Strategic Concept 2040"
    assert (tmp_path / "report-alignment.csv").exists()

    missing = tmp_path / "nope.txt"
    bad = subprocess.run(
        [sys.executable, "-m", "concept_diff", "compare", str(missing), str(NEW), "-o",
         str(tmp_path / "bad.md"), "--model", "lexical"],
        capture_output=True, text=True, check=False,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and str(missing) in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "bad.md").exists()
