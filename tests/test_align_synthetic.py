"""Synthetic version pairs built from real NSS paragraphs, with a known true alignment.

The new version is the old one with passages moved far away, deleted, inserted (from another
NSS year), split at a sentence boundary, merged with their neighbour, lightly edited and
reworded (synonym swaps and clause reordering). Each change's bead and kind is recorded while
building, and the aligner is scored per kind against it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest

from concept_diff.align import align, decision_for
from concept_diff.build import document_from_passages, split_sentences

SYNONYMS = {
    "will": "shall", "must": "need to", "strengthen": "reinforce", "support": "back",
    "ensure": "make sure", "important": "vital", "work": "cooperate", "help": "assist",
    "nations": "countries", "threats": "dangers", "build": "develop", "new": "fresh",
    "continue": "keep on", "also": "as well", "world": "globe", "increase": "raise",
    "promote": "advance", "between": "among", "across": "throughout", "because": "since",
}


def reword(text: str) -> str:
    """A deterministic paraphrase: reverse the sentence order, swap words for synonyms."""
    sentences = [s.text for s in split_sentences(text)][::-1]
    swapped = " ".join(sentences)
    return re.sub(r"\b\w+\b", lambda m: SYNONYMS.get(m.group(0), m.group(0)), swapped)


def edit(text: str) -> str:
    """A light edit: a couple of words changed, one inserted."""
    words = text.split()
    words[len(words) // 3] = "substantially"
    words.insert(2 * len(words) // 3, "indeed")
    return " ".join(words)


@dataclass
class Pair:
    old: list[str]
    new: list[str]
    gold: list[tuple[str, tuple[int, ...], tuple[int, ...]]]  # kind, old idx, new idx


def paragraphs(path, minimum: int = 40) -> list[str]:
    """Real paragraphs (blank-line separated, at least ``minimum`` words, several sentences)."""
    raw = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    out = [" ".join(p.split()) for p in raw]
    return [p for p in out if len(p.split()) >= minimum and len(split_sentences(p)) >= 2]


def build_pair(base: list[str], extra: list[str]) -> Pair:
    """Apply every kind of change to ``base`` at fixed places; record the true beads."""
    plan = {3: "removed", 17: "removed", 30: "removed", 44: "removed",
            6: "split", 22: "split", 38: "split", 10: "merged", 26: "merged", 48: "merged",
            8: "edited", 20: "edited", 34: "edited", 13: "rewritten", 28: "rewritten",
            41: "rewritten", 52: "rewritten", 5: "moved", 15: "moved", 36: "moved"}
    new: list[tuple[str, tuple[int, ...]]] = []  # (text, old indices) in new order
    moved: list[tuple[str, tuple[int, ...]]] = []
    kinds: dict[tuple[int, ...], str] = {}
    i = 0
    while i < len(base):
        kind = plan.get(i, "unchanged")
        text = base[i]
        if kind == "merged":
            new.append((text + " " + base[i + 1], (i, i + 1)))
            kinds[(i, i + 1)] = "merged"
            i += 2
            continue
        if kind == "split":
            sentences = [s.text for s in split_sentences(text)]
            cut = len(sentences) // 2
            new.append((" ".join(sentences[:cut]), (i,)))
            new.append((" ".join(sentences[cut:]), (i,)))
        elif kind == "moved":
            moved.append((text, (i,)))
        elif kind == "edited":
            new.append((edit(text), (i,)))
        elif kind == "rewritten":
            new.append((reword(text), (i,)))
        elif kind == "unchanged":
            new.append((text, (i,)))
        kinds[(i,)] = kind
        i += 1
    # moved passages go far from home (into the other half), inserts at fixed places
    for k, item in enumerate(moved):
        new.insert(len(new) - 3 - 9 * k if item[1][0] < len(base) // 2 else 2 + 9 * k, item)
    for k, text in enumerate(extra):
        new.insert(4 + 12 * k, (text, ()))
    gold: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = []
    by_old: dict[tuple[int, ...], list[int]] = {}
    for j, (_, olds) in enumerate(new):
        if olds:
            by_old.setdefault(olds, []).append(j)
        else:
            gold.append(("added", (), (j,)))
    for olds, kind in kinds.items():
        gold.append((kind, olds, tuple(by_old.get(olds, ()))))
    return Pair(base, [t for t, _ in new], gold)


def scores(pair: Pair, alignment) -> dict[str, tuple[float, float, float]]:
    """Precision, recall, F1 per kind: a bead counts when its sides and its kind both match."""
    index = {f"p{k + 1}": k for k in range(max(len(pair.old), len(pair.new)))}
    predicted = Counter(
        (e.kind, tuple(index[i] for i in e.old), tuple(index[j] for j in e.new))
        for e in alignment.entries
    )
    gold = Counter(pair.gold)
    out = {}
    for kind in sorted({k for k, *_ in gold} | {k for k, *_ in predicted}):
        p_k = {b: c for b, c in predicted.items() if b[0] == kind}
        g_k = {b: c for b, c in gold.items() if b[0] == kind}
        hits = sum(min(c, g_k.get(b, 0)) for b, c in p_k.items())
        precision = hits / max(1, sum(p_k.values()))
        recall = hits / max(1, sum(g_k.values()))
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        out[kind] = (precision, recall, f1)
    return out


@pytest.fixture(scope="module")
def pair(nss_files) -> Pair:
    base = paragraphs(nss_files["2010"])[:56]
    extra = paragraphs(nss_files["2015"])[10:14]
    assert len(base) == 56 and len(extra) == 4
    return build_pair(base, extra)


def _run(pair: Pair, embedder):
    """Aligned as ``compare`` aligns: with the shipped pair decision for this embedder."""
    old = document_from_passages(pair.old, title="old")
    new = document_from_passages(pair.new, title="new")
    return align(old, new, embedder.encode(pair.old), embedder.encode(pair.new),
                 decision=decision_for(embedder.name))


def _check(result, pair: Pair, floors: dict[str, float]) -> dict:
    per_kind = scores(pair, result)
    print({k: round(v[2], 3) for k, v in per_kind.items()})
    for kind, floor in floors.items():
        assert per_kind[kind][2] >= floor, (kind, per_kind[kind], result.counts())
    return per_kind


def test_ground_truth_is_consistent(pair: Pair) -> None:
    olds = sorted(i for _, o, _ in pair.gold for i in o)
    news = sorted(j for _, _, n in pair.gold for j in n)
    assert olds == list(range(len(pair.old)))
    assert news == list(range(len(pair.new)))
    assert reword(pair.old[13]) != pair.old[13]


def test_every_kind_found_with_lexical_embedder(pair: Pair, tmp_path) -> None:
    from concept_diff.embed import get_embedder

    result = _run(pair, get_embedder("lexical", cache_dir=tmp_path))
    _check(result, pair, {"unchanged": 0.95, "edited": 0.8, "moved": 0.8, "removed": 0.8,
                          "added": 0.8, "split": 0.6, "merged": 0.6, "rewritten": 0.5})


def test_moves_are_moves_not_delete_and_add(pair: Pair, tmp_path) -> None:
    from concept_diff.embed import get_embedder

    result = _run(pair, get_embedder("lexical", cache_dir=tmp_path))
    moved_old = {f"p{o[0] + 1}" for kind, o, _ in pair.gold if kind == "moved"}
    removed = {i for e in result.entries if e.kind == "removed" for i in e.old}
    assert not moved_old & removed
    assert moved_old <= {i for e in result.entries if e.kind == "moved" for i in e.old}


@pytest.mark.model
def test_every_kind_found_with_real_model(pair: Pair, minilm) -> None:
    result = _run(pair, minilm)
    _check(result, pair, {"unchanged": 0.95, "edited": 0.8, "moved": 0.8, "removed": 0.8,
                          "added": 0.8, "split": 0.6, "merged": 0.6, "rewritten": 0.6})


def test_shuffled_document_is_all_moves_or_in_place(pair: Pair, tmp_path) -> None:
    """Every passage kept verbatim but the order shuffled: nothing added or removed."""
    from concept_diff.embed import get_embedder

    order = np.random.default_rng(7).permutation(len(pair.old))
    shuffled = [pair.old[k] for k in order]
    embedder = get_embedder("lexical", cache_dir=tmp_path)
    old = document_from_passages(pair.old)
    new = document_from_passages(shuffled)
    result = align(old, new, embedder.encode(pair.old), embedder.encode(shuffled))
    counts = result.counts()
    assert counts["added"] == counts["removed"] == 0
    assert counts["unchanged"] + counts["moved"] == len(pair.old)
    position = np.argsort(order)  # where each old passage went
    for entry in result.entries:
        assert int(entry.new[0][1:]) - 1 == position[int(entry.old[0][1:]) - 1]
