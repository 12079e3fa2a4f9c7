"""Loader fidelity: the loaded words are the source's words, except for listed repairs.

Every visible corpus text and every example is compared word for word with the Document
loaded from it (tests/fidelity_support.py). A difference must be a repair the clean-up report
lists (a line-break hyphen joined, letter-spacing closed, "|" read as "l", a ligature), or page
furniture the report names (page numbers, running headers/footers, contents lines). No repair
may join pieces that are all words.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fidelity_support import compare, joins_of_two_words, loaded_tokens

from concept_diff.loaders import load_text
from concept_diff.loaders.clean import fix_ocr_glyphs, join_hyphenated, vocabulary
from concept_diff.loaders.spacing import fix_letterspacing, undo_letterspacing

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.md"))


def _check(path: Path) -> None:
    result, document = compare(path)
    assert result.unexplained == [], (path.name, result.unexplained[:10])
    assert joins_of_two_words(result, document) == [], path.name
    report = document.cleanup
    kinds = Counter(r["kind"] for r in report.repairs)
    # each join seen in the words is one the report counts, and no more
    assert result.joins["hyphen"] == report.hyphen_joins == kinds["hyphen"], path.name
    # a "|" repaired in a line later dropped as furniture is in the report but not in the words
    assert 0.98 * kinds["pipe"] <= result.joins["pipe"] <= kinds["pipe"], path.name
    assert not [k for k in result.joins if k.startswith("other")], (path.name, result.joins)
    spaced_words = Counter(w.rstrip(".,:;") for r in report.repairs
                           if r["kind"] == "letterspacing" for w in r["after"].split())
    for word, _pieces, before, kinds_made in result.join_examples:
        if "letterspacing" in kinds_made:
            assert spaced_words[word], (path.name, before)
    assert report.letterspaced == kinds["letterspacing"]
    assert result.ligature_words <= report.ligatures
    assert result.loaded_words == result.source_words - result.removed_words - sum(
        len(pieces) - 1 for _w, pieces, _b, _k in result.join_examples
    ), path.name


@pytest.mark.corpus
@pytest.mark.parametrize("year", ["2002", "2006", "2010", "2015"])
def test_nss_loads_word_for_word_but_for_listed_repairs(nss_files, year):
    _check(nss_files[year])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load_word_for_word(path):
    result, _ = compare(path)
    assert result.unexplained == [] and result.words_changed == 0 and result.removed_words == 0
    assert result.loaded_words == result.source_words


# Short lines of ordinary prose, many of them short words, the shape that once set off the
# letter-spacing repair; and compounds hyphenated at a line end.
CLEAN_TEXT = """\
# A Clean Strategy

It is a broad coalition.

We lay a new foundation,
a part of which is a way forward.

Where we are a
force for a
change of the
order, a venue
is a means.

Our long-
term aim is a well-
managed, cutting-
edge and trade-
distorting-free market, for a
long time to come.

Yes|no votes are not words to join.
"""


def test_clean_text_loads_word_for_word(tmp_path):
    path = tmp_path / "clean.md"
    path.write_text(CLEAN_TEXT, encoding="utf-8")
    document = load_text(CLEAN_TEXT, fmt="md")
    for phrase in ("a broad coalition", "a new foundation", "a part of which is a way forward",
                   "are a force for a change of the order, a venue", "long-term",
                   "well-managed", "cutting-edge", "Yes|no"):
        assert phrase in document.text, phrase
    result, _ = compare(path)
    assert result.unexplained == [] and result.words_changed == 0
    assert loaded_tokens(document)[:3] == ["A", "Clean", "Strategy"]


@pytest.mark.parametrize(
    "line",
    ["a broad coalition", "a new foundation", "a part of which is a way forward",
     "We are a force for a", "the fact of the matter", "in a venue of a kind",
     "a mil lions of a go"],
)
def test_letterspacing_never_joins_two_words(line):
    vocab = vocabulary("nothing in common here")
    assert undo_letterspacing(line, vocab) == (line, [])
    assert fix_letterspacing([line], vocab) == ([line], [])


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("F E B R U A R Y 2 0 1 5", "FEBRUARY 2015"),
        ("NAT IONA L SECUR IT Y", "NATIONAL SECURITY"),
        ("V. I N T ER NAT I O NA L O R d ER", "V. INTERNATIONAL ORdER"),
        ("I I I . P RO S P ER I T Y", "III. PROSPERITY"),
        ("the occu pation of the city", "the occupation of the city"),
    ],
)
def test_genuine_letterspacing_is_still_repaired(line, fixed):
    vocab = vocabulary("the city")
    assert fix_letterspacing([line], vocab)[0] == [fixed]


def test_pipe_read_as_l_only_inside_a_word():
    repairs: list = []
    text, count = fix_ocr_glyphs("hea|th, peop|es; a|-Qa'ida; yes|no |", repairs)
    assert text == "health, peoples; al-Qa'ida; yes|no |"
    assert count == 3 and [r["after"] for r in repairs] == ["health", "peoples", "al-"]


def test_line_break_hyphen_of_two_words_joins_only_into_a_word():
    vocab = vocabulary("we act now")
    assert join_hyphenated("a long-", "term aim", vocab) == ("a long-term aim", False)
    assert join_hyphenated("by assist-", "ing them", vocab) == ("by assisting them", True)
    assert join_hyphenated("the concen-", "tration", vocab) == ("the concentration", True)
