"""When an ambiguous country name counts on its own, without the passage naming the country
another way (actors.find_mentions keeps that older rule for everything else).

A country name that is also a first name or a common word ("Jordan", "Chad") or a place
elsewhere ("Georgia", a US state) counts in a passage that names the country unambiguously;
besides that, it counts

1. in a list of countries: right beside another country named unambiguously, with only a
   comma, "and" or "or" between ("Georgia, Moldova, and Ukraine");
2. where spaCy's entity recogniser reads it as a place (GPE) and no other place has that
   name (pycountry's countries and subdivisions): GPE tells "Jordan" the country from Jordan
   the person, not Georgia the country from Georgia the state.

A capital ("Doha", "London") never counts on its own: it names the city, a conference or a
round of talks as often as the government, and an entity label cannot tell them apart.
Measured on every occurrence of an ambiguous country name in the four NSS texts: 9 (Jordan
7, Georgia 2), all the country; the rules accept 9 and no false one (spaCy reads all 9 GPE;
tests/test_ambiguous_nss.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .gazetteer import actor_kind, another_place

_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)")  # ", and "
PLACE = "GPE"


def settled(hits: Iterable[tuple], capitals: set[str], cache_dir=None) -> set[tuple[str, int, int]]:
    """(passage, sentence index, start) of each ambiguous hit that counts on its own.

    ``hits``: (sentence, (actor, ambiguous?, start, end, alias)) of one document, the
    sentence a text.SentenceRef; ``capitals``: the aliases that are capitals. Only ambiguous
    hits whose passage does not name the actor otherwise are asked about."""
    hits = list(hits)
    confirmed = {(sentence.passage, hit[0]) for sentence, hit in hits if not hit[1]}
    by_sentence: dict[tuple[str, int], list] = {}
    for sentence, hit in hits:
        by_sentence.setdefault((sentence.passage, sentence.index), []).append((sentence, hit))
    found: set[tuple[str, int, int]] = set()
    asked: list[tuple] = []
    for (passage, index), group in by_sentence.items():
        for sentence, hit in group:
            actor, ambiguous, start, end, alias = hit
            if (not ambiguous or (passage, actor) in confirmed or alias in capitals
                    or another_place(alias, actor) is None):
                continue
            if _listed(sentence.text, hit, [h for _, h in group]):
                found.add((passage, index, start))
            elif not another_place(alias, actor):
                asked.append((passage, index, sentence.text, start, end))
    if asked:
        found |= _places(asked, cache_dir)
    return found


def _listed(text: str, hit: tuple, others: list[tuple]) -> bool:
    """Is the hit next to an unambiguous country's name in a list?"""
    _, _, start, end, _ = hit
    for actor, ambiguous, a, b, _ in others:
        if ambiguous or actor == hit[0] or actor_kind(actor) != "country":
            continue
        if _LIST_GAP.fullmatch(text[b:start] if b <= start else text[end:a]):
            return True
    return False


def _places(asked: list[tuple], cache_dir) -> set[tuple[str, int, int]]:
    """The asked hits spaCy labels as a place; none where the parser cannot load."""
    try:
        from .parse import parse_sentences

        parses = parse_sentences([a[2] for a in asked], cache_dir)
    except Exception:  # noqa: BLE001 - no parser: the passage rule alone decides
        return set()
    found = set()
    for (passage, index, _, start, end), parse in zip(asked, parses):
        labels = {parse.tokens[i].ent for i in parse.covering(start, end)}
        if labels == {PLACE}:
            found.add((passage, index, start))
    return found
