"""Known actors from generic data: countries (pycountry + data/countries.tsv), major
intergovernmental organisations and world regions (data/places.toml), plus the blockers that stop "Latin
American" from counting as "American". Nothing here is tied to a particular corpus.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

AMBIGUOUS = "?"


@dataclass
class Actor:
    name: str
    kind: str  # "country", "organisation", "region", "acronym", "name" or "user"
    aliases: set[str] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)  # aliases that need an unambiguous one nearby
    expansion: str | None = None  # for acronym actors: the long form found in the text
    capitals: set[str] = field(default_factory=set)  # aliases that are capital cities (ambiguous)

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
    return countries() + organisations() + regions()


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
