"""Score an alignment against a gold alignment: precision, recall and F1, strict and lax.

Gold file format (TSV, UTF-8), one bead per line::

    # comments and blank lines are ignored; so is a header line "old<TAB>new"
    1	1          old passage 1 became new passage 1
    8	10,11      a split (many-to-many beads are allowed on both sides)
    16,17	18     a merge
    	8          new passage 8 was added (old side empty)
    13	          old passage 13 was removed (new side empty)

Each side is a comma-separated list of passage ids (``p3``, as ``concept-diff inspect
--passages`` shows them) or 1-based passage numbers in reading order (``3``); the two may be
mixed. Passages the file does not name are simply not scored.

The scores follow the definitions of vecalign's ``score.py``, which bertalign reuses
(bertalign/eval.py, ``score_multiple`` and ``_precision``):

* precision is computed over every predicted bead, added/removed ones included. A bead is a
  *strict* true positive when the very same bead (same old set, same new set) is in the gold
  file; a *lax* true positive when, in addition, any of its old passages is aligned in the gold
  file to any of its new passages (partial overlap on both sides). Everything else is a false
  positive of that flavour.
* recall is the same computation with gold and prediction swapped and with added/removed
  beads left out of both (vecalign: "recall is precision with no insertion/deletion").
* F1 is the harmonic mean of the two, per flavour; 0 where undefined.

Moved passages count like any other bead: a move found as a move is a strict hit, whereas a
move reported as removed + added is two false positives and a miss.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError
from .model import Document

Bead = tuple[tuple[str, ...], tuple[str, ...]]


def _side(field: str, doc: Document, path: Path, line: int) -> tuple[str, ...]:
    ids = []
    for item in (x.strip() for x in field.split(",")):
        if not item:
            continue
        pid = f"p{item}" if item.isdigit() else item
        try:
            doc.passage(pid)
        except KeyError:
            raise InputError(f"line {line}: no passage {item!r} in {doc.source} "
                             f"({len(doc.passages)} passages)", path) from None
        ids.append(pid)
    return tuple(sorted(ids, key=lambda p: int(p[1:]) if p[1:].isdigit() else 0))


def read_gold(path: str | Path, old: Document, new: Document) -> list[Bead]:
    """Beads of the gold TSV (format above), as passage ids; InputError names a bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read gold file ({error})", path) from None
    beads: list[Bead] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip("\r\n")
        if not line.strip() or line.strip().lower().replace(" ", "") in ("old\tnew", "oldnew"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise InputError(f"line {number}: expected 'old<TAB>new', got {raw!r}", path)
        bead = (_side(fields[0], old, path, number), _side(fields[1], new, path, number))
        if bead[0] or bead[1]:
            beads.append(bead)
    if not beads:
        raise InputError("no alignments in gold file", path)
    return beads


def _counts(reference: Iterable[Bead], test: Iterable[Bead]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` beads against ``reference``."""
    reference = {b for b in reference if b[0] or b[1]}
    linked: dict[str, set[str]] = defaultdict(set)
    for olds, news in reference:
        for o in olds:
            linked[o].update(news)
    strict = lax = total = 0
    for bead in sorted({b for b in test if b[0] or b[1]}):
        total += 1
        if bead in reference:
            strict += 1
            lax += 1
        elif set(bead[1]) & {n for o in bead[0] for n in linked[o]}:
            lax += 1
    return strict, total - strict, lax, total - lax


def _ratio(hits: int, misses: int) -> float:
    return hits / (hits + misses) if hits + misses else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _paired(beads: list[Bead]) -> list[Bead]:
    return [b for b in beads if b[0] and b[1]]


def score(predicted: list[Bead], gold: list[Bead]) -> dict[str, float]:
    """Strict and lax precision, recall and F1 of ``predicted`` beads against ``gold``."""
    ps, pf, pl, plf = _counts(gold, predicted)
    rs, rf, rl, rlf = _counts(_paired(predicted), _paired(gold))
    out = {
        "precision_strict": _ratio(ps, pf), "recall_strict": _ratio(rs, rf),
        "precision_lax": _ratio(pl, plf), "recall_lax": _ratio(rl, rlf),
    }
    out["f1_strict"] = _f1(out["precision_strict"], out["recall_strict"])
    out["f1_lax"] = _f1(out["precision_lax"], out["recall_lax"])
    return {k: round(v, 4) for k, v in out.items()}


def evaluate(alignment, gold: list[Bead]) -> dict:
    """Scores of an Alignment against gold beads, restricted to the passages gold names."""
    named_old = {o for b in gold for o in b[0]}
    named_new = {n for b in gold for n in b[1]}
    predicted = [
        (tuple(e.old), tuple(e.new)) for e in alignment.entries
        if set(e.old) & named_old or set(e.new) & named_new
    ]
    return {"beads": {"gold": len(gold), "predicted": len(predicted)},
            **score(predicted, gold)}


def format_scores(scores: dict, *, as_json: bool = False) -> str:
    if as_json:
        return json.dumps(scores, indent=2, sort_keys=True)
    rows = [f"beads: {scores['beads']['gold']} gold, {scores['beads']['predicted']} predicted",
            "             strict    lax"]
    for name in ("precision", "recall", "f1"):
        rows.append(f"{name:<11} {scores[name + '_strict']:>7.3f} {scores[name + '_lax']:>7.3f}")
    return "\n".join(rows)
