"""Framing a pair's mentions, and the researcher's mention file.

``compare … --mentions FILE.csv`` writes every scored mention: the document, passage,
sentence, actor, its role in the governing clause, the predicted framing, the probability of
each category and the sentence. ``--framing-labels FILE.csv`` reads the same file back with
the ``label`` column corrected; those labels replace the predictions on that run, and the
report says how many were taken from the file and how many of them differ from the model.
The tool proposes, the researcher decides.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import atomic
from ..errors import InputError
from ..fingerprint import fingerprint
from .actors import Mention
from .framing import LEVEL, MIN_SENTENCES, MIN_Z, Framing, FramingScorer
from .framing_model import frame_mentions, load_model, variant_for

COLUMNS = ["document", "passage", "sentence", "actor", "alias", "role", "label", "source"]
KEY_COLUMNS = ("document", "passage", "sentence", "actor")


@dataclass
class Framed:
    raw: np.ndarray
    probs: np.ndarray
    roles: list[str]
    source: list[str]  # "model" or "file" per mention
    info: dict[str, Any] = field(default_factory=dict)


def frame_pair(mentions: list[Mention], spec: Framing, embedder: Any, versions: dict[str, str],
               *, default_framing: bool = True, labels_file: str | Path | None = None) -> Framed:
    """Probabilities for each mention (``versions`` maps "old"/"new" to document names), with
    the researcher's labels from ``labels_file`` taking the place of predictions."""
    items = [(m.text, m.spans) for m in mentions]
    groups = [(m.version, m.actor) for m in mentions]
    if default_framing:
        raw, probs, roles = frame_mentions(items, spec, embedder, groups=groups,
                                            actors=[m.actor for m in mentions])
        info = method_info(variant_for(embedder))
    else:
        raw, probs = FramingScorer(spec, embedder).scored(items)
        roles = [""] * len(items)
        info = {"method": "prototype scorer",  # a custom framing file
                "rule": {"min_sentences": MIN_SENTENCES, "level": LEVEL, "min_z": MIN_Z}}
    source = ["model"] * len(items)
    if labels_file is not None:
        given = read_framing_labels(labels_file, spec.keys)
        taken = changed = 0
        for i, m in enumerate(mentions):
            key = (versions[m.version], m.passage, str(m.sentence), m.actor)
            entry = given.get(key)
            if entry is None or entry[1] != fingerprint(m.text):
                continue
            column = spec.keys.index(entry[0])
            changed += int(np.argmax(probs[i])) != column
            probs[i] = 0.0
            probs[i, column] = 1.0
            raw[i] = probs[i]
            source[i] = "file"
            taken += 1
        info["overrides"] = {"file": Path(labels_file).name, "rows": len(given),
                             "taken": taken, "changed": changed}
    return Framed(raw, probs, roles, source, info)


def method_info(variant: str = "full") -> dict[str, Any]:
    """What the Method section says about framing: read from the shipped model file, with
    the held-out figures of the variant in use."""
    model = load_model()
    evaluation = model.get("evaluation", {})
    held = evaluation.get("held_out", {})
    return {
        "method": "role-aware model",
        "variant": variant,
        "rule": {"min_sentences": MIN_SENTENCES, "level": LEVEL, "min_z": MIN_Z},
        "items": evaluation.get("items"),
        "labelled": evaluation.get("labelled"),
        "documents": evaluation.get("documents"),
        "corpus": evaluation.get("corpus"),
        "kappa": evaluation.get("kappa"),
        "held_out": held.get(variant),
        "prototype_held_out": held.get("prototype"),
    }


def read_framing_labels(path: str | Path, keys: list[str]) -> dict[tuple, tuple[str, str]]:
    """{(document, passage, sentence, actor): (label, sentence fingerprint)} from a mention
    file; a bad file raises InputError naming it and the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise InputError("framing labels file not found", path) from error
    except UnicodeDecodeError as error:
        raise InputError("framing labels file is not UTF-8 text", path) from error
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise InputError(f"framing labels file is not valid CSV: {error}", path) from error
    needed = [*KEY_COLUMNS, "label", "quote"]
    header = rows[0].keys() if rows else next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(f"framing labels file lacks column(s) {', '.join(missing)}", path)
    found = {}
    for line, row in enumerate(rows, start=2):
        label = (row.get("label") or "").strip()
        if label not in keys:
            raise InputError(f"line {line}: label {label!r} is not one of {', '.join(keys)}",
                             path)
        key = tuple((row.get(c) or "").strip() for c in KEY_COLUMNS)
        found[key] = (label, fingerprint(row.get("quote") or ""))
    return found


def mention_table(frame, keys: list[str], versions: dict[str, str]) -> list[dict]:
    """The rows of the mention file from the analysis's mention table (the author left out)."""
    rows = []
    for record in frame.to_dict(orient="records"):
        if not isinstance(record.get("label"), str):  # the author: not framed (None or NaN)
            continue
        row = {"document": versions[record["version"]], "passage": record["passage"],
               "sentence": record["sentence"], "actor": record["actor"],
               "alias": record["aliases"], "role": record.get("role", ""),
               "label": record["label"], "source": record.get("source", "model")}
        row.update({f"p_{k}": f"{float(record[k]):.4f}" for k in keys})
        row["quote"] = record["quote"]
        rows.append(row)
    return rows


def write_mentions(rows: list[dict], keys: list[str], path: str | Path) -> Path:
    """The mention file, written atomically (UTF-8 CSV)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, [*COLUMNS, *(f"p_{k}" for k in keys), "quote"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return atomic.write_text(path, out.getvalue())
