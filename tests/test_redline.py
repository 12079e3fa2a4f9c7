"""The word-level redline on real NSS paragraphs and on edits built in the test."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from concept_diff.redline import change_ratio, diff_words, lexical_similarity, tokenize
from concept_diff.report.html import markdown_to_html
from concept_diff.report.redlines import render


def render_markdown(ops: list[dict]) -> str:
    return render(ops)


def render_html(ops: list[dict]) -> str:
    """The redline as the HTML report shows it: the HTML-flavour Markdown through markdown-it."""
    rendered = markdown_to_html(render(ops, html=True)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    return rendered[len("<p>"):-len("</p>")]


def paragraphs(path: Path, min_words: int = 20) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p for p in re.split(r"\n\s*\n", text) if len(p.split()) >= min_words]


def assert_round_trip(old: str, new: str) -> list[dict]:
    ops = diff_words(old, new)
    assert "".join(op["old"] for op in ops) == old
    assert "".join(op["new"] for op in ops) == new
    assert all(op["op"] in {"equal", "insert", "delete", "replace"} for op in ops)
    return ops


def test_tokens_rebuild_text_and_keep_inner_punctuation():
    text = "  The U.S. and al-Qa'ida,\n(allies) don't  "
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert [t.strip() for t in tokens if t.strip()] == [
        "The", "U.S", ".", "and", "al-Qa'ida", ",", "(", "allies", ")", "don't",
    ]


@pytest.mark.corpus
def test_real_paragraph_pairs_round_trip(nss_files):
    old_paras = paragraphs(nss_files["2010"])[:60]
    new_paras = paragraphs(nss_files["2015"])[:60]
    assert len(old_paras) >= 40 and len(new_paras) >= 40
    for old, new in zip(old_paras, new_paras):
        assert_round_trip(old, new)
    assert_round_trip(old_paras[0], "")
    assert_round_trip("", new_paras[0])


@pytest.mark.corpus
def test_real_paragraph_edit_is_marked_where_it_was_made(nss_files):
    original = " ".join(paragraphs(nss_files["2010"])[5].split())
    words = original.split(" ")
    middle = len(words) // 2
    target = words[middle]
    edited = " ".join(words[:middle] + ["decisively"] + words[middle + 1:])
    ops = assert_round_trip(original, edited)
    changes = [op for op in ops if op["op"] != "equal"]
    assert len(changes) == 1
    assert target.strip(".,;:") in changes[0]["old"] and "decisively" in changes[0]["new"]
    assert 0 < change_ratio(ops) < 0.05


@pytest.mark.corpus
def test_whitespace_and_line_breaks_are_no_change(nss_files):
    original = paragraphs(nss_files["2015"])[3]
    reflowed = " ".join(original.split())
    ops = assert_round_trip(original, reflowed)
    assert {op["op"] for op in ops} == {"equal"}
    assert change_ratio(ops) == 0.0
    assert lexical_similarity(original, reflowed) == 1.0


def test_tiny_equal_run_between_changes_is_folded():
    ops = assert_round_trip("We will defend the allies today.", "We must protect the partners today.")
    assert [op["op"] for op in ops] == ["equal", "replace", "equal"]
    assert ops[1] == {"op": "replace", "old": "will defend the allies ",
                      "new": "must protect the partners "}


def test_content_word_between_changes_stays_equal():
    ops = assert_round_trip("We will deter attacks.", "We shall deter and defeat attacks.")
    assert [op["op"] for op in ops] == ["equal", "replace", "equal", "insert", "equal"]
    assert ops[2]["old"] == "deter "
    assert render_markdown(ops) == "We ~~will~~ **shall** deter **and defeat** attacks."
    assert render_html(ops) == (
        "We <del>will</del> <ins>shall</ins> deter <ins>and defeat</ins> attacks."
    )


def test_punctuation_change_does_not_swallow_the_word():
    ops = assert_round_trip("trade, energy and health", "trade; energy and health")
    assert ops[0] == {"op": "equal", "old": "trade", "new": "trade"}
    assert ops[1] == {"op": "replace", "old": ", ", "new": "; "}


def test_change_ratio_counts_words_on_both_sides():
    assert change_ratio(diff_words("a b c d", "a b c d")) == 0.0
    assert change_ratio(diff_words("alpha beta", "gamma delta")) == 1.0
    # one of four old words replaced by one new word: 2 of 8 words changed
    assert change_ratio(diff_words("we defend our allies", "we defend our partners")) == 0.25


def test_lexical_similarity_ignores_case_and_is_bounded():
    assert lexical_similarity("The Alliance", "the alliance") == 1.0
    assert lexical_similarity("alpha beta", "gamma delta") == 0.0
    assert lexical_similarity("", "") == 1.0
    assert lexical_similarity("text", "") == 0.0
    half = lexical_similarity("we defend our allies", "we defend our partners")
    assert 0.7 < half < 0.8


HOSTILE_OLD = "Keep *this* and [a link](http://x.test) <script>alert(1)</script> & 1. item"
HOSTILE_NEW = "Keep _that_ and [a link](javascript:evil) <img src=x onerror=y> & 2. item"


def test_markdown_render_keeps_hostile_text_as_text():
    ops = assert_round_trip(HOSTILE_OLD, HOSTILE_NEW)
    rendered = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").render(
        render_markdown(ops)
    )
    assert "<a " not in rendered and "<em>" not in rendered
    assert "<script>" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "<s>" in rendered and "<strong>" in rendered  # the redline itself still renders
    text_only = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for word in ("this", "that", "javascript:evil", "alert(1)", "onerror=y"):
        assert word in text_only


def test_markdown_line_start_cannot_become_a_block():
    for text in ("# heading", "- item", "> quote", "1. first"):
        ops = diff_words(text, text + " more")
        assert MarkdownIt("commonmark").render(render_markdown(ops)).startswith("<p>")


def test_markdown_falls_back_to_tags_where_markers_would_stay_literal():
    # "~~" glued between a letter and a full stop cannot open strikethrough in CommonMark.
    ops = diff_words("the end.", "the end!")
    md = render_markdown(ops)
    assert "<del>.</del>" in md
    rendered = MarkdownIt("commonmark", {"html": True}).enable("strikethrough").render(md)
    assert "~~" not in rendered and "<del>.</del>" in rendered


def test_html_render_escapes_everything():
    ops = diff_words(HOSTILE_OLD, HOSTILE_NEW)
    rendered = render_html(ops)
    tags = re.findall(r"<[^>]*>", rendered)
    assert set(tags) <= {"<del>", "</del>", "<ins>", "</ins>"}
    plain_old = html.unescape(re.sub(r"<ins>.*?</ins>|<[^>]+>", "", rendered))
    plain_new = html.unescape(re.sub(r"<del>.*?</del>|<[^>]+>", "", rendered))
    # Only the separating space between a deletion and its insertion is added.
    assert "".join(plain_old.split()) == "".join(HOSTILE_OLD.split())
    assert "".join(plain_new.split()) == "".join(HOSTILE_NEW.split())
