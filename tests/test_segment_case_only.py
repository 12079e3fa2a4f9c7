"""A pair that differs only in letter case is `unchanged`, not `edited`, and still shows the
change: NSS 2006 repeats 2002's list of tasks with each item opened by a capital."""

from __future__ import annotations

import re

import pytest

from concept_diff.report.passages import render
from concept_diff.report.refs import Refs


def _text(side: dict, ids: list[str]) -> str:
    texts = {p["id"]: p["text"] for p in side["passages"]}
    return " ".join(" ".join(texts[i] for i in ids).split())


@pytest.fixture(scope="module")
def contract(nss_files):
    from concept_diff.comparison import compare

    return compare(nss_files["2002"], nss_files["2006"], model="lexical").to_dict()


@pytest.mark.corpus
def test_case_only_pairs_are_unchanged_and_keep_a_redline(contract):
    old, new = contract["old"], contract["new"]
    case_only = []
    for entry in contract["alignment"]:
        if not (entry["old"] and entry["new"]) or entry["kind"] == "moved":
            continue
        a, b = _text(old, entry["old"]), _text(new, entry["new"])
        if a == b:
            assert entry["kind"] == "unchanged" and not entry["redline"]
        elif a.casefold() == b.casefold():
            case_only.append(entry)
            assert entry["kind"] == "unchanged", (entry["kind"], a)
            changed = [op for op in entry["redline"] if op["op"] != "equal"]
            assert changed and all(op["old"].lower() == op["new"].lower() for op in changed)
        else:
            assert entry["kind"] != "unchanged", (a, b)
    assert len(case_only) >= 3  # "champion aspirations ..." -> "Champion aspirations ..."
    report = "\n".join(render(Refs(contract)))
    marked = re.findall(r"· unchanged \(only letter case differs\)", report)
    assert len(marked) == len(case_only)
