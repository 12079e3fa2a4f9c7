"""Segmentation: headings, numbered paragraphs as labels, title and date."""

from __future__ import annotations

import re

import pytest

from concept_diff.loaders import load_text
from concept_diff.segment import (
    date_from_path,
    date_from_text,
    heading_level,
    is_heading_like,
    split_label,
)

SECTIONS = ("Introduction", "The Security Environment", "Core Tasks", "Partnerships", "Outlook")


def numbered_document() -> str:
    """A NATO-style concept: section headings and paragraphs numbered 1.-49."""
    parts = ["ALLIANCE STRATEGIC CONCEPT 2040", ""]
    number = 1
    for index, section in enumerate(SECTIONS):
        numeral = ("I", "II", "III", "IV", "V")[index]
        parts += [f"{numeral}. {section}", ""]
        for _ in range(10 if index < 4 else 9):
            sentence = (
                f"{number}. The Alliance will act on matter number {number} with its partners "
                f"and members. It keeps paragraph {number} short but complete."
            )
            parts += [sentence, ""]
            number += 1
    return "\n".join(parts)


def test_numbered_paragraphs_keep_their_numbers_as_labels():
    doc = load_text(numbered_document(), source="2040-concept.txt")
    assert [p.label for p in doc.passages] == [str(n) for n in range(1, 50)]
    for passage in doc.passages:
        assert passage.text.startswith("The Alliance will act")
        assert not re.match(r"^\d+\.?$", passage.sentences[0].text)
        assert len(passage.sentences) == 2
    assert [s.heading for s in doc.sections] == [  # the title is the cover, not a section
        "I. Introduction", "II. The Security Environment", "III. Core Tasks",
        "IV. Partnerships", "V. Outlook",
    ]
    assert doc.passage("p11").section == "II. The Security Environment"
    assert doc.title == "Alliance Strategic Concept 2040"  # capitals shown in title case
    assert doc.cleanup.cover == ["ALLIANCE STRATEGIC CONCEPT 2040"]
    assert doc.date == "2040"


def test_numbered_headings_are_headings_not_labelled_paragraphs():
    doc = load_text(
        "1. Explaining the Goal: Ending Tyranny\n\nTyranny is the combination of brutality and "
        "poverty. It threatens the world.\n\n2. Explaining the Goal: Effective Democracies\n\n"
        "Effective democracies honour basic rights and serve their citizens well.\n"
    )
    assert [s.heading for s in doc.sections] == [
        "1. Explaining the Goal: Ending Tyranny", "2. Explaining the Goal: Effective Democracies",
    ]
    assert [p.label for p in doc.passages] == [None, None]


def test_bare_numbers_are_labels_only_when_the_document_numbers_that_way():
    numbered = "\n\n".join(
        f"{n} The Alliance reaffirms its commitment number {n} to the defence of all its "
        "members against every threat." for n in range(1, 6)
    )
    assert [p.label for p in load_text(numbered).passages] == ["1", "2", "3", "4", "5"]
    single = load_text("2 Million people were displaced by the war in the region last year.")
    assert single.passages[0].label is None


def test_markdown_headings_and_levels():
    doc = load_text("# Strategy\n\n## Threats\n\nThe threats grow. They change.\n", fmt="md")
    assert [(s.heading, s.level) for s in doc.sections] == [("Strategy", 1), ("Threats", 2)]
    assert doc.passages[0].section == "Threats"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("III. ADVANCING OUR INTERESTS", True),
        ("Strengthen Security and Resilience at Home", True),
        ("C. The Way Ahead", True),
        ("We will lead with strength.", False),
        ("These states:", False),
        ("the alliance will continue to work with partners and", False),
    ],
)
def test_heading_like(line, expected):
    assert is_heading_like(line) is expected


def test_heading_levels():
    assert heading_level("II. Strategic Approach") == 1
    assert heading_level("C. The Way Ahead") == 2
    assert heading_level("1. Conflict Prevention") == 3
    assert heading_level("PROSPERITY") == 1


def test_split_label():
    assert split_label("12. The Alliance will act.") == ("12", "The Alliance will act.")
    assert split_label("12 The Alliance will act.") == (None, "12 The Alliance will act.")
    assert split_label("1.5 percent of GDP is spent.") == (None, "1.5 percent of GDP is spent.")


def test_dates_from_names_and_cover_text():
    assert date_from_path("corpora/2015-02-06-national-security-strategy.txt") == "2015-02-06"
    assert date_from_path("1999-04-strategic-concept.pdf") == "1999-04"
    assert date_from_path("strategy.txt") is None
    assert date_from_text("The National Security Strategy\nSeptember 2002\n\nText") == "2002-09"
    assert date_from_text("THE WHITE HOUSE, March 16, 2006") == "2006-03-16"


def test_title_in_capitals_is_shown_in_title_case_keeping_acronyms():
    from concept_diff.segment import title_case

    prose = "NATO and the U.S. act. The strategy of the alliance. Nato is rare."
    assert title_case("NATIONAL SECURITY STRATEGY", prose) == "National Security Strategy"
    assert title_case("NATO 2022 STRATEGIC CONCEPT", prose + " NATO") == "NATO 2022 Strategic Concept"
    assert title_case("THE U.S. STRATEGY FOR THE ARCTIC", prose) == "The U.S. Strategy for the Arctic"
    assert title_case("PART II OF THE CIVIL PLAN", prose) == "Part II of the Civil Plan"
    assert title_case("The Alliance’s Strategy", prose) == "The Alliance’s Strategy"


def test_cover_is_not_a_section():
    doc = load_text(
        "F E B R U A R Y 2 0 4 0 ACME STRATEGY\n\nTHE HOUSE\n\nNA’.\n\n"
        "Today we set out our strategy for a safer world and the means to reach it.\n\n"
        "I. Introduction\n\nThe alliance faces new threats from many directions.\n"
    )
    assert doc.title == "Acme Strategy"
    assert [s.heading for s in doc.sections] == ["I. Introduction"]
    assert doc.passages[0].section is None and doc.passages[0].text.startswith("Today")
    assert doc.cleanup.cover == ["FEBRUARY 2040 ACME STRATEGY", "THE HOUSE", "NA’."]
    assert "THE HOUSE" in doc.text  # set aside, not deleted


def test_a_lone_first_heading_word_stays_a_section():
    doc = load_text("Introduction\n\nThe alliance faces new threats from many directions.\n")
    assert [s.heading for s in doc.sections] == ["Introduction"]


@pytest.mark.corpus
def test_nss_covers_and_titles(nss_files):
    from concept_diff.loaders import load_document

    nss_docs = {year: load_document(path) for year, path in nss_files.items()}
    for year, doc in nss_docs.items():
        assert doc.title.lower().startswith(("the national security strategy", "national security"))
        assert not doc.title.isupper(), year
        assert doc.passages[0].section is None, year
        assert doc.cleanup.cover, year
        assert not any(year in s.heading and "STRATEGY" in s.heading for s in doc.sections), year
    assert nss_docs["2015"].sections[0].heading == "I. Introduction"


def test_a_dateline_is_no_section():
    doc = load_text(
        "II. Alliances\n\n"
        "“We will answer these attacks and the world will see it, whatever it costs us.”\n\n"
        "Washington, D.C. (The National Cathedral)\n\n"
        "September 14, 2001\n\n"
        "We will work with our regional partners to isolate the terrorists and their friends.\n\n"
        "The Attacks of September 11, 2001\n\n"
        "The attacks changed the way this country sees its own security and its partners.\n"
    )
    sections = [s.heading for s in doc.sections]
    assert sections == ["II. Alliances", "The Attacks of September 11, 2001"]
    assert doc.passages[-2].section == "II. Alliances"
    assert "September 14, 2001" in doc.text  # kept in the text, in no section


def test_last_title_case_heading_before_the_prose_opens_the_body():
    doc = load_text(
        "Strategic Concept\n\nCore Tasks\n\nThe alliance faces new threats from many directions.\n"
    )
    assert doc.cleanup.cover == ["Strategic Concept"]
    assert [s.heading for s in doc.sections] == ["Core Tasks"]
