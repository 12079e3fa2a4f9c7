"""Precision of the ranked headlines against the judged set, today's ranking beside this one.

    CONCEPT_DIFF_CORPORA=... .venv/bin/python bench/bench_headlines.py
    .venv/bin/python bench/bench_headlines.py --baseline-repo /tmp/cd-baseline   # rerun it

For each of the six visible NSS pairs: precision@5 and @15 (headlines judged `good` over 5
or 15) of the baseline ranking (revision 1dd0b79, from tests/data/headlines/baseline.tsv or
rerun from a checkout of it) and of this checkout's ranking, computed now. Labels come from
tests/data/headlines/judged.tsv (an independent judge's, by GUIDELINE.md); a headline that
is not in the judged set counts as not good and is shown as unjudged, so a ranking cannot
gain by writing headlines nobody judged. ``--write`` stores this checkout's figures (and the
judges' pooled kappa) in concept_diff/data/headline_eval.json, which the report's Method
section reads.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

from concept_diff.align.labelled import cohen_kappa
from concept_diff.atomic import write_text
from concept_diff.fingerprint import read_tsv

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "headlines"
CUTS = (5, 15)


def _dump_module():
    spec = importlib.util.spec_from_file_location("headline_dump", DATA / "dump.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ranked_keys(rows) -> dict[str, list[str]]:
    """{pair: [key by rank]} from (pair, rank, key) rows."""
    by_pair: dict[str, list[tuple[int, str]]] = {}
    for pair, rank, key in rows:
        by_pair.setdefault(pair, []).append((int(rank), key))
    return {pair: [k for _, k in sorted(items)] for pair, items in by_pair.items()}


def tally(keys: list[str], labels: dict[str, str], cut: int) -> Counter:
    counts = Counter(labels.get(k, "unjudged") for k in keys[:cut])
    counts["n"] = min(cut, len(keys))
    return counts


def cell(counts: Counter, cut: int) -> str:
    good = counts["good"]
    rest = [f"{counts[k]} {k}" for k in ("true-but-minor", "false", "unjudged") if counts[k]]
    return f"{good / cut:.2f} ({good}/{cut}{'; ' + ', '.join(rest) if rest else ''})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-repo", type=Path, help="rerun the baseline from a checkout")
    parser.add_argument("--judged", type=Path, default=DATA / "judged.tsv")
    parser.add_argument("--current", type=Path, help="a saved dump (dump.py ranking) to score "
                        "instead of computing this checkout's ranking")
    parser.add_argument("--write", action="store_true",
                        help="store the current ranking's figures for the Method section")
    args = parser.parse_args()
    dump = _dump_module()
    judged_rows = read_tsv(args.judged)
    labels = {row["key"]: row["label"] for row in judged_rows}
    if args.baseline_repo:
        baseline = ranked_keys(dump.ranks(_ranking_in(args.baseline_repo)))
    else:
        rows = read_tsv(DATA / "baseline.tsv")
        baseline = ranked_keys((r["pair"], r["rank"], r["key"]) for r in rows)
    if args.current:
        current_dump = json.loads(args.current.read_text("utf-8"))
    else:
        current_dump = dump.ranking(ROOT, dump.TOP)
    current = ranked_keys(dump.ranks(current_dump))
    print(f"judged headlines: {len(labels)} ({dict(Counter(labels.values()))})")
    header = f"{'pair':<10} {'ranking':<9}" + "".join(f" {'precision@' + str(c):<34}" for c in CUTS)
    print(header)
    totals = {name: Counter() for name in ("baseline", "current")}
    for pair in [f"{o}-{n}" for o, n in dump.PAIRS]:
        for name, ranking in (("baseline", baseline), ("current", current)):
            keys = ranking.get(pair, [])
            cells = []
            for cut in CUTS:
                counts = tally(keys, labels, cut)
                totals[name].update({f"{cut}:{k}": v for k, v in counts.items()})
                cells.append(cell(counts, cut))
            print(f"{pair:<10} {name:<9}" + "".join(f" {c:<34}" for c in cells))
    twins = twin_labels(current_dump, judged_rows, labels)
    if twins:
        for cut in CUTS:
            counts = Counter()
            for pair, keys in current.items():
                counts.update(tally(keys, {**labels, **twins}, cut))
            n = counts["n"] or 1
            print(f"estimate   current   precision@{cut} {counts['good'] / n:.3f} counting "
                  f"{sum(1 for p in current.values() for k in p[:cut] if k in twins)} unjudged "
                  "headlines by their judged twin (same pair, kind and subject, one label)")
    for name, total in totals.items():
        parts = []
        for cut in CUTS:
            n = total[f"{cut}:n"] or 1
            parts.append(f"precision@{cut} {total[f'{cut}:good'] / n:.3f}, "
                         f"false {total[f'{cut}:false']}, unjudged {total[f'{cut}:unjudged']}")
        print(f"all pairs  {name:<9} " + "; ".join(parts))
    if args.write:
        write_figures(totals["current"], judged_rows, [f"{o}→{n}" for o, n in dump.PAIRS])


def write_figures(total: Counter, judged_rows: list[dict], pairs: list[str]) -> None:
    """concept_diff/data/headline_eval.json: what the Method section says about headlines."""
    both = [r for r in judged_rows if r.get("label_a") and r.get("label_b")]
    years = sorted({y for p in pairs for y in p.split("→")})
    figures = {
        "about": "bench/bench_headlines.py --write: the current ranking's top 5 and top 15 "
                 "of each pair against tests/data/headlines/judged.tsv; not held out (the "
                 "ranking was developed on these pairs)",
        "pairs": len(pairs), "documents": f"{len(years)} US National Security Strategies "
                                          f"({', '.join(years)})",
        "judged": len(judged_rows),
        "kappa": round(cohen_kappa([r["label_a"] for r in both], [r["label_b"] for r in both]), 3),
        "precision_at_5": round(total["5:good"] / (total["5:n"] or 1), 3),
        "precision_at_15": round(total["15:good"] / (total["15:n"] or 1), 3),
        "false_at_15": total["15:false"], "unjudged_at_15": total["15:unjudged"],
        "held_out": False,
    }
    path = ROOT / "concept_diff" / "data" / "headline_eval.json"
    write_text(path, json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


def twin_labels(dump: dict, judged_rows: list[dict], labels: dict[str, str]) -> dict[str, str]:
    """For an unjudged headline, the label of the judged ones about the same pair, kind and
    subject when they all agree (a recount or rewording of a judged headline). An estimate,
    printed apart from the precision, which counts only judged headlines."""
    dump_module = _dump_module()
    by_subject: dict[tuple, set[str]] = {}
    for row in judged_rows:
        by_subject.setdefault((row["pair"], row["kind"], row["subject"]), set()).add(row["label"])
    twins = {}
    for pair, headlines in dump.items():
        for h in headlines:
            key = dump_module.item_key(pair, h["kind"], h["subject"], h["summary"])
            found = by_subject.get((pair, h["kind"], h["subject"]), set())
            if key not in labels and len(found) == 1:
                twins[key] = next(iter(found))
    return twins


def _ranking_in(repo: Path) -> dict:
    """The baseline's dump, computed in a fresh process so its package is the one imported."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "baseline.json"
        subprocess.run([sys.executable, str(DATA / "dump.py"), "ranking", "--repo", str(repo),
                        "-o", str(out)], check=True, cwd=repo)
        return json.loads(out.read_text("utf-8"))


if __name__ == "__main__":
    main()
