"""Themes on the real NSS 2006 → 2010 pair: related changed terms grouped, with passages."""

from __future__ import annotations

import re

import pytest
from shift_support import analysed_pairs, load_version

pytestmark = [pytest.mark.corpus, pytest.mark.model]


@pytest.fixture(scope="module")
def shifts(nss_files):
    return analysed_pairs(nss_files, [("2006", "2010")])[("2006", "2010")]


def theme_of(shifts, member: str) -> dict:
    found = [t for t in shifts.themes if member in t["members"]]
    assert found, f"no theme holds {member!r}"
    return found[0]


def test_related_terms_share_a_theme_and_unrelated_ones_do_not(shifts):
    assert shifts.themes and all(len(t["members"]) >= 2 for t in shifts.themes)
    freedom = theme_of(shifts, "freedom")
    assert "liberty" in freedom["members"]
    assert not {"climate change", "G-20", "international order"} & set(freedom["members"])
    assert freedom["old_passages"] > 3 * freedom["new_passages"]
    tyranny = theme_of(shifts, "tyranny")
    assert tyranny["new_passages"] <= 2 and tyranny["old_passages"] >= 15


def test_theme_passages_are_the_passages_holding_a_member(shifts, nss_files):
    docs = {v: load_version(nss_files[y], y) for v, y in (("old", "2006"), ("new", "2010"))}
    freedom = theme_of(shifts, "freedom")
    assert all(re.fullmatch(r"[a-z ]+", m) for m in freedom["members"]), freedom["members"]
    plural = [re.escape(m[:-1]) + "(?:y|ies)" if m.endswith("y") else re.escape(m) + "s?"
              for m in freedom["members"]]
    # OCR wrote some l and I as "|" ("|iberties" in 2010): either letter may be a pipe.
    plural = [p.replace("l", "[l|]").replace("i", "[i|]") for p in plural]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(plural) + r")\b", re.IGNORECASE)
    # What each term member counts is recorded, for a series to count it as the pair does:
    # a family's forms ("terrorism" with "terrorists" where both changed).
    assert set(freedom["forms"]) == set(freedom["members"])
    terrorists = theme_of(shifts, "terrorists")
    assert {"terrorist", "terrorism"} <= set(terrorists["forms"]["terrorists"])
    for version, doc in docs.items():
        holding = sum(1 for p in doc.passages if pattern.search(p.text))
        assert freedom[f"{version}_passages"] == holding
        assert freedom[f"{version}_share"] == round(holding / len(doc.passages), 4)
