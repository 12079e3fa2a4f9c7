"""Terms and actors that changed, counted over every spelling, scored by evidence and size.

Each candidate is counted in both versions with variants folded (variants.py): a term or
actor whose spelling, expansion or acronym occurs in the other version is never "new" or
"gone" — it rises or falls from the count found there. The score multiplies

- size: |log2| of the rate ratio, each rate floored at 1 per 10,000 words (and at half a
  mention), times log2(1 + the difference in mentions at the shorter version's length), so
  a five-fold rise to 15 mentions outranks an appearance with 3;
- significance: Dunning's G2 over the threshold that a correction for the number of
  candidates asks (the Benjamini-Hochberg cut at 5% over every term's and actor's p-value),
  as min(1, G2 / threshold);
- dispersion: the passages holding the term where it is frequent: one passage is that
  passage's change (the alignment shows it), three or more a theme of the document;
- substance: actors (ACTOR_WEIGHT) and multi-word terms first; a single word by how specific it is in
  general English (english.specificity), not by a hand list, by how it clusters in the
  passages that use it (residual IDF: "pursue" and "capacity" are spread thinly, a topic
  word such as "tyranny" is discussed where it occurs), and by its word class where the
  sentences are parsed (a verb or adjective such as "remain" or "broader" is no concept).

A candidate needs p < 0.05 before correction and, where it appears or vanishes, at least
``min_evidence`` occurrences in 2+ passages (an actor's first or last appearance needs only
the occurrences).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..english import specificity
from ..model import Document
from .terms import g2, p_value, status_of
from .text import STOP_WORDS, SentenceRef, lemma, stem
from .variants import CONNECTORS as _CONNECTORS
from .variants import (
    Found,
    Spellings,
    acronym_definitions,
    ocr_repairs,
    prefixed,
    vocabulary,
)

RATE_FLOOR = 1.0  # per 10,000 words
COUNT_MOVE = 1.6  # the count itself must move this much in the rate's direction...
LENGTH_EFFECT = 0.3  # ...or the change is weighed as mostly the texts' difference in length
PROPER_NAME = 0.35  # weight of a capitalised multi-word name that is no actor
BINOMIAL = 0.5  # weight of a term joining two words by "and"/"or"
WORD_CLASS = 0.25  # weight of a single word used mostly as a verb, adjective or adverb
WORD_CLASS_TOP = 80  # the strongest single words whose class is asked of the parser
P_GATE = 0.05
ACTOR_WEIGHT = 1.5  # a named actor says more than any term: "G-20 first appears"
FAMILY = 0.9  # a single word's count includes its family only where the word is most of it


@dataclass
class Counts:
    """A candidate's occurrences (terms) or sentences (actors) in each version."""

    old: int
    new: int
    old_passages: int
    new_passages: int
    first_old: SentenceRef | None = None
    first_new: SentenceRef | None = None
    held: tuple[frozenset, frozenset] = (frozenset(), frozenset())  # passage ids per version


@dataclass
class Change:
    kind: str  # "term" or "actor"
    subject: str
    counts: Counts
    score: float
    story: set[tuple[str, ...]] = field(default_factory=set)  # folded word runs
    forms: list[str] = field(default_factory=list)  # terms: the family's forms, main first
    note: str = ""  # terms: the long form of an acronym, or the acronym counted with it
    related: list[tuple[str, int]] = field(default_factory=list)  # other forms, other version
    phrase: bool = False  # a phrase whose last word the version without it still writes
    family_forms: set[str] = field(default_factory=set)  # related forms of the term's own word
    # Prefixed forms ("nonproliferation" beside "proliferation"): (form, old, new) each, and
    # the counts with them, where either version writes one.
    compounds: list[tuple[str, int, int]] = field(default_factory=list)
    with_compounds: tuple[int, int] | None = None


class Pair:
    """Both versions indexed for spelling-folded counts, with their word totals."""

    def __init__(self, old: Document, new: Document, words: tuple[int, int], names=None):
        """``names`` (compound.Names): multi-word names are one word in the term counts."""
        self.docs = (old, new)
        self.parse_cache: Path | None = None  # where word-class parses are cached (analysis)
        self.words = words
        self.repairs = ocr_repairs(vocabulary([old, new]))
        self.lower = tuple(Spellings(doc, self.repairs, names=names) for doc in (old, new))
        self.cased = tuple(Spellings(doc, self.repairs, cased=True, names=names)
                           for doc in (old, new))
        self.acronyms = acronym_definitions([old, new])
        self._runs: dict[str, tuple[str, ...]] = {}
        self._acronym_runs: list | None = None
        self.needed = needed_g2([])  # the corrected threshold; set from the p-values

    def key(self, text: str) -> str:
        return "".join(self.run(text))

    def acronym_runs(self) -> list[tuple[str, str, str, tuple[str, ...], frozenset[str]]]:
        """(acronym, long form, the acronym as a lemma, the long form's folded words and
        their set) of each acronym, in definition order; made once."""
        if self._acronym_runs is None:
            self._acronym_runs = [
                (short, long, short.lower().rstrip("s"), self.run(long),
                 frozenset(self.run(long)))
                for short, long in self.acronyms.items()
            ]
        return self._acronym_runs

    def run(self, text: str) -> tuple[str, ...]:
        """The folded words of ``text`` (story keys: nested runs tell one story)."""
        found = self._runs.get(text)
        if found is None:
            found = self._runs[text] = tuple(self.lower[0].words(text))
        return found


def min_evidence(words: int) -> int:
    """Occurrences an appearing or vanishing term needs: 3, one more per 40,000 words."""
    return 3 + max(0, words) // 40_000


def needed_g2(p_values, level: float = P_GATE) -> float:
    """G2 at the Benjamini-Hochberg cut for the candidates' p-values: the largest p(k) with
    p(k) <= level * k / m; where none passes, Bonferroni's level / m."""
    ordered = sorted(p_values)
    m = max(len(ordered), 1)
    cut = level / m
    for k, p in enumerate(ordered, 1):
        if p <= level * k / m:
            cut = level * k / m
    return g2_at(cut)


def g2_at(p: float) -> float:
    """The G2 (chi-square, 1 dof) whose upper tail is ``p``, by bisection."""
    low, high = 0.0, 200.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if p_value(middle) > p else (low, middle)
    return high


def strength(counts: Counts, words: tuple[int, int], needed: float, gate: bool = True) -> float:
    """size x significance (see the module docstring); 0 below the p gate (if ``gate``)."""
    o, n = counts.old, counts.new
    wo, wn = max(words[0], 1), max(words[1], 1)
    value = float(g2(np.array([n]), np.array([o]), wn, wo)[0])
    if gate and p_value(value) >= P_GATE:
        return 0.0
    floor_old = max(RATE_FLOOR, 0.5 * 1e4 / wo)
    floor_new = max(RATE_FLOOR, 0.5 * 1e4 / wn)
    rate_old, rate_new = 1e4 * o / wo, 1e4 * n / wn
    ratio = max(rate_new, floor_new) / max(rate_old, floor_old)
    difference = abs(rate_new - rate_old) * min(wo, wn) / 1e4
    significance = min(1.0, value / needed)
    return abs(math.log2(ratio)) * math.sqrt(difference) * significance


def dispersion(passages: int) -> float:
    return min(1.0, 0.25 + 0.35 * max(passages - 1, 0))


def substance(term: str) -> float:
    """Actors are scored 1 elsewhere; a multi-word term 0.5-1 by its most specific word, a
    single word by its specificity."""
    words = [w for w in term.replace("-", " ").split() if w not in STOP_WORDS]
    if not words:
        return 0.0
    best = max(specificity(w) for w in words)
    if len(term.split()) == 1:
        return best
    # A pair joined by "and"/"or" ("allies and friends", "rules and norms") is a formula of
    # style more often than a concept.
    binomial = BINOMIAL if set(term.split()) & {"and", "or"} else 1.0
    return (0.5 + 0.5 * best) * binomial


# --- terms ---------------------------------------------------------------------------------


def term_changes(terms: pd.DataFrame, pair: Pair, names: dict[tuple[str, ...], list[str]]
                 ) -> list[Change]:
    """Every term family whose folded counts changed enough to score, best first; a term
    that is an actor's name (``names``: folded word run → all names of that actor) is left to
    the actor.

    A family is the forms of one word ("terror", "terrorism", "terrorists") or of a phrase's
    last word ("violent extremism", "violent extremists"): one story, counted together."""
    rows = terms[(terms.status != "same") | (terms.p_value < P_GATE)]
    families: dict[tuple[str, ...], list] = {}
    keys: set[str] = set()
    for row in rows.itertuples():
        key, run = pair.key(row.lemma), pair.run(row.lemma)
        if not key or key in keys or run in names:
            continue
        keys.add(key)
        families.setdefault(run[:-1] + (stem(run[-1]),), []).append(row)
    changes = []
    for members in families.values():
        change = _family_change(members, pair, names)
        if change is not None:
            changes.append(change)
    ranked = sorted(changes, key=lambda c: (-c.score, c.subject))
    _weigh_word_class(ranked[:WORD_CLASS_TOP], pair)
    return sorted(ranked, key=lambda c: (-c.score, c.subject))


def _family_change(members: list, pair: Pair, names: dict | None = None) -> Change | None:
    parts = [_term_counts(row, pair) for row in members]
    parts = [(row, *part) for row, part in zip(members, parts) if part[0] is not None]
    if not parts:
        return None
    # The most frequent form names the family; the others are listed after it.
    parts.sort(key=lambda p: (-(p[1].old + p[1].new), p[2]))
    counts = _combined([p[1] for p in parts])
    (main, note) = parts[0][2]
    subject = f"{main} ({note})" if note else main
    shown = [_both_numbers(p[2][0], p[0].lemma) if not p[2][1] else p[2][0] for p in parts[:3]]
    forms = list(dict.fromkeys(shown))
    story = set().union(*(p[3] for p in parts))
    lemma_ = parts[0][0].lemma
    weight = substance(lemma_)
    if " " not in lemma_:
        weight *= _clustering(counts, pair)
    elif _proper_name(lemma_, pair):
        weight *= PROPER_NAME
    score = _score(counts, pair, weight)
    if score <= 0:
        return None
    change = Change("term", subject, counts, score, story, forms, note)
    if counts.old == 0 or counts.new == 0:  # what the other version writes instead, if any
        v = 0 if counts.old == 0 else 1
        related = {r for part in parts for r in pair.lower[v].related(part[0].lemma)}
        related |= {r for part in parts for r in _renamed(part[0].lemma, names or {}, pair, v)}
        change.family_forms = {form for form, _ in related}  # the term's own, renamed or not
        related |= {r for part in parts for r in pair.lower[v].compounds(part[0].lemma)}
        long = note if note and not note.startswith("with ") else main
        for phrase in {long, *(part[0].term for part in parts)}:
            head = pair.lower[v].head(phrase)
            if head:
                related.add(head)
        change.related = sorted(related)
        last = pair.run(long)
        change.phrase = len(last) > 1 and pair.lower[v].vocabulary[last[-1]] > 0
    else:
        _add_compounds(change, [p[0].lemma for p in parts], pair)
        if not _acronym_alone(change, parts[0][0].term, pair, weight):
            return None
    return change


def _acronym_alone(change: Change, term: str, pair: Pair, weight: float) -> bool:
    """A phrase whose last word is an acronym written in capitals wherever the phrase is
    ("HIV/AIDS") names the same thing where a text writes that acronym alone ("AIDS"): its
    uses alone are shown with the phrase's (as a word's prefixed forms are), and the rise or
    fall is scored on them together, so "hiv aids" 7 → 2 is no fall where the later text
    writes "AIDS" four more times. False where, counted so, the change no longer scores."""
    words = term.split()
    short = words[-1].upper() if len(words) > 1 else ""
    if not (2 <= len(short) <= 6 and short.isalpha()) or short.lower() in STOP_WORDS:
        return True
    capital = re.compile(rf"(?<![^\W_]){short}(?![^\W_])")
    refs = [r for v in (0, 1) for r in pair.lower[v].count(term).sentences]
    if not refs or not all(capital.search(r.text) for r in refs):
        return True
    counts = change.counts
    alone = [max(0, pair.cased[v].count(short).count - n)
             for v, n in ((0, counts.old), (1, counts.new))]
    if not any(alone):
        return True
    change.compounds = [(short, alone[0], alone[1])]
    change.with_compounds = (counts.old + alone[0], counts.new + alone[1])
    both = Counts(*change.with_compounds, counts.old_passages, counts.new_passages)
    change.score = min(change.score, _score(both, pair, weight))
    return change.score > 0


def _add_compounds(change: Change, lemmas: list[str], pair: Pair) -> None:
    """The prefixed forms of a rising or falling word that either version writes, and the
    counts with them (written as one word: a hyphenated form is in the word's own count)."""
    words = sorted({w for lemma_ in lemmas for w in prefixed(pair.run(lemma_)[-1])}
                   if all(" " not in lemma_ for lemma_ in lemmas) else set())
    found = [(w, *(pair.lower[v].count(w).count for v in (0, 1))) for w in words]
    found = [f for f in found if f[1] or f[2]]
    if found:
        change.compounds = found
        change.with_compounds = tuple(
            getattr(change.counts, side) + sum(pair.lower[v].joined(w) for w, *_ in found)
            for v, side in ((0, "old"), (1, "new")))


def _renamed(lemma_: str, names: dict, pair: Pair, version: int) -> list[tuple[str, int]]:
    """The term with an actor's name in it written under another name of that actor, where
    the version does: "U.S. leadership" for "american leadership"."""
    run = pair.run(lemma_)
    found = []
    for i in range(len(run)):
        for j in range(i + 1, len(run) + 1):
            for alias in names.get(run[i:j], []):
                if pair.run(alias) == run[i:j]:
                    continue
                phrase = " ".join([*run[:i], alias, *run[j:]])
                index = pair.lower[version] if _foldable(alias) else pair.cased[version]
                count = index.count(phrase).count
                if count:
                    found.append((phrase, count))
    return found


def _combined(counts: list[Counts]) -> Counts:
    if len(counts) == 1:
        return counts[0]
    def first(refs):
        found = [r for r in refs if r is not None]
        return min(found, key=lambda r: (int(r.passage.lstrip("p") or 0), r.index)) if found else None
    held = (frozenset().union(*(c.held[0] for c in counts)),
            frozenset().union(*(c.held[1] for c in counts)))
    return Counts(
        sum(c.old for c in counts), sum(c.new for c in counts), len(held[0]), len(held[1]),
        first([c.first_old for c in counts]), first([c.first_new for c in counts]), held,
    )


def _clustering(counts: Counts, pair: Pair) -> float:
    """0.6-1 by residual IDF (Church and Gale) in the version where the word is frequent:
    log2 of the passages a Poisson spread of its occurrences would reach over the passages
    that hold it; 0.3 bits or more counts as clustered."""
    v = 1 if counts.new * pair.words[0] >= counts.old * pair.words[1] else 0
    occurrences = counts.new if v else counts.old
    holding = counts.new_passages if v else counts.old_passages
    total = len(pair.docs[v].passages)
    if not holding or not total:
        return 1.0
    expected = total * (1 - math.exp(-occurrences / total))
    residual = math.log2(max(expected, 1e-9) / holding)
    return 0.6 + 0.4 * min(1.0, max(residual, 0.0) / 0.3)


def _weigh_word_class(changes: list[Change], pair: Pair) -> None:
    """A term whose last word is used mostly as a verb, adjective or adverb ("remain",
    "broader", "threat posed", "degrade and ultimately") names no concept: its score is
    scaled by WORD_CLASS. The word class comes from the parser, where it can load."""
    try:
        from .parse import parse_sentences
    except ImportError:  # no parser: word class unknown, scores stand
        return
    asked: list[tuple[Change, str, str]] = []
    for change in changes:
        head = stem(min(change.story)[-1])
        for ref in (change.counts.first_new, change.counts.first_old):
            if ref is not None:
                asked.append((change, head, ref.text))
    if not asked:
        return
    try:
        parses = parse_sentences([text for _, _, text in asked], pair.parse_cache)
    except Exception:  # noqa: BLE001 - a parser that cannot load leaves the scores alone
        return
    tags: dict[int, list[str]] = {}
    for (change, head, _), parsed in zip(asked, parses):
        for token in parsed.tokens:
            if stem(lemma(parsed.text[token.start : token.end].lower())) == head:
                tags.setdefault(id(change), []).append(token.pos)
    for change in changes:
        found = tags.get(id(change), [])
        if found and sum(t in ("NOUN", "PROPN") for t in found) * 2 < len(found):
            change.score *= WORD_CLASS


def _term_counts(row, pair: Pair, family: bool = True, acronyms: bool = True):
    """(Counts, (label, note), story) of a term row with spellings, word order and (if
    ``acronyms``) acronym folded; Counts is None where ``family`` and another form of a
    single word remains."""
    found = [pair.lower[v].count(row.lemma) for v in (0, 1)]
    story = {pair.run(row.lemma)}
    label = (row.term, "")
    swapped = _swapped(row.lemma)
    if swapped:  # "friends and allies" is "allies and friends": named by the commoner order
        other = [pair.lower[v].count(swapped) for v in (0, 1)]
        if sum(f.count for f in other) > sum(f.count for f in found):
            label = (" ".join(reversed(row.term.split(" "))), "")
        found = [_union(found[v], other[v]) for v in (0, 1)]
        story.add(pair.run(swapped))
    counts = [f.count for f in found]
    if family and " " not in row.lemma:  # the family: "preemption" with "preempt", ...
        family = (int(row.old_family), int(row.new_family))
        for v in (0, 1):
            if counts[v] == 0 and family[v] > 0:
                return None, label, story  # another form of the word remains: not new/gone
            if counts[v] == 0 and pair.lower[v].vocabulary[row.lemma] > 0:
                return None, label, story  # written inside a name ("Threat Reduction
                # Initiative"): not counted as the word, and not gone either
    acronym = _acronym_of(row, pair) if acronyms else None
    if acronym:
        short, long = acronym
        if _is_acronym(row, short):
            extra = [pair.lower[v].count(long) for v in (0, 1)]
        else:
            extra = [_union(*(pair.cased[v].count(f) for f in _acronym_forms(short)))
                     for v in (0, 1)]
        found = [_once(_union(found[v], extra[v]), pair.lower[v].count(f"{long} {short}"))
                 for v in (0, 1)]
        counts = [f.count for f in found]
        whole = pair.run(row.lemma) == pair.run(long) or _is_acronym(row, short)
        label = (short, long) if whole else (row.term, f"with {short}")
        story |= {pair.run(short), pair.run(long)}
    return Counts(
        counts[0], counts[1], len(found[0].passages), len(found[1].passages),
        found[0].sentences[0] if found[0].sentences else None,
        found[1].sentences[0] if found[1].sentences else None,
        (found[0].passages, found[1].passages),
    ), label, story


# --- the term table, counted as the headlines count ----------------------------------------


def fold_terms(terms: pd.DataFrame, pair: Pair, min_count: int = 2) -> pd.DataFrame:
    """The term table (terms.term_table) with each changed term counted as its headline
    counts it, so the tables and the headlines never disagree: spellings ("al-Qaida",
    "al-Qa'ida"), word order ("friends and allies") and an acronym with its long form ("WMD",
    "weapons of mass destruction") are one row, named by its forms, its counts, rates,
    keyness and status recomputed from the folded counts. A term whose occurrences are almost
    all inside longer terms of the table ("east" in "middle east" and "east asia") is left
    out: it only repeats them. Rows with no change and nothing changed to fold with stay."""
    repeated = repeated_subterms(terms)
    short_of = {}
    for short, _long, bare, whole, _words in pair.acronym_runs():
        short_of.setdefault(whole, short)
        short_of.setdefault((bare,), short)
    groups: dict[str, list] = {}
    for i, row in enumerate(terms.itertuples(index=False)):
        if row.lemma not in repeated:
            groups.setdefault(_table_key(row, pair, short_of), []).append((i, row))
    kept: list[int] = []  # rows that stay as they are
    folded: list[dict] = []
    for members in groups.values():
        if all(m.status == "same" for _, m in members):
            kept += [i for i, _ in members]
            continue
        members.sort(key=lambda m: (-(m[1].old_count + m[1].new_count), m[1].term))
        row = _folded_row([m for _, m in members], pair)
        if row is not None:
            folded.append(row)
    frame = pd.concat([terms.iloc[sorted(kept)], pd.DataFrame(folded, columns=terms.columns)],
                      ignore_index=True)
    changed = frame.status.isna()
    if changed.any():
        _recount(frame, changed, pair.words, min_count)
    frame["_abs"] = frame.keyness.abs()
    frame = frame.sort_values(["_abs", "term"], ascending=[False, True], kind="mergesort")
    return frame.drop(columns="_abs").reset_index(drop=True)


def repeated_subterms(terms: pd.DataFrame, share: float = 0.9) -> set[str]:
    """Lemmas of terms with ``share`` or more of their occurrences in each version inside
    the table's terms one word longer (the word before it, or after it)."""
    counts = dict(zip(terms.lemma, zip(terms.old_count, terms.new_count)))
    held: dict[str, list[int]] = {}
    for lemma_, (o, n) in counts.items():
        words = lemma_.split(" ")
        if len(words) < 2:
            continue
        for sub in (" ".join(words[1:]), " ".join(words[:-1])):
            if sub in counts:
                inside = held.setdefault(sub, [0, 0])
                inside[0] += o
                inside[1] += n
    return {
        sub for sub, (o, n) in held.items()
        if sum(counts[sub]) and all(c == 0 or h >= share * c for c, h in zip(counts[sub], (o, n)))
    }


def _table_key(row, pair: Pair, short_of: dict) -> str:
    """One key for the rows a headline counts as one term."""
    run = pair.run(row.lemma)
    short = short_of.get(run)
    if short is not None:
        return "acronym " + short
    swapped = _swapped(row.lemma)
    return min("".join(run), pair.key(swapped)) if swapped else "".join(run)


def _folded_row(members: list, pair: Pair) -> dict | None:
    """The row of a group of table rows (most frequent first), counted by _term_counts (its
    statistics are left for _recount); None for a run an acronym's row already tells."""
    main = members[0]
    counts, (label, note), _ = _term_counts(main, pair, family=False)
    if note.startswith("with "):  # a run inside an acronym's long form: the acronym has
        # its row. Mostly written inside it ("mass destruction"), the run only repeats that
        # row; else ("middle east" beside MEFTA) it is counted as itself.
        long = pair.acronyms.get(note[len("with "):], "")
        inside = sum(pair.lower[v].count(long).count for v in (0, 1)) if long else 0
        if 2 * inside >= main.old_count + main.new_count:
            return None
        counts, (label, note), _ = _term_counts(main, pair, family=False, acronyms=False)
    name = f"{label} ({note})" if note else label
    key = pair.key(main.lemma)
    spelt = [m.term for m in members[1:] if pair.key(m.lemma) == key and m.term != label]
    if spelt and not note:
        name = " / ".join(dict.fromkeys([label, *spelt[:2]]))
    row = main._asdict()
    row.update(term=name, old_count=counts.old, new_count=counts.new, status=None,
               old_passages=counts.old_passages, new_passages=counts.new_passages,
               old_family=max(main.old_family, counts.old),
               new_family=max(main.new_family, counts.new))
    return row


def _recount(frame: pd.DataFrame, rows: pd.Series, words: tuple[int, int], min_count: int
             ) -> None:
    """Rates, keyness, p-value, log ratio and status of the ``rows`` from their counts."""
    old = frame.loc[rows, "old_count"].to_numpy(dtype=float)
    new = frame.loc[rows, "new_count"].to_numpy(dtype=float)
    wo, wn = max(words[0], 1), max(words[1], 1)
    unsigned = g2(new, old, wn, wo)
    sign = np.where(new / wn >= old / wo, 1.0, -1.0)
    keyness = np.round(sign * unsigned, 4)
    p = [p_value(v) for v in unsigned]
    frame.loc[rows, "old_per_10k"] = np.round(old / wo * 10_000, 3)
    frame.loc[rows, "new_per_10k"] = np.round(new / wn * 10_000, 3)
    frame.loc[rows, "keyness"] = keyness
    frame.loc[rows, "p_value"] = p
    frame.loc[rows, "log_ratio"] = np.round(np.log2(((new + 0.5) / wn) / ((old + 0.5) / wo)), 4)
    frame.loc[rows, "status"] = [status_of(int(o), int(n), k, q, min_count)
                                 for o, n, k, q in zip(old, new, keyness, p)]


def _swapped(lemma_: str) -> str | None:
    """The other order of a two-word pair joined by "and"/"or" ("friends and allies")."""
    words = lemma_.split(" ")
    if len(words) == 3 and words[1] in ("and", "or") and words[0] != words[2]:
        return f"{words[2]} {words[1]} {words[0]}"
    return None


def _proper_name(lemma_: str, pair: Pair) -> bool:
    """Is a multi-word term written with every word capitalised in most of its occurrences
    ("President Bush")? Such a name that is no actor is often a signature or an attribution;
    it weighs PROPER_NAME (a war's name that moves a lot still ranks)."""
    if " " not in lemma_:
        return False
    lower = sum(pair.lower[v].count(lemma_).count for v in (0, 1))
    titled = " ".join(w[:1].upper() + w[1:] for w in lemma_.split(" "))
    cased = sum(pair.cased[v].count(titled).count + pair.cased[v].count(titled + "s").count
                for v in (0, 1))
    return lower > 0 and cased >= 0.8 * lower


def _acronym_of(row, pair: Pair) -> tuple[str, str] | None:
    """(acronym, long form) where the term is an acronym defined in either text, its long
    form, its first two or more words ("free trade" in "free trade agreements (FTAs)"), or
    a run of its words written mostly inside it ("mass destruction", "destruction" beside
    "weapons of mass destruction (WMD)")."""
    run = pair.run(row.lemma)
    term = row.term.lower()
    for short, long, bare, whole, words in pair.acronym_runs():
        if row.lemma == bare or term == short.lower():  # _is_acronym(row, short)
            return short, long
        if run == whole:
            return short, long
        if (not run or run[0] in words) and any(
            whole[i : i + len(run)] == run for i in range(len(whole) - len(run) + 1)
        ):
            if len(run) >= 2 and whole[: len(run)] == run:  # "free trade" starts every FTA
                return short, long
            inside = sum(pair.lower[v].count(long).count for v in (0, 1))
            alone = sum(pair.lower[v].count(row.lemma).count for v in (0, 1))
            if 2 * inside >= alone:
                return short, long
    return None


def _both_numbers(term: str, lemma_: str) -> str:
    """A single word is counted in singular and plural: "nation(s)" says so."""
    if " " in lemma_ or term == lemma_:
        return term
    return f"{lemma_}(s)" if term == lemma_ + "s" else f"{lemma_}/{term}"


def _is_acronym(row, short: str) -> bool:
    return row.lemma == short.lower().rstrip("s") or row.term.lower() == short.lower()


def _acronym_forms(short: str) -> list[str]:
    """The acronym with and without its plural s ("FTA", "FTAs"): case is kept for these."""
    bare = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    return [bare, bare + "s"]


def _once(found: Found, defined: Found) -> Found:
    """``found`` less one for each definition "long form (ACRONYM)", which names the term once
    though it writes both forms."""
    return Found(found.count - defined.count, found.passages, found.sentences, found.where)


def _union(a: Found, b: Found) -> Found:
    where = sorted(set(a.where) | set(b.where))
    by_index = {i: r for i, r in zip(a.where + b.where, a.sentences + b.sentences)}
    refs = [by_index[i] for i in where]
    return Found(a.count + b.count, a.passages | b.passages, refs, where)


def _score(counts: Counts, pair: Pair, weight: float, named: bool = False) -> float:
    """The candidate's score; ``named``: an actor, whose first or last appearance (enough
    sentences, in one passage or more) is a fact to report even where a short text leaves it
    short of significance; its score still carries the significance and dispersion."""
    o, n = counts.old, counts.new
    presence = o == 0 or n == 0
    if presence:
        size = pair.words[1] if n else pair.words[0]
        passages = counts.new_passages if n else counts.old_passages
        if max(o, n) < min_evidence(size) or (passages < 2 and not named):
            return 0.0
    rising = n * pair.words[0] >= o * pair.words[1]
    passages = counts.new_passages if rising else counts.old_passages
    gate = not (named and presence)
    score = strength(counts, pair.words, pair.needed, gate) * dispersion(passages) * weight
    return score * _length_effect(o, n, rising)


def _length_effect(o: int, n: int, rising: bool) -> float:
    """LENGTH_EFFECT where the rate moves but the count hardly does (or moves the other way):
    "17 → 12 sentences" in a text twice as long is mostly the length, not a fall."""
    if o == 0 or n == 0:
        return 1.0
    moved = n / o if rising else o / n
    return 1.0 if moved >= COUNT_MOVE else LENGTH_EFFECT


# --- actors --------------------------------------------------------------------------------


def actor_change(record: dict, pair: Pair) -> Change | None:
    """The actor's mention sentences in each version; where one side has none, any spelling
    of any alias (or the long form) found there counts instead."""
    name = record["actor"]
    aliases = sorted(set(record["aliases"]) | {name} | (
        {record["expansion"]} if record.get("expansion") else set()))
    counts = [record["old_mentions"], record["new_mentions"]]
    held: list[frozenset] = [frozenset(), frozenset()]
    firsts: list[SentenceRef | None] = [None, None]
    variants = aliases + short_names(record.get("expansion"))
    for v in (0, 1):
        found = _alias_sentences(variants, pair, v)
        if counts[v] == 0 and found.count:
            counts[v] = found.count
        held[v] = found.passages
        firsts[v] = found.sentences[0] if found.sentences else None
    result = Counts(counts[0], counts[1], len(held[0]), len(held[1]), firsts[0], firsts[1],
                    (held[0], held[1]))
    score = _score(result, pair, ACTOR_WEIGHT, named=True)
    if score <= 0:
        return None
    story = {pair.run(a) for a in aliases}
    return Change("actor", name, result, score, story)


def short_names(expansion: str | None) -> list[str]:
    """The last two words of a long form of three or more, both capitalised, as the text may
    shorten it: "Security Council" for "United Nations Security Council" (a name the other
    version writes so is no first appearance)."""
    words = (expansion or "").split()
    tail = words[-2:]
    if len(words) < 3 or not all(w[:1].isupper() and w.lower() not in _CONNECTORS for w in tail):
        return []
    return [" ".join(tail)]


def _alias_sentences(aliases: list[str], pair: Pair, version: int) -> Found:
    """Sentences naming any alias, case folded only for aliases that cannot be a common word."""
    loose = [a for a in aliases if _foldable(a)]
    strict = [a for a in aliases if not _foldable(a)]
    found = pair.lower[version].count_any(loose)
    return _union_sentences(found, pair.cased[version].count_any(strict))


def _foldable(alias: str) -> bool:
    from ..english import zipf

    words = alias.split()
    return len(words) > 1 or (len(alias) >= 4 and zipf(alias) < 3.0)


def _union_sentences(a: Found, b: Found) -> Found:
    where = sorted(set(a.where) | set(b.where))
    by_index = {i: r for i, r in zip(a.where + b.where, a.sentences + b.sentences)}
    refs = [by_index[i] for i in where]
    return Found(len(refs), frozenset(r.passage for r in refs), refs, where)

