"""Heading-like list items (align/headings.py): an overview's list of chapter titles is no
evidence of the same content or topic. An audit of the NSS 2002→2006 report found pointers
from paragraphs to such items: 2002 p146 (free trade that provides new avenues for growth)
"closest in topic" to 2006 p28 ("Ignite a new era of global economic growth through free
markets and free trade;"), and with the neural model 2006 p309 ("Five principles undergird our
strategy ...") "the same content as" 2002 p33 ("develop agendas for cooperative action with
other main centers of global power; and", P(same) 0.97)."""

from __future__ import annotations

import pytest
from report_fixtures import nss_contract

import concept_diff
from concept_diff.align.headings import heading_like


def _texts(path) -> tuple[list[str], frozenset[int]]:
    doc = concept_diff.load(path)
    return [p.text for p in doc.passages], heading_like(doc)


@pytest.mark.corpus
def test_the_overview_lists_of_chapters_are_heading_like_and_nothing_else(nss_files) -> None:
    """2002 and 2006 list their chapters in the overview (8 and 9 items: each one line ending
    in ';', ', and', or '.'), 2010 and 2015 do not; no paragraph is taken for one."""
    found = {}
    for year in ("2002", "2006", "2010", "2015"):
        texts, like = _texts(nss_files[year])
        found[year] = [texts[i] for i in sorted(like)]
        assert all(len(t.split()) <= 20 for t in found[year]), found[year]
    assert len(found["2002"]) == 8 and len(found["2006"]) == 9
    assert found["2010"] == [] and found["2015"] == []
    assert any(t.startswith("develop agendas for cooperative action") for t in found["2002"])
    assert "Ignite a new era of global economic growth through free markets and free trade;" in (
        found["2006"])


@pytest.mark.corpus
def test_no_pointer_targets_a_heading_like_item_and_a_genuine_one_remains(nss_files) -> None:
    contract = nss_contract(nss_files["2002"], nss_files["2006"])
    like = {side: {f"p{i + 1}" for i in _texts(nss_files[year])[1]}
            for side, year in (("old", "2002"), ("new", "2006"))}
    pointers = {(("old", e["old"][0]) if e["old"] else ("new", e["new"][0])):
                (("new" if e["old"] else "old"), e["related"]["id"])
                for e in contract["alignment"] if e.get("related")}
    assert len(pointers) > 100
    assert all(target not in like[side] for side, target in pointers.values())
    assert all(source not in like[side] for side, source in pointers)
    assert pointers[("old", "p146")] != ("new", "p28")  # the audited pointer (p146 removed)
    # a genuine one: 2002 p6 (hold to account nations that harbor terrorists) points to 2006
    # p126 ("Deny terrorist groups the support and sanctuary of rogue states ... those who
    # support and harbor them")
    assert pointers[("old", "p6")] == ("new", "p126")
    # no heading-like item joined another passage's entry (merges)
    for entry in contract["alignment"]:
        if entry.get("old") and entry.get("new") and entry["kind"] in ("merged", "split"):
            assert not set(entry["old"]) & like["old"] and not set(entry["new"]) & like["new"]
