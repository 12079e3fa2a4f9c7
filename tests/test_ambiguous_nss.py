"""Ambiguous country names on the real NSS texts (ambiguous.py).

Every occurrence of a country name that is also a first name, a common word or a US state in
the four NSS texts was read by hand: 9, all the country (Jordan 7: 2002 p158; 2006 p38, p99,
p121, p227; 2010 p242; 2015 p124. Georgia 2: 2006 p39, 2015 p121). Before, none of them
counted (no passage names Jordan or Georgia another way), so both countries were missing
from NSS 2006→2015. Capitals keep the older rule: "Doha" is a round of talks, "London" the
city of the bombings."""

from __future__ import annotations

from collections import Counter

import pytest
from shift_support import load_version

from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.gazetteer import another_place
from concept_diff.shifts.text import iter_sentences

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def found(nss_files):
    docs = {year: load_version(path, year) for year, path in nss_files.items()}
    matcher = Matcher(detect_actors(list(docs.values())))
    hits, mentions = [], set()
    for year, doc in docs.items():
        mentions |= {(year, m.passage, m.sentence, m.actor)
                     for m in find_mentions(doc, year, matcher)}
        for sentence in iter_sentences(doc):
            for actor, ambiguous, _, _, alias in matcher.find(sentence.text):
                if ambiguous:
                    hits.append((year, sentence.passage, sentence.index, actor, alias))
    capitals = matcher.capitals
    names = [h for h in hits if h[4] not in capitals]
    return names, [h for h in hits if h[4] in capitals], mentions


def test_every_ambiguous_country_name_that_is_the_country_counts(found):
    names, _, mentions = found
    assert Counter(h[4] for h in names) == {"Jordan": 7, "Georgia": 2}
    missed = [h for h in names if (h[0], h[1], h[2], h[3]) not in mentions]
    assert not missed
    assert {(h[0], h[1]) for h in names if h[4] == "Georgia"} == {("2006", "p39"), ("2015", "p121")}


def test_capitals_still_need_their_country_in_the_passage(found):
    """"Doha" (the trade round) and "London" (the 2005 bombings) name no government."""
    _, capitals, mentions = found
    said = {(h[4], (h[0], h[1], h[2], h[3]) in mentions) for h in capitals}
    assert ("Doha", False) in said and ("London", False) in said
    assert ("Doha", True) not in said and ("London", True) not in said


def test_a_name_that_is_also_another_place_is_not_settled_by_a_place_label():
    """"Georgia" is a US state as well (pycountry's subdivisions), "Congo" a second country:
    a place label cannot tell them apart, so only a list or the passage counts them."""
    assert another_place("Georgia", "Georgia") is True
    assert another_place("Congo", "Democratic Republic of the Congo") is True
    assert another_place("Jordan", "Jordan") is False and another_place("Chad", "Chad") is False
