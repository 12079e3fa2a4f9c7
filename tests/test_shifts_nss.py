"""Shift analysis on the real US National Security Strategies (no NSS-specific code or lists)."""

from __future__ import annotations

import pytest
from shift_support import analysed_pairs, load_version

from concept_diff.shifts.headlines import MAX_HEADLINES

pytestmark = [pytest.mark.corpus, pytest.mark.model]


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_version(path, year) for year, path in nss_files.items()}


@pytest.fixture(scope="module")
def pairs(nss_files):
    return analysed_pairs(nss_files, (("2002", "2006"), ("2006", "2010"), ("2010", "2015")))


def headline(shifts, kind: str, subject: str) -> dict:
    found = [h for h in shifts.headlines if h["kind"] == kind and h["subject"] == subject]
    assert found, f"no {kind} headline for {subject!r}"
    return found[0]


def check_quotes(shifts, old, new) -> None:
    docs = {"old": old, "new": new}
    for item in [e for h in shifts.headlines for e in h["evidence"]]:
        assert item["quote"] in docs[item["version"]].passage(item["passage"]).text


def test_2015_isil_appears_and_russia_turns_to_threat(pairs, nss):
    shifts = pairs[("2010", "2015")]
    isil = headline(shifts, "actor_appears", "ISIL")
    assert isil["rank"] <= 5
    assert any("ISIL" in e["quote"] and e["version"] == "new" for e in isil["evidence"])
    russia = shifts.actor("Russia")
    assert russia["new_framing"]["threat"] > russia["old_framing"]["threat"] + 0.3
    assert russia["new_dominant"] == "threat"
    shift = headline(shifts, "framing_shift", "Russia")
    assert shift["rank"] <= 5 and "threat/adversary" in shift["summary"]
    new_quotes = [e["quote"] for e in shift["evidence"] if e["version"] == "new"]
    assert new_quotes and any(a in new_quotes[0] for a in ("Russia", "Russian", "Moscow"))
    assert "aggression" in " ".join(shifts.mentions("Russia").query("version == 'new'").quote)
    check_quotes(shifts, nss["2010"], nss["2015"])


def test_2010_freedom_falls_violent_extremism_and_climate_change_appear(pairs, nss):
    shifts = pairs[("2006", "2010")]
    top = shifts.headlines[:15]
    freedom = headline(shifts, "term_down", "freedom")
    # 86 in passages: the 87th is the heading "3. How We Will Advance Freedom: ...", no text
    assert freedom["rank"] <= 15 and "falls from 86 to 11" in freedom["summary"]
    extremism = [h for h in top if h["kind"] == "term_new" and "violent extrem" in h["subject"]]
    assert extremism and "2006 never uses the phrase" in extremism[0]["summary"]
    climate = headline(shifts, "term_new", "climate change")
    assert climate["rank"] <= 15
    assert "climate change" in climate["evidence"][0]["quote"].lower()
    assert len(shifts.headlines) <= MAX_HEADLINES
    # Preemption goes with every form of the word; too few mentions to rank, but a fact.
    row = shifts.terms[shifts.terms.lemma == "preemption"].iloc[0]
    assert row.status == "gone" and row.new_family == 0 and row.old_family >= 3
    check_quotes(shifts, nss["2006"], nss["2010"])


def test_2015_aggression_and_sanctions_rise_isil_appears_in_the_top_15(pairs):
    top = pairs[("2010", "2015")].headlines[:15]
    subjects = {(h["kind"], h["subject"]) for h in top}
    assert {("term_up", "aggression"), ("term_up", "sanctions"), ("actor_appears", "ISIL")} <= (
        subjects)
    aggression = next(h for h in top if h["subject"] == "aggression")
    assert "from 3 to 18" in aggression["summary"]


def test_2006_iraq_jumps(pairs, nss):
    shifts = pairs[("2002", "2006")]
    iraq = shifts.actor("Iraq")
    assert iraq["old_mentions"] <= 2 and iraq["new_mentions"] >= 30
    rise = headline(shifts, "actor_rise", "Iraq")
    assert rise["rank"] <= 5
    mentions = shifts.mentions("Iraq")
    assert (mentions.version == "new").sum() == iraq["new_mentions"]
    check_quotes(shifts, nss["2002"], nss["2006"])


def test_the_author_is_recognised_and_gets_no_actor_headlines(pairs):
    for shifts in pairs.values():
        us = shifts.actor("United States")
        assert us["self"] is True
        assert all(h["subject"] != "United States" for h in shifts.headlines)
        assert sum(a["self"] for a in shifts.actors) == 1
        assert us["old_framing"] == {} and us["shift"] is None
        assert len(shifts.mentions("United States")) == us["old_mentions"] + us["new_mentions"]


def test_ocr_run_together_tokens_and_adjectives_are_not_findings(pairs):
    for shifts in pairs.values():
        assert {"ofthe", "ofour", "inthe"}.isdisjoint(shifts.terms.term)
        names = {a["actor"] for a in shifts.actors}
        assert {"Muslim", "Muslims", "Arab", "Islam", "Ebola"}.isdisjoint(names)
        kinds = {a["actor"]: a["kind"] for a in shifts.actors}
        assert kinds.get("Africa", "region") == "region"
