"""Framing: masking, distributions, the framing file, and accuracy on a labelled set."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from shift_support import real_embedder

from concept_diff.errors import InputError
from concept_diff.shifts.framing import (
    FramingScorer,
    count_cues,
    distribution,
    dominant,
    js_distance,
    load_framing,
    mask_sentence,
)

LABELLED = Path(__file__).parent / "data" / "framing_labelled.tsv"


def labelled_rows() -> list[tuple[str, str, str]]:
    with LABELLED.open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r and not r[0].startswith("#")]
    return [tuple(r) for r in rows[1:]]


def test_labelled_set_is_broad_enough():
    rows = labelled_rows()
    assert len(rows) >= 60
    assert {label for label, _, _ in rows} == set(load_framing().keys)
    assert len({actor for _, actor, _ in rows}) >= 10
    assert all(actor in sentence for _, actor, sentence in rows)


def test_mask_replaces_every_mention():
    text = "Russia's army and Russia."
    assert mask_sentence(text, ((0, 6), (18, 24)), "the country") == (
        "The country's army and the country."
    )


def test_distribution_dominant_and_js_distance():
    keys = ["partner", "threat", "neutral"]
    before = distribution(["partner", "partner", "threat"], keys)
    after = distribution(["threat", "threat", "threat"], keys)
    assert before == pytest.approx({"partner": 2 / 3, "threat": 1 / 3, "neutral": 0.0})
    assert dominant(before, keys) == "partner" and dominant(after, keys) == "threat"
    assert js_distance(before, before) == 0.0
    assert js_distance({"partner": 1.0}, {"threat": 1.0}) == pytest.approx(1.0)
    assert 0 < js_distance(before, after) < 1


def test_tied_shares_are_broken_by_scores_never_by_file_order():
    keys = ["partner", "threat", "neutral"]
    shares = distribution(["partner", "threat"], keys)
    # The file lists partner first; the summed scores favour threat.
    assert dominant(shares, keys, {"partner": 0.8, "threat": 1.1, "neutral": 0.2}) == "threat"
    assert dominant(shares, list(reversed(keys)), {"partner": 1.1, "threat": 0.8}) == "partner"
    # A tie nothing breaks names every tied category, in file order, whatever the order.
    assert dominant(shares, keys, {"partner": 1.0, "threat": 1.0}) == "partner+threat"
    assert dominant(shares, keys) == "partner+threat"
    assert dominant(distribution([], keys), keys) is None


def test_a_tied_framing_headline_claims_no_single_framing():
    from concept_diff.build import document_from_passages
    from concept_diff.shifts.headlines import framing_candidate

    labels = {"partner": "partner/cooperation", "threat": "threat/adversary", "neutral": "neutral"}
    old, new = (document_from_passages(["x."], title="t", date=d) for d in ("2010", "2020"))
    actor = {
        "actor": "Valdoria", "old_mentions": 4, "new_mentions": 4, "shift": 0.5,
        "old_framing": {"partner": 1.0, "threat": 0.0, "neutral": 0.0},
        "new_framing": {"partner": 0.5, "threat": 0.5, "neutral": 0.0},
        "old_dominant": "partner", "new_dominant": "partner+threat", "evidence": [],
    }
    summary = framing_candidate(actor, old, new, labels).summary
    assert "mainly" not in summary
    assert "as partner/cooperation and threat/adversary equally in 2020 (50% each" in summary
    actor.update(old_dominant="partner+threat", old_framing=actor["new_framing"],
                 new_framing={"partner": 0.25, "threat": 0.25, "neutral": 0.5},
                 new_dominant="neutral")
    summary = framing_candidate(actor, old, new, labels).summary
    assert "mainly as neutral in 2020" in summary
    assert "against partner/cooperation and threat/adversary equally in 2010 (50% each" in summary


def test_cues_match_lemmas_and_phrases():
    assert count_cues(["our", "partner", "and", "ally"], (("partner",), ("ally",))) == 2
    assert count_cues(["mutual", "interest"], (("mutual", "interest"),)) == 1


def test_framing_file_can_be_replaced_and_is_checked(tmp_path):
    custom = tmp_path / "framing.toml"
    custom.write_text(
        'mask = "X"\n[categories.friend]\nprototypes = ["X is a friend."]\ncues = ["friend"]\n'
        '[categories.foe]\nlabel = "enemy"\nprototypes = ["X attacked us."]\n',
        encoding="utf-8",
    )
    framing = load_framing(custom)
    assert framing.keys == ["friend", "foe"] and framing.mask == "X"
    assert framing.label("foe") == "enemy"
    bad = tmp_path / "bad.toml"
    bad.write_text("[categories.one]\nprototypes = []\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_framing(bad)
    with pytest.raises(InputError):
        load_framing(tmp_path / "missing.toml")


@pytest.mark.model
def test_framing_accuracy_on_labelled_sentences():
    rows = labelled_rows()
    scorer = FramingScorer(load_framing(), real_embedder())
    items = []
    for _, actor, sentence in rows:
        start = sentence.index(actor)
        items.append((sentence, ((start, start + len(actor)),)))
    predicted = scorer.labels(items)
    correct = sum(p == label for p, (label, _, _) in zip(predicted, rows))
    accuracy = correct / len(rows)
    print(f"framing accuracy on {len(rows)} labelled sentences: {accuracy:.3f}")
    assert accuracy > 0.8
    probabilities = scorer.probabilities(items)
    assert probabilities.shape == (len(rows), 5)
    assert probabilities.sum(axis=1) == pytest.approx([1.0] * len(rows))
