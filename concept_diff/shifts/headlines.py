"""Ranked findings with the quotes that back them: what a researcher would put first.

Every candidate is scored on one scale and the headlines are sorted by score (descending),
then kind and subject, one per story, numbered from 1:

- actors and terms (changes.py): size of the change (floored rate ratio and difference in
  mentions) x significance (G2 against the Benjamini-Hochberg threshold for the number of
  candidates) x dispersion (passages) x substance (actors and multi-word terms first, single
  words by their specificity in general English). Counts fold spellings, OCR look-alikes and
  acronym/long form (variants.py), so nothing whose variant the other version writes is
  called new or gone. The kinds: actor_appears/vanishes/rise/fall, term_new/gone/up/down.
- framing_shift: framing_candidate's score (JS distance x n/(n+3), + 0.3 when the dominant
  category changes) x FRAMING_SCALE, only with framing.MIN_SENTENCES naming the actor in each
  version, the gain's interval above 0, and a switch of the main framing with z >=
  framing.MIN_Z (framing_support).
- section_appears / section_vanishes: (0.05 + 0.35 x min(1, words/1000)) x SECTION_SCALE for
  a heading with no counterpart (string similarity < 0.75) in the other version.

One story, one headline: a candidate whose words are a run of a stronger one's ("former
soviet" beside "former soviet union"), whose spelling folds to it, or that names an actor
already taken is dropped; an actor's framing shift and its change in mentions are told
together. The self actor (the author) gets no actor headlines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

try:  # difflib's own algorithm compiled: the same ratios (as align/scoring.py uses it)
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - the pure-Python original gives identical results
    from difflib import SequenceMatcher

from ..loaders.outline import innermost, unsure_sections
from ..model import Document
from .changes import Change, Pair, actor_change, needed_g2, term_changes
from .framing import MIN_SENTENCES, MIN_Z, counts_from, supported_shift, tied
from .terms import g2, p_value
from .text import words_in

MAX_HEADLINES = 40
CAP = {"framing_shift": 10, "section_appears": 3, "section_vanishes": 3}  # at most, per kind
MIN_FRAMING_MENTIONS = 3  # framing_candidate's own floor
FRAMING_SCALE = 10.0
SECTION_SCALE = 2.0
NESTED = 0.4  # a nested term is the longer one's story when that holds this share of it


@dataclass
class Candidate:
    kind: str
    subject: str
    summary: str
    score: float
    evidence: list[dict] = field(default_factory=list)
    story: set[tuple[str, ...]] = field(default_factory=set)  # word runs of what it is about
    actor: bool = False  # about an actor (framing or mentions)
    mentions: int = 0  # occurrences (terms) or sentences (actors) in both versions
    held: tuple[frozenset, frozenset] = (frozenset(), frozenset())  # passages, per version


def _ev(version: str, passage: str, quote: str) -> dict:
    return {"version": version, "passage": passage, "quote": quote}


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


# --- actors --------------------------------------------------------------------------------


def framing_candidate(actor: dict, old: Document, new: Document, labels: dict) -> Candidate | None:
    """A framing shift, only where it is supported (framing.supported_shift: MIN_SENTENCES
    sentences a side, the gain's 95 % interval above 0); the summary gives the counts."""
    n_old, n_new = actor["old_mentions"], actor["new_mentions"]
    if min(n_old, n_new) < max(MIN_FRAMING_MENTIONS, MIN_SENTENCES) or actor["shift"] is None:
        return None
    before, after = tied(actor["old_dominant"]), tied(actor["new_dominant"])
    changed = before != after
    n = min(n_old, n_new)
    # A switch of the main framing scores; a tie that gains or loses a member is a part-change.
    switched = not set(before) & set(after)
    score = actor["shift"] * n / (n + 3) + (0.3 if switched else 0.0)
    if not changed and actor["shift"] < 0.2:
        return None
    gains = {k: actor["new_framing"][k] - actor["old_framing"].get(k, 0.0) for k in labels}
    toward = max(sorted(gains), key=lambda k: gains[k])
    was = counts_from(actor["old_framing"], n_old)
    now = counts_from(actor["new_framing"], n_new)
    gained = [k for k in after if k not in before] or [toward]
    interval = supported_shift(was, now, gained)
    if interval is None:
        return None
    name = actor["actor"]
    sure = f" (95% interval of the change in share: +{_pct(interval[0])} to +{_pct(interval[1])})"
    if changed:
        key, old_key = gained[0], before[0]
        summary = (
            f"{name} is framed {_mainly(after, labels)} in {new.version}: {labels[key]} in "
            f"{now[key]} of {n_new} sentences naming it, was {was[key]} of {n_old} in "
            f"{old.version}, when {_plain(before, labels)} led ({labels[old_key]} in "
            f"{was[old_key]} of {n_old}){sure}."
        )
    else:
        stays = (
            f"{labels[after[0]]} stays dominant" if len(after) == 1
            else f"{_plain(after, labels)} stay tied as its main framings"
        )
        summary = (
            f"{name}'s framing moves toward {labels[toward]} between {old.version} and "
            f"{new.version} ({labels[toward]} in {was.get(toward, 0)} of {n_old} sentences "
            f"naming it, then {now[toward]} of {n_new}){sure}; {stays}."
        )
    return Candidate("framing_shift", name, summary, score, list(actor["evidence"]))


def _plain(keys: list[str], labels: dict) -> str:
    """One category's label, or a tie's labels ("A and B", "A, B and C" + " equally")."""
    names = [labels[k] for k in keys]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1] + " equally"


def _mainly(keys: list[str], labels: dict) -> str:
    return f"mainly as {labels[keys[0]]}" if len(keys) == 1 else f"as {_plain(keys, labels)}"


def _share(framing: dict, keys: list[str]) -> str:
    share = _pct(framing[keys[0]])
    return share if len(keys) == 1 else f"{share} each"


def _label(record: dict) -> str:
    name = record["actor"]
    return f"{name} ({record['expansion']})" if record.get("expansion") else name


def _quote(ref, version: str) -> dict:
    return _ev(version, ref.passage, ref.text)


def actor_candidate(record: dict, change: Change, old: Document, new: Document,
                    words: tuple[int, int]) -> Candidate:
    """Appears, vanishes, rises or falls, from the spelling-folded sentence counts."""
    c = change.counts
    name, label = record["actor"], _label(record)
    ro, rn = 1e4 * c.old / words[0], 1e4 * c.new / words[1]
    evidence = list(record["evidence"])
    firsts = [_quote(ref, v) for ref, v in ((c.first_old, "old"), (c.first_new, "new")) if ref]
    if c.old == 0:
        kind = "actor_appears"
        summary = (f"{label} first appears in {new.version}: named in {c.new} sentences "
                   f"({_count(c.new_passages, 'passage')}), in none in {old.version} under "
                   "any spelling.")
        evidence = [e for e in [*evidence, *firsts] if e["version"] == "new"]
    elif c.new == 0:
        kind = "actor_vanishes"
        summary = (f"{label} is no longer named in {new.version} under any spelling, after "
                   f"{c.old} sentences ({_count(c.old_passages, 'passage')}) in {old.version}.")
        evidence = [e for e in [*evidence, *firsts] if e["version"] == "old"]
    else:
        kind = "actor_rise" if rn > ro else "actor_fall"
        verb = "rise" if kind == "actor_rise" else "fall"
        summary = (f"Sentences naming {label} {verb} from {c.old} ({ro:.1f} per 10,000 words) "
                   f"in {old.version} to {c.new} ({rn:.1f} per 10,000 words) in {new.version}.")
        # The mention sentences are the evidence; a first spelling found only by folding
        # fills in a version they lack.
        have = {e["version"] for e in evidence}
        evidence = [*evidence, *(e for e in firsts if e["version"] not in have)]
    return Candidate(kind, name, summary, change.score, _unique(evidence)[:3],
                     story=change.story, actor=True, mentions=c.old + c.new, held=c.held)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _unique(evidence: list[dict]) -> list[dict]:
    seen, result = set(), []
    for item in evidence:
        key = (item["version"], item["passage"], item["quote"])
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


# --- terms ---------------------------------------------------------------------------------

_TERM_TEXT = {
    "new": "{t} appears in {new} ({n} times in {pn} passages, {rn:.1f} per 10,000 words); "
    "{old} never uses {absent}.",
    "gone": "{t} disappears: {o} times in {old} ({po} passages, {ro:.1f} per 10,000 words), "
    "none in {new}{absent}.",
    "up": "{t} rises from {o} to {n} times ({ro:.1f} → {rn:.1f} per 10,000 words) "
    "between {old} and {new}{also}.",
    "down": "{t} falls from {o} to {n} times ({ro:.1f} → {rn:.1f} per 10,000 words) "
    "between {old} and {new}{also}.",
}


def _absent(change: Change, status: str) -> str:
    """What the version without the term writes: nothing like it ("in any spelling or
    form"), other forms (listed: "only" where all are the term's own word or its renaming),
    or the phrase's last word but not the phrase."""
    if change.related:  # another form is there: say so, claim no absence of it
        forms = ", ".join(f"“{form}” ({_count(n, 'time')})" for form, n in change.related[:3])
        only = "only " if all(f in change.family_forms for f, _ in change.related[:3]) else ""
        return f"{'it' if status == 'new' else ''}; it writes {only}{forms}"
    if change.phrase:
        return "the phrase" if status == "new" else " as a phrase"
    return "it, in any spelling or form" if status == "new" else " in any spelling or form"


def _also(change: Change, words: tuple[int, int]) -> str:
    """The counts with the word's prefixed forms, where either version writes one."""
    if not change.with_compounds:
        return ""
    o, n = change.with_compounds
    forms = " and ".join(f"“{form}”" for form, *_ in change.compounds[:3])
    return (f"; with {forms}, from {o} to {n} ({1e4 * o / words[0]:.1f} → "
            f"{1e4 * n / words[1]:.1f} per 10,000 words)")


def term_candidate(change: Change, old: Document, new: Document,
                   words: tuple[int, int]) -> Candidate:
    c = change.counts
    ro, rn = 1e4 * c.old / words[0], 1e4 * c.new / words[1]
    status = "new" if c.old == 0 else "gone" if c.new == 0 else "up" if rn > ro else "down"
    shown = " / ".join(f"“{form}”" for form in change.forms or [change.subject])
    if change.note:
        shown += f" ({change.note})"
    text = _TERM_TEXT[status]
    summary = text.format(
        t=shown, old=old.version, new=new.version, o=c.old, n=c.new, ro=ro, rn=rn,
        po=c.old_passages, pn=c.new_passages, absent=_absent(change, status), also=_also(change, words),
    )
    ref, version = (c.first_new, "new") if status in ("new", "up") else (c.first_old, "old")
    evidence = [_quote(ref, version)] if ref else []
    return Candidate(f"term_{status}", change.subject, summary, change.score, evidence,
                     story=change.story, mentions=c.old + c.new, held=c.held)

# --- sections ------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:[ivxlcdm]+|\d+|[a-z])[.):]?\s+", re.IGNORECASE)


def _norm_heading(heading: str) -> str:
    text = _NUMBERING.sub("", heading).lower()
    return " ".join(re.findall(r"\w+", text))


def section_candidates(old: Document, new: Document) -> list[Candidate]:
    candidates = []
    for doc, other, version, kind in ((new, old, "new", "appears"), (old, new, "old", "vanishes")):
        others = _Headings([_norm_heading(s.heading) for s in other.sections])
        seen: set[str] = set()
        for section in doc.sections:
            key = _norm_heading(section.heading)
            if not key or key in seen or others.has_counterpart(key):
                continue
            seen.add(key)
            passages = [p for p in doc.passages if innermost(p.section) == section.heading]
            sentences = [p for p in passages if p.sentences]
            if not sentences:
                continue
            words = sum(p.words for p in passages)
            first = sentences[0]
            size = f"({len(passages)} passages, {words} words)"
            unsure = [p for p in doc.passages if section.heading in unsure_sections(p.section)]
            if unsure:  # its boundary with the chapter beside it is not known: a range
                more = sum(p.words for p in unsure)
                size = (f"({len(passages)} to {len(passages) + len(unsure)} passages, "
                        f"{words} to {words + more} words: a chapter boundary is uncertain)")
            if kind == "appears":
                summary = (
                    f"A section headed “{section.heading}” {size} appears in {new.version}; "
                    f"{old.version} has no counterpart."
                )
            else:
                summary = (
                    f"The {old.version} section headed “{section.heading}” {size} has no "
                    f"counterpart in {new.version}."
                )
            evidence = [_ev(version, first.id, first.sentences[0].text)]
            score = 0.05 + 0.35 * min(1.0, words / 1000)
            candidates.append(
                Candidate(f"section_{kind}", section.heading, summary, score, evidence)
            )
    return candidates


class _Headings:
    """The other version's headings, each with a difflib matcher built once: a heading has a
    counterpart where the ratio is >= bar (the cheap upper bounds are tried first)."""

    def __init__(self, headings: list[str], bar: float = 0.75):
        self.bar = bar
        self.matchers = [(h, SequenceMatcher(None, "", h)) for h in headings]

    def has_counterpart(self, key: str) -> bool:
        return any(self._similar(key, heading, matcher) for heading, matcher in self.matchers)

    def _similar(self, key: str, heading: str, matcher: SequenceMatcher) -> bool:
        if key == heading:
            return True
        if 2.0 * min(len(key), len(heading)) < self.bar * (len(key) + len(heading)):
            return False  # real_quick_ratio
        matcher.set_seq1(key)
        return matcher.quick_ratio() >= self.bar and matcher.ratio() >= self.bar


# --- ranking -------------------------------------------------------------------------------


def headlines(records: list[dict], terms: pd.DataFrame, old: Document, new: Document,
              framings: list[Candidate]) -> list[dict]:
    """All candidates of a pair, scored on one scale, one per story, ranked."""
    return rank(candidates(records, terms, old, new, framings))


def pair_of(old: Document, new: Document, names=None) -> Pair:
    """Both versions indexed for folded counts (shared by the headlines and the term table);
    ``names`` (compound.Names): each multi-word name counts as one word there."""
    return Pair(old, new, (max(words_in(old), 1), max(words_in(new), 1)), names)


def candidates(records: list[dict], terms: pd.DataFrame, old: Document, new: Document,
               framings: list[Candidate], pair: Pair | None = None) -> list[Candidate]:
    """Every candidate headline of a pair (framing, actors, terms, sections), scored."""
    pair = pair or pair_of(old, new)
    words = pair.words
    pair.needed = needed_g2(list(terms.p_value) + [_actor_p(r, words) for r in records])
    by_name = {r["actor"]: r for r in records}
    found: list[Candidate] = []
    for framing in framings:
        record = by_name[framing.subject]
        z = framing_support(record)  # framing_candidate already asked for MIN_SENTENCES a side
        if z < MIN_Z:
            continue
        framing.score *= FRAMING_SCALE * min(1.0, z / 4)
        framing.story = {pair.run(a) for a in _names(record)}
        framing.actor = True
        found.append(framing)
    for record in records:
        if record.get("self"):
            continue
        change = actor_change(record, pair)
        if change:
            found.append(actor_candidate(record, change, old, new, words))
    names = {pair.run(a): sorted(_names(r)) for r in records for a in _names(r)}
    for change in term_changes(terms, pair, names):
        found.append(term_candidate(change, old, new, words))
    for section in section_candidates(old, new):
        section.score *= SECTION_SCALE
        found.append(section)
    return found


def framing_support(record: dict) -> float:
    """How surely the new main framing gained: the two-proportion z of its share of the
    actor's sentences (new against old); 0 unless the main framing switched."""
    before, after = tied(record["old_dominant"]), tied(record["new_dominant"])
    if not after or set(before) & set(after):
        return 0.0
    key = after[0]
    n0, n1 = record["old_mentions"], record["new_mentions"]
    p0, p1 = record["old_framing"].get(key, 0.0), record["new_framing"].get(key, 0.0)
    pooled = (p0 * n0 + p1 * n1) / (n0 + n1)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    return (p1 - p0) / spread if spread > 0 else 0.0


def _actor_p(record: dict, words: tuple[int, int]) -> float:
    o, n = record["old_mentions"], record["new_mentions"]
    return p_value(float(g2(np.array([n]), np.array([o]), words[1], words[0])[0]))


def _names(record: dict) -> set[str]:
    names = set(record["aliases"]) | {record["actor"]}
    return names | ({record["expansion"]} if record.get("expansion") else set())


def _nested(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """0: unrelated; 2: the same words (or run together alike); 1: one is a run of the other."""
    if not a or not b:
        return 0
    if a == b or "".join(a) == "".join(b):
        return 2
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    n = len(short)
    return int(any(long[i : i + n] == short for i in range(len(long) - n + 1)))


def same_story(a: Candidate, b: Candidate) -> bool:
    """The same words, or one nested in the other where the longer holds most (NESTED) of
    the shorter's mentions: "former soviet" inside "former soviet union", not "democracy"
    inside "effective democracies"."""
    for x in a.story:
        for y in b.story:
            nested = _nested(x, y)
            if nested == 2:
                return True
            if nested == 1:
                longer, shorter = (a, b) if len(x) > len(y) else (b, a)
                if longer.mentions >= NESTED * shorter.mentions:
                    return True
    return False


def select(candidates: list[Candidate], limit: int = MAX_HEADLINES) -> list[Candidate]:
    """The strongest candidates, one per story: a candidate telling the story of one already
    taken (the same actor, a term nested in it or a spelling of it) is dropped, except that
    an actor's framing and its change in mentions are told in one headline."""
    ordered = sorted(candidates, key=lambda c: (-round(c.score, 9), c.kind, c.subject))
    chosen: list[Candidate] = []
    taken: dict[str, int] = {}
    for candidate in ordered:
        if len(chosen) >= limit:
            break
        if taken.get(candidate.kind, 0) >= CAP.get(candidate.kind, limit):
            continue
        same = next((c for c in chosen if same_story(c, candidate)), None)
        if same is not None:
            if same.actor and candidate.actor and same.subject == candidate.subject:
                same.summary += " " + candidate.summary
                same.evidence = _unique(same.evidence + candidate.evidence)[:4]
            continue
        taken[candidate.kind] = taken.get(candidate.kind, 0) + 1
        chosen.append(candidate)
    return chosen


def rank(candidates: list[Candidate], limit: int = MAX_HEADLINES) -> list[dict]:
    return [
        {
            "rank": i + 1,
            "kind": c.kind,
            "subject": c.subject,
            "summary": c.summary,
            "score": round(c.score, 4),
            "evidence": c.evidence,
        }
        for i, c in enumerate(select(candidates, limit))
    ]
