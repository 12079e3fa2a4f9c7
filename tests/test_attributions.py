"""A quotation's attribution line ("President Bush West Point, New York June 1, 2002",
"—President Barack Obama, ...") is marked by the loader (``Sentence.kind``), kept in the text
and the alignment, and left out of every count: terms and actor mentions.

The corpus tests read which lines are attributions from the source files themselves (a line
"President Bush" and the place/date lines under it; a line opening "—President"), not from the
loader, so they check the loader's marks against the text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import concept_diff
from concept_diff.build import document_from_passages
from concept_diff.loaders.cache import document_from_json, document_to_json
from concept_diff.loaders.html import units_from_html
from concept_diff.loaders.layout import attribution_marks
from concept_diff.model import ATTRIBUTION
from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.terms import term_table
from concept_diff.shifts.text import counted_text, iter_sentences, lemma, surface_tokens, words_in


def _attribution_lines(path: Path) -> tuple[list[str], list[str]]:
    """(each attribution block of the source as one line, every other line of the source):
    a block is a line "President Bush" with the non-blank lines under it (and a date alone
    after a blank line), or a line opening with a dash and "President"."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, others, k = [], [], 0
    while k < len(lines):
        line = lines[k].strip()
        if line == "President Bush":
            block = [line]
            while k + 1 < len(lines) and lines[k + 1].strip():
                k += 1
                block.append(lines[k].strip())
            if k + 2 < len(lines) and _DATE.fullmatch(lines[k + 2].strip()):
                k += 2
                block.append(lines[k].strip())
            blocks.append(" ".join(block))
        elif re.match(r"^[—–]President\b", line):
            blocks.append(line)
        else:
            others.append(line)
        k += 1
    return blocks, others


_DATE = re.compile(r"[A-Z][a-z]+ \d{1,2}, \d{4}")


def _marked(doc) -> list[str]:
    return [s.text for p in doc.passages for s in p.sentences if s.kind == ATTRIBUTION]


def _words(lines: list[str]) -> list[str]:
    return [lemma(w) for line in lines for w in re.findall(r"[A-Za-z]+", line)]


@pytest.fixture(scope="module")
def nss(nss_files):
    docs = {year: concept_diff.load(path) for year, path in nss_files.items()}
    sources = {year: _attribution_lines(path) for year, path in nss_files.items()}
    return docs, sources


@pytest.mark.corpus
def test_the_attribution_lines_of_the_nss_texts_are_marked_and_only_they(nss):
    docs, sources = nss
    for year, doc in docs.items():
        blocks, _ = sources[year]
        assert _marked(doc) == blocks, year
    assert len(sources["2002"][0]) == 9 and len(sources["2010"][0]) == 6
    assert not sources["2006"][0] and not sources["2015"][0]


@pytest.mark.corpus
def test_a_marked_line_stays_in_its_passage_and_in_the_document_cache(nss):
    docs, _ = nss
    doc = docs["2002"]
    for passage in doc.passages:
        for sentence in passage.sentences:
            assert passage.text[sentence.start : sentence.end] == sentence.text
    epigraphs = [p for p in doc.passages if any(s.kind == ATTRIBUTION for s in p.sentences)]
    assert len(epigraphs) == 9
    for passage in epigraphs:  # the last sentence, after the quotation it attributes
        assert passage.sentences[-1].kind == ATTRIBUTION
        assert passage.text.endswith(passage.sentences[-1].text)
        assert re.search(r"[\"”]$", passage.sentences[-2].text)
        blanked = counted_text(passage)
        assert len(blanked) == len(passage.text) and "Bush" not in blanked
    again = document_from_json(document_to_json(doc), source=doc.source)
    assert _marked(again) == _marked(doc) and again.passages == doc.passages


@pytest.mark.corpus
def test_names_and_places_of_attributions_are_no_terms(nss):
    docs, sources = nss
    table = term_table(docs["2002"], docs["2006"])
    blocks, others = sources["2002"]
    only_there = set(_words(blocks)) - set(_words(others))
    assert {"berlin", "germany", "cathedral"} <= only_there  # the test has words to check
    pairs = {" ".join(p) for b in blocks for p in zip(_words([b]), _words([b])[1:])}
    other_text = " " + " ".join(_words(others)) + " "
    only_pairs = {p for p in pairs if f" {p} " not in other_text}
    assert "president bush" in only_pairs
    counted = table[table.old_count > 0]
    for term in counted.lemma:
        words = term.split(" ")
        assert not only_there & set(words), term
        assert not any(f" {p} " in f" {term} " for p in only_pairs), term
    # the rate's denominator leaves out exactly the attributions' words
    doc = docs["2002"]
    every = sum(len(surface_tokens(p.text)) for p in doc.passages)
    assert words_in(doc) == every - sum(len(surface_tokens(t)) for t in _marked(doc)) < every


@pytest.mark.corpus
def test_a_sentence_naming_the_president_still_counts(nss):
    """Guard: 'President' outside the attributions (2002: "provide the President with a wider
    range of military options"; 2010: the cover letter, "the President of Afghanistan" and the
    quotation an attribution stands under) is counted as often as the source writes it."""
    docs, sources = nss
    for year, other in (("2002", "2006"), ("2010", "2006")):
        _, others = sources[year]
        expected = sum(len(re.findall(r"\bPresident\b", line)) for line in others)
        table = term_table(docs[year], docs[other]) if year == "2002" else term_table(
            docs[other], docs[year])
        row = table[table.lemma == "president"].iloc[0]
        got = row.old_count if year == "2002" else row.new_count
        assert expected >= 1 and got == expected, year
    quoted = [s for s in iter_sentences(docs["2010"]) if s.text.startswith("“As President of")]
    assert len(quoted) == 1  # the epigraph's quotation itself is counted


@pytest.mark.corpus
def test_attributions_name_no_actor_but_the_prose_still_does(nss):
    docs, _ = nss
    matcher = Matcher(detect_actors(list(docs.values())))
    for year, doc in docs.items():
        marked = {(p.id, k) for p in doc.passages for k, s in enumerate(p.sentences)
                  if s.kind == ATTRIBUTION}
        mentions = find_mentions(doc, year, matcher)
        assert not [m for m in mentions if (m.passage, m.sentence) in marked], year
        named = {hit[0] for p in doc.passages for s in p.sentences if s.kind == ATTRIBUTION
                 for hit in matcher.find(s.text)}
        if year == "2010":
            assert {"Russia", "United Nations"} <= named  # "Moscow, Russia", "United Nations ..."
            assert {"Russia", "United Nations"} <= {m.actor for m in mentions}


# --- the mechanism ------------------------------------------------------------------------


def test_only_a_line_under_a_quotation_is_marked():
    assert attribution_marks(["“We will prevail.”", "—A Speaker, Capital City, May 1, 2009"]) == [
        False, True]
    # the same line after a sentence that closes no quotation is prose (or a list item)
    assert attribution_marks(["We met.", "—A Speaker, Capital City, May 1, 2009"]) == [
        False, False]
    # a name, then its place/date line: both marked
    assert attribution_marks(["“Go.”", "President Smith", "Capital City, May 1, 2009"]) == [
        False, True, True]
    # a sentence after the quotation is no attribution
    assert attribution_marks(["“Go.”", "We agree with it."]) == [False, False]


def test_an_attribution_set_as_a_passage_of_its_own_is_marked():
    """HTML: a paragraph under a blockquote is its own passage; the mark reads the passage
    before it (no heading between)."""
    html = ("<h1>Strategy</h1><blockquote>“We will prevail.”</blockquote>"
            "<p>—A Speaker, Capital City, May 1, 2009</p><p>We act with partners.</p>")
    doc = document_from_passages([u.text for u in units_from_html(html) if u.kind == "passage"])
    kinds = [[s.kind for s in p.sentences] for p in doc.passages]
    assert kinds == [["text"], [ATTRIBUTION], ["text"]]
    assert [s.text for s in iter_sentences(doc)] == ["“We will prevail.”", "We act with partners."]
