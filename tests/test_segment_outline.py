"""The outline of the real NSS texts: a chapter whose number the extraction lost is still a
chapter, a part set with an epigraph ranks above its sections, and a section name the document
repeats in every chapter is labelled with its chapter (loaders/outline.py)."""

from __future__ import annotations

import re

import pytest

from concept_diff.loaders import load_document, load_text
from concept_diff.loaders.outline import LABEL_SEPARATOR, innermost, is_unsure, unsure_sections

ROMAN = re.compile(r"^[IVX]+\. ")


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_document(path, use_cache=False) for year, path in nss_files.items()}


def _level(doc, start: str) -> int:
    return next(s.level for s in doc.sections if s.heading.startswith(start))


@pytest.mark.corpus
def test_a_chapter_that_lost_its_number_is_a_chapter(nss):
    """NSS 2006 numbers its chapters II.-IX. and XI.; the OCR lost "I." before "Overview ..."
    and "X." before "Engage the Opportunities ...". Each is the one unnumbered heading where
    the series skips its number, so it is a chapter like the others, not a sub-section of the
    letter before it or of chapter IX."""
    doc = nss["2006"]
    chapters = {s.level for s in doc.sections if ROMAN.match(s.heading)}
    assert chapters == {1}
    assert _level(doc, "Overview of America") == 1
    assert _level(doc, "Engage the Opportunities") == 1
    engage = next(p for p in doc.passages if p.text.startswith("In recent years, the world has"))
    assert engage.section.startswith("Engage the Opportunities")  # not "IX. ... › ..."
    # guard: an unnumbered heading where no number is missing (a box inside chapter III) and
    # the lettered sub-headings stay below their chapter
    assert _level(doc, "Afghanistan and Iraq: The Front Lines") == 2
    assert {s.level for s in doc.sections if re.match(r"[A-C]\. ", s.heading)} == {2}


@pytest.mark.corpus
def test_parts_with_an_epigraph_rank_above_their_sections(nss):
    """NSS 2010 chapter III has four parts, each opening with a quotation of the President
    (Security, Prosperity, Values, International Order); the headings after each are its
    sections, one level down, not siblings of the part."""
    doc = nss["2010"]
    outline = [(s.heading, s.level) for s in doc.sections]
    start = outline.index(("III. Advancing Our Interests", 1))
    end = next(i for i, (h, _) in enumerate(outline) if h.startswith("IV."))
    parts = [h for h, level in outline[start + 1 : end] if level == 2]
    assert parts == ["Security", "Prosperity", "Values", "International Order"]
    assert ("Strengthen Security and Resilience at Home", 3) in outline
    assert ("Sustain Broad Cooperation on Key Global Challenges", 3) in outline
    # guard: chapter II's sections, with no epigraph among them, keep their level
    chapter_two = outline[outline.index(("II. Strategic Approach", 1)) + 1 : start]
    assert chapter_two and {level for _, level in chapter_two} == {2}
    # guard: the chapters of NSS 2002, each with its epigraph, stay one level
    assert {s.level for s in nss["2002"].sections if re.match(r"[ivx]+\. ", s.heading)} == {1}


@pytest.mark.corpus
def test_a_repeated_section_name_is_labelled_with_its_chapter(nss):
    """NSS 2006 has "A. Summary ...", "B. Current Context ..." and "C. The Way Ahead" in every
    chapter: a passage's label is the path of headings down to its section, so a reader sees
    which chapter's "Way Ahead" it is."""
    doc = nss["2006"]
    passage = next(p for p in doc.passages if "loophole in the Non-Proliferation Treaty" in p.text
                   and innermost(p.section) == "1. Nuclear Proliferation")
    path = passage.section.split(LABEL_SEPARATOR)
    assert path[0].startswith("V. Prevent Our Enemies") and path[1:] == [
        "C. The Way Ahead", "1. Nuclear Proliferation"]
    ways = {p.section for p in doc.passages if innermost(p.section) == "C. The Way Ahead"}
    assert len(ways) == len([s for s in doc.sections if s.heading == "C. The Way Ahead"]) > 5
    # guard: editions whose section names are unique keep the heading itself as the label (or
    # two headings, where NSS 2002's chapter boundary is uncertain: tests/test_segment_pages.py)
    for year in ("2002", "2010", "2015"):
        headings = {s.heading for s in nss[year].sections}
        labels = {p.section for p in nss[year].passages} - {None}
        assert {label for label in labels if not is_unsure(label)} <= headings, year
        assert all(len(unsure_sections(label)) == 2 and unsure_sections(label) <= headings
                   for label in labels if is_unsure(label)), year


def test_a_single_quotation_under_a_heading_makes_no_part():
    """One section opening with a quotation and its speaker is a section like its siblings."""
    paragraphs = [
        "I. Strategy", "Our aims are set out below in full.",
        "Alliances", "“We stand together.” —President Example, Capital City, May 1, 2020",
        "The alliance remains the foundation of our security.",
        "Trade", "Open markets serve our prosperity.",
        "Energy", "Secure supplies matter to every partner.",
        "II. Means", "We will fund these aims.",
    ]
    text = "\n\n".join(paragraphs)
    doc = load_text(text)
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("I. Strategy", 1), ("Alliances", 2), ("Trade", 2), ("Energy", 2), ("II. Means", 1)]


def test_quotations_opening_every_other_section_make_no_parts():
    """Two sections opening with a quotation, each followed by one plain section: a run of
    siblings some of which quote someone, not parts holding sections."""
    quote = "“We stand together.” —President Example, Capital City, May 1, 2020"
    paragraphs = ["I. Strategy", "Our aims are set out below in full."]
    for title in ("Alliances", "Trade", "Energy", "Health"):
        paragraphs += [title]
        if title in ("Alliances", "Energy"):
            paragraphs += [quote]
        paragraphs += [f"The {title.lower()} of the alliance matter to every partner."]
    paragraphs += ["II. Means", "We will fund these aims."]
    doc = load_text("\n\n".join(paragraphs))
    assert {s.level for s in doc.sections if not s.heading[:2] in ("I.", "II")} == {2}


def test_an_unnumbered_heading_in_a_gap_the_contents_do_not_list_stays():
    """Chapters I, II, IV and V, and one unnumbered heading under II: without contents that
    list it as a chapter, it is not taken for the lost III."""
    paragraphs = []
    for numeral, title in (("I", "Aims"), ("II", "Means"), ("IV", "Partners"), ("V", "Budget")):
        paragraphs += [f"{numeral}. Our {title}", f"This chapter sets out our {title.lower()}."]
        if numeral == "II":
            paragraphs += ["Money and People", "We will find the money and the people."]
    doc = load_text("\n\n".join(paragraphs))
    assert ("Money and People", 2) in [(s.heading, s.level) for s in doc.sections]
