"""Each clean-up step on small synthetic inputs shaped like real extraction damage."""

from __future__ import annotations

from collections import Counter

from concept_diff.loaders import clean
from concept_diff.model import CleanupReport


def test_ligatures_become_letters_and_are_counted():
    text, count = clean.fix_ligatures("ﬁghting for inﬂuence, eﬀort")
    assert text == "fighting for influence, effort"
    assert count == 3


def test_line_break_hyphen_joined_when_the_word_occurs_elsewhere():
    vocab = Counter({"concentrations": 2, "concen": 0})
    assert clean.join_hyphenated("toxic concen-", "trations of", vocab) == (
        "toxic concentrations of",
        True,
    )


def test_line_break_hyphen_joined_when_a_part_is_not_a_word():
    vocab = clean.vocabulary("the allocation was made and the time came")
    text, joined = clean.join_hyphenated("the alloca-", "tion of money", Counter({"the": 3}))
    assert (text, joined) == ("the allocation of money", True)
    assert vocab["allocation"] == 1


def test_real_compound_keeps_its_hyphen():
    vocab = clean.vocabulary("the right of self-defense is old; self and defense are words")
    assert clean.join_hyphenated("common sense and self-", "defense, America", vocab) == (
        "common sense and self-defense, America",
        False,
    )


def test_vocabulary_ignores_fragments_of_split_words():
    vocab = clean.vocabulary("high concen-\ntrations and con-\n\ncerns")
    assert "concen" not in vocab and "trations" not in vocab and vocab["high"] == 1


def test_running_header_dropped_but_repeated_real_heading_kept():
    lines = []
    for page in range(4):
        lines += [
            "C. The Way Ahead",
            "",
            "We will act. The alliance will keep working with its partners in the region and",
            "",
            str(page + 10),
            "ACME STRATEGY",
            "",
            "beyond it, so that the region is stable.",
            "",
        ]
    out, found = clean.drop_running_lines(lines)
    assert found == Counter({"ACME STRATEGY": 4})
    assert out.count("C. The Way Ahead") == 4


def test_page_footer_with_rising_numbers_is_running_even_if_alone():
    lines = [f"Acme Strategy {n}" for n in (3, 4, 5, 6)]
    out, found = clean.drop_running_lines(lines + ["Body text."])
    assert found["Acme Strategy #"] == 4 and out[-1] == "Body text."


def test_dates_that_repeat_are_not_page_footers():
    lines = ["September 17, 2002", "text.", "September 14, 2001", "text.", "September 20, 2001"]
    assert clean.find_running_lines(lines) == set()


def test_footer_fused_into_lines_is_cut_out():
    lines = [
        "Some prose that ends here.",
        "National Plan 3 ii. Champion Human Dignity",
        "more prose with National Plan 4",
        "and National Plan 5 iii. Strengthen Alliances",
    ]
    out, found = clean.drop_fused_footers(lines)
    assert found == Counter({"National Plan #": 3})
    assert "ii. Champion Human Dignity" in out and "iii. Strengthen Alliances" in out
    assert "more prose with" in out
    assert not any("National Plan" in line for line in out)


def test_bare_page_numbers_dropped():
    lines = ["Text one.", "12", "- 13 -", "iv", "Page 7", "2002 was a year."]
    out, count = clean.drop_page_numbers(lines)
    assert count == 4 and out[-1] == "2002 was a year." and out[0] == "Text one."


def test_letterspacing_undone_by_vocabulary_and_single_letters():
    vocab = clean.vocabulary("national security strategy " * 3)
    assert clean.undo_letterspacing("F E B R U A R Y 2 0 1 5", vocab)[0] == "FEBRUARY 2015"
    fixed, repairs = clean.undo_letterspacing("NAT IONA L SECUR IT Y", vocab)
    assert (fixed, repairs) == ("NATIONAL SECURITY", [("NAT IONA L SECUR IT Y", "NATIONAL SECURITY")])
    assert clean.undo_letterspacing("S e p t e m b e r 2 0 0 2", vocab)[0] == "September 2002"


def test_letterspacing_leaves_normal_text_alone():
    vocab = clean.vocabulary("we will act in the region with our allies and partners")
    line = "We will act in the region with our allies and partners, as in 2 0 years."
    assert clean.fix_letterspacing([line], vocab)[0] == [line]


def test_toc_with_dot_leaders_and_title_is_dropped_body_heading_kept():
    lines = [
        "Table of Contents",
        "I. Introduction .......... 1",
        "II. Security .......... 7",
        "Strengthen Our Defense",
        "III. Prosperity . . . . . . . 15",
        "",
        "I. Introduction",
        "In a young century, opportunities for the country abound, but risks to our security",
        "remain. This strategy sets out how we will act.",
    ]
    kept, toc = clean.drop_toc(lines)
    assert toc == lines[:5]
    assert "I. Introduction" in kept and kept[-1] == lines[-1]


def test_toc_without_leaders_stops_where_prose_begins():
    lines = [
        "CONTENTS",
        "Overview of the Strategy",
        "Champion Human Dignity",
        "Conclusion",
        "",
        "Overview of the Strategy",
        "It is the policy of the alliance to seek and support democratic movements and",
        "institutions in every nation and culture.",
    ]
    kept, toc = clean.drop_toc(lines)
    assert toc == ["CONTENTS", "Overview of the Strategy", "Champion Human Dignity", "Conclusion"]
    assert kept[5] == "Overview of the Strategy"


def test_numeral_line_joins_its_heading_or_is_dropped():
    lines = ["III.", "", "IV.", "", "II.", "", "Champion Human Dignity", "Text."]
    out, dropped = clean.merge_numeral_lines(lines)
    assert "II. Champion Human Dignity" in out and dropped == ["III.", "IV."]


def test_hard_wrapped_lines_rejoin_into_paragraphs():
    wrapped = [
        "The alliance has kept the peace for seventy years and it will go on keeping",
        "it for as long as its members stand together and invest in their common",
        "defence, in resilience and in new technologies that matter to all of them.",
        "",
        "A second paragraph begins here and it is also wrapped at the same width as",
        "the first one so that the clean-up can tell where the lines were broken.",
        "",
    ] * 3
    paragraphs = clean.rejoin_lines(wrapped, Counter(), CleanupReport())
    assert len(paragraphs) == 6
    assert paragraphs[0].text.startswith("The alliance") and paragraphs[0].text.endswith("them.")
    assert "\n" not in paragraphs[0].text


def test_long_single_line_paragraphs_in_one_block_are_split():
    long_a = "We will lead with strength and purpose in every region of the world. " * 4
    long_b = "We will lead by example, upholding our values at home and abroad. " * 4
    paragraphs = clean.rejoin_lines([long_a.strip(), long_b.strip()], Counter(), CleanupReport())
    assert len(paragraphs) == 2


def test_paragraph_broken_by_page_break_mid_sentence_is_joined():
    text = (
        "Our security also depends upon diplomats who can act in every corner of the world, "
        "from grand capitals to dangerous outposts; development\n\n"
        "experts who can strengthen governance and support human dignity.\n\n"
        "A new paragraph starts here.\n"
    )
    paragraphs, report = clean.clean_text(text)
    assert paragraphs[0].endswith("development experts who can strengthen governance and "
                                  "support human dignity.")
    assert paragraphs[1] == "A new paragraph starts here."
    assert report.rejoined_lines >= 1


def test_running_header_between_halves_of_a_sentence_is_removed_and_sentence_joined():
    body = []
    for n in range(3):
        body += [
            f"Paragraph {n} talks about the alliance and the basis for international",
            "",
            "III. ADVANCING OUR INTERESTS",
            "",
            "cooperation since the war, which has served all of its members well.",
            "",
        ]
    paragraphs, report = clean.clean_text("\n".join(body))
    assert report.header_footer_counts == {"III. ADVANCING OUR INTERESTS": 3}
    assert len(paragraphs) == 3
    assert all("international cooperation since" in p for p in paragraphs)


def test_ocr_pipe_for_l_and_glued_sentences_are_repaired():
    from concept_diff.loaders.clean import fix_ocr_glyphs

    text, count = fix_ocr_glyphs("a war against a|-Qa'ida; for examp|e, peop|es.The next | one")
    assert text == "a war against al-Qa'ida; for example, peoples. The next | one"
    assert count == 4
    # Abbreviations and lower-case continuations are left alone.
    assert fix_ocr_glyphs("the U.S.Government, e.g.this") == ("the U.S.Government, e.g.this", 0)


def test_no_pipe_inside_words_on_nss(nss_files):
    import re

    from concept_diff.loaders import load_document

    for path in nss_files.values():
        doc = load_document(path, use_cache=False)
        assert not re.search(r"[a-z]\|[a-z]", doc.text), path.name
        assert not re.search(r"\b[a-z]{3,}\.[A-Z][a-z]{2,}\b", doc.text), path.name


def test_capitalised_copy_of_a_heading_is_a_page_header():
    lines = [
        "I. Overview of the Strategy",
        "",
        "The alliance has kept the peace for seventy years.",
        "",
        "I. OVERVIEW OF THE STRATEGY",
        "",
        "It will go on keeping it.",
        "",
        "II. GROWTH",  # capitals with no small-letter twin: a heading, kept
    ]
    out, found = clean.drop_capitalised_copies(lines)
    assert found == Counter({"I. OVERVIEW OF THE STRATEGY": 1})
    assert out[0] == "I. Overview of the Strategy" and out[4] == clean.PAGE_BREAK
    assert out[-1] == "II. GROWTH"


def test_lone_heading_inside_a_sentence_is_dropped_as_a_page_header():
    text = (
        "In addition to securing our interests, we must drive the inclu-\n\n"
        "III. PROSPERITY\n\n"
        "sive economic growth that creates demand for exports.\n\n"
        "III. Prosperity\n\n"
        "Prosperity is a goal.\n"
    )
    paragraphs, report = clean.clean_text(text)
    assert paragraphs[0].endswith("drive the inclusive economic growth that creates demand for exports.")
    assert paragraphs[1] == "III. Prosperity"
    assert report.header_footer_counts == {"III. PROSPERITY": 1}
