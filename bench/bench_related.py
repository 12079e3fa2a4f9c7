"""``related`` against hand-labelled counterparts of added passages, before and after, one run.

    CONCEPT_DIFF_CORPORA=../shared/corpora CONCEPT_DIFF_CACHE=/tmp/cdcache \
        python bench/bench_related.py [--items] [--candidates 8,16,32,64]

Two sets of NSS passages the aligner calls added, each labelled with the older passage that
treats its topic (or none) and its equally good alternatives (tests/data/counterparts):
2010→2015 (labels.tsv), on which the ranking was chosen, and 2006→2010
(labels-2006-2010.tsv), held out: reported, never tuned on. As in bench_pairs.py, the pair
decision used for each document pair is fitted on the labelled pairs of the other two, and
the aligner runs with it (align/related.py attaches ``related``).

A labelled passage agrees when its pointer is the labelled passage or one of the alternatives,
or both say none; one the aligner links (not added) is scored by its link. Printed per set:

  before   the previous rule: the highest P(topic) among the 8 nearest by cosine
  after    align/related.py: cosine + tf-idf + cosine in context among the CANDIDATES nearest
  ceiling  the labelled passage (or none) among those candidates at all
  near     (secondary, defined after the first held-out run) the pointer is a labelled
           passage or within NEAR passages of one in the same section

Then a check that needs no counterpart labels (``ordering``): on the labelled pairs of all
three NSS document pairs (tests/data/pairs), how often each score orders the partners of one
passage same > topic > unrelated, P(topic) held out by document pair as above.

``--text-only`` uses the text-only fit of the decision (what any other embedder gets), as
bench_pairs.py does for its second figure. ``--items`` lists every labelled passage with both picks; ``--candidates`` also prints the
agreement of the new rule with other candidate counts. Then the time ``related`` takes on a
warm 2010→2015 alignment (process CPU time, best of 5), beside the whole alignment.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_pairs import DATA_DIR, Pair, fit, load_pairs

from concept_diff.align import AlignParams, align
from concept_diff.align.decision import Decision
from concept_diff.align.entries import Entry
from concept_diff.align.labelled import Finder, read_labels, read_tsv
from concept_diff.align.related import (
    CANDIDATES,
    attach_related,
    counterpart_scores,
    first_on_topic,
    pair_scores,
)

BEFORE_CANDIDATES = 8
NEAR = 2  # a pointer this many passages from a labelled one, same section, lands a reader there
SETS = ((2, "labels.tsv", "2010→2015, the set the rule was chosen on"),
        (1, "labels-2006-2010.tsv", "2006→2010, held out"))


def by_topic(pair: Pair, decision: Decision, new: int) -> int | None:
    """The previous rule: highest P(topic) among the 8 nearest, if it reaches related_min."""
    near = [int(o) for o in pair.evidence.neighbours(1, [new], BEFORE_CANDIDATES)[1][0] if o >= 0]
    p = decision.topic.probability(pair.evidence.matrix([(o, new) for o in near],
                                                        decision.topic.features))
    best = int(np.argmax(p))  # first of equals: the nearer by cosine
    return near[best] if p[best] >= decision.related_min else None


def by_context(pair: Pair, decision: Decision, new: int, candidates: int) -> int | None:
    """The new rule (align/related.py) with another candidate count."""
    chosen = first_on_topic(pair.evidence, decision, 1, [new],
                            counterpart_scores(pair.evidence, 1, [new], candidates))
    return chosen[new][0] if new in chosen else None


def _close(doc, wanted: set[int]) -> set[int]:
    """Passages within NEAR of a wanted one, in the same section."""
    passages = doc.passages
    return {k for w in wanted for k in range(max(0, w - NEAR), min(len(passages), w + NEAR + 1))
            if passages[k].section == passages[w].section}


def evaluate(pair: Pair, decision: Decision, labels: Path, items: bool,
             candidates: list[int]) -> dict[str, float]:
    result = align(pair.old, pair.new, *pair.vecs, AlignParams(), decision=decision,
                   old_sentence_vecs=pair.sentence_vecs[0],
                   new_sentence_vecs=pair.sentence_vecs[1])
    old_find, new_find = Finder(pair.old), Finder(pair.new)
    at_old = {p.id: k for k, p in enumerate(pair.old.passages)}
    entry_of = {n: e for e in result.entries for n in e.new}
    olds = pair.old.passages
    counts = dict.fromkeys(["before", "after", "ceiling", "before near", "after near",
                            *map(str, candidates)], 0)
    total = missing = linked = 0
    for row in read_tsv(labels):
        new = new_find.find(row["new_fp"], row["new_hint"])
        wanted = {old_find.find(fp, h) for fp, h in zip(
            [row["old_fp"], *filter(None, row["also_fps"].split(","))],
            [row["old_hint"], *row["also_hints"].split(" // ")])} - {None}
        none = row["old_fp"] == "none"
        if new is None or (not none and not wanted):
            missing += 1
            continue
        total += 1
        entry: Entry = entry_of[pair.new.passages[new].id]
        if entry.kind == "added":
            after = {at_old[entry.related["id"]]} if entry.related else set()
            before = {by_topic(pair, decision, new)} - {None}
            others = {str(k): {by_context(pair, decision, new, k)} - {None} for k in candidates}
        else:
            linked += 1
            after = before = {at_old[o] for o in entry.old}
            others = {str(k): after for k in candidates}
        near = set(pair.evidence.neighbours(1, [new], CANDIDATES)[1][0].tolist())
        got = {"before": before, "after": after, "ceiling": wanted & near, **others}
        hits = {k: bool(v & wanted) or (none and not v) for k, v in got.items()}
        hits["ceiling"] = none or bool(wanted & near)
        close = _close(pair.old, wanted)
        hits["before near"] = hits["before"] or bool(before & close)
        hits["after near"] = hits["after"] or bool(after & close)
        for k, ok in hits.items():
            counts[k] += ok
        if items:
            def name(found: set[int]) -> str:
                return ",".join(olds[k].id for k in sorted(found)) or "none"
            print(f"    {pair.new.passages[new].id:>5} {entry.kind:<8} labelled "
                  f"{'none' if none else row['old_id']} (any of {name(wanted)}): before "
                  f"{name(before)} "
                  f"{'ok' if hits['before'] else 'XX'}, after {name(after)} "
                  f"{'ok' if hits['after'] else 'XX'}  [{row['new_hint']}]")
    print(f"  {total} labelled passages found ({missing} not found by fingerprint; {linked} "
          "linked by the aligner, scored by their link)")
    print(f"  before (P(topic), {BEFORE_CANDIDATES} nearest): {counts['before']} of {total} "
          f"({counts['before'] / max(1, total):.0%})")
    print(f"  after  (related.py, {CANDIDATES} nearest):      {counts['after']} of {total} "
          f"({counts['after'] / max(1, total):.0%})")
    print(f"  labelled passage (or none) among the {CANDIDATES} nearest: {counts['ceiling']}")
    print(f"  the pointer within {NEAR} passages of a labelled one in its section (a reader "
          f"lands in the right place): before {counts['before near']}, after "
          f"{counts['after near']} of {total}")
    for k in candidates:
        print(f"  after with {k} nearest: {counts[str(k)]} of {total}")
    return {k: v / max(1, total) for k, v in counts.items()}


RANK = {"same": 2, "topic": 1, "unrelated": 0}


def ordering(pairs: list[Pair]) -> None:
    """A second check that needs no counterpart labels: the labelled pairs of
    tests/data/pairs (all three NSS document pairs) that share a passage, ordered same >
    topic > unrelated. For each labelled passage with several labelled partners, the share
    of differently labelled partner pairs each score puts in that order (ties count half),
    looking from that passage (P(topic) from the decision fitted without the document pair)."""
    print("labelled pairs sharing a passage, ordered same > topic > unrelated (share of "
          "differently labelled partner pairs put in that order):")
    totals: dict[str, list[float]] = {}
    for k, pair in enumerate(pairs):
        decision = fit(pairs[:k] + pairs[k + 1:], False)
        groups: dict[tuple[int, int], list] = {}
        for it in pair.items:
            groups.setdefault((0, it.old_index), []).append(it)
            groups.setdefault((1, it.new_index), []).append(it)
        got: dict[str, list[float]] = {}
        for (side, _), items in sorted(groups.items()):
            if len({it.label for it in items}) < 2:
                continue
            keys = [(it.old_index, it.new_index) for it in items]
            scores = {
                "cosine": pair.evidence.matrix(keys, ("cosine",))[:, 0],
                "P(topic) (before)": decision.topic.probability(
                    pair.evidence.matrix(keys, decision.topic.features)),
                "related.py (after)": pair_scores(pair.evidence, keys, side),
            }
            for name, values in scores.items():
                row = got.setdefault(name, [0.0, 0.0])
                for a, b in ((a, b) for a in range(len(items)) for b in range(len(items))
                             if RANK[items[a].label] > RANK[items[b].label]):
                    row[0] += float(values[a] > values[b]) + 0.5 * float(values[a] == values[b])
                    row[1] += 1
        print(f"  {pair.names}: " + "; ".join(f"{name} {hits / max(1, n):.3f}"
                                             for name, (hits, n) in got.items())
              + f" ({int(next(iter(got.values()))[1])} partner pairs)")
        for name, (hits, n) in got.items():
            row = totals.setdefault(name, [0.0, 0.0])
            row[0], row[1] = row[0] + hits, row[1] + n
    print("  pooled: " + "; ".join(f"{name} {hits / max(1, n):.3f}"
                                   for name, (hits, n) in totals.items()))


def timing(pair: Pair, decision: Decision, repeat: int = 5) -> None:
    """Process CPU time of a warm alignment with the decision, with ``related`` and with it
    patched out (same run, best of ``repeat``): what the pointers cost a compare."""
    import concept_diff.align as aligner

    def best() -> float:
        times = []
        for _ in range(repeat):
            start = time.process_time()
            align(pair.old, pair.new, *pair.vecs, AlignParams(), decision=decision,
                  old_sentence_vecs=pair.sentence_vecs[0], new_sentence_vecs=pair.sentence_vecs[1])
            times.append(time.process_time() - start)
        return min(times)

    with_related = best()
    aligner.attach_related = lambda *args, **kwargs: None
    try:
        without = best()
    finally:
        aligner.attach_related = attach_related
    print(f"align NSS {pair.names} with the decision, process CPU time, best of {repeat}: "
          f"{with_related:.3f}s with related, {without:.3f}s without")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", action="store_true", help="list every labelled passage")
    parser.add_argument("--tuning-only", action="store_true",
                        help="only the set the rule is chosen on (2010→2015)")
    parser.add_argument("--text-only", action="store_true",
                        help="the text-only decision fit (any other embedder) instead")
    parser.add_argument("--candidates", default="",
                        help="comma-separated candidate counts to try beside the shipped one")
    args = parser.parse_args()
    corpora = os.environ.get("CONCEPT_DIFF_CORPORA")
    if not corpora:
        sys.exit("set CONCEPT_DIFF_CORPORA to the folder holding us-national-security-strategy/")
    pairs = load_pairs(Path(corpora), read_labels(DATA_DIR / "pairs" / "labels.tsv"))
    candidates = [int(k) for k in args.candidates.split(",") if k]
    for k, labels, role in SETS[:1] if args.tuning_only else SETS:
        decision = fit(pairs[:k] + pairs[k + 1:], args.text_only)
        print(f"NSS {role} (tests/data/counterparts/{labels}; decision fitted without "
              f"{pairs[k].names})")
        evaluate(pairs[k], decision, DATA_DIR / "counterparts" / labels, args.items, candidates)
    if not args.tuning_only:
        ordering(pairs)
    timing(pairs[2], fit(pairs[:2], False))


if __name__ == "__main__":
    main()
