"""Segmentation on the real NSS texts: sentences cut by a page break or an OCR blank line are
one sentence again, numbered and wrapped headings are headings, and genuine headings stay."""

from __future__ import annotations

import itertools
import re

import pytest

from concept_diff.loaders import load_document, load_text

ROMAN = re.compile(r"^([IVX]+)\. ")
LETTERED = re.compile(r"^([A-C])\. ")
NUMBERED = re.compile(r"^(\d)\. ")


@pytest.fixture(scope="module")
def nss(nss_files):
    return {year: load_document(path, use_cache=False) for year, path in nss_files.items()}


def _sentences(doc, pattern: str) -> list[str]:
    return [s.text for p in doc.passages for s in p.sentences if re.search(pattern, s.text)]


def _headings(doc) -> list[str]:
    return [s.heading for s in doc.sections]


@pytest.mark.corpus
def test_a_sentence_cut_by_a_page_header_is_one_sentence_again(nss):
    """NSS 2015: "... the Central African" | page header | "Republic, as well as ..."."""
    doc = nss["2015"]
    sentence = _sentences(doc, r"Central African")
    assert len(sentence) == 1
    assert re.search(r"\bSudan\b.*Central African Republic, as well as .*Somalia", sentence[0])
    assert not [h for h in _headings(doc) if "Central African" in h]
    # the genuine headings on either side are still headings, in the same order as before
    holder = next(p for p in doc.passages if "Central African" in p.text)
    index = _headings(doc).index(holder.section)
    assert "Africa" in holder.section  # the region's own heading holds the mended sentence
    following = doc.sections[index + 1]
    assert following.level == doc.sections[index].level
    assert re.match(r"[A-Z]\w+ Economic and Security Cooperation", following.heading)
    # the six chapters I.-VI. are all still there
    chapters = [h for h in _headings(doc) if ROMAN.match(h)]
    assert [ROMAN.match(h).group(1) for h in chapters] == ["I", "II", "III", "IV", "V", "VI"]


@pytest.mark.corpus
def test_a_wrapped_bullet_item_is_no_heading(nss):
    """NSS 2006: "0 Promoting the efforts of the new Director for Foreign" | "Assistance/...":
    the first line of a list item (OCR "0" for the bullet) is not a heading of its own."""
    doc = nss["2006"]
    assert not [h for h in _headings(doc) if "Director for Foreign" in h]
    assert len(_sentences(doc, r"Director for Foreign Assistance/Administrator to ensure")) == 1
    for other in nss.values():  # no heading of any edition is a line of a bulleted list
        assert not [h for h in _headings(other) if re.match(r"[*•0o] [A-Z]", h)]


@pytest.mark.corpus
def test_a_blank_line_after_an_abbreviation_does_not_end_the_sentence(nss):
    """NSS 2002 (Tika text): "Thanks to U.S." | blank line | "leadership, the recent IDA ..."."""
    doc = nss["2002"]
    assert len(_sentences(doc, r"\bU\.S\. leadership\b")) == 2
    # a list item cut after "U.N.": "* remain committed to the basic U.N." | "Framework ...;"
    assert len(_sentences(doc, r"basic U\.N\. Framework Convention for")) == 1
    for year, other in nss.items():
        for a, b in itertools.pairwise(other.passages):
            assert not (a.text.endswith("U.S.") and b.text[:1].islower()), (year, b.text[:40])


@pytest.mark.corpus
def test_a_blank_line_after_a_comma_or_a_semicolon_does_not_split_the_sentence(nss):
    doc = nss["2002"]
    # "... cells in North America, South America," | "Europe, Africa, the Middle East ..."
    assert len(_sentences(doc, r"South America, Europe, Africa, the Middle East")) == 1
    # "... that deterrence can fail;" | "and we know from experience ..."
    assert len(_sentences(doc, r"deterrence can fail; and we know from experience")) == 1
    # "... the International Monetary Fund" | "(IMF), and the private sector ..."
    assert len(_sentences(doc, r"Monetary Fund \(IMF\), and the private sector")) == 1
    for year, other in nss.items():  # a passage ending on a comma is at most a salutation
        assert not [p.text for p in other.passages
                    if p.text.endswith(",") and len(p.text.split()) > 4], year


@pytest.mark.corpus
def test_numbered_headings_of_2006_run_complete_in_every_chapter(nss):
    """Each chapter of NSS 2006 has sub-headings A., B., C., and the numbered headings under
    C. count 1, 2, 3 ... without a gap: "B. Successes and Challenges since 2002" (a word in
    small letters), "3. How We Will Advance Freedom: ..." (a heading line run into its
    paragraph) and "2. Opening, integrating, ... energy" | "independence." (sentence case,
    wrapped over two lines) are headings found by the numbers beside them."""
    doc = nss["2006"]
    chapters: list[list[str]] = []
    for heading in _headings(doc):
        if ROMAN.match(heading):
            chapters.append([])
        elif chapters:
            chapters[-1].append(heading)
    assert len(chapters) == 9  # II.-IX. and XI. (I. and X. lost their numerals in the OCR)
    for sub in chapters[:-1]:
        assert [LETTERED.match(h).group(1) for h in sub if LETTERED.match(h)] == ["A", "B", "C"]
        numbers = [int(NUMBERED.match(h).group(1)) for h in sub if NUMBERED.match(h)]
        assert numbers == list(range(1, len(numbers) + 1)), sub
    runs = {len([h for h in sub if NUMBERED.match(h)]) for sub in chapters}
    assert runs == {0, 2, 3, 4, 7}
    wrapped = next(h for h in _headings(doc) if h.startswith("2. Opening"))
    assert wrapped.endswith("independence.")  # both lines of the heading
    assert not [p for p in doc.passages if p.text.startswith("How We Will Advance")]


@pytest.mark.corpus
def test_chapter_headings_wrapped_over_two_lines_are_whole(nss):
    """NSS 2006 chapter titles run over two lines after their numeral ("III." |
    "Strengthen Alliances ... Attacks" | "Against Us and Our Friends"): one heading each, and
    no stray second line stands as a passage or a heading of its own."""
    doc = nss["2006"]
    chapters = [h for h in _headings(doc) if ROMAN.match(h)]
    for heading in chapters:
        last = heading.split()[-1]
        assert last[:1].isupper(), heading  # ends on its final title word, not mid-title
    assert [p for p in doc.passages if len(p.text.split()) <= 6 and not re.search(
        r"[.:;!?,\"”]$", p.text)] == []
    # NSS 2002: "iv." has a word of four letters in small letters ("with"), yet it is a
    # chapter heading because "iii." and "v." beside it are
    small = [h for h in _headings(nss["2002"]) if re.match(r"^[ivx]+\. ", h)]
    assert [h.split(".")[0] for h in small] == ["i", "ii", "iii", "iv", "v", "vi", "vii",
                                                 "viii", "ix"]


def test_a_title_at_the_foot_of_a_page_stays_a_heading():
    """Guards of the page-break rule: a title-case heading (no word in small letters) before a
    page break keeps its heading; so does one followed by a numbered list, and a list of
    clauses after a colon keeps its items apart."""
    text = (
        "The alliance met in the spring and agreed on a plan for the coming decade.\n\n"
        "Strengthen Our Enduring Alliance with Europe\n\f\n"
        "Europe remains our closest partner in every region of the world.\n\n"
        "Our strategies for attaining this goal will be to:\n\n"
        "remain committed to the common framework;\n\n"
        "build on the progress of recent years.\n"
    )
    doc = load_text(text)
    assert _headings(doc) == ["Strengthen Our Enduring Alliance with Europe"]
    assert [p.text.split()[0] for p in doc.passages] == [
        "The", "Europe", "Our", "remain", "build"
    ]


def test_a_sentence_head_before_a_page_break_joins_its_tail():
    text = (
        "Conflicts in the region pose threats to the stability of every state.\n\n"
        "Ongoing conflicts in the North, the South, and the Eastern Coastal\n\f\n"
        "Provinces, as well as armed groups across the border, threaten civilians.\n"
    )
    doc = load_text(text)
    assert doc.sections == []
    assert doc.passages[1].text.endswith("Eastern Coastal Provinces, as well as armed groups "
                                         "across the border, threaten civilians.")


def test_a_title_case_sentence_head_takes_its_tail_in_small_letters():
    doc = load_text(
        "The Administration will reform foreign aid in three ways this year.\n\n"
        "Promoting the efforts of the new Director for Foreign\n\n"
        "assistance to ensure that aid is used as well as it can be.\n\n"
        "Strengthen Our National Defense\n\n"
        "A strong military is the bedrock of our national security.\n"
    )
    assert _headings(doc) == ["Strengthen Our National Defense"]
    assert doc.passages[1].text.startswith("Promoting the efforts")
    assert doc.passages[1].text.endswith("as well as it can be.")
