"""Shift analysis on the fictional Meridian examples, whose story examples/README.md tells."""

from __future__ import annotations

from pathlib import Path

import pytest
from shift_support import real_embedder

from concept_diff.loaders import load_document
from concept_diff.shifts import analyse
from concept_diff.shifts.framing import MIN_SENTENCES as FRAMING_MIN_SENTENCES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def docs():
    return (
        load_document(EXAMPLES / "2030-meridian-strategic-concept.md"),
        load_document(EXAMPLES / "2040-meridian-strategic-concept.md"),
    )


@pytest.fixture(scope="module")
def shifts(docs):
    return analyse(*docs, embedder=real_embedder())


def kinds_of(shifts, subject: str) -> set[str]:
    return {h["kind"] for h in shifts.headlines if h["subject"] == subject}


def test_varkesh_turns_from_partner_to_threat(shifts):
    varkesh = shifts.actor("Varkesh")
    # "the Republic of Varkesh" and the adjective "Varkeshi" are the same actor.
    assert {"Varkesh", "Republic of Varkesh", "Varkeshi"} <= set(varkesh["aliases"])
    assert varkesh["old_dominant"] == "partner" and varkesh["new_dominant"] == "threat"
    # A framing headline needs FRAMING_MIN_SENTENCES naming the actor in each version.
    for item in [h for h in shifts.headlines if h["kind"] == "framing_shift"]:
        actor = shifts.actor(item["subject"])
        assert min(actor["old_mentions"], actor["new_mentions"]) >= FRAMING_MIN_SENTENCES
    if min(varkesh["old_mentions"], varkesh["new_mentions"]) < FRAMING_MIN_SENTENCES:
        assert "framing_shift" not in kinds_of(shifts, "Varkesh")
    assert "varkeshi" not in {h["subject"].lower() for h in shifts.headlines}


def test_halvani_federation_appears(shifts, docs):
    halvani = shifts.actor("Halvani Federation")
    assert halvani["old_mentions"] == 0 and halvani["new_mentions"] >= 2
    (headline,) = [
        h for h in shifts.headlines
        if h["kind"] == "actor_appears" and h["subject"] == "Halvani Federation"
    ]
    assert headline["rank"] <= 3
    new = docs[1]
    for item in headline["evidence"]:
        assert item["quote"] in new.passage(item["passage"]).text


def test_climate_rises(shifts):
    climate = [
        h for h in shifts.headlines
        if h["kind"] in ("term_new", "term_up") and "climate" in h["subject"].lower()
    ]
    assert climate
    assert all(e["version"] == "new" for h in climate for e in h["evidence"])


def test_the_alliance_is_the_author_and_its_members_are_no_actors(shifts):
    names = {a["actor"] for a in shifts.actors}
    assert {"Allies", "Ally", "Allied", "Partners", "Members"}.isdisjoint(names)
    (author,) = [a for a in shifts.actors if a["self"]]
    assert "Alliance" in author["actor"] and "Alliance" in author["aliases"]
    assert all(h["subject"] != author["actor"] for h in shifts.headlines)


def test_generic_words_do_not_make_headlines(shifts):
    subjects = {h["subject"].lower() for h in shifts.headlines}
    assert {"gulf", "affect", "based", "invite", "activities", "allied"}.isdisjoint(subjects)
