"""The researcher's mention file: compare --mentions writes it, --framing-labels reads it back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concept_diff.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OLD = EXAMPLES / "2030-meridian-strategic-concept.md"
NEW = EXAMPLES / "2040-meridian-strategic-concept.md"
KEYS = ["partner", "competitor", "threat", "concern", "neutral"]


def _compare(tmp_path: Path, *extra: str) -> tuple:
    report = tmp_path / "report.md"
    result = CliRunner().invoke(app, ["compare", str(OLD), str(NEW), "--model", "lexical", "-q",
                                      "--cache-dir", str(tmp_path / "cache"), "-o", str(report),
                                      "--format", "md,json", *extra])
    return result, report


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mentions")
    result, report = _compare(tmp, "--mentions", str(tmp / "mentions.csv"))
    assert result.exit_code == 0, result.output
    return tmp, report, _rows(tmp / "mentions.csv")


def test_every_scored_mention_is_written_with_role_and_probabilities(first_run):
    _, _, rows = first_run
    assert rows
    assert list(rows[0])[:8] == ["document", "passage", "sentence", "actor", "alias", "role",
                                 "label", "source"]
    documents = {r["document"] for r in rows}
    assert documents == {"2030", "2040"}
    for row in rows:
        probs = [float(row[f"p_{k}"]) for k in KEYS]
        assert sum(probs) == pytest.approx(1.0, abs=1e-3)
        assert row["label"] == KEYS[probs.index(max(probs))]
        assert row["role"] in {"with", "against", "agent", "victim", "place", "other"}
        assert row["source"] == "model"
        assert any(alias in row["quote"] for alias in row["alias"].split("|"))
    varkesh = [r for r in rows if r["actor"] == "Varkesh"]
    assert len(varkesh) >= 5
    # the author of the document is not framed, so not listed
    assert "Meridian Alliance" not in {r["actor"] for r in rows}


def test_corrected_labels_replace_predictions_and_the_report_counts_them(first_run):
    tmp, _, rows = first_run
    corrected = tmp / "corrected.csv"
    target = [r for r in rows if r["actor"] == "Varkesh" and r["document"] == "2040"]
    changed = sum(r["label"] != "neutral" for r in target)
    for r in target:
        r["label"] = "neutral"
    with corrected.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result, report = _compare(tmp, "--framing-labels", str(corrected),
                              "--mentions", str(tmp / "again.csv"))
    assert result.exit_code == 0, result.output
    again = _rows(tmp / "again.csv")
    sources = [r["source"] for r in again]
    assert sources.count("file") == len(rows)
    assert [r["label"] for r in again] == [r["label"] for r in rows]
    text = report.read_text(encoding="utf-8")
    assert (f"The labels of {len(rows)} mentions were taken from `corrected.csv` "
            f"({changed} of them differ from the model's") in text
    import json

    contract = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    varkesh = next(a for a in contract["actors"] if a["actor"] == "Varkesh")
    assert varkesh["new_dominant"] == "neutral"


def test_the_method_section_states_the_measured_accuracy_and_kappa(first_run):
    from concept_diff.shifts.framing_model import load_model

    _, report, _ = first_run
    text = report.read_text(encoding="utf-8")
    evaluation = load_model()["evaluation"]
    # the parse variant runs with --model lexical; the report cites the shipped figures
    assert f"Cohen's kappa {evaluation['kappa']:.2f}" in text
    assert f"accuracy {100 * evaluation['held_out']['parse']['accuracy']:.0f}%" in text
    assert "parse-only variant" in text
    assert "at least 5 sentences naming the actor in each version" in text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("document,passage,sentence,actor,label\n2030,p1,0,X,partner\n", "lacks column(s) quote"),
        ("document,passage,sentence,actor,label,quote\n2030,p1,0,X,friendly,q\n",
         "line 2: label 'friendly' is not one of"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_a_bad_labels_file_gives_one_line_and_writes_nothing(tmp_path, content, problem):
    bad = tmp_path / "labels.csv"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    result, report = _compare(tmp_path, "--framing-labels", str(bad))
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and problem in lines[0] and "labels.csv" in lines[0]
    assert not report.exists()


def test_a_missing_labels_file_is_named(tmp_path):
    result, _ = _compare(tmp_path, "--framing-labels", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    assert "framing labels file not found" in result.output and "nope.csv" in result.output
