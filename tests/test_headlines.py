"""Headlines on a fictional pair whose framing the test controls (a corpus never seen before)."""

from __future__ import annotations

import json

import pytest
from shift_support import real_embedder

from concept_diff.build import Block, build_document
from concept_diff.shifts import analyse

OLD = {
    "Partners": [
        "Valdoria is our closest partner, and together we keep the northern sea lanes open.",
        "We will deepen our cooperation with Valdoria on trade, energy and research.",
        "Valdoria joined our coalition and shares our commitment to open markets.",
        "Our alliance with Valdoria has never been stronger, and we welcome its support.",
        "Our officers train beside Valdoria at the joint centre, a partnership we value.",
    ],
    "Regional outlook": [
        "Ostravia faces a humanitarian crisis as floods displace thousands of families.",
        "We are concerned about instability in Ostravia and the risk of violence spreading.",
        "Norland has a population of four million and a long coastline.",
        "Harbour modernisation will continue across the northern ports.",
        "Harbour modernisation depends on stable funding.",
        "Harbour modernisation also brings work to the coastal towns.",
        "Grain exports rose. Grain exports fell.",
    ],
}
NEW = {
    "Threats": [
        "Valdoria's forces attacked our patrol boats and seized two islands in the strait.",
        "We will deter Valdoria's aggression and impose sanctions until its troops withdraw.",
        "Valdoria is now a hostile power that threatens our allies with missiles.",
        "We will defeat any attempt by Valdoria to blockade the northern sea lanes.",
        "Warships sent by Valdoria threaten our shipping and menace the coastal towns.",
        "Drone incursions from the north are increasing. Drone incursions damaged a radar site.",
        "Drone incursions are now a weekly event. Drone incursions also hit a ferry.",
    ],
    "New partnerships": [
        "The Kestrel Union has become a trusted partner in protecting shipping.",
        "We will work together with the Kestrel Union on joint naval exercises.",
        "The Kestrel Union and our country signed an agreement to share intelligence.",
    ],
    "Regional outlook": [
        "Ostravia faces a humanitarian crisis as drought displaces thousands of families.",
        "We are concerned about instability in Ostravia and the risk of violence spreading.",
        "Norland has a population of four million and a long coastline.",
    ],
}


def fictional(sections: dict[str, list[str]], date: str):
    blocks = []
    for heading, passages in sections.items():
        blocks.append(Block("heading", heading))
        blocks.extend(Block("passage", text) for text in passages)
    return build_document(
        blocks, title=f"Fictional strategy {date}", date=date, source="<test>", sha256="0", fmt="md"
    )


@pytest.fixture(scope="module")
def shifts():
    return analyse(fictional(OLD, "2030"), fictional(NEW, "2040"), embedder=real_embedder())


def by_kind(shifts, kind: str) -> dict[str, dict]:
    return {h["subject"]: h for h in shifts.headlines if h["kind"] == kind}


@pytest.mark.model
def test_controlled_framing_shift_is_found(shifts):
    valdoria = shifts.actor("Valdoria")
    # Five sentences a side: a framing headline needs five (framing.MIN_SENTENCES).
    assert (valdoria["old_mentions"], valdoria["new_mentions"]) == (5, 5)
    assert valdoria["old_dominant"] == "partner" and valdoria["new_dominant"] == "threat"
    assert valdoria["shift"] > 0.7
    headline = by_kind(shifts, "framing_shift")["Valdoria"]
    assert "threat/adversary" in headline["summary"] and "partner/cooperation" in headline["summary"]
    versions = [e["version"] for e in headline["evidence"]]
    assert versions == ["old", "new"]
    ostravia = shifts.actor("Ostravia")
    assert ostravia["old_dominant"] == ostravia["new_dominant"] == "concern"
    assert "Ostravia" not in by_kind(shifts, "framing_shift")


@pytest.mark.model
def test_first_appearance_terms_and_sections(shifts):
    appears = by_kind(shifts, "actor_appears")
    assert "Kestrel Union" in appears
    assert shifts.actor("Kestrel Union")["new_dominant"] == "partner"
    assert "drone incursions" in {h["subject"].lower() for h in shifts.headlines}
    assert "harbour modernisation" in by_kind(shifts, "term_gone")
    # Twice in one passage is too little evidence for a headline of its own.
    assert "grain exports" not in {h["subject"].lower() for h in shifts.headlines}
    assert set(by_kind(shifts, "section_appears")) == {"Threats", "New partnerships"}
    assert set(by_kind(shifts, "section_vanishes")) == {"Partners"}
    top = shifts.headlines[0]
    assert top["kind"] in {"framing_shift", "actor_appears"}


@pytest.mark.model
def test_every_quote_is_exact_text_of_its_passage(shifts):
    old, new = fictional(OLD, "2030"), fictional(NEW, "2040")
    docs = {"old": old, "new": new}
    items = [e for h in shifts.headlines for e in h["evidence"]]
    items += [e for a in shifts.actors for e in a["evidence"]]
    assert items
    for item in items:
        assert item["quote"] in docs[item["version"]].passage(item["passage"]).text
    mentions = shifts.mentions("Valdoria")
    assert len(mentions) == 10
    for row in mentions.itertuples():
        assert row.quote in docs[row.version].passage(row.passage).text


@pytest.mark.model
def test_ranking_is_ordered_and_output_deterministic(shifts):
    ranks = [h["rank"] for h in shifts.headlines]
    assert ranks == list(range(1, len(ranks) + 1))
    scores = [h["score"] for h in shifts.headlines]
    assert scores == sorted(scores, reverse=True)
    again = analyse(fictional(OLD, "2030"), fictional(NEW, "2040"), embedder=real_embedder())
    first = json.dumps(shifts.to_dict(), sort_keys=True)
    assert json.dumps(again.to_dict(), sort_keys=True) == first
    data = json.loads(first)
    assert set(data) == {"terms", "actors", "headlines", "framing", "themes"}
    assert {"term", "old_count", "new_count", "keyness", "status"} <= set(data["terms"][0])
