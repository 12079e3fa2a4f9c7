"""Draw the framing labelling sample from the four NSS texts (run once; kept for the record).

    CONCEPT_DIFF_CORPORA=../shared/corpora python tests/data/framing/make_sample.py OUT_DIR
    ... make_sample.py OUT_DIR --batch 2     # a second draw, none of the first batch's items

Writes OUT_DIR/items.tsv with the sentences (for labellers; never committed) and
tests/data/framing/items.tsv with references only (document, sentence fingerprint, actor).
One item is one actor named in one sentence; the author (the United States) is left out, as
the analysis leaves it unscored. Per document at most PER_ACTOR items of one actor, drawn at
random (seed 7), so a few actors do not fill the set.
"""

from __future__ import annotations

import os
import random
import sys
from collections import defaultdict
from pathlib import Path

from concept_diff import load
from concept_diff.fingerprint import fingerprint, hint, read_tsv, write_tsv
from concept_diff.shifts.actors import Matcher, detect_actors, find_mentions
from concept_diff.shifts.analysis import _self_actor

YEARS = ("2002", "2006", "2010", "2015")
PER_ACTOR = 8
PER_DOC = 160
SEEDS = {1: 7, 2: 8}  # batch 2 (drawn after batch 1 was labelled, for more training data)


def main(out_dir: Path, batch: int = 1) -> None:
    root = Path(os.environ["CONCEPT_DIFF_CORPORA"]) / "us-national-security-strategy"
    docs = [load(root / f"{y}-national-security-strategy.txt") for y in YEARS]
    actors = detect_actors(docs)
    matcher = Matcher(actors)
    rng = random.Random(SEEDS[batch])
    refs = Path(__file__).with_name("items.tsv")
    taken: set[tuple[str, str, str]] = set()
    first_id = 1
    if batch > 1:
        earlier = read_tsv(refs)
        taken = {(r["year"], r["fp"], r["actor"]) for r in earlier}
        first_id = len(earlier) + 1
    rows = []
    for year, doc in zip(YEARS, docs):
        mentions = find_mentions(doc, year, matcher)
        author = _self_actor(mentions)
        by_actor = defaultdict(list)
        for m in mentions:
            if m.actor != author and (year, fingerprint(m.text), m.actor) not in taken:
                by_actor[m.actor].append(m)
        chosen = []
        for actor in sorted(by_actor):
            pool = by_actor[actor]
            chosen += rng.sample(pool, min(PER_ACTOR, len(pool)))
        rng.shuffle(chosen)
        chosen = sorted(chosen[:PER_DOC], key=lambda m: (int(m.passage[1:]), m.sentence, m.actor))
        passages = {p.id: p for p in doc.passages}
        for m in chosen:
            start, end = m.spans[0]
            marked = m.text[:start] + "[[" + m.text[start:end] + "]]" + m.text[end:]
            sentences = passages[m.passage].sentences
            before = sentences[m.sentence - 1].text if m.sentence > 0 and sentences else ""
            rows.append({"year": year, "passage": m.passage, "sentence": m.sentence,
                         "actor": m.actor, "alias": m.text[start:end],
                         "fp": fingerprint(m.text), "hint": hint(m.text),
                         "context_before": " ".join(before.split()),
                         "marked": " ".join(marked.split())})
    for i, row in enumerate(rows, first_id):
        row["id"] = f"f{i:04d}"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_tsv(out_dir / "items.tsv", rows, ["id", "year", "actor", "alias", "context_before", "marked"])
    fields = ["id", "year", "passage", "sentence", "actor", "alias", "fp", "hint"]
    if batch > 1:
        rows = earlier + rows
    write_tsv(refs, rows, fields)
    print(f"{len(rows)} items", {y: sum(r['year'] == y for r in rows) for y in YEARS})


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[3]) if sys.argv[2:3] == ["--batch"] else 1)
