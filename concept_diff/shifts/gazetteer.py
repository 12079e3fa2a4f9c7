"""Known actors from generic data: countries (pycountry + data/countries.tsv), major
intergovernmental organisations and world regions (data/places.toml), plus the blockers that stop "Latin
American" from counting as "American". Nothing here is tied to a particular corpus.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..model import Document

AMBIGUOUS = "?"


@dataclass
class Actor:
    name: str
    kind: str  # "country", "organisation", "region", "acronym", "name" or "user"
    aliases: set[str] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)  # aliases that need an unambiguous one nearby
    expansion: str | None = None  # for acronym actors: the long form found in the text
    capitals: set[str] = field(default_factory=set)  # aliases that are capital cities (ambiguous)
    derived: set[str] = field(default_factory=set)  # aliases that are acronyms of its names

    def all_aliases(self) -> set[str]:
        return self.aliases | self.ambiguous


def _data(name: str) -> str:
    return resources.files("concept_diff").joinpath("data", name).read_text(encoding="utf-8")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _plural(demonym: str) -> str | None:
    """'Russians' from 'Russian'; None where English keeps the form ('Chinese', 'Swiss')."""
    if demonym.endswith(("s", "sh", "ch", "ese", "i", "x", "z")):
        return demonym + "s" if demonym.endswith("i") else None
    return demonym + "s"


def _pycountry_names(alpha3: str) -> set[str]:
    """Formal names pycountry knows, skipping inverted forms like 'Korea, Republic of'."""
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return set()
    names = {getattr(country, attr, None) for attr in ("name", "official_name", "common_name")}
    return {n for n in names if n and "," not in n}


def _add(actor: Actor, alias: str) -> None:
    if alias.startswith(AMBIGUOUS):
        actor.ambiguous.add(alias[1:])
    else:
        actor.aliases.add(alias)


@lru_cache(maxsize=1)
def _country_rows() -> tuple[tuple[str, ...], ...]:
    rows = []
    for line in _data("countries.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple((line.split("|") + [""] * 5)[:5]))
    return tuple(rows)


@lru_cache(maxsize=1)
def _place_names() -> dict[str, frozenset[str]]:
    """Every place name pycountry knows (countries' names, subdivisions such as US states),
    with the codes of the places it names ("Georgia": GEO and US-GA)."""
    import pycountry

    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                found.setdefault(name, set()).add(country.alpha_3)
    for subdivision in pycountry.subdivisions:
        found.setdefault(subdivision.name, set()).add(subdivision.code)
    return {name: frozenset(codes) for name, codes in found.items()}


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    return {name: alpha3 for alpha3, name, *_ in _country_rows()}


def another_place(alias: str, actor: str) -> bool | None:
    """Does ``alias`` also name a place other than the country ``actor`` (a US state for
    "Georgia", the other Congo for "Congo")? None where ``actor`` is no gazetteer country."""
    own = _country_codes().get(actor)
    if own is None:
        return None
    return bool(_place_names().get(alias, frozenset()) - {own})


def countries() -> list[Actor]:
    """One Actor per country: names, formal names, demonyms (and plurals), capitals."""
    actors = []
    for alpha3, name, aliases, demonyms, capitals in _country_rows():
        actor = Actor(name=name, kind="country")
        for alias in [name, *_split(aliases)]:
            _add(actor, alias)
        # A capital names its state only beside the state's own name: alone it is most often
        # the place ("bombings in London"), a conference or a round of talks ("Doha",
        # "Copenhagen"), not the government.
        for capital in _split(capitals):
            _add(actor, AMBIGUOUS + capital.lstrip(AMBIGUOUS))
        actor.capitals = {c.lstrip(AMBIGUOUS) for c in _split(capitals)}
        for demonym in _split(demonyms):
            _add(actor, demonym)
            plural = _plural(demonym.lstrip(AMBIGUOUS))
            if plural:
                _add(actor, demonym[: demonym.index(demonym.lstrip(AMBIGUOUS))] + plural)
        for formal in _pycountry_names(alpha3):
            if formal not in actor.ambiguous:
                actor.aliases.add(formal)
        actor.aliases -= actor.ambiguous
        actors.append(actor)
    return actors


@lru_cache(maxsize=1)
def _places() -> dict:
    return tomllib.loads(_data("places.toml"))


def organisations() -> list[Actor]:
    actors = []
    for name, aliases in sorted(_places().get("organisations", {}).items()):
        actors.append(Actor(name=name, kind="organisation", aliases={name, *aliases}))
    return actors


def regions() -> list[Actor]:
    """Continents and world regions: the only regions that count as actors."""
    return [
        # the adjective's plural too, as for a country's demonym ("Africans" of "Africa")
        Actor(name=name, kind="region",
              aliases={name, *aliases, *(a + "s" for a in aliases if a.endswith("an"))})
        for name, aliases in sorted(_places().get("regions", {}).items())
    ]


def blockers() -> list[str]:
    """The blockers and their plurals ("the South China Seas", "Latin Americans")."""
    names = _places().get("blockers", [])
    return sorted({*names, *(n + "s" for n in names if not n.endswith("s"))})


def not_actors() -> frozenset[str]:
    """Religious and ethnic adjectives and religions: never single-word actors."""
    return frozenset(_places().get("not_actors", []))


def disease_nouns() -> frozenset[str]:
    return frozenset(_places().get("disease_nouns", []))


def known_actors() -> list[Actor]:
    """Fresh copies (callers merge and edit them) of every gazetteer actor."""
    return with_acronyms(countries() + organisations() + regions())


# Small words an acronym's initials leave out ("Democratic People's Republic of Korea": DPRK).
_SKIPPED = frozenset({"of", "the", "and", "for", "de", "da", "du", "des", "la", "le", "el"})
ACRONYM_WORD_ZIPF = 4.0  # an acronym spelling an English word this common ("CAR") is left out


def name_acronyms(name: str) -> set[str]:
    """The acronym of a name of three words or more, its small words skipped ("People's
    Republic of China": PRC; "United Arab Emirates": UAE); none where a word other than a
    small one is not capitalised, or the name holds other signs ("Holy See (Vatican...)")."""
    words = name.replace("-", " ").split()
    if any(not w.replace("'", "").replace("’", "").isalpha() for w in words):
        return set()
    if any(w[0].islower() and w.lower() not in _SKIPPED for w in words):
        return set()
    letters = "".join(w[0].upper() for w in words if w.lower() not in _SKIPPED)
    return {letters} if len(letters) >= 3 else set()


def with_acronyms(actors: list[Actor]) -> list[Actor]:
    """Each country and organisation also named by the acronyms of its names (not its
    capitals; name_acronyms), kept only where one actor's names give that acronym, no other
    actor has it as a name and it spells no common English word ("CAR" of "Central African
    Republic", "ARE" of "Arab Republic of Egypt"). The texts settle each (settle_acronyms)."""
    from ..english import zipf

    owners: dict[str, set[int]] = {}
    for i, actor in enumerate(actors):
        if actor.kind in ("country", "organisation"):
            for alias in actor.aliases - actor.capitals:
                for acronym in name_acronyms(alias):
                    owners.setdefault(acronym, set()).add(i)
    named = {alias for actor in actors for alias in actor.all_aliases()}
    for acronym, found in sorted(owners.items()):
        if len(found) > 1 or acronym in named or zipf(acronym.lower()) >= ACRONYM_WORD_ZIPF:
            continue
        actor = actors[next(iter(found))]
        actor.aliases.add(acronym)
        actor.derived.add(acronym)
    return actors


def settle_acronyms(actors: list[Actor], docs: Iterable[Document]) -> None:
    """A derived acronym (with_acronyms) stays an actor's name where a text defines it as that
    actor ("Democratic People's Republic of Korea (DPRK)"); undefined, it is an ambiguous
    alias (it counts only in a passage that names the actor another way: initials such as
    "SAR", "ISS" or "IRA" mean other things too), and it is nobody's where the texts never
    name the actor another way or define it as something else ("Irish Republican Army (IRA)")."""
    from .text import iter_sentences, raw_tokens
    from .variants import acronym_definitions

    docs = list(docs)
    texts = [_straight(s.text) for doc in docs for s in iter_sentences(doc)]
    words = {w for text in texts for w in raw_tokens(text)}
    defined = {short: _straight(long).casefold() for short, long in acronym_definitions(docs).items()}
    joined = "\n".join(texts)
    for actor in actors:
        others = sorted(actor.aliases - actor.derived)
        for acronym in sorted(actor.derived & words):
            spelt = defined.get(acronym)
            if spelt is not None:
                keep = spelt in {_straight(a).casefold() for a in others}
            else:
                keep = any(re.search(rf"(?<!\w){re.escape(_straight(a))}(?!\w)", joined)
                           for a in others)
            if not keep or spelt is None:
                actor.aliases.discard(acronym)
            if not keep:
                actor.derived.discard(acronym)
            elif spelt is None:
                actor.ambiguous.add(acronym)


def _straight(text: str) -> str:
    return text.replace("’", "'")


@lru_cache(maxsize=1)
def _known_kinds() -> dict[str, str]:
    return {actor.name: actor.kind for actor in known_actors()}


ACTOR_KINDS = ("country", "organisation", "region", "acronym", "name")


def actor_kind(name: str) -> str:
    """What kind of actor a detected actor's name denotes, from generic data only: a country,
    organisation or region of the gazetteer; else an acronym (a name in capitals, "ISIL") or
    a name found in the text."""
    known = _known_kinds().get(name)
    if known:
        return known
    letters = [c for c in name if c.isalpha()]
    return "acronym" if letters and all(c.isupper() for c in letters) else "name"
