"""Term counting and keyness on small documents built here, and on the real NSS texts."""

from __future__ import annotations

import math

import pytest
from shift_support import load_version

from concept_diff.build import document_from_passages
from concept_diff.shifts.terms import count_terms, g2, p_value, term_table, top_terms
from concept_diff.shifts.text import lemma, stem, tokens


def doc(*passages: str, date: str = "v1"):
    return document_from_passages(list(passages), title=date, date=date)


def test_lemma_handles_plurals_and_possessives():
    assert lemma("Policies") == "policy"
    assert lemma("threats") == "threat"
    assert lemma("Russia's") == "russia"
    assert lemma("crisis") == "crisis"
    assert lemma("Iraqis") == "iraqi"
    assert lemma("news") == "news"
    assert lemma("coalitions") == "coalition"


def test_word_family_joins_forms_of_one_word():
    assert stem("preemption") == stem("preemptive") == stem("preemptively") == stem("preempt")
    assert stem("cooperation") != stem("competition")


def test_tokens_fold_ligatures_and_keep_abbreviations():
    assert tokens("The ﬁnancial U.S. al-Qa’ida") == ["the", "financial", "u.s.", "al-qa'ida"]


def test_ngrams_do_not_cross_sentences_or_start_with_stop_words():
    counts, _, words = count_terms(doc("Rule of law matters. Law firms grow."))
    assert counts["rule of law"] == 1
    assert counts["law"] == 2
    assert counts["matters law"] == 0  # would cross the sentence boundary
    assert counts["of law"] == 0  # stop word at an edge
    assert words == 7


def test_g2_matches_a_hand_computed_value():
    # 10 of 1000 words in new, 2 of 1000 in old: expected 6 each.
    expected = 2 * (10 * math.log(10 / 6) + 2 * math.log(2 / 6))
    import numpy as np

    assert g2(np.array([10.0]), np.array([2.0]), 1000, 1000)[0] == pytest.approx(expected)
    assert p_value(3.841459) == pytest.approx(0.05, abs=1e-4)
    assert p_value(6.634897) == pytest.approx(0.01, abs=1e-4)


def _row(frame, term):
    rows = frame[frame.term == term]
    assert len(rows) == 1, f"{term!r} not in the table"
    return rows.iloc[0]


def test_statuses_new_gone_up_down_same():
    filler = "Plain words fill this sentence about nothing much."
    old = doc(*(["Dragons guard the gates. Unicorns roam.", filler] * 15), date="old")
    new = doc(*(["Unicorns roam. Griffins nest here.", filler] * 15), "Dragons guard the gates.")
    frame = term_table(old, new)
    griffins = _row(frame, "griffins nest")
    assert (griffins.status, griffins.old_count, griffins.new_count) == ("new", 0, 15)
    gates = _row(frame, "guard the gates")
    assert gates.status == "down" and gates.keyness < 0 and gates.p_value < 0.01
    assert _row(frame, "unicorns roam").status == "same"
    assert frame.keyness.abs().is_monotonic_decreasing
    # Words that only ever occur inside one longer kept term give way to it.
    assert {"griffins", "gates", "unicorns", "plain words"}.isdisjoint(frame.term)
    changed = top_terms(frame)
    assert set(changed.status) <= {"new", "gone", "up", "down"}
    assert "lemma" in frame.columns


def test_rates_are_per_ten_thousand_words():
    old = doc("Alpha beta gamma delta.", date="old")
    new = doc("Alpha alpha beta gamma.", date="new")
    frame = term_table(old, new, min_count=1)
    assert _row(frame, "alpha").old_per_10k == pytest.approx(2500.0)
    assert _row(frame, "alpha").new_per_10k == pytest.approx(5000.0)
    assert _row(frame, "alpha").log_ratio > 0


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_version(path, year) for year, path in nss_files.items()}


def test_climate_change_rises_from_nothing_and_preemption_vanishes(nss):
    frame = term_table(nss["2006"], nss["2010"])
    climate = frame[frame.lemma == "climate change"].iloc[0]
    assert climate.old_count == 0 and climate.new_count >= 15
    assert climate.status == "new" and climate.p_value < 0.001
    preemption = frame[frame.lemma == "preemption"].iloc[0]
    assert preemption.old_count >= 2 and preemption.new_count == 0
    assert preemption.status == "gone" and preemption.new_family == 0


def test_isil_is_new_in_2015(nss):
    frame = term_table(nss["2010"], nss["2015"])
    isil = frame[frame.lemma == "isil"].iloc[0]
    assert (isil.old_count, isil.status) == (0, "new")
    assert isil.new_count >= 8


def test_ocr_run_together_and_split_tokens_are_not_terms():
    from concept_diff.shifts.text import ocr_junk

    clean = ["The rule of the law and the shape of the world, of the sea.", "Of our time, of our age."]
    damaged = ["The rule ofthe law and ofour world.", "Ofthe time ofour age.", "Most cou ntries."]
    junk = ocr_junk([clean + ["Many countries agree overall."], damaged + ["Over all of it."]])
    assert {"ofthe", "ofour", "cou", "ntries"} <= junk
    assert "overall" not in junk and "countries" not in junk
    old = doc(*clean, "Ofthe many.", date="old")
    new = doc(*damaged, date="new")
    assert {"ofthe", "ofour"}.isdisjoint(term_table(old, new, min_count=1).term)
