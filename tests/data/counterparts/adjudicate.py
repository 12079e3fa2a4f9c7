"""Adjudicate the counterpart labels of independent labellers into labels*.tsv (run once).

    CONCEPT_DIFF_CORPORA=../shared/corpora python tests/data/counterparts/adjudicate.py \\
        LABELLER_DIR...

Each LABELLER_DIR holds labels_set1.tsv (NSS 2015 added vs 2010) and labels_set2.tsv (NSS 2010
added vs 2006): ``new_id, old_id|none, also, note`` in the ids of the sampling run. Set 1 also
counts labeller A of the first round (labels-round1.tsv, by fingerprint).

The rule, the same for every passage: the counterpart is the majority top pick (ties and
two-way splits are decided in DECISIONS, each with its reason); the equally good alternatives
are every other labeller's top pick plus any passage at least two labellers named (top or
alternative). A ``none`` counterpart with alternatives means both answers are defensible.
Writes labels.tsv (set 1), labels-2006-2010.tsv (set 2) and labellers.tsv (every labeller's
raw answer, by fingerprint) beside this script; prints the agreement.
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from pathlib import Path

from concept_diff import load
from concept_diff.fingerprint import fingerprint, hint, read_tsv, write_tsv

HERE = Path(__file__).resolve().parent
SETS = {"set1": ("2010", "2015", "labels.tsv"), "set2": ("2006", "2010", "labels-2006-2010.tsv")}
# set, new passage -> (counterpart, reason) where the labellers split without a majority
DECISIONS = {
    ("set2", "p28"): ("p398", "leading the reform of institutions with partners; both named it"),
    ("set2", "p62"): ("none", ("fiscal sustainability is not treated in 2006; p17 (strength "
                               "rests on prosperity) is one labeller's thin match, kept as "
                               "alternative")),
    ("set2", "p79"): ("p374", "engagement with the UN; both named it"),
    ("set2", "p143"): ("p325", "the goal for Iraq; both named p325 and p12"),
}


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {r["new_id"]: r for r in csv.DictReader(f, delimiter="\t")}


def _named(row: dict[str, str]) -> tuple[str, set[str]]:
    top = row["old_id"].strip()
    return top, {top} | {x.strip() for x in row.get("also", "").split(",") if x.strip()}


def main(dirs: list[Path]) -> None:
    root = Path(os.environ["CONCEPT_DIFF_CORPORA"]) / "us-national-security-strategy"
    raw = []
    for name, (old_year, new_year, out) in SETS.items():
        old = load(root / f"{old_year}-national-security-strategy.txt")
        new = load(root / f"{new_year}-national-security-strategy.txt")
        old_by, new_by = {p.id: p for p in old.passages}, {p.id: p for p in new.passages}
        id_of = {fingerprint(p.text): p.id for p in old.passages}
        answers = [_rows(d / f"labels_{name}.tsv") for d in dirs]
        if name == "set1":  # labeller A of the first round, by fingerprint
            first = {}
            for r in read_tsv(HERE / "labels-round1.tsv"):
                also = [id_of.get(fp, "?") for fp in filter(None, r["also_fps"].split(","))]
                first[r["new_id"]] = {"new_id": r["new_id"], "old_id": id_of.get(r["old_fp"], "none"),
                                      "also": ",".join(also), "note": r["note"]}
            answers.insert(0, first)
        rows, exact = [], 0
        for new_id in answers[-1]:
            named = [_named(a[new_id]) for a in answers]
            tops = Counter(t for t, _ in named)
            exact += len(tops) == 1
            top, votes = tops.most_common(1)[0]
            reason = f"{votes} of {len(named)} labellers"
            if votes * 2 <= len(named):
                top, reason = DECISIONS[(name, new_id)]
            counts = Counter(x for _, s in named for x in s)
            also = sorted(({t for t, _ in named} | {x for x, c in counts.items() if c >= 2})
                          - {top, "none"}, key=lambda i: int(i[1:]))
            p = new_by[new_id]
            rows.append({
                "new_id": new_id, "new_fp": fingerprint(p.text), "new_hint": hint(p.text),
                "old_id": top,
                "old_fp": "none" if top == "none" else fingerprint(old_by[top].text),
                "old_hint": "" if top == "none" else hint(old_by[top].text),
                "also_ids": ",".join(also),
                "also_fps": ",".join(fingerprint(old_by[i].text) for i in also),
                "also_hints": " // ".join(hint(old_by[i].text) for i in also),
                "note": f"{reason}; " + answers[-1][new_id]["note"]})
            for k, (t, s) in enumerate(named):
                raw.append({"set": f"{old_year}-{new_year}", "new_fp": fingerprint(p.text),
                            "labeller": f"L{k + 1}", "old_fp": "none" if t == "none" else
                            fingerprint(old_by[t].text) if t in old_by else "?",
                            "named_fps": ",".join(fingerprint(old_by[i].text)
                                                  for i in sorted(s) if i in old_by)})
        write_tsv(HERE / out, rows, list(rows[0]))
        print(f"{name} ({old_year}→{new_year}): {len(named)} labellers, same top pick on "
              f"{exact} of {len(rows)}; {sum(r['old_id'] == 'none' for r in rows)} none")
    write_tsv(HERE / "labellers.tsv", raw, list(raw[0]))


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]])
