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


def _epigraphs(doc) -> list:
    return [p for p in doc.passages if p.text[:1] in "\"“" and len(p.sentences) >= 2
            and p.sentences[-1].text[:1] not in "\"“" and p.sentences[-2].text[-1:] in "\"”"]


@pytest.mark.corpus
def test_an_epigraph_is_one_passage_its_attribution_the_last_sentence(nss):
    """An epigraph set one line a paragraph, its speaker and place/date lines under it, is one
    passage: the quotation's own sentences, then the attribution as one sentence (NSS 2002
    "President Bush" / "West Point, ..."; NSS 2010 "—President Barack Obama, ...")."""
    for year, count in (("2002", 9), ("2010", 6)):
        doc = nss[year]
        epigraphs = _epigraphs(doc)
        assert len(epigraphs) == count, year
        for passage in epigraphs:
            assert re.match(r"—?President (Bush|Barack Obama)\b", passage.sentences[-1].text)
            assert re.search(r"(19|20)\d\d|\)$", passage.sentences[-1].text)
        # no attribution stands alone or opens a sentence with the quote's closing mark
        assert not [p for p in doc.passages if re.match(r"—?President \w+( \w+)?,? ", p.text)]
        assert not _sentences(doc, r"^[\"”] —?President")
        assert not [p for p in doc.passages if re.match(r"^[A-Z]\w+, [A-Z]\w+ [a-z]+ \d", p.text)]
    # the quotation's sentences are split: 2002's cathedral epigraph has six, 2010's first five
    cathedral = next(p for p in _epigraphs(nss["2002"]) if "three days removed" in p.text)
    assert len(cathedral.sentences) == 7
    first = _epigraphs(nss["2010"])[0]
    assert len(first.sentences) == 6 and first.sentences[-2].text.endswith("”")
    # a block quote in running text (NSS 2006, 102 words) is split into its sentences too
    assert len(_sentences(nss["2006"], r"^“Saddam continued to see the utility of WMD\.$")) == 1


@pytest.mark.corpus
def test_a_heading_and_epigraph_that_cut_a_sentence_go_before_it(nss):
    """NSS 2002 puts each chapter heading and its epigraph after the page's text, sometimes
    mid-sentence ("... invest in" | heading | epigraph | "their people, ...") or mid-list
    ("These states:" | heading | epigraph | "* brutalize ..."): the sentence is one again and
    the heading stands before the paragraph or list it cut. Headings of the other editions,
    whose text is not cut, do not move."""
    doc = nss["2002"]
    assert len(_sentences(doc, r"rule justly, invest in their people, and encourage")) == 1
    assert len(_sentences(doc, r"strike capabilities, and transformed maneuver")) == 1
    moved = [r for r in doc.cleanup.repairs if r["kind"] == "moved"]
    assert len(moved) == 5
    for item in moved:  # what each heading now stands before: a list's lead, or the cut text
        assert item["after"].endswith(":") or not item["after"].endswith(".")
    for before, after in zip(doc.passages, doc.passages[1:]):
        if before in _epigraphs(doc):  # no epigraph is followed by the rest of a sentence
            assert not re.match(r"[a-z]", after.text), after.text[:40]
    lead = next(i for i, p in enumerate(doc.passages) if p.text == "These states:")
    assert doc.passages[lead + 1].text.startswith("brutalize")
    assert doc.passages[lead].section == doc.passages[lead + 1].section
    for year in ("2006", "2010", "2015"):
        assert not [r for r in nss[year].cleanup.repairs if r["kind"] == "moved"], year


def test_an_epigraph_that_cuts_nothing_stays_where_it_is():
    text = (
        "The council met in the spring and agreed on a plan for the coming decade.\n\n"
        "II. Champion Human Dignity\n\n"
        '"We will defend the peace.\n\nWe will extend the peace."\n\n'
        "President Lincoln\nSpringfield, Illinois June 1, 1858\n\n"
        "Our principles will guide our decisions.\n"
    )
    doc = load_text(text)
    assert [s.heading for s in doc.sections] == ["II. Champion Human Dignity"]
    assert [p.text.split()[0] for p in doc.passages] == ["The", '"We', "Our"]
    assert doc.passages[0].section is None
    assert [s.text for s in doc.passages[1].sentences] == [
        '"We will defend the peace.', 'We will extend the peace."',
        "President Lincoln Springfield, Illinois June 1, 1858"]


def test_a_heading_after_an_unfinished_line_without_an_epigraph_is_not_moved():
    text = (
        "The council met in the spring and agreed on a plan for the coming decade, and\n\n"
        "Strengthen Our Alliances\n\n"
        '"Allies matter," the chair said, and the council agreed.\n\n'
        "the members will meet again in the autumn to review it.\n"
    )
    doc = load_text(text)
    assert not [r for r in doc.cleanup.repairs if r["kind"] == "moved"]
    assert doc.passages[0].text.endswith("and")
    assert [s.text for s in doc.passages[1].sentences] == [
        '"Allies matter," the chair said, and the council agreed.']


@pytest.mark.corpus
def test_signature_scraps_and_a_glued_letterhead_are_no_passages(nss):
    """The President's signature, extracted as a scrap after the letter ("[POTUS SIGNATURE]"
    in 2002, OCR "”i.a." in 2006 and "bile" in 2010), is no passage; NSS 2015's letterhead
    glued to the letter's first sentence is set apart as a cover line. The words stay in the
    text."""
    for year in ("2002", "2006", "2010"):
        doc = nss[year]
        first_heading = min(s.start for s in doc.sections)
        letter = [p for p in doc.passages if p.end < first_heading]
        assert len(letter) >= 5, year
        assert all(len(p.text.split()) > 3 or p.text.endswith(",") for p in letter), year
    assert "[POTUS SIGNATURE]" in nss["2002"].text
    doc = nss["2015"]
    assert doc.passages[0].text.startswith("Today, the United States is stronger")
    assert "THE WHITE HOUSE WASHINGTON" in doc.cleanup.cover
    # a salutation is no signature: "My fellow Americans," opens the 2006 letter
    assert nss["2006"].passages[0].text == "My fellow Americans,"


LETTER = (
    "THE COUNCIL\n\n"
    "{head}Today, the council is stronger than it was a decade ago.\n\n"
    "We have worked with NATO and our partners to meet every challenge.\n\n"
    "Our members are committed to the common defense of the region.\n\n"
    "We will meet these challenges together.\n\n"
    "{sign}\n\n"
    "I. Introduction\n\n"
    "The council was founded to keep the peace.\n"
)


def test_a_letter_signature_and_letterhead_are_set_apart():
    doc = load_text(LETTER.format(head="HOUSE OF THE COUNCIL ", sign="xq"))
    assert doc.passages[0].text.startswith("Today, the council")
    assert "xq" not in [p.text for p in doc.passages] and "xq" in doc.text


def test_a_closing_sentence_and_capitals_the_prose_uses_stay():
    # "NATO ALLIES" opens the letter: NATO is an acronym of the prose, no letterhead; a short
    # last sentence of the letter ("Thank you.") is no signature
    doc = load_text(LETTER.format(head="NATO ALLIES ", sign="Thank you."))
    assert doc.passages[0].text.startswith("NATO ALLIES Today")
    assert "Thank you." in [p.text for p in doc.passages]


@pytest.mark.corpus
def test_a_single_line_break_after_a_sentence_in_long_line_text_is_no_paragraph_break(nss):
    """NSS 2015 (PDF text in long lines, paragraphs parted by blank lines) breaks lines
    anywhere, also after a sentence: "... in the foundations of our national power." |
    "Therefore, I will continue ..." is one paragraph; so are "... rising powers." | "It signals
    our resolve ..." and "... engine for global economic growth." | "The TPP is central ...".
    The hard-wrapped editions (2006, 2010) and 2002 keep their paragraphs."""
    doc = nss["2015"]
    for head, tail in (("foundations of our national power.", "Therefore, I will continue"),
                       ("responsible rising powers.", "It signals our resolve"),
                       ("engine for global economic growth.", "The TPP is central"),
                       ("these trends can foster violent", None)):
        holder = [p for p in doc.passages if head in p.text]
        assert len(holder) == 1, head
        if tail:
            assert tail in holder[0].text, tail
    assert not [p for p in doc.passages if p.text == "The TPP is central to this effort."]
    # lists and headings still part: the chapters and their sub-headings are all there
    assert len(doc.sections) == 29
    assert 120 <= len(doc.passages) <= 145


def test_one_paragraph_a_line_keeps_its_paragraphs():
    sentence = "The council will keep the peace in every region of the world it serves. "
    lines = [(sentence * 3).strip()] * 4
    text = "\n\n".join("\n".join(lines) for _ in range(6))  # paragraphs a line, sections parted
    doc = load_text(text)
    assert len(doc.passages) == 24


def test_a_heading_after_a_quotation_is_no_attribution():
    text = (
        "The council met in the spring and agreed on a plan for the coming decade.\n\n"
        '"We will keep the peace. We will keep it together."\n\n'
        "Strengthen Our Alliances\n\n"
        "Our alliances are the bedrock of our security.\n\n"
        '"Allies matter more than ever."\n\n'
        "III. Prosperity\n\n"
        "Our economy is the source of our strength.\n"
    )
    doc = load_text(text)
    assert [s.heading for s in doc.sections] == ["Strengthen Our Alliances", "III. Prosperity"]
    assert doc.passages[1].text == '"We will keep the peace. We will keep it together."'
