"""What the shipped analysis was measured to do, for the Method section: read from the data
files the bench scripts write (bench/bench_headlines.py --write; bench/bench_pairs.py --write,
read with the pair decision it describes), never written here as figures. An absent file or
figure means "not measured" and the report says nothing about it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from .align.decision import held_out

HEADLINES = "headline_eval.json"


@lru_cache(maxsize=4)
def _data(name: str) -> dict[str, Any]:
    path = resources.files("concept_diff").joinpath("data", name)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def measured(parameters: dict[str, Any], *, analysed: bool) -> dict[str, Any]:
    """``{"headlines": {...}, "pairs": {...}}`` for the contract: the headline figures when
    shifts were analysed, the pair decision's held-out figures for the fit that ran."""
    out: dict[str, Any] = {}
    headlines = _data(HEADLINES)
    if analysed and headlines:
        out["headlines"] = headlines
    fit = (parameters.get("decision") or {}).get("fit")
    pairs = held_out(fit) if fit else None
    if pairs:
        out["pairs"] = dict(pairs, fit=fit)
    return out
