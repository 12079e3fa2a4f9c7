"""Gold-file parsing and the strict/lax scores, on beads and files built here."""

from __future__ import annotations

import pytest

from concept_diff.build import document_from_passages
from concept_diff.errors import InputError
from concept_diff.evaluate import read_gold, score

OLD = document_from_passages([f"old passage number {k}" for k in range(1, 6)])
NEW = document_from_passages([f"new passage number {k}" for k in range(1, 7)])


def test_gold_reads_numbers_ids_empty_sides_and_comments(tmp_path) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_text("# a comment\nold\tnew\n1\t1\n2\tp2,3\np3,4\t4  # merge\n\t5\n5\t\n\n",
                    encoding="utf-8")
    assert read_gold(gold, OLD, NEW) == [
        (("p1",), ("p1",)), (("p2",), ("p2", "p3")), (("p3", "p4"), ("p4",)),
        ((), ("p5",)), (("p5",), ()),
    ]


@pytest.mark.parametrize("text", ["1\t9\n", "1 1\n", "# nothing\n"])
def test_bad_gold_lines_are_input_errors(tmp_path, text: str) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        read_gold(gold, OLD, NEW)


def test_strict_and_lax_follow_vecalign() -> None:
    gold = [(("p1",), ("p1",)), (("p2",), ("p2", "p3")), ((), ("p4",)), (("p3",), ())]
    predicted = [(("p1",), ("p1",)), (("p2",), ("p2",)), ((), ("p3",)), ((), ("p4",)),
                 (("p3",), ())]
    result = score(predicted, gold)
    # precision over 5 predicted beads: strict hits p1, p4-added, p3-removed; lax adds p2->p2
    assert result["precision_strict"] == pytest.approx(3 / 5)
    assert result["precision_lax"] == pytest.approx(4 / 5)
    # recall over the 2 paired gold beads against the 2 paired predictions
    assert result["recall_strict"] == pytest.approx(1 / 2)
    assert result["recall_lax"] == pytest.approx(1.0)
    assert result["f1_strict"] == pytest.approx(2 * 0.6 * 0.5 / 1.1, abs=1e-4)


def test_perfect_and_empty_predictions() -> None:
    gold = [(("p1",), ("p1",)), ((), ("p2",))]
    assert score(gold, gold)["f1_strict"] == 1.0
    assert score([], gold)["f1_lax"] == 0.0


def test_examples_gold_with_lexical_embedder(tmp_path) -> None:
    """The Meridian example pair (written with its true alignment) through evaluate."""
    import json

    from concept_diff.api import evaluate_files
    from tests.conftest import EXAMPLES

    out = evaluate_files(
        EXAMPLES / "2030-meridian-strategic-concept.md",
        EXAMPLES / "2040-meridian-strategic-concept.md",
        EXAMPLES / "gold.tsv", model="lexical", cache_dir=tmp_path, as_json=True,
    )
    result = json.loads(out)
    assert result["beads"]["gold"] == 31
    assert result["f1_strict"] >= 0.9
