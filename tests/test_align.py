"""Unit checks of the aligner's parts on synthetic vectors and texts built here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from concept_diff.align import AlignParams, align
from concept_diff.align.candidates import dense_top_k, pyramid_top_k
from concept_diff.align.chain import Bead, best_chain
from concept_diff.build import document_from_passages


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _brute_chain(beads: list[Bead], gains: list[float]) -> float:
    best = 0.0
    for r in range(1, len(beads) + 1):
        for combo in itertools.combinations(range(len(beads)), r):
            chosen = sorted((beads[k] for k in combo), key=lambda b: (b.i, b.j))
            ok = all(x.i + x.a <= y.i and x.j + x.b <= y.j for x, y in itertools.pairwise(chosen))
            if ok:
                best = max(best, sum(gains[k] for k in combo))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_chain_is_the_exact_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    beads = [Bead(int(rng.integers(0, 8)), int(rng.integers(1, 3)), int(rng.integers(0, 8)),
                  int(rng.integers(1, 3)), 0.0, 0.0, 0.0) for _ in range(9)]
    gains = rng.uniform(0.05, 1.0, len(beads)).tolist()
    chain = best_chain(beads, gains, 12)
    index = {id(b): k for k, b in enumerate(beads)}
    total = sum(gains[index[id(b)]] for b in chain)
    assert total == pytest.approx(_brute_chain(beads, gains))
    for x, y in itertools.pairwise(chain):
        assert x.i + x.a <= y.i and x.j + x.b <= y.j


def test_pyramid_finds_the_true_partner_of_every_row() -> None:
    rng = np.random.default_rng(0)
    old = _unit(rng.normal(size=(3000, 32)))
    noise = _unit(rng.normal(size=(3000, 32)))
    new = _unit(old + 0.3 * noise)  # row k of new is a paraphrase of row k of old
    pairs = pyramid_top_k(old, new, 3, dense_limit=200_000)
    assert {(k, k) for k in range(3000)} <= pairs
    assert len(pairs) <= 2 * 3 * 3000  # bounded: row and column top-k only


def test_dense_candidates_are_row_and_column_top_k() -> None:
    rng = np.random.default_rng(1)
    a, b = _unit(rng.normal(size=(40, 8))), _unit(rng.normal(size=(50, 8)))
    pairs = dense_top_k(a, b, 2)
    sims = a @ b.T
    for i in range(40):
        assert {(i, int(j)) for j in np.argsort(-sims[i])[:2]} <= pairs
    for j in range(50):
        assert {(int(i), j) for i in np.argsort(-sims[:, j])[:2]} <= pairs


def _docs(old: list[str], new: list[str]):
    from concept_diff.embed import get_embedder

    return old, new, document_from_passages(old), document_from_passages(new), get_embedder(
        "lexical", use_cache=False)


TEXTS = [
    "The fleet will patrol the northern sea lanes every winter to protect shipping.",
    "Farmers in the valley receive grants for irrigation and drought resistant seed.",
    "Universities must publish their research budgets and open their archives.",
    "Railway tickets become cheaper for students, pensioners and soldiers.",
    "The central bank keeps inflation near two percent through interest rates.",
]


def test_kinds_accounting_order_and_reported_parameters() -> None:
    old = TEXTS
    new = [TEXTS[0], "A brand new passage about lighthouse keepers and their lamps at night.",
           TEXTS[1].replace("receive", "will receive larger"), TEXTS[3], TEXTS[4], TEXTS[2]]
    old, new, od, nd, embedder = _docs(old, new)
    result = align(od, nd, embedder.encode(old), embedder.encode(new))
    kinds = {(tuple(e.old), tuple(e.new)): e.kind for e in result.entries}
    assert kinds[(("p1",), ("p1",))] == "unchanged"
    assert kinds[((), ("p2",))] == "added"
    assert kinds[(("p2",), ("p3",))] == "edited"
    assert kinds[(("p3",), ("p6",))] == "moved"
    assert [e.new for e in result.entries] == [["p1"], ["p2"], ["p3"], ["p4"], ["p5"], ["p6"]]
    params = result.parameters
    assert params["calibration"]["method"] == "default"  # 5×6 cells: too few to calibrate
    assert params["threshold"] == params["calibration"]["threshold"]
    assert params["top_k"] == AlignParams().top_k


def test_removed_passage_sits_where_it_was() -> None:
    old, new, od, nd, embedder = _docs(TEXTS, [TEXTS[0], TEXTS[1], TEXTS[3], TEXTS[4]])
    result = align(od, nd, embedder.encode(old), embedder.encode(new))
    assert [(e.kind, e.old) for e in result.entries][2] == ("removed", ["p3"])


def test_fixed_threshold_is_used_and_reported() -> None:
    old, new, od, nd, embedder = _docs(TEXTS, TEXTS[::-1])
    result = align(od, nd, embedder.encode(old), embedder.encode(new),
                   AlignParams(threshold=1.5))
    assert result.parameters["calibration"]["method"] == "fixed"
    assert {e.kind for e in result.entries} == {"added", "removed"}


def test_sentences_inside_matched_passages() -> None:
    old = ["Ports will be modernised. Taxes on fuel fall next year. Schools open at eight."]
    new = ["Schools open at eight. Ports will be modernised quickly. A new tax on fuel applies."]
    old, new, od, nd, embedder = _docs(old, new)
    from concept_diff.align import sentence_texts

    result = align(od, nd, embedder.encode(old), embedder.encode(new),
                   old_sentence_vecs=embedder.encode(sentence_texts(od)),
                   new_sentence_vecs=embedder.encode(sentence_texts(nd)))
    (entry,) = result.entries
    sentences = {(tuple(s.old), tuple(s.new)): s.kind for s in entry.sentences}
    # the two kept sentences swapped places: one stays in order, the other is a move
    assert {sentences[(("p1.s3",), ("p1.s1",))], sentences[(("p1.s1",), ("p1.s2",))]} in (
        {"unchanged", "moved"}, {"edited", "moved"})
    olds = sorted(i for s in entry.sentences for i in s.old)
    assert olds == ["p1.s1", "p1.s2", "p1.s3"]


def test_vectors_must_match_passages() -> None:
    od = document_from_passages(TEXTS)
    with pytest.raises(ValueError):
        align(od, od, np.zeros((2, 4), np.float32), np.zeros((5, 4), np.float32))
