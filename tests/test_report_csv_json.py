"""JSON (the contract itself), CSV tables, format choice, and byte-identical re-runs."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import make_contract

from concept_diff.errors import InputError
from concept_diff.report import parse_formats, write_reports
from concept_diff.report.json import to_json


def test_json_is_the_contract_verbatim() -> None:
    contract = make_contract()
    text = to_json(contract)
    assert json.loads(text) == contract
    assert text.endswith("}\n") and "partner → threat" in text  # UTF-8, not \u escapes
    assert list(json.loads(text))[:3] == ["schema", "tool", "old"]


def test_json_turns_non_finite_numbers_into_null() -> None:
    contract = make_contract()
    contract["terms"][0]["p_value"] = math.nan
    contract["terms"][1]["keyness"] = math.inf
    data = json.loads(to_json(contract))
    assert data["terms"][0]["p_value"] is None and data["terms"][1]["keyness"] is None


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_csv_writes_one_file_per_table(tmp_path: Path) -> None:
    contract = make_contract()
    written = write_reports(contract, tmp_path / "pair.csv")
    assert [p.name for p in written] == ["pair-alignment.csv", "pair-terms.csv",
                                         "pair-actors.csv", "pair-headlines.csv"]
    alignment = _read(written[0])
    assert list(alignment["kind"]) == [e["kind"] for e in contract["alignment"]]
    old_ids = " ".join(alignment["old"].fillna("")).split()
    assert sorted(old_ids) == sorted(p["id"] for p in contract["old"]["passages"])
    merged = alignment[alignment["kind"] == "merged"].iloc[0]
    assert merged["old"] == "p4 p5" and "<script>" in merged["old_text"]
    terms = _read(written[1])
    assert list(terms["term"]) == [t["term"] for t in contract["terms"]]
    assert terms.loc[terms["term"] == "hybrid|warfare", "new_per_10k"].item() == 9.5
    actors = _read(written[2])
    assert actors.loc[0, "new_threat"] == 0.8 and actors.loc[0, "old_partner"] == 0.75
    evidence = json.loads(actors.loc[1, "evidence"])
    assert evidence == contract["actors"][1]["evidence"]
    headlines = _read(written[3])
    assert list(headlines["rank"]) == [1, 2, 3]


def test_csv_lines_end_with_newline_only(tmp_path: Path) -> None:
    for path in write_reports(make_contract(), tmp_path / "x", "csv"):
        assert b"\r\n" not in path.read_bytes()


@pytest.mark.parametrize(("formats", "output", "expected"), [
    (None, "r.md", ["md"]), (None, "r.HTML", ["html"]), (None, "r.json", ["json"]),
    ("json,md", "r", ["md", "json"]), (["html", "csv,md"], "r.md", ["md", "html", "csv"]),
    ("markdown", "r", ["md"]),
])
def test_formats_from_option_or_extension(formats, output, expected) -> None:
    assert parse_formats(formats, Path(output)) == expected


@pytest.mark.parametrize(("formats", "output"), [(None, "report"), (None, "r.txt"),
                                                 ("md,pdf", "r.md"), (",", "r.md")])
def test_bad_formats_are_input_errors(formats, output) -> None:
    with pytest.raises(InputError):
        parse_formats(formats, Path(output))


def test_several_formats_share_one_name_and_charts_sit_beside(tmp_path: Path) -> None:
    written = write_reports(make_contract(), tmp_path / "out" / "nss.md", "md,html,json")
    assert [p.name for p in written] == ["nss.md", "nss-actors.png", "nss-terms.png",
                                         "nss.html", "nss.json"]
    assert "](nss-terms.png)" in written[0].read_text(encoding="utf-8")


def test_a_folder_output_is_named_after_the_versions(tmp_path: Path) -> None:
    written = write_reports(make_contract(), tmp_path, "json")
    assert [p.name for p in written] == ["2010-vs-2015.json"]


def test_every_format_is_byte_identical_across_runs(tmp_path: Path) -> None:
    formats = "md,html,json,csv"
    first = write_reports(make_contract(), tmp_path / "a" / "r", formats)
    second = write_reports(make_contract(), tmp_path / "b" / "r", formats)
    assert [p.name for p in first] == [p.name for p in second] and len(first) == 9
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_csv_parses_back_with_the_hostile_text(tmp_path: Path) -> None:
    path = write_reports(make_contract(), tmp_path / "h", "csv")[0]
    frame = pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")))
    assert frame.shape == (len(make_contract()["alignment"]), 15)  # report/tables.py columns


FORMULAS = ("=HYPERLINK(\"http://evil.test\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)",
            "\tstarts with a tab")


def test_csv_guards_formula_cells_and_json_keeps_the_text(tmp_path: Path) -> None:
    contract = make_contract()
    for entry, formula in zip(contract["alignment"], FORMULAS):
        side = "new" if entry["new"] else "old"
        passage = next(p for p in contract[side]["passages"] if p["id"] == entry[side][0])
        passage["text"] = formula
    contract["terms"][0]["term"] = "=cmd|' /C calc'!A0"
    contract["terms"][0]["keyness"] = -12.5
    written = write_reports(contract, tmp_path / "g", "json,csv")
    data = json.loads(written[0].read_text(encoding="utf-8"))
    assert data["terms"][0]["term"] == "=cmd|' /C calc'!A0"  # the contract is not altered
    cells = [c for path in written[1:] for c in _read(path).to_numpy().ravel()
             if isinstance(c, str)]
    risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not risky
    assert "'=cmd|' /C calc'!A0" in cells
    for formula in FORMULAS:
        assert any(c.startswith("'" + formula) or ("'" + formula) in c for c in cells), formula
    terms = _read(written[2])
    assert terms["keyness"].iloc[0] == -12.5  # a negative number is a number, not a formula


def test_guard_round_trips() -> None:
    from concept_diff.report.tables import guard_cell, unguard_cell

    for text in (*FORMULAS, "plain", "'quoted already", "", "-"):
        assert unguard_cell(guard_cell(text)) == text
    assert guard_cell(-1.5) == -1.5 and guard_cell("It's fine") == "It's fine"
