"""Put terms, actors, framing and headlines together for one pair of versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..gcpause import collector_paused
from ..model import Document
from . import headlines as hl
from .actors import Matcher, Mention, detect_actors, find_mentions, parse_actor_specs
from .changes import fold_terms
from .compound import Names, titled_long_forms
from .framing import (
    Framing,
    distribution,
    dominant,
    js_distance,
    load_framing,
    tied,
)
from .framing_io import frame_pair
from .parse import cache_dir_for as parse_cache_for
from .terms import term_table, top_terms
from .themes import find_themes

SELF_RATIO = 3.0  # the author: named at least this many times more than any other actor
QUOTE_WORDS = 60  # evidence longer than this is cut (as an exact substring) around the mention
JSON_TERMS = 200  # terms in the JSON contract: status != "same", by |keyness|


@dataclass
class Shifts:
    """What changed between two versions: terms, actors and their framing, headlines."""

    terms: pd.DataFrame
    actors: list[dict]
    headlines: list[dict]
    framing: Framing
    _mentions: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    framing_info: dict = field(default_factory=dict)  # method, measured accuracy, overrides
    themes: list[dict] = field(default_factory=list)  # themes.find_themes

    def mentions(self, actor: str) -> pd.DataFrame:
        """Every sentence naming the actor (version, passage, sentence, quote, label, scores).

        The author (``self``) has no label or scores: its framing is not analysed."""
        frame = self._mentions
        if frame.empty:
            return frame
        return frame[frame.actor == actor].reset_index(drop=True)

    def all_mentions(self) -> pd.DataFrame:
        """The mention table of every actor (see ``mentions``), with role and label source."""
        return self._mentions

    def actor(self, name: str) -> dict | None:
        return next((a for a in self.actors if a["actor"] == name), None)

    def to_dict(self, max_terms: int = JSON_TERMS) -> dict[str, Any]:
        """The JSON contract's `terms`, `actors` and `headlines`."""
        terms = top_terms(self.terms, max_terms).drop(columns="lemma")
        records = [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in terms.to_dict(orient="records")
        ]
        return {"terms": records, "actors": self.actors, "headlines": self.headlines,
                "framing": self.framing_info, "themes": self.themes}


def analyse(
    old: Document,
    new: Document,
    alignment: Any = None,
    embedder: Any = None,
    *,
    actors: list[str] | str | Path | None = None,
    framing: str | Path | None = None,
    framing_labels: str | Path | None = None,
) -> Shifts:
    """Terms, actors with their framing, and ranked headlines for ``old`` → ``new``.

    ``alignment`` is accepted for callers that have one; sections are compared by heading.
    ``framing_labels``: a mention file (framing_io) whose labels replace the predictions.
    """
    del alignment  # sections are matched by heading text, which needs no alignment
    with collector_paused():
        return _analyse(old, new, embedder, actors, framing, framing_labels)


def _analyse(old: Document, new: Document, embedder: Any, actors: Any, framing: Any,
             framing_labels: Any = None) -> Shifts:
    if embedder is None:
        from ..embed import get_embedder

        embedder = get_embedder()
    spec = load_framing(framing)
    actor_list = detect_actors([old, new], parse_actor_specs(actors))
    matcher = Matcher(actor_list)
    # "states" is no term inside "United States", nor "free trade agreement" inside NAFTA's name
    names = Names(matcher, titled_long_forms([old, new]))
    terms = term_table(old, new, names=names)
    parse_cache = parse_cache_for(embedder)  # beside the vectors, as framing's parses
    mentions = (find_mentions(old, "old", matcher, parse_cache)
                + find_mentions(new, "new", matcher, parse_cache))
    self_actor = _self_actor(mentions)
    # The author's framing of itself is not a finding, and it is ~40% of all mentions.
    mentions = [m for m in mentions if m.actor != self_actor] + [
        m for m in mentions if m.actor == self_actor
    ]
    scored = sum(m.actor != self_actor for m in mentions)
    framed = frame_pair(mentions[:scored], spec, embedder, {"old": old.version, "new": new.version},
                        default_framing=framing is None, labels_file=framing_labels)
    raw, probs = framed.raw, framed.probs
    frame = _mention_frame(mentions, probs, spec)
    frame["role"] = framed.roles + [None] * (len(mentions) - scored)
    frame["source"] = framed.source + [None] * (len(mentions) - scored)
    records = _actor_records(actor_list, mentions[:scored], (raw, probs), spec, (old, new))
    if self_actor:
        records.append(_self_record(self_actor, mentions[scored:], actor_list))
        records.sort(key=lambda r: (-(r["old_mentions"] + r["new_mentions"]), r["actor"]))
    for record in records:
        record["self"] = record["actor"] == self_actor
    pair = hl.pair_of(old, new, names)
    pair.parse_cache = parse_cache
    headlines, themes = _headlines(records, terms, old, new, spec, embedder, pair)
    terms = fold_terms(terms, pair)  # the tables count each term as its headline does
    return Shifts(terms=terms, actors=records, headlines=headlines, framing=spec, _mentions=frame,
                  framing_info=framed.info, themes=themes)


def _mention_frame(mentions: list[Mention], probs: np.ndarray, spec: Framing) -> pd.DataFrame:
    keys = spec.keys
    rows = []
    for i, mention in enumerate(mentions):
        p = probs[i] if i < len(probs) else None
        row = {
            "actor": mention.actor,
            "version": mention.version,
            "passage": mention.passage,
            "sentence": mention.sentence,
            "quote": mention.text,
            "aliases": "|".join(mention.aliases),
            "label": keys[int(np.argmax(p))] if p is not None else None,
        }
        if p is not None:
            row.update({key: round(float(v), 4) for key, v in zip(keys, p)})
        rows.append(row)
    columns = ["actor", "version", "passage", "sentence", "quote", "aliases", "label", *keys]
    return pd.DataFrame(rows, columns=columns)


def _actor_records(actor_list, mentions, scored, spec: Framing, docs) -> list[dict]:
    keys = spec.keys
    raw, probs = scored
    by_actor: dict[str, list[int]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        by_actor[mention.actor].append(i)
    expansions = {a.name: a.expansion for a in actor_list}
    kinds = {a.name: a.kind for a in actor_list}
    records = []
    for name, indices in by_actor.items():
        versions = {v: [i for i in indices if mentions[i].version == v] for v in ("old", "new")}
        labels = {v: [keys[int(np.argmax(probs[i]))] for i in idx] for v, idx in versions.items()}
        shares = {v: distribution(labels[v], keys) for v in versions}
        totals = {v: dict(zip(keys, raw[idx].sum(axis=0).tolist())) for v, idx in versions.items()}
        dominants = {v: dominant(shares[v], keys, totals[v]) for v in versions}
        both = versions["old"] and versions["new"]
        evidence = [
            _best_evidence(mentions, probs, versions[v], _columns(dominants[v], keys), v, docs)
            for v in ("old", "new")
            if versions[v]
        ]
        records.append(
            {
                "actor": name,
                "kind": kinds[name],
                "expansion": expansions.get(name),
                "aliases": sorted({a for i in indices for a in mentions[i].aliases}),
                "old_mentions": len(versions["old"]),
                "new_mentions": len(versions["new"]),
                "old_framing": _rounded(shares["old"]),
                "new_framing": _rounded(shares["new"]),
                "old_dominant": dominants["old"],
                "new_dominant": dominants["new"],
                "shift": round(js_distance(shares["old"], shares["new"]), 4) if both else None,
                "evidence": evidence,
            }
        )
    records.sort(key=lambda r: (-(r["old_mentions"] + r["new_mentions"]), r["actor"]))
    return records


def _rounded(shares: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in shares.items()}


def _columns(key: str | None, keys: list[str]) -> list[int]:
    return [keys.index(k) for k in tied(key)]


def _best_evidence(mentions, probs, indices, columns, version, docs) -> dict:
    """The sentence that most clearly shows the version's dominant framing, or one of the
    framings of a tie (ties: earliest)."""
    best = max(indices, key=lambda i: (round(max(float(probs[i][c]) for c in columns), 6), -i))
    mention = mentions[best]
    return {"version": version, "passage": mention.passage, "quote": quote_around(mention)}


def quote_around(mention: Mention, words: int = QUOTE_WORDS) -> str:
    """The sentence, or for a very long one the part around the mention (still exact text)."""
    text = mention.text
    if len(text.split()) <= words:
        return text
    from .framing import _clip

    clipped, _ = _clip(text, mention.spans, words // 2)
    return clipped


def _self_actor(mentions: list[Mention]) -> str | None:
    """The author: named at least SELF_RATIO times as often as any other actor (and 10+)."""
    counts: dict[str, int] = defaultdict(int)
    for mention in mentions:
        counts[mention.actor] += 1
    totals = sorted(((n, name) for name, n in counts.items()), key=lambda t: (-t[0], t[1]))
    if not totals or totals[0][0] < 10:
        return None
    if len(totals) == 1 or totals[0][0] >= SELF_RATIO * totals[1][0]:
        return totals[0][1]
    return None


def _self_record(name: str, mentions: list[Mention], actor_list) -> dict:
    """The author's entry: mentions counted, framing not scored."""
    actor = next(a for a in actor_list if a.name == name)
    return {
        "actor": name,
        "kind": actor.kind,
        "expansion": actor.expansion,
        "aliases": sorted({a for m in mentions for a in m.aliases}),
        "old_mentions": sum(m.version == "old" for m in mentions),
        "new_mentions": sum(m.version == "new" for m in mentions),
        "old_framing": {},
        "new_framing": {},
        "old_dominant": None,
        "new_dominant": None,
        "shift": None,
        "evidence": [],
    }


def _headlines(records, terms, old: Document, new: Document, spec: Framing, embedder: Any,
               pair: Any = None) -> tuple[list[dict], list[dict]]:
    """The ranked headlines and the themes their candidates fall into."""
    labels = {c.key: c.label for c in spec.categories}
    framings = [hl.framing_candidate(r, old, new, labels) for r in records if not r["self"]]
    found = hl.candidates(records, terms, old, new, [f for f in framings if f], pair)
    return hl.rank(found), find_themes(found, old, new, embedder)
