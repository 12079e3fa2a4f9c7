"""Ranked findings with the quotes that back them.

Every candidate gets a score in [0, ~1.3]; headlines are sorted by score (descending), then
kind and subject, and numbered from 1. The scores:

- framing_shift: JS distance x n/(n+3), n = the smaller number of mention sentences, plus
  0.3 when the dominant category changes. Needs >= 3 mention sentences in each version.
- actor_appears / actor_vanishes: 1 - exp(-n/4), n = mention sentences in the version that
  has them (>= 2).
- actor_rise / actor_fall: min(1, G2/40) x 0.9 on mention sentences per running word, when
  p < 0.01 and the rate at least doubles or halves.
- term_new / term_gone: (0.35 + 0.5 x (1 - exp(-G2 x burst / 15))) x substance, where G2
  and the count are taken on the whole word family for a single word ("preemption", "preempt",
  "preemptively" together), only when no form of it is left in the other version, the count is
  at least ``min_evidence`` (3 in a document under 40,000 words), p < 0.05 and the term is
  in 2+ passages (one passage's words are that passage's change, shown by the alignment). burst is
  the mean count in the passages that hold the term (Church and Gale's burstiness): a doctrine
  term is discussed where it occurs ("preemption": 5 in 2 passages), a generic one is spread
  thinly (about 1 per passage), so a concentrated term ranks above a thin one of equal count.
- term_up / term_down: min(1, |G2|/40) x 0.7 x substance.
  Up/down also covers a term whose rate doubles or halves at p < 0.05 (headline_statuses).
  substance: 1.0 for a multi-word term with a content word beyond the very common ones or a
  single concept noun (-tion, -ism, -ity...), 0.85 for another single uncommon word, 0.7 for a multi-word term of common words, 0.5 for a single
  common word ("based", "affect": data/common_words.txt). Terms that name a detected actor are
  left to the actor headlines.
- section_appears / section_vanishes: 0.05 + 0.35 x min(1, words/1000) for a heading with
  no counterpart (string similarity < 0.75) in the other version.

The self actor (the one named far more than any other: the author) gets no actor headlines.

At most MAX_HEADLINES are kept, with a budget per kind (BUDGET): framing shifts and first
appearances of actors are taken first (up to their budgets), then the rest by score, each kind
within its budget, so a long document's many term changes cannot crowd out the actors.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from ..model import Document
from .framing import tied
from .terms import first_sentences, g2, p_value
from .text import is_common, lemma, stem, tokens

MAX_HEADLINES = 40
BUDGET = {
    "framing_shift": 12, "actor_appears": 10, "actor_vanishes": 6, "actor_rise": 3,
    "actor_fall": 3, "term_new": 6, "term_gone": 6, "term_up": 4, "term_down": 4,
    "section_appears": 3, "section_vanishes": 3,
}
RESERVED = ("framing_shift", "actor_appears")  # always kept, up to their budgets
MIN_FRAMING_MENTIONS = 3
NEW_GONE_P = 0.05


@dataclass
class Candidate:
    kind: str
    subject: str
    summary: str
    score: float
    evidence: list[dict] = field(default_factory=list)


def _ev(version: str, passage: str, quote: str) -> dict:
    return {"version": version, "passage": passage, "quote": quote}


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


# --- actors --------------------------------------------------------------------------------


def framing_candidate(actor: dict, old: Document, new: Document, labels: dict) -> Candidate | None:
    n_old, n_new = actor["old_mentions"], actor["new_mentions"]
    if min(n_old, n_new) < MIN_FRAMING_MENTIONS or actor["shift"] is None:
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
    name = actor["actor"]
    if changed:
        summary = (
            f"{name} is framed {_mainly(after, labels)} in {new.version} "
            f"({_share(actor['new_framing'], after)} of {n_new} sentences naming it), "
            f"against {_plain(before, labels)} in {old.version} "
            f"({_share(actor['old_framing'], before)} of {n_old})."
        )
    else:
        stays = (
            f"{labels[after[0]]} stays dominant" if len(after) == 1
            else f"{_plain(after, labels)} stay tied as its main framings"
        )
        summary = (
            f"{name}'s framing moves toward {labels[toward]} between {old.version} and "
            f"{new.version} ({_pct(actor['old_framing'].get(toward, 0))} → "
            f"{_pct(actor['new_framing'][toward])} of sentences naming it); {stays}."
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


def presence_candidates(
    actor: dict, old: Document, new: Document, words: tuple[int, int], first: dict
) -> list[Candidate]:
    name, n_old, n_new = actor["actor"], actor["old_mentions"], actor["new_mentions"]
    label = f"{name} ({actor['expansion']})" if actor.get("expansion") else name
    if n_old == 0 and n_new >= 2:
        summary = (
            f"{label} first appears in {new.version}: named in {n_new} sentences, "
            f"none in {old.version}."
        )
        ev = _unique([first[("new", name)], *actor["evidence"]])
        return [Candidate("actor_appears", name, summary, 1 - math.exp(-n_new / 4), ev)]
    if n_new == 0 and n_old >= 2:
        summary = (
            f"{label} is no longer named in {new.version}, after {n_old} sentences "
            f"in {old.version}."
        )
        ev = _unique([first[("old", name)], *actor["evidence"]])
        return [Candidate("actor_vanishes", name, summary, 1 - math.exp(-n_old / 4), ev)]
    if n_old == 0 or n_new == 0:
        return []
    return _rate_candidate(actor, old, new, words, first)


def _rate_candidate(actor, old, new, words, first) -> list[Candidate]:
    name, n_old, n_new = actor["actor"], actor["old_mentions"], actor["new_mentions"]
    old_words, new_words = words
    import numpy as np

    value = float(g2(np.array([n_new]), np.array([n_old]), new_words, old_words)[0])
    rate_old, rate_new = 1e4 * n_old / old_words, 1e4 * n_new / new_words
    if p_value(value) >= 0.01 or not (rate_new >= 2 * rate_old or rate_old >= 2 * rate_new):
        return []
    kind = "actor_rise" if rate_new > rate_old else "actor_fall"
    verb = "rise" if kind == "actor_rise" else "fall"
    summary = (
        f"Sentences naming {name} {verb} from {n_old} ({rate_old:.1f} per 10,000 words) "
        f"in {old.version} to {n_new} ({rate_new:.1f} per 10,000 words) in {new.version}."
    )
    evidence = [first[("old", name)], first[("new", name)]]
    return [Candidate(kind, name, summary, min(1.0, value / 40) * 0.9, evidence)]


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
    "new": "“{t}” appears in {new} ({n} times, {rn:.1f} per 10,000 words); {old} never uses it.",
    "gone": "“{t}” disappears: {o} times in {old} ({ro:.1f} per 10,000 words), none in {new}.",
    "up": "“{t}” rises from {ro:.1f} to {rn:.1f} per 10,000 words ({o} → {n} times) "
    "between {old} and {new}.",
    "down": "“{t}” falls from {ro:.1f} to {rn:.1f} per 10,000 words ({o} → {n} times) "
    "between {old} and {new}.",
}


def term_candidates(
    terms: pd.DataFrame,
    old: Document,
    new: Document,
    actor_lemmas: set[str],
    words: tuple[int, int],
) -> list[Candidate]:
    candidates = []
    statuses = headline_statuses(terms, words)
    for status, text in _TERM_TEXT.items():
        rows = [_term_row(row, status, words) for row in terms[statuses == status].itertuples()]
        rows = sorted((r for r in rows if r), key=lambda r: (-r[0], r[1].term))
        chosen: list[str] = []
        for score, row in rows:
            if len(chosen) >= BUDGET[f"term_{status}"]:
                break
            if row.lemma in actor_lemmas or _overlaps(row.lemma, chosen):
                continue
            doc, version = (new, "new") if status in ("new", "up") else (old, "old")
            found = first_sentences(doc, row.lemma)
            if not found:
                continue
            chosen.append(row.lemma)
            summary = text.format(
                t=row.term, old=old.version, new=new.version, o=row.old_count,
                n=row.new_count, ro=row.old_per_10k, rn=row.new_per_10k,
            )
            if status in ("new", "gone") and " " not in row.lemma:
                summary = summary[:-1] + ", nor any other form of the word."
            evidence = [_ev(version, passage, quote) for passage, quote in found]
            candidates.append(Candidate(f"term_{status}", row.term, summary, score, evidence))
    return candidates


def headline_statuses(terms: pd.DataFrame, words: tuple[int, int]) -> pd.Series:
    """The table's status, and "up"/"down" also for a term whose rate at least doubles or
    halves at p < 0.05 with enough occurrences: short documents rarely reach p < 0.01."""
    statuses = terms.status.copy()
    larger = [max(o, n) for o, n in zip(terms.old_count, terms.new_count)]
    enough = pd.Series([c >= min_evidence(max(words)) for c in larger], index=terms.index)
    loose = (terms.status == "same") & (terms.p_value < NEW_GONE_P) & enough
    loose &= terms.log_ratio.abs() >= 1
    statuses[loose] = ["up" if k > 0 else "down" for k in terms.keyness[loose]]
    return statuses


def min_evidence(words: int) -> int:
    """Occurrences a new or gone term needs: 3, and one more per further 40,000 words."""
    return 3 + max(0, words) // 40_000


# Endings of English abstract nouns: a single word with one names a concept or doctrine
# ("preemption", "multilateralism", "sovereignty"), not an action or quality ("join").
_CONCEPT_ENDINGS = (
    "tion", "sion", "ism", "ity", "ment", "ence", "ance", "acy", "ship", "hood", "ness",
)


def substance(key: str) -> float:
    """How much a term says on its own: multi-word terms and concept nouns first, very
    common words last."""
    words = key.split(" ")
    if len(words) > 1:
        return 1.0 if any(not is_common(w) for w in words) else 0.7
    if is_common(key):
        return 0.5
    return 1.0 if len(key) >= 7 and key.endswith(_CONCEPT_ENDINGS) else 0.85


def _term_row(row, status: str, words: tuple[int, int]):
    """(score, row) for a term headline, or None.

    A word that is "gone" while another form of it remains ("joined" → "join") is a change
    of form, not of substance; a whole family gone ("preemption", "preemptive") scores on
    the family's counts, which must be enough evidence (count and G2 p-value) on their own.
    """
    if status == "new" and row.old_family > 0 or status == "gone" and row.new_family > 0:
        return None
    if status in ("new", "gone"):
        import numpy as np

        old_n, new_n = int(row.old_family), int(row.new_family)
        count, size = (new_n, words[1]) if status == "new" else (old_n, words[0])
        passages = row.new_passages if status == "new" else row.old_passages
        if count < min_evidence(size) or passages < 2:  # before G2: most terms stop here
            return None
        value = float(g2(np.array([new_n]), np.array([old_n]), words[1], words[0])[0])
        if p_value(value) >= NEW_GONE_P:
            return None
        burst = count / max(int(passages), 1)
        score = 0.35 + 0.5 * (1 - math.exp(-value * burst / 15))
    else:
        score = 0.7 * min(1.0, abs(row.keyness) / 40)
    return score * substance(row.lemma), row


def _overlaps(key: str, chosen: list[str]) -> bool:
    """Is the term part of, or does it contain, a term (or word family) already chosen?"""
    padded = f" {key} "
    family = stem(key)
    return any(
        f" {c} " in padded or padded in f" {c} " or (" " not in c and stem(c) == family)
        for c in chosen
    )


def actor_lemmas(aliases: list[str]) -> set[str]:
    return {" ".join(lemma(t) for t in tokens(alias)) for alias in aliases}


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
            passages = [p for p in doc.passages if p.section == section.heading]
            sentences = [p for p in passages if p.sentences]
            if not sentences:
                continue
            words = sum(p.words for p in passages)
            first = sentences[0]
            size = f"({len(passages)} passages, {words} words)"
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
        self.matchers = [(h, difflib.SequenceMatcher(None, "", h)) for h in headings]

    def has_counterpart(self, key: str) -> bool:
        return any(self._similar(key, heading, matcher) for heading, matcher in self.matchers)

    def _similar(self, key: str, heading: str, matcher: difflib.SequenceMatcher) -> bool:
        if key == heading:
            return True
        if 2.0 * min(len(key), len(heading)) < self.bar * (len(key) + len(heading)):
            return False  # real_quick_ratio
        matcher.set_seq1(key)
        return matcher.quick_ratio() >= self.bar and matcher.ratio() >= self.bar


# --- ranking -------------------------------------------------------------------------------


def select(candidates: list[Candidate], limit: int = MAX_HEADLINES) -> list[Candidate]:
    """The strongest candidates within each kind's budget; RESERVED kinds first."""
    ordered = sorted(candidates, key=lambda c: (-round(c.score, 9), c.kind, c.subject))
    taken: dict[str, int] = {}
    chosen: list[Candidate] = []
    for reserved_pass in (True, False):
        for candidate in ordered:
            if len(chosen) >= limit:
                break
            if (candidate.kind in RESERVED) != reserved_pass:
                continue
            if taken.get(candidate.kind, 0) >= BUDGET.get(candidate.kind, limit):
                continue
            taken[candidate.kind] = taken.get(candidate.kind, 0) + 1
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: (-round(c.score, 9), c.kind, c.subject))


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
