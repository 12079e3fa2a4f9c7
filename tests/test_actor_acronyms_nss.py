"""Acronyms derived from the initials of a country's names (gazetteer.with_acronyms): "DPRK"
is North Korea wherever a text names North Korea another way, even where no text spells
the acronym out; an acronym several countries' names give, or one spelling an English word,
is nobody's. Real NSS 2006 sentences; none of these acronyms is listed by hand."""

from __future__ import annotations

import re

import pytest
from shift_support import load_version

from concept_diff.build import document_from_passages
from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.gazetteer import known_actors, name_acronyms


def _actor(name: str):
    return next(a for a in known_actors() if a.name == name)


def test_acronyms_come_from_the_names_not_a_list():
    assert name_acronyms("Democratic People's Republic of Korea") == {"DPRK"}
    assert name_acronyms("People's Republic of China") == {"PRC"}
    assert name_acronyms("Democratic Republic of the Congo") == {"DRC"}
    assert name_acronyms("United Arab Emirates") == {"UAE"}
    assert name_acronyms("New Zealand") == set()  # two letters: too many readings
    for name, acronym in (("North Korea", "DPRK"), ("China", "PRC"),
                          ("United Arab Emirates", "UAE"),
                          ("Democratic Republic of the Congo", "DRC")):
        assert acronym in _actor(name).derived


def test_an_ambiguous_or_wordlike_acronym_is_nobodys():
    """"Republic of Kenya", "Republic of Korea", ... give no shared acronym to anyone, and
    "Central African Republic" gives no "CAR"."""
    owners = [a.name for a in known_actors() if "CAR" in a.aliases]
    assert owners == []
    # Several countries are "Republic of X" or "Kingdom of X": none gets "RO?" or "KO?".
    assert not [a.name for a in known_actors() if {"ROC", "ROI", "KOS"} & a.derived]


@pytest.fixture(scope="module")
def nss2006(nss_files):
    return load_version(nss_files["2006"], "2006")


def _sentences(doc, pattern: str) -> list[str]:
    return [s.text for p in doc.passages for s in p.sentences if re.search(pattern, s.text)]


@pytest.mark.corpus
def test_dprk_is_north_korea_where_the_text_never_spells_it_out(nss2006):
    """NSS 2006's passages naming "the DPRK", without its one definition "Democratic People's
    Republic of Korea (DPRK)": undefined initials are an ambiguous name (they could stand for
    something else), so "DPRK" counts as North Korea in a passage that names North Korea
    another way ("The North Korean regime ... the DPRK") and in no other."""
    passages = []
    for p in nss2006.passages:
        kept = [s.text for s in p.sentences if "(DPRK)" not in s.text]
        if any(re.search(r"\bDPRK\b", t) for t in kept):
            passages.append(" ".join(kept))
    named = [bool(re.search(r"North Korea", t)) for t in passages]
    assert any(named) and not all(named)
    doc = document_from_passages(passages, title="2006 without the definition", date="2006")
    mentions = find_mentions(doc, "old", Matcher(detect_actors([doc])))
    dprk = [m for m in mentions if "DPRK" in m.aliases]
    assert {m.actor for m in dprk} == {"North Korea"}
    counted = {m.passage for m in dprk}
    for passage, text, korea in zip(doc.passages, passages, named):
        assert (passage.id in counted) == korea, text[:80]


@pytest.mark.corpus
def test_a_derived_acronym_alone_names_nobody(nss2006):
    """The same sentences, those naming North Korea in words left out: "DPRK" alone is no
    evidence that the text means the country the initials spell."""
    kept = [s for s in _sentences(nss2006, r"\bDPRK\b") if "Korea" not in s]
    assert len(kept) >= 4
    doc = document_from_passages(kept, title="DPRK only", date="2006")
    mentions = find_mentions(doc, "old", Matcher(detect_actors([doc])))
    assert not [m for m in mentions if "DPRK" in m.aliases and m.actor == "North Korea"]
