"""A phrase ending in an acronym ("HIV/AIDS") is not said to fall where the later text writes
the acronym alone ("AIDS") instead, on the real NSS 2002 → 2006 texts. Expected figures are
counted here with plain regular expressions over the sentences."""

from __future__ import annotations

import re

import pytest
from shift_support import load_version

from concept_diff.shifts.actors import Matcher, detect_actors
from concept_diff.shifts.changes import Pair, _acronym_alone, _family_change, term_changes
from concept_diff.shifts.compound import Names
from concept_diff.shifts.terms import term_table
from concept_diff.shifts.text import iter_sentences, words_in

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def pair_2002_2006(nss_files):
    old, new = (load_version(nss_files[y], y) for y in ("2002", "2006"))
    names = Names(Matcher(detect_actors([old, new])))
    table = term_table(old, new, names=names)
    pair = Pair(old, new, (words_in(old), words_in(new)), names)
    return table, pair


def _count(doc, pattern: str) -> int:
    return sum(len(re.findall(pattern, s.text)) for s in iter_sentences(doc))


def test_hiv_aids_is_no_fall_where_aids_is_written_alone(pair_2002_2006):
    table, pair = pair_2002_2006
    old, new = pair.docs
    phrase = r"\bH\s?I\s?V\s*/\s*AIDS\b"  # "HIV/AIDS", and "HI V/AIDS" as 2006's OCR has it
    every = r"\bAIDS\b"
    assert (_count(old, phrase), _count(new, phrase)) == (7, 2)
    alone = (_count(old, every) - 7, _count(new, every) - 2)
    assert alone[0] == 0 and alone[1] >= 3  # "Against AIDS", "AIDS Relief", "AIDS orphans"
    row = table[table.lemma == "hiv aid"].iloc[0]
    change = _family_change([row], pair)
    # Without the acronym's uses alone, 7 → 2 would score as a fall; with them it is 7 → 6
    # in a text half as long again, which is no significant change: no headline.
    assert change is None
    assert "hiv aids" not in {c.subject for c in term_changes(table, pair, {})}


def test_a_phrase_ending_in_a_small_letter_word_keeps_its_count(pair_2002_2006):
    """"foreign assistance" is a phrase, not an acronym's: "assistance" alone is another
    thing, and the phrase's own rise stands as it was."""
    table, pair = pair_2002_2006
    row = table[table.lemma == "foreign assistance"].iloc[0]
    change = _family_change([row], pair)
    assert change is not None and change.counts.old < change.counts.new
    score = change.score
    assert _acronym_alone(change, "foreign assistance", pair, 1.0)
    assert change.score == score and not change.compounds
