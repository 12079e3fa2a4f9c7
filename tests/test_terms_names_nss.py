"""Names in the term table, on the real NSS texts: a word inside a multi-word name is no
occurrence of that word ("states" of "United States"), and a term that names an actor is
counted in the actors table, not the term table ("DPRK" is never "gone" while North Korea is
named). Expected figures are counted here with plain regular expressions over the sentences."""

from __future__ import annotations

import re

import pytest
from shift_support import load_version

from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.changes import Pair, fold_terms
from concept_diff.shifts.compound import Names, compound
from concept_diff.shifts.terms import term_table
from concept_diff.shifts.text import iter_sentences, words_in

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_version(nss_files[year], year) for year in ("2002", "2006", "2010")}


def _names(*docs) -> Names:
    return Names(Matcher(detect_actors(list(docs))))


def _count(doc, pattern: str) -> int:
    return sum(len(re.findall(pattern, s.text)) for s in iter_sentences(doc))


def _row(table, lemma: str):
    rows = table[table.lemma == lemma]
    assert len(rows) == 1, f"no single row for {lemma!r}"
    return rows.iloc[0]


def test_compound_joins_a_name_and_leaves_other_words():
    words = ["the", "united", "states", "and", "other", "states"]
    assert compound(words, [("united", "states")], " ".join) == [
        "the", "united states", "and", "other", "states"]
    assert compound(words, [], " ".join) == words


def test_states_is_not_counted_inside_united_states(nss):
    old, new = nss["2006"], nss["2010"]
    table = term_table(old, new, names=_names(old, new))
    for doc, column in ((old, "old_count"), (new, "new_count")):
        every = _count(doc, r"(?<![\w-])[Ss]tates?(?![\w-])")  # not "non-state"
        inside = _count(doc, r"\bUnited\s+States\b") + _count(doc, r"\bAmerican\s+States\b")
        assert inside > 50  # the bug was real: most "states" of these texts are the country's
        assert _row(table, "state")[column] == every - inside
    # A genuine use of the word keeps counting: "rogue states" is 7 in 2006, none in 2010.
    rogue = _row(table, "rogue state")
    assert (rogue.old_count, rogue.new_count) == (_count(old, r"\brogue\s+states?\b"), 0)
    assert rogue.status == "gone"


def test_the_headline_counts_follow_the_table(nss):
    """The spelling-folded counts (changes.Pair) that the headlines and the folded table
    read: "state" without "United States", the name itself still found whole."""
    old, new = nss["2006"], nss["2010"]
    names = _names(old, new)
    pair = Pair(old, new, (words_in(old), words_in(new)), names)
    plain = Pair(old, new, (words_in(old), words_in(new)))
    # Spellings reads the parts of a hyphenated word too ("non-state"), the table does not.
    every = _count(old, r"\b[Ss]tates?\b")
    inside = _count(old, r"\bUnited\s+States\b") + _count(old, r"\bAmerican\s+States\b")
    assert pair.lower[0].count("state").count == every - inside
    assert plain.lower[0].count("state").count > pair.lower[0].count("state").count
    whole = _count(old, r"\bUnited\s+States\b")
    assert pair.cased[0].count("United States").count == whole
    # Running words are unchanged: a compound name still counts each of its words.
    assert pair.words == plain.words


def test_an_actors_acronym_is_no_gone_term_while_the_actor_is_named(nss):
    """NSS 2006 writes "DPRK" (10 times), 2010 writes "North Korea": no term row may call
    any actor's name new or gone while the other version names that actor."""
    for a, b in (("2002", "2006"), ("2006", "2010")):
        old, new = nss[a], nss[b]
        actors = detect_actors([old, new])
        matcher = Matcher(actors)
        table = term_table(old, new, names=Names(matcher))
        named = {v: {m.actor for m in find_mentions(doc, v, matcher)}
                 for v, doc in (("old", old), ("new", new))}
        assert "dprk" not in set(table.lemma)
        for row in table[table.status.isin(["new", "gone"])].itertuples():
            other = "new" if row.status == "gone" else "old"
            hits = {h[0] for h in matcher.find(row.term) if h[0]}
            assert not hits & named[other], (a, b, row.term, hits)
    # North Korea is named in 2010 under its English name, and DPRK only in 2006.
    assert _count(nss["2010"], r"\bNorth Korea\b") >= 1 and _count(nss["2006"], r"\bDPRK\b") >= 8


def test_a_common_word_that_is_also_a_name_keeps_its_row(nss):
    """"Community" names the Intelligence Community now and then, but "community" is mostly
    the word ("the international community"): its row stays, every use counted but those
    inside a name of several words ("Intelligence Community", "Community of Democracies")."""
    old, new = nss["2006"], nss["2010"]
    community = _row(term_table(old, new, names=_names(old, new)), "community")
    for doc, column in ((old, "old_count"), (new, "new_count")):
        every = _count(doc, r"(?<![\w-])[Cc]ommunit(?:y|ies)(?![\w-])")
        inside = _count(doc, r"Intelligence Community|Community of Democracies")
        assert every > 2 * inside > 0
        assert community[column] == every - inside


def test_an_acronym_defined_in_place_counts_once_and_not_inside_a_defined_name(nss):
    """NSS 2006's "free trade agreements (FTAs)" writes the term once, not twice, and "Free
    Trade Agreement" inside "Central America Free Trade Agreement — Dominican Republic
    (CAFTA-DR)", a name the text defines, is the agreement's name, not the term (an audit
    found the FTA row at 16, counting both)."""
    from concept_diff.shifts.compound import titled_long_forms
    from concept_diff.shifts.headlines import pair_of

    old, new = nss["2006"], nss["2010"]
    names = Names(Matcher(detect_actors([old, new])), titled_long_forms([old, new]))
    folded = fold_terms(term_table(old, new, names=names), pair_of(old, new, names))
    row = _row(folded, "fta")
    defined = _count(old, r"free trade agreements? \(FTAs?\)")
    assert defined == 1
    expected = (_count(old, r"\bFTAs?\b") + _count(old, r"\bfree trade agreements?\b")
                + _count(old, r"(?<!Central America )Free Trade Agreements?\b") - defined)
    assert _count(old, r"Central America Free Trade Agreement") == 1
    assert row.old_count == expected
