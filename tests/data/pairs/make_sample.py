"""Draw the pair-labelling sample from the NSS pairs (run once; kept for the record).

    CONCEPT_DIFF_CORPORA=../shared/corpora python tests/data/pairs/make_sample.py OUT_DIR

For each consecutive pair (2002→2006, 2006→2010, 2010→2015), candidate passage pairs from
four strata, so that both what the aligner links and what it could confuse are labelled:
  linked   pairs the aligner (bundled MiniLM, default settings) links as edited, rewritten,
           moved, unchanged, split or merged (split/merged: each piece with its partner);
  top      each old passage's nearest new passage by cosine, when not linked;
  near     rank 2-10 by cosine;
  random   uniform over all pairs.
Passages under MIN_WORDS words (headings, debris) are left out. Seed 11.
Writes OUT_DIR/items.tsv with both texts (for labellers; never committed) and
tests/data/pairs/items.tsv with references only (years, passage ids, fingerprints, stratum).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import numpy as np

from concept_diff import compare, load
from concept_diff.embed import get_embedder
from concept_diff.fingerprint import fingerprint, hint, write_tsv

PAIRS = (("2002", "2006"), ("2006", "2010"), ("2010", "2015"))
PER_STRATUM = {"linked": 80, "top": 50, "near": 50, "random": 40}
MIN_WORDS = 8


def main(out_dir: Path) -> None:
    root = Path(os.environ["CONCEPT_DIFF_CORPORA"]) / "us-national-security-strategy"
    embedder = get_embedder()
    rng = random.Random(11)
    rows = []
    for old_year, new_year in PAIRS:
        old = load(root / f"{old_year}-national-security-strategy.txt")
        new = load(root / f"{new_year}-national-security-strategy.txt")
        result = compare(old, new, embedder=embedder, analyse=False)
        olds = [p for p in old.passages if len(p.text.split()) >= MIN_WORDS]
        news = [p for p in new.passages if len(p.text.split()) >= MIN_WORDS]
        a = embedder.encode([p.text for p in olds])
        b = embedder.encode([p.text for p in news])
        cos = a @ b.T
        index_old = {p.id: i for i, p in enumerate(olds)}
        index_new = {p.id: j for j, p in enumerate(news)}
        linked = {}
        for entry in result.alignment.entries:
            if entry.kind in ("added", "removed"):
                continue
            for o in entry.old:
                for n in entry.new:
                    if o in index_old and n in index_new:
                        linked[(index_old[o], index_new[n])] = entry.kind
        strata: dict[str, list[tuple[int, int]]] = {"linked": sorted(linked)}
        order = np.argsort(-cos, axis=1, kind="stable")
        strata["top"] = [(i, int(order[i, 0])) for i in range(len(olds))
                         if (i, int(order[i, 0])) not in linked]
        strata["near"] = [(i, int(order[i, r])) for i in range(len(olds))
                          for r in range(1, min(10, len(news)))
                          if (i, int(order[i, r])) not in linked]
        strata["random"] = [(i, j) for i in range(len(olds)) for j in range(len(news))]
        taken: set[tuple[int, int]] = set()
        for name, pool in strata.items():
            pool = [p for p in pool if p not in taken]
            for i, j in rng.sample(pool, min(PER_STRATUM[name], len(pool))):
                taken.add((i, j))
                po, pn = olds[i], news[j]
                rows.append({"old_year": old_year, "new_year": new_year, "stratum": name,
                             "aligner_kind": linked.get((i, j), ""),
                             "old_id": po.id, "new_id": pn.id,
                             "old_fp": fingerprint(po.text), "new_fp": fingerprint(pn.text),
                             "old_hint": hint(po.text), "new_hint": hint(pn.text),
                             "cosine": f"{cos[i, j]:.4f}",
                             "old_text": " ".join(po.text.split()),
                             "new_text": " ".join(pn.text.split())})
    rng.shuffle(rows)
    rows.sort(key=lambda r: (r["old_year"],))
    for k, row in enumerate(rows, 1):
        row["id"] = f"q{k:04d}"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_tsv(out_dir / "items.tsv", rows, ["id", "old_year", "new_year", "old_text", "new_text"])
    write_tsv(out_dir / "items_with_strata.tsv", rows,
           ["id", "old_year", "new_year", "stratum", "aligner_kind", "cosine", "old_id", "new_id"])
    write_tsv(Path(__file__).with_name("items.tsv"), rows,
           ["id", "old_year", "new_year", "stratum", "aligner_kind", "old_id", "new_id",
            "old_fp", "new_fp", "old_hint", "new_hint"])
    print(len(rows), "pairs")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
