"""The fictional example pair: it loads with paragraph numbers as labels, and its gold
alignment (gold.tsv) and the README's paragraph table tell the same, complete story."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from concept_diff.series.corpus import load_corpus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OLD = EXAMPLES / "2030-meridian-strategic-concept.md"
NEW = EXAMPLES / "2040-meridian-strategic-concept.md"
KINDS = {"unchanged", "edited", "rewritten", "moved", "split", "merged", "added", "removed"}


def numbers(side: str) -> tuple[int, ...]:
    return tuple(int(n) for n in side.split(",") if n.strip())


def gold_beads() -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    for line in (EXAMPLES / "gold.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        old, new = line.split("\t")
        beads.append((numbers(old), numbers(new)))
    return beads


def readme_rows() -> list[tuple[tuple[int, ...], tuple[int, ...], str]]:
    rows = []
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2] in KINDS:
            old, new = (numbers(c.replace("—", "")) for c in cells[:2])
            rows.append((old, new, cells[2]))
    return rows


def paragraphs(path: Path) -> dict[int, str]:
    text = path.read_text(encoding="utf-8")
    return {int(n): body for n, body in re.findall(r"^(\d+)\. (.+)$", text, re.MULTILINE)}


@pytest.fixture(scope="module")
def documents():
    from concept_diff.loaders import load_document

    return load_document(OLD), load_document(NEW)


def test_examples_load_with_paragraph_numbers_as_labels(documents) -> None:
    for document, path in zip(documents, (OLD, NEW)):
        numbered = paragraphs(path)
        assert [p.label for p in document.passages] == [str(n) for n in range(1, len(numbered) + 1)]
        assert [p.text for p in document.passages] == [numbered[n] for n in sorted(numbered)]
        assert all(p.section for p in document.passages)
        assert 1200 <= document.words <= 1800


def test_gold_covers_every_passage_exactly_once(documents) -> None:
    old_doc, new_doc = documents
    beads = gold_beads()
    old_seen = sorted(n for old, _ in beads for n in old)
    new_seen = sorted(n for _, new in beads for n in new)
    assert old_seen == list(range(1, len(old_doc.passages) + 1))
    assert new_seen == list(range(1, len(new_doc.passages) + 1))
    assert all(old or new for old, new in beads)


def test_readme_table_is_the_gold_alignment() -> None:
    rows = readme_rows()
    assert [(old, new) for old, new, _ in rows] == gold_beads()
    kinds = {kind for _, _, kind in rows}
    assert kinds == KINDS, "the example must exercise every change kind"
    for old, new, kind in rows:
        shape = {"added": (0, 1), "removed": (1, 0), "split": (1, 2), "merged": (2, 1)}
        assert (len(old), len(new)) == shape.get(kind, (1, 1)), (old, new, kind)


def test_unchanged_and_moved_paragraphs_are_verbatim_and_the_others_are_not() -> None:
    old, new = paragraphs(OLD), paragraphs(NEW)
    for old_numbers, new_numbers, kind in readme_rows():
        if len(old_numbers) != 1 or len(new_numbers) != 1:
            continue
        same = old[old_numbers[0]] == new[new_numbers[0]]
        assert same == (kind in ("unchanged", "moved")), (old_numbers, new_numbers, kind)


def test_moved_paragraph_changes_section_and_order(documents) -> None:
    old_doc, new_doc = documents
    (old_n,), (new_n,) = next((o, n) for o, n, kind in readme_rows() if kind == "moved")
    assert old_doc.passages[old_n - 1].section != new_doc.passages[new_n - 1].section


def test_the_story_is_in_the_texts() -> None:
    old, new = OLD.read_text(encoding="utf-8"), NEW.read_text(encoding="utf-8")
    assert "Varkesh is a valued partner" in old and "most significant threat" not in old
    assert "Varkesh is the most significant threat" in new and "valued partner" not in new
    assert "Halvani" not in old and new.count("Halvani") >= 2
    assert old.lower().count("climate") == 1 and new.lower().count("climate") >= 6


def test_examples_corpus_is_a_dated_series() -> None:
    corpus = load_corpus(EXAMPLES / "corpus.toml")
    assert [e.date for e in corpus.entries] == ["2030", "2040"]
    assert [corpus.resolve(e) for e in corpus.entries] == [OLD, NEW]
    folder = load_corpus(EXAMPLES)  # the folder holds the manifest, which wins over file names
    assert folder.name == "meridian-strategic-concepts"
