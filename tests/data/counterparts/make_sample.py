"""Draw the counterpart-labelling sample: NSS 2015 passages the aligner calls added (run once).

    CONCEPT_DIFF_CORPORA=../shared/corpora python tests/data/counterparts/make_sample.py OUT_DIR \
        [OLD NEW SEED]

30 passages of at least MIN_WORDS words drawn at random from the NEW passages that the aligner
(bundled MiniLM, default settings) marks `added` against OLD. Writes, for the labeller,
OUT_DIR/added.tsv (the 30 passages) and OUT_DIR/old_passages.tsv (every OLD passage with its
id and section); the references only go to tests/data/counterparts/items.tsv for 2010→2015
(seed 3, the first set) and items-OLD-NEW.tsv for any other pair (seed 5 for 2006→2010, the
second set, drawn so that `related` can be checked on a pair nobody tuned it to).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from concept_diff import compare, load
from concept_diff.fingerprint import fingerprint, hint, write_tsv

MIN_WORDS = 15
COUNT = 30


def main(out_dir: Path, old_year: str = "2010", new_year: str = "2015", seed: int = 3) -> None:
    root = Path(os.environ["CONCEPT_DIFF_CORPORA"]) / "us-national-security-strategy"
    old = load(root / f"{old_year}-national-security-strategy.txt")
    new = load(root / f"{new_year}-national-security-strategy.txt")
    result = compare(old, new, analyse=False)
    added = {pid for e in result.alignment.entries if e.kind == "added" for pid in e.new}
    pool = [p for p in new.passages if p.id in added and len(p.text.split()) >= MIN_WORDS]
    chosen = sorted(random.Random(seed).sample(pool, COUNT), key=lambda p: int(p.id[1:]))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [{"new_id": p.id, "new_fp": fingerprint(p.text), "new_hint": hint(p.text),
             "section": p.section or "", "text": " ".join(p.text.split())} for p in chosen]
    write_tsv(out_dir / "added.tsv", rows, ["new_id", "section", "text"])
    write_tsv(out_dir / "old_passages.tsv",
           [{"old_id": p.id, "section": p.section or "", "text": " ".join(p.text.split())}
            for p in old.passages], ["old_id", "section", "text"])
    name = "items.tsv" if (old_year, new_year) == ("2010", "2015") else \
        f"items-{old_year}-{new_year}.tsv"
    write_tsv(Path(__file__).with_name(name), rows, ["new_id", "new_fp", "new_hint"])
    print(len(rows), "added passages of", len(pool))


if __name__ == "__main__":
    if len(sys.argv) == 5:
        main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main(Path(sys.argv[1]))
