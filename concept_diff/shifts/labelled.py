"""Labelled framing items (tests/data/framing) resolved against the corpus texts.

An item names a document year, a passage, a sentence index, an actor and the sentence's
fingerprint; the texts themselves are never committed. Resolving re-runs actor detection over
the documents (as the sample was drawn) and finds each sentence by its fingerprint, so a
loader change that renumbers passages does not break the set; a sentence a loader repair has
since joined to its continuation (a page break mended) is found inside the longer sentence by
its hint and fingerprint. Items that no longer resolve are left out (at most 5 %; more is an
error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..fingerprint import fingerprint, normalised, read_tsv
from .actors import Matcher, Mention, detect_actors, find_mentions


@dataclass(frozen=True)
class Item:
    id: str
    year: str
    mention: Mention
    label: str | None
    detected: bool = True  # False: actor detection no longer finds an actor at these words


def resolve(items_tsv: Path, corpus_dir: Path, labels: dict[str, str] | None = None
            ) -> tuple[list[Item], list[Mention]]:
    """Every item with its Mention (sentence text and actor spans), in file order, and every
    mention of an actor other than the author in the documents (the items' among them), with
    the year as its version: the context an analysis of these documents would see."""
    from .. import load
    from .analysis import _self_actor

    rows = read_tsv(items_tsv)
    years = sorted({r["year"] for r in rows})
    docs = [load(corpus_dir / f"{y}-national-security-strategy.txt") for y in years]
    matcher = Matcher(detect_actors(docs))
    found: dict[tuple, Mention] = {}
    spans: dict[tuple, list] = {}  # (year, passage, sentence) → spans of every actor named
    for year, doc in zip(years, docs):
        mentions = find_mentions(doc, year, matcher)
        author = _self_actor(mentions)
        for m in mentions:
            spans.setdefault((year, m.passage, m.sentence), []).extend(m.spans)
            if m.actor != author:
                found[(year, m.passage, m.sentence, m.actor)] = m
    by_print = {}  # (year, fingerprint) → (passage, sentence index, text); loaders may renumber
    for year, doc in zip(years, docs):
        for p in doc.passages:
            for k, sentence in enumerate(p.sentences):
                by_print.setdefault((year, fingerprint(sentence.text)), (p.id, k, sentence.text))
    items, missing = [], []
    for row in rows:
        doc = docs[years.index(row["year"])]
        where = by_print.get((row["year"], row["fp"])) or _joined(row, doc) or _split(row, doc)
        mention = None
        if where:
            mention = found.get((row["year"], where[0], where[1], row["actor"])) or _by_alias(
                row, *where)
        if mention is None:
            missing.append(row["id"])
            continue
        named = spans.get((row["year"], mention.passage, mention.sentence), [])
        detected = any(a < d and c < b for a, b in mention.spans for c, d in named)
        items.append(Item(row["id"], row["year"], mention, (labels or {}).get(row["id"]),
                          detected))
        found.setdefault((row["year"], mention.passage, mention.sentence, row["actor"]), mention)
    if len(missing) > len(rows) // 20:
        raise InputError(f"{len(missing)} items do not resolve in the corpus "
                         f"(first: {missing[0]})", items_tsv)
    return items, list(found.values())


def _joined(row: dict[str, str], doc) -> tuple[str, int, str] | None:
    """(passage, index, text) of the sentence that now holds the item's sentence as a stretch
    beginning with its hint (its first words) and ending anywhere after: what a loader makes
    of a sentence cut by a page break once it joins the halves."""
    start = normalised(row.get("hint", ""))
    if not start:
        return None
    for p in doc.passages:
        for k, sentence in enumerate(p.sentences):
            text = normalised(sentence.text)
            at = text.find(start)
            while at >= 0:
                for end in range(at + len(start), len(text) + 1):
                    if fingerprint(text[at:end]) == row["fp"]:
                        return p.id, k, sentence.text
                at = text.find(start, at + 1)
    return None


def _split(row: dict[str, str], doc) -> tuple[str, int, str] | None:
    """(passage, index, text) of the sentence naming the item's alias among the sentences a
    loader has since cut the item's sentence into (a quotation of several sentences, once one):
    a run of sentences of one passage, the first opening with the hint, whose joined text has
    the item's fingerprint."""
    start = normalised(row.get("hint", ""))
    if not start:
        return None
    for p in doc.passages:
        for k, sentence in enumerate(p.sentences):
            if not normalised(sentence.text).startswith(start):
                continue
            for end in range(k + 2, len(p.sentences) + 1):
                run = p.sentences[k:end]
                if fingerprint(" ".join(s.text for s in run)) == row["fp"]:
                    alias = row.get("alias", "")
                    at = next((j for j, s in enumerate(run) if alias and alias in s.text), 0)
                    return p.id, k + at, run[at].text
    return None


def _by_alias(row: dict[str, str], passage: str, index: int, text: str) -> Mention | None:
    """The mention rebuilt from the item's alias when actor detection has changed since the
    sample was drawn (the sentence is still checked by its fingerprint)."""
    match = re.search(rf"(?<!\w){re.escape(row['alias'])}(?!\w)", text)
    if not match:
        return None
    return Mention(row["actor"], row["year"], passage, index, text,
                   ((match.start(), match.end()),), (row["alias"],))
