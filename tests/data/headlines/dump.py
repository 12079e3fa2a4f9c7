"""Dump the top headlines of the six visible NSS pairs, for judging by hand.

Run once per ranking, each from its own checkout (the code that is imported is the code of
the checkout named by --repo), then merge the dumps into one file of items to judge:

    python tests/data/headlines/dump.py ranking --repo /tmp/cd-baseline -o /tmp/old.json
    python tests/data/headlines/dump.py ranking --repo . -o /tmp/new.json
    python tests/data/headlines/dump.py items /tmp/old.json /tmp/new.json \
        -o /tmp/labelling/headlines/items.tsv
    python tests/data/headlines/dump.py ranks /tmp/old.json -o tests/data/headlines/baseline.tsv

The corpus comes from $CONCEPT_DIFF_CORPORA (us-national-security-strategy/). An item's key is
the fingerprint of its pair, kind, subject and summary, so a headline that both rankings
write identically is judged once. The items file is blind (no ranking, no rank); ``ranks``
keeps a ranking as (pair, rank, key) rows, which bench/bench_headlines.py reads.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

PAIRS = [
    ("2002", "2006"), ("2006", "2010"), ("2010", "2015"),
    ("2002", "2010"), ("2006", "2015"), ("2002", "2015"),
]
TOP = 25
SERIES = "us-national-security-strategy"


def item_key(pair: str, kind: str, subject: str, summary: str) -> str:
    from concept_diff.fingerprint import fingerprint

    return fingerprint(f"{pair}|{kind}|{subject}|{summary}")


def ranking(repo: Path, top: int) -> dict:
    """{pair: [headline, ...]} from the checkout at ``repo``."""
    sys.path.insert(0, str(repo.resolve()))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from concept_diff.embed import get_embedder
    from concept_diff.loaders import load_document
    from concept_diff.shifts import analyse

    folder = Path(os.environ["CONCEPT_DIFF_CORPORA"]) / SERIES
    docs = {}
    for path in sorted(folder.glob("*.txt")):
        year = path.name[:4]
        if any(year in pair for pair in PAIRS):
            docs[year] = load_document(path)
            docs[year].date = year
    embedder = get_embedder()
    result = {}
    for old, new in PAIRS:
        shifts = analyse(docs[old], docs[new], embedder=embedder)
        result[f"{old}-{new}"] = [
            {k: h[k] for k in ("rank", "kind", "subject", "summary", "score", "evidence")}
            for h in shifts.headlines[:top]
        ]
    return result


def items(dumps: list[dict]) -> list[dict]:
    """One row per distinct headline over all dumps (blind: which ranking wrote it, and at
    what rank, is not in the row), ordered by pair and key."""
    rows: dict[str, dict] = {}
    for dump in dumps:
        for pair, headlines in dump.items():
            for h in headlines:
                key = item_key(pair, h["kind"], h["subject"], h["summary"])
                rows.setdefault(key, {
                    "key": key, "pair": pair, "kind": h["kind"], "subject": h["subject"],
                    "summary": h["summary"],
                    "evidence": " || ".join(
                        f"[{e['version']} {e['passage']}] {e['quote']}" for e in h["evidence"]
                    ),
                })
    order = {f"{o}-{n}": i for i, (o, n) in enumerate(PAIRS)}
    return sorted(rows.values(), key=lambda r: (order[r["pair"]], r["key"]))


def ranks(dump: dict) -> list[tuple[str, int, str]]:
    """(pair, rank, key) of every headline in a dump."""
    return [(pair, h["rank"], item_key(pair, h["kind"], h["subject"], h["summary"]))
            for pair, headlines in dump.items() for h in headlines]


def write_tsv(rows: list[list[str]], out: Path) -> None:
    """Tab-separated, written whole or not at all; whitespace inside a cell made one space."""
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        for row in rows:
            writer.writerow([" ".join(str(cell).split()) for cell in row])
    tmp.replace(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("ranking", help="dump one checkout's top headlines as JSON")
    one.add_argument("--repo", type=Path, default=Path("."))
    one.add_argument("--top", type=int, default=TOP)
    one.add_argument("-o", "--output", type=Path, required=True)
    merge = sub.add_parser("items", help="merge dumps into the TSV of items to judge")
    merge.add_argument("dumps", nargs="+", type=Path)
    merge.add_argument("-o", "--output", type=Path, required=True)
    keys = sub.add_parser("ranks", help="a dump's (pair, rank, key) rows, no text")
    keys.add_argument("dump", type=Path)
    keys.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "ranking":
        args.output.write_text(json.dumps(ranking(args.repo, args.top), indent=1), "utf-8")
    elif args.command == "items":
        rows = items([json.loads(p.read_text("utf-8")) for p in args.dumps])
        columns = ["key", "pair", "kind", "subject", "summary", "evidence"]
        write_tsv([columns] + [[r[c] for c in columns] for r in rows], args.output)
    else:
        dump = json.loads(args.dump.read_text("utf-8"))
        write_tsv([["pair", "rank", "key"]] + [list(r) for r in ranks(dump)], args.output)


if __name__ == "__main__":
    main()
