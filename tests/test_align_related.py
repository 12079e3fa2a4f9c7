"""``related`` (align/related.py): where the other version treats an added or removed passage's topic.

Mechanics on small hand-made evidence (which candidate wins and why, the P(topic) gate); the
claim that its score ranks same-topic partners well on the labelled NSS pairs of all three
document pairs (tests/data/pairs), beside the decision's P(topic) it replaced.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from concept_diff.align.decision import Decision, Logistic, decision_for
from concept_diff.align.entries import Entry
from concept_diff.align.features import PairEvidence
from concept_diff.align.labelled import read_labels, read_tsv, resolve
from concept_diff.align.related import attach_related, counterpart_scores, in_context, pair_scores

PAIRS_DIR = Path(__file__).resolve().parent / "data" / "pairs"
YEARS = (("2002", "2006"), ("2006", "2010"), ("2010", "2015"))
RANK = {"same": 2, "topic": 1, "unrelated": 0}


def _cosine_only(related_min: float = 0.5) -> Decision:
    """P = sigmoid(20 (cosine - 0.7)) for both models: same topic above 0.7, apart below."""
    model = Logistic(("cosine",), (0.7,), (1.0,), (20.0,), 0.0)
    return Decision("test", model, model, 0.5, related_min)


def _unit(*weights: float) -> np.ndarray:
    vec = np.asarray(weights, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def _evidence(old_vecs, new_vecs, old_texts=None, new_texts=None) -> PairEvidence:
    old = old_texts or [f"old passage {k} about harbours" for k in range(len(old_vecs))]
    new = new_texts or [f"new passage {k} about harbours" for k in range(len(new_vecs))]
    return PairEvidence(old, new, np.array(old_vecs), np.array(new_vecs))


def test_related_is_the_best_candidate_on_the_other_side_or_none() -> None:
    old = [_unit(1, 0, 0), _unit(0.8, 0.6, 0), _unit(0, 0, 1)]
    new = [_unit(0.75, 0.66, 0), _unit(0, 1, 0.05)]
    entries = [Entry("added", [], ["p1"], None, None, new_index=[0]),
               Entry("added", [], ["p2"], None, None, new_index=[1]),
               Entry("removed", ["p3"], [], None, None, old_index=[2])]
    attach_related(entries, _evidence(old, new), _cosine_only(), ["p1", "p2", "p3"],
                   ["p1", "p2"])
    assert entries[0].related["id"] == "p2"  # the closest old passage, not the first one
    assert 0.5 <= entries[0].related["score"] <= 1.0  # its P(topic)
    assert 0.5 <= entries[0].related["same"] <= 1.0
    assert entries[1].related is None  # its best (cos 0.6) is below related_min
    assert entries[2].related is None  # removed: nothing new near (0, 0, 1)
    assert entries[0].to_dict()["related"] == entries[0].related
    assert "related" not in Entry("edited", ["p1"], ["p1"], 0.9, 0.9).to_dict()


def test_in_context_sums_each_passage_with_its_neighbours() -> None:
    vecs = np.array([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    got = in_context(vecs)
    assert np.allclose(got[0], _unit(1, 1, 0))  # the first has one neighbour
    assert np.allclose(got[1], _unit(1, 1, 1))
    assert np.allclose(got[2], _unit(0, 1, 1))
    assert np.allclose(in_context(vecs[:1]), vecs[:1])  # alone: itself


def test_a_shared_rare_word_outranks_a_slightly_closer_vector() -> None:
    """Two old candidates, the second a little closer by cosine; the first shares the new
    passage's rare words (tf-idf), the topic's names, and wins. Each has the other as its only
    neighbour, so the context term is the same for both."""
    old_texts = ["harbour pilots dredge the estuary", "security cooperation with partners"]
    new_texts = ["harbour pilots strike over the estuary", "security cooperation grows"]
    old = [_unit(0.80, 0.6, 0), _unit(0.82, 0, 0.572)]
    new = [_unit(1, 0, 0), _unit(0, 0, 1)]
    evidence = _evidence(old, new, old_texts, new_texts)
    (ranked,) = counterpart_scores(evidence, 1, [0])
    assert [o for _, o in ranked] == [0, 1]
    cosines = evidence.matrix([(0, 0), (1, 0)], ("cosine",))[:, 0]
    assert cosines[1] > cosines[0]


def test_a_candidate_among_passages_on_its_topic_outranks_an_isolated_one() -> None:
    """Old p2 and p5 are equally close to the new passage; p2's neighbours are on its topic,
    p5's are not, so p2 is where the old version treats the topic."""
    topic, other = _unit(1, 0, 0), _unit(0, 1, 0)
    candidate = _unit(0.9, 0.3, 0.3)
    old = [_unit(0.7, 0.2, 0.5), candidate, _unit(0.7, 0.5, 0.2), other, candidate, _unit(0, 0, 1)]
    evidence = _evidence(old, [topic])
    (ranked,) = counterpart_scores(evidence, 1, [0])
    assert ranked[0][1] == 1
    assert pair_scores(evidence, [(1, 0)], 1)[0] > pair_scores(evidence, [(4, 0)], 1)[0]
    cosines = evidence.matrix([(1, 0), (4, 0)], ("cosine",))[:, 0]
    assert cosines[0] == pytest.approx(cosines[1])


def test_a_candidate_below_related_min_gives_way_to_the_next_on_topic() -> None:
    """Old p1 shares every word with the new passage but its vector is far (P(topic) from the
    cosine only: below related_min), so the pointer goes to p2, next in rank and on topic."""
    old_texts = ["fishery quotas for trawlers", "the catch rules change", "roads are paved"]
    new_texts = ["fishery quotas for trawlers"]
    old = [_unit(0.6, 0.8, 0), _unit(0.8, 0, 0.6), _unit(0, 0, 1)]
    evidence = _evidence(old, [_unit(1, 0, 0)], old_texts, new_texts)
    (ranked,) = counterpart_scores(evidence, 1, [0])
    assert ranked[0][1] == 0  # tf-idf 1.0 puts it first
    entry = Entry("added", [], ["p1"], None, None, new_index=[0])
    attach_related([entry], evidence, _cosine_only(), ["p1", "p2", "p3"], ["p1"])
    assert entry.related["id"] == "p2"
    lone = Entry("added", [], ["p1"], None, None, new_index=[0])
    attach_related([lone], evidence, _cosine_only(related_min=0.99), ["p1", "p2", "p3"], ["p1"])
    assert lone.related is None  # no candidate on topic: none


def test_long_versions_give_related_every_candidate_after_a_smaller_ask(monkeypatch) -> None:
    """Above DENSE_CELLS the neighbours come coarse to fine; the margins ask for 2 per passage
    before related asks for its CANDIDATES, which must still get them all."""
    from concept_diff.align import features

    rng = np.random.default_rng(5)
    old = rng.normal(size=(200, 16)).astype(np.float32)
    new = old + 0.3 * rng.normal(size=(200, 16)).astype(np.float32)
    old /= np.linalg.norm(old, axis=1, keepdims=True)
    new /= np.linalg.norm(new, axis=1, keepdims=True)
    monkeypatch.setattr(features, "DENSE_CELLS", 1000)
    evidence = _evidence(old, new)
    evidence.neighbours(1, range(200), 2)
    _, near = evidence.neighbours(1, range(200), 12)
    assert (near >= 0).sum(axis=1).min() == 12
    ranked = counterpart_scores(evidence, 1, list(range(200)), 12)
    assert min(len(r) for r in ranked) == 12


# --- on the labelled NSS pairs -------------------------------------------------------------


def _ordered(scores: np.ndarray, labels: list[str]) -> tuple[float, int]:
    """Differently labelled partner pairs put in the order same > topic > unrelated."""
    hits, total = 0.0, 0
    for a in range(len(labels)):
        for b in range(len(labels)):
            if RANK[labels[a]] > RANK[labels[b]]:
                hits += float(scores[a] > scores[b]) + 0.5 * float(scores[a] == scores[b])
                total += 1
    return hits, total


@pytest.mark.corpus
@pytest.mark.model
def test_related_orders_labelled_partners_at_least_as_well_as_p_topic(nss_files) -> None:
    """On each NSS document pair, for every labelled passage with partners of different
    labels (tests/data/pairs), related's score puts same > topic > unrelated at least as
    often as the shipped P(topic) (fitted on these very pairs, so favoured here) and in at
    least 85 % of partner pairs. bench/bench_related.py measured, with P(topic) held out by
    document pair: 0.877 / 0.876 / 0.936 against 0.827 / 0.845 / 0.877. The vectors go to
    the run's cache (CONCEPT_DIFF_CACHE_FOR_TESTS keeps them across runs: cold, the four
    texts take minutes to embed on two cores)."""
    pytest.importorskip("sentence_transformers")
    from concept_diff.embed import get_embedder
    from concept_diff.loaders import load_document

    minilm = get_embedder(None, device="cpu")

    docs = {year: load_document(path) for year, path in nss_files.items()}
    items, _ = resolve(read_tsv(PAIRS_DIR / "items.tsv"), read_labels(PAIRS_DIR / "labels.tsv"),
                       docs)
    decision = decision_for(minilm.name)
    for years in YEARS:
        old, new = docs[years[0]], docs[years[1]]
        evidence = PairEvidence([p.text for p in old.passages], [p.text for p in new.passages],
                                minilm.encode([p.text for p in old.passages]),
                                minilm.encode([p.text for p in new.passages]))
        groups: dict[tuple[int, int], list] = {}
        for it in (it for it in items if it.years == years):
            groups.setdefault((0, it.old_index), []).append(it)
            groups.setdefault((1, it.new_index), []).append(it)
        mine, theirs, n = 0.0, 0.0, 0
        for (side, _), group in sorted(groups.items()):
            labels = [it.label for it in group]
            if len(set(labels)) < 2:
                continue
            keys = [(it.old_index, it.new_index) for it in group]
            hits, total = _ordered(pair_scores(evidence, keys, side), labels)
            mine, n = mine + hits, n + total
            topic = decision.topic.probability(evidence.matrix(keys, decision.topic.features))
            theirs += _ordered(topic, labels)[0]
        assert n >= 50, years
        assert mine >= theirs and mine / n >= 0.85, (years, mine / n, theirs / n)
