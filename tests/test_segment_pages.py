"""A chapter heading the extraction put after the text of the page it opens goes back to the
start of that page, where the text says where the page starts (loaders/pages.py): the footer
before the heading carries the page the contents give the chapter, and the page before is
closed by its own footer or by the contents. Guards on constructed text show that a heading at
the top of its page, or one whose page start is unknown, stays where it is; in the latter case
the text from the last known page start up to the heading names both chapters, its label
saying that the chapter boundary is uncertain."""

from __future__ import annotations

import re

import pytest

from concept_diff.loaders import load_document, load_text
from concept_diff.loaders.outline import is_unsure, unsure_sections
from concept_diff.loaders.pages import contents_pages, footer_page, page_of


@pytest.mark.corpus
def test_the_first_chapter_takes_back_its_first_page(nss_files):
    """NSS 2002: the extraction reads page 1 ("The United States possesses unprecedented ...")
    before the footer "National Security Strategy 1" and the heading "i. Overview of America's
    International Strategy" set above it; the contents give chapter i page 1 and end right
    before that page, so the page's eight paragraphs are chapter i's, not in no section
    after the President's letter."""
    doc = load_document(nss_files["2002"], use_cache=False)
    chapter = "i. Overview of America's International Strategy"
    opening = next(i for i, p in enumerate(doc.passages)
                   if p.text.startswith("The United States possesses unprecedented"))
    last_of_page = next(i for i, p in enumerate(doc.passages)
                        if p.text.startswith("And this path is not America's alone"))
    assert last_of_page - opening == 7
    assert {p.section for p in doc.passages[opening : last_of_page + 1]} == {chapter}
    epigraph = doc.passages[opening - 1]  # the heading's epigraph moved with it
    assert epigraph.section == chapter and epigraph.text.startswith('"Our Nation')
    assert doc.passages[opening - 2].section is None  # the letter's last paragraph
    moved = [r for r in doc.cleanup.repairs if r["kind"] == "moved"]
    assert {"kind": "moved", "before": chapter,
            "after": "The United States possesses unprecedented -"} in moved


def test_contents_entries_and_footers_give_pages():
    line = ("Table of Contents i. Overview of Our Strategy.........1 ii. Champion Aspirations "
            "for Dignity .......3 iii. Strengthen Alliances to Defeat")
    toc = [line, "Global Terror ....... 5"]  # an entry runs on to the next line
    contents = contents_pages(toc)
    assert page_of("i. Overview of Our Strategy", contents) == 1
    assert page_of("ii. Champion Aspirations for Dignity", contents) == 3
    assert page_of("ii. Another Title", contents) is None  # the number alone is not enough
    assert page_of("iii. Strengthen Alliances to Defeat Global Terror", contents) == 5
    assert [footer_page(f) for f in ("National Strategy 12", "7 National Strategy",
                                      "National Strategy vii")] == [12, 7, 0]


def _document(*, page_two_footer: bool, second_chapter_page: int) -> str:
    footer = "Example Alliance Papers"
    paragraphs = [
        "Table of Contents",
        "I. Our Aims ............ 1",
        f"II. Our Means ............ {second_chapter_page}",
        "The first page of the body says what this strategy is for, in plain words.",
        "A second paragraph on the first page sets out the aims of the alliance.",
        f"{footer} 1 I. Our Aims",
        "The second page continues the first chapter with more about the aims.",
        "Its second paragraph closes the first chapter with a word on allies.",
        f"{footer} 2" if page_two_footer else "",
        "The third page opens the second chapter, about means and money.",
        f"{footer} 3 II. Our Means",
        "The fourth page continues the second chapter with the budget.",
        f"{footer} 4",
        "The fifth page ends the second chapter with the staff we need.",
        f"{footer} 5",
    ]
    return "\n\n".join(p for p in paragraphs if p)


def _sections(text: str) -> dict[str, str | None]:
    return {p.text.split(",")[0]: p.section for p in load_text(text).passages}


def test_a_chapter_heading_after_its_page_goes_before_it():
    sections = _sections(_document(page_two_footer=True, second_chapter_page=3))
    assert sections["The first page of the body says what this strategy is for"] == "I. Our Aims"
    assert sections["The second page continues the first chapter with more about the aims."] \
        == "I. Our Aims"
    assert sections["The third page opens the second chapter"] == "II. Our Means"


def test_a_heading_at_the_top_of_its_page_stays():
    """The contents give chapter II page 4: the footer of page 3 before it closes the page
    above, so the third page's text stays with chapter I."""
    sections = _sections(_document(page_two_footer=True, second_chapter_page=4))
    assert sections["The third page opens the second chapter"] == "I. Our Aims"
    assert sections["The fourth page continues the second chapter with the budget."] \
        == "II. Our Means"


def test_a_page_whose_start_is_unknown_keeps_its_text_where_it_is():
    """Without the footer of page 2, where page 3 starts is unknown: nothing is moved, and the
    text of pages 2 and 3 before the heading names both chapters, not chapter I alone; but the
    paragraph right after the footer of page 1 opens page 2, before the chapter's page 3."""
    sections = _sections(_document(page_two_footer=False, second_chapter_page=3))
    both = "I. Our Aims or II. Our Means (chapter boundary uncertain)"
    assert sections["The third page opens the second chapter"] == both
    assert sections["Its second paragraph closes the first chapter with a word on allies."] \
        == both
    # guard: text up to the last known page start, or after the heading, keeps its chapter
    assert sections["The second page continues the first chapter with more about the aims."] \
        == "I. Our Aims"
    assert sections["The first page of the body says what this strategy is for"] == "I. Our Aims"
    assert sections["The fourth page continues the second chapter with the budget."] \
        == "II. Our Means"
    assert is_unsure(both) and unsure_sections(both) == {"I. Our Aims", "II. Our Means"}


# NSS 2002: the opening passages of chapters ii-ix that the extraction put before the footer
# and heading of their page (the first and last of each run, as an audit read them off the
# source), and the chapter each run belongs to
AUDITED_RUNS = [
    ("In pursuit of our goals", "Embodying lessons from our past", "ii."),
    ("The United States of America is fighting a war", "Our priority will be first", "iii."),
    ("Concerned nations must remain actively engaged", "The United States, the international",
     "iv."),
    ("The nature of the Cold War threat", "In the 1990s we witnessed", "v."),
    ("A strong world economy enhances", "Policies that further strengthen market", "vi."),
    ("A world where some live in comfort", "Where governments have implemented real", "vii."),
    ("America will implement its strategies", "The attacks of September 11 were also", "viii."),
    ("The major institutions of American national security", "Before the war in Afghanistan",
     "ix."),
]


@pytest.mark.corpus
def test_chapter_openings_before_their_heading_name_both_chapters(nss_files):
    """NSS 2002, chapters ii-ix: the page before each chapter's first page has no footer, so
    where the chapter starts is unknown; the passages of each audited run (filed under the
    chapter before until now) name the chapter before and their own, never the one before
    alone. Guards: passages after a chapter's heading, or before the last known page start,
    keep their plain chapter, and the other three editions have no uncertain label."""
    doc = load_document(nss_files["2002"], use_cache=False)
    chapters = [s.heading for s in doc.sections if re.match(r"[ivx]+\. ", s.heading)]
    texts = [p.text for p in doc.passages]
    for first, last, number in AUDITED_RUNS:
        start = next(i for i, t in enumerate(texts) if t.startswith(first))
        end = next(i for i, t in enumerate(texts) if t.startswith(last))
        own = next(c for c in chapters if c.startswith(number + " "))
        before = chapters[chapters.index(own) - 1]
        for passage in doc.passages[start : end + 1]:
            assert passage.section != before, passage.id
            assert is_unsure(passage.section), passage.id
            assert unsure_sections(passage.section) == {before, own}, passage.id
            assert passage.section.startswith(before) and own in passage.section
    plain = {  # safely inside a chapter: after its heading, or before the last known page start
        "The United States possesses unprecedented": "i.",
        "We will continue to encourage our regional partners": "iii.",
        "The United States can play a crucial role": "iv.",
        "A return to strong economic growth in Europe and Japan": "vi.",
        "With Russia, we are already building": "viii.",
        "expand the circle of development": "i.",  # the page after footer 1: page 2, not 3
        "brutalize their own people": "v.",  # after footer 13: page 14, not 17
    }
    for opening, number in plain.items():
        passage = next(p for p in doc.passages if p.text.startswith(opening))
        assert passage.section == next(c for c in chapters if c.startswith(number + " "))
    unsure = [p for p in doc.passages if is_unsure(p.section)]
    assert len(unsure) < len(doc.passages) // 2
    for year in ("2006", "2010", "2015"):
        other = load_document(nss_files[year], use_cache=False)
        assert not any(is_unsure(p.section) for p in other.passages), year
        assert not other.cleanup.unsure_chapters, year
