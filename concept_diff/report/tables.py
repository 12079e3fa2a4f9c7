"""The contract's tables as pandas DataFrames: alignment, terms, actors, headlines.

These are what the CSV files hold and what notebooks want. Lists become space- or
semicolon-joined strings, framing shares become one column per category, and evidence keeps
its quotes as JSON so nothing is lost.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

TABLES = ("alignment", "terms", "actors", "headlines")


def frames(contract: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Every table of the contract, by name, in TABLES order."""
    builders = {"alignment": alignment_frame, "terms": terms_frame, "actors": actors_frame,
                "headlines": headlines_frame}
    return {name: builders[name](contract) for name in TABLES}


def alignment_frame(contract: Mapping[str, Any]) -> pd.DataFrame:
    """One row per alignment entry, with both sides' labels, sections and full texts."""
    passages = {side: {p["id"]: p for p in contract[side].get("passages", [])}
                for side in ("old", "new")}
    rows = []
    for entry in contract.get("alignment", []):
        row: dict[str, Any] = {"kind": entry.get("kind")}
        for side in ("old", "new"):
            found = [passages[side][i] for i in entry.get(side, [])]
            row[side] = " ".join(entry.get(side, []))
            row[f"{side}_labels"] = " ".join(str(p.get("label") or "") for p in found).strip()
            row[f"{side}_section"] = found[0].get("section") if found else None
            row[f"{side}_text"] = " ".join(p.get("text", "") for p in found)
        row["similarity"] = entry.get("similarity")
        row["lexical"] = entry.get("lexical")
        row["confidence"] = entry.get("confidence")  # P(same content) of a linked pair
        related = entry.get("related") or {}  # added/removed: the same-topic passage
        row["related"] = related.get("id")
        row["related_score"] = related.get("score")
        row["related_same"] = related.get("same")
        rows.append(row)
    columns = ["kind", "old", "new", "similarity", "lexical", "confidence", "related",
               "related_score", "related_same", "old_labels", "new_labels", "old_section",
               "new_section", "old_text", "new_text"]
    return pd.DataFrame(rows, columns=columns)


TERM_COLUMNS = ["term", "status", "old_count", "new_count", "old_per_10k", "new_per_10k",
                "keyness", "p_value", "log_ratio"]


def terms_frame(contract: Mapping[str, Any]) -> pd.DataFrame:
    rows = [{c: t.get(c) for c in TERM_COLUMNS} for t in contract.get("terms", [])]
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def actors_frame(contract: Mapping[str, Any]) -> pd.DataFrame:
    """One row per actor; ``old_<category>``/``new_<category>`` hold the framing shares."""
    actors = contract.get("actors", [])
    categories = sorted({c for a in actors for side in ("old", "new")
                         for c in (a.get(f"{side}_framing") or {})})
    rows = []
    for actor in actors:
        row = {"actor": actor.get("actor"), "aliases": "; ".join(actor.get("aliases", [])),
               "old_mentions": actor.get("old_mentions"), "new_mentions": actor.get("new_mentions"),
               "old_dominant": actor.get("old_dominant"), "new_dominant": actor.get("new_dominant"),
               "shift": actor.get("shift")}
        for side in ("old", "new"):
            framing = actor.get(f"{side}_framing") or {}
            row.update({f"{side}_{c}": framing.get(c) for c in categories})
        row["evidence"] = _evidence(actor.get("evidence", []))
        rows.append(row)
    columns = ["actor", "aliases", "old_mentions", "new_mentions", "old_dominant",
               "new_dominant", "shift"]
    columns += [f"{side}_{c}" for side in ("old", "new") for c in categories] + ["evidence"]
    return pd.DataFrame(rows, columns=columns)


def headlines_frame(contract: Mapping[str, Any]) -> pd.DataFrame:
    rows = [{"rank": h.get("rank"), "kind": h.get("kind"), "subject": h.get("subject"),
             "summary": h.get("summary"), "evidence": _evidence(h.get("evidence", []))}
            for h in contract.get("headlines", [])]
    return pd.DataFrame(rows, columns=["rank", "kind", "subject", "summary", "evidence"])


def _evidence(items: list[Mapping[str, Any]]) -> str:
    return json.dumps([{"version": e.get("version"), "passage": e.get("passage"),
                        "quote": e.get("quote")} for e in items], ensure_ascii=False)


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` (shown as text).

    Numbers stay numbers (a negative keyness is not a formula); only strings are guarded.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unguard_cell(value: Any) -> Any:
    """The text a guarded cell stood for (reading back a CSV this package wrote)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text, formula-like cells guarded, with fixed line endings (same bytes everywhere)."""
    guarded = frame.copy()
    for column in guarded.columns:
        if not pd.api.types.is_numeric_dtype(guarded[column]):  # text (object or str dtype)
            guarded[column] = guarded[column].map(guard_cell)
    guarded.columns = [guard_cell(str(c)) for c in guarded.columns]
    return guarded.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
