"""Layout left in the real NSS texts by their extraction: page footers of the facing pages
("12 National Security Strategy") glued into sentences, epigraphs with their attributions,
chapter headings that interrupt a sentence, signatures and letterheads. Short hints only,
no corpus text; guards on constructed text show that genuine cases are left alone."""

from __future__ import annotations

import re

import pytest

from concept_diff.loaders import load_document, load_text


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_document(path, use_cache=False) for year, path in nss_files.items()}


def _sentences(doc, pattern: str) -> list[str]:
    return [s.text for p in doc.passages for s in p.sentences if re.search(pattern, s.text)]


@pytest.mark.corpus
def test_a_facing_page_footer_glued_into_a_sentence_is_cut(nss):
    """NSS 2002 writes its footer "National Security Strategy N" on odd pages and
    "N National Security Strategy" on even ones; both are cut out of the sentences they were
    glued into ("... to manage not just 6 National Security Strategy bioterror, ...")."""
    doc = nss["2002"]
    assert _sentences(doc, r"\b\d{1,3} National Security Strategy\b") == []
    assert len(_sentences(doc, r"manage not just bioterror, but all infectious")) == 1
    assert len(_sentences(doc, r"a mix of developed and developing countries")) == 1
    assert doc.cleanup.header_footer_counts["# National Security Strategy"] == 6
    # a year before the title is no footer: "the 2002 National Security Strategy" stays
    assert _sentences(nss["2006"], r"laid out in the 2002 National Security Strategy")


def test_a_number_before_the_footer_title_that_is_no_page_number_stays():
    prose = "The council met again this season and heard the reports of its members."
    text = (
        f"{prose} Annual Review Report 10\n\n"
        f"{prose} Annual Review Report 11\n\n"
        "So far the council has read 3 Annual Review Report drafts and 12 Annual Review Report\n\n"
        "published them all.\n\n"
        f"{prose} Annual Review Report 13\n\n"
        f"{prose} Annual Review Report 14\n\n"
        "The council closed its session.\n"
    )
    doc = load_text(text)
    assert "read 3 Annual Review Report drafts" in doc.text  # 3 is not between 11 and 13
    assert "drafts and published them all." in doc.text  # 12 is: the facing page's footer
    assert not re.search(r"Annual Review Report \d|12 Annual", doc.text)
