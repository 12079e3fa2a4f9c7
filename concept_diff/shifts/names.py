"""Actors found as capitalised names in the texts themselves (no list tied to a corpus).

- Multi-word names: a capitalised run ("the Halvani Federation's", "Union of Southern States")
  is an actor when it recurs (2+ times, one passage may hold both) and either has an
  organisation or state head noun (Federation, Union, Council...) or contains a word never
  written in lower case in the texts (a proper name, not a title-cased phrase). Runs headed by
  offices, documents or geographic features ("Secretary of State", "Treaty of X", "Strait of
  X") are not actors.
- Single words ("Varkesh", "Taliban"): recurring, never in lower case, mostly inside sentences
  and on their own; not a role noun ("Allies", "Partners"), religious or ethnic adjective,
  disease ("Ebola virus"), office title or month.
- A state-form name around one such word ("the Republic of Varkesh") and the word's derived
  forms found in the texts ("Varkeshi", "Valdorian") join that actor.
- The bare head of a name ("the Alliance" for "the Meridian Alliance") becomes its alias when
  no other name in the texts ends in that head.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Document
from .gazetteer import Actor, disease_nouns, not_actors
from .text import STOP_WORDS, fold_apostrophes, iter_sentences, lemma, raw_tokens

ORG_NOUNS = frozenset(
    {
        "Agency", "Alliance", "Army", "Assembly", "Association", "Authority", "Bank", "Brigade",
        "Brigades", "Brotherhood", "Caliphate", "Cartel", "Coalition", "Commission",
        "Committee", "Community", "Council", "Court", "Emirate", "Federation", "Forum", "Front",
        "Fund", "Group", "Kingdom", "League", "Militia", "Movement", "Nations", "Network",
        "Organisation", "Organization", "Party", "Republic", "State", "Union",
    }
)
# Words of a state's formal name around its short name ("Republic of X", "X Federation").
STATE_FORMS = frozenset(
    {
        "Commonwealth", "Confederation", "Democratic", "Duchy", "Emirate", "Emirates",
        "Federal", "Federation", "Grand", "Islamic", "Kingdom", "People's", "Peoples",
        "Principality", "Republic", "Socialist", "State", "States", "Sultanate", "Union",
        "United",
    }
)
# Heads that make a capitalised run a document, event, office or place rather than an actor
# (a "Partnership" is an arrangement between actors: "Trans-Pacific Partnership").
NON_ACTOR_HEADS = frozenset(
    {
        "Accord", "Accords", "Account", "Act", "Agreement", "Agreements", "Amendment",
        "Article", "Articles", "Bay", "Canal", "Century", "Chapter", "Charter", "Clause",
        "Code", "Concept", "Conference", "Convention", "Crisis", "Day", "Declaration",
        "Depression", "Doctrine", "Era", "Famine", "Games", "Genocide", "Gulf", "Holocaust",
        "Initiative", "Island", "Islands", "Lake", "Law", "Mountains", "Ocean", "Olympics",
        "Partnership", "Partnerships", "Peninsula", "Plan", "Program", "Programme", "Protocol", "Recession", "Report",
        "Resolution", "Review", "Revolution", "River", "Sea", "Seas", "Section", "Strait",
        "Straits", "Strategy", "Summit", "Talks", "Treaty", "War", "Zone",
    }
)
# Generic role nouns (lemmas): how a document speaks of a group, never a name.
ROLE_LEMMAS = frozenset(
    {
        "adversary", "ally", "allied", "authority", "citizen", "competitor", "country", "enemy",
        "foe", "force", "friend", "government", "leader", "member", "nation", "neighbor",
        "neighbour", "partner", "people", "power", "rival", "state",
    }
)
_CALENDAR = frozenset(
    {
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
        "Friday", "Saturday", "Sunday",
    }
)
# Common nouns that English style capitalises as titles of offices and documents.
_TITLES = frozenset(
    {
        "Administration", "Administrator", "Agency", "Ambassador", "Cabinet", "Chancellor",
        "Chief", "Commander", "Congress", "Constitution", "Convention", "Council", "Department",
        "Director", "Earth", "Federal", "General", "Government", "Governor", "Head", "Heads",
        "Internet", "King", "Minister", "Ministry", "Nation", "Office", "Parliament", "Premier",
        "President", "Prime", "Queen", "Republic", "Secretary", "Senate", "Senator", "State",
        "Summit", "Treaty",
    }
)
_CONNECTORS = frozenset({"of", "and", "the", "for", "in", "on", "de", "al"})
# A lower-case Arabic-style article joined to a name ("al-Qa'ida", "ad-Din"): the name after
# it carries the capital, so the whole word counts as capitalised.
_ARTICLE = re.compile(r"(?:al|ad|as|an|ar|ash|el)-(?=[^\W\d_])")
_NAME_WORD = r"(?:[A-Z]|(?:a[dlnr]|ash?|el)-[A-Z])[\w'-]*"  # one branch per first letter
_NAME_RUN = re.compile(
    rf"\b{_NAME_WORD}(?:\s+(?:(?:of|and|the|for|de|al)\s+)*{_NAME_WORD})+"
)
_POSSESSIVE = re.compile(r"['’]s?$")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
MIN_NAME_MENTIONS = 3  # single words
MIN_RUN_MENTIONS = 2  # multi-word names
_DERIVED = ("i", "is", "n", "ns", "an", "ans", "ian", "ians", "ese", "ish")


def names_org(name: str) -> bool:
    return any(word.strip(",.") in ORG_NOUNS for word in name.split())


def _heading_like(text: str, words: Sequence[str]) -> bool:
    """A title-cased line with no closing punctuation (a heading left in the text), where
    capitals say nothing."""
    if text.rstrip().endswith((".", "?", "!", ";", ":", ",")):
        return False
    content = [w for w in words if w.lower() not in STOP_WORDS]
    return len(content) >= 2 and sum(w[0].isupper() for w in content) >= 0.8 * len(content)


@dataclass
class NameScan:
    """What the texts say about capitalised words and runs, gathered in one pass."""

    runs: Counter = field(default_factory=Counter)
    runs_inside: Counter = field(default_factory=Counter)
    heads: dict = field(default_factory=lambda: defaultdict(set))  # head word -> full runs
    words: Counter = field(default_factory=Counter)
    words_inside: Counter = field(default_factory=Counter)
    words_alone: Counter = field(default_factory=Counter)
    lower: set = field(default_factory=set)
    capitalised: set = field(default_factory=set)
    before_disease: set = field(default_factory=set)
    in_places: Counter = field(default_factory=Counter)  # words inside "Strait of X" runs
    # pieces of runs that name a document, programme or event ("AIDS Relief" of "Emergency
    # Plan for AIDS Relief"): a piece seen only there is no actor
    in_non_actors: Counter = field(default_factory=Counter)
    with_article: Counter = field(default_factory=Counter)  # runs after "the" ("the World Bank")


def scan(docs: Iterable[Document]) -> NameScan:
    result = NameScan()
    diseases = disease_nouns()
    seen: set[str] = set()
    body: list[Sequence[str]] = []  # the words of each sentence that is not a heading
    for doc in docs:
        for sentence in iter_sentences(doc):
            text = fold_apostrophes(sentence.text)  # "al-Qa’ida" is "al-Qa'ida"
            words = raw_tokens(text)
            if not words:
                continue
            seen.update(words)
            if not _heading_like(text, words):
                body.append(words)
                _scan_runs(result, text)
    # Case is a property of the distinct words; only name-like ones need their contexts.
    result.lower = {word.lower() for word in seen if not capitalised(word)}
    result.capitalised = {word for word in seen if capitalised(word)}
    names = {word for word in result.capitalised if _name_like(word)}
    for words in body:
        _scan_words(result, words, names, diseases)
    return result


def _scan_words(result: NameScan, words: Sequence[str], names: set[str], diseases) -> None:
    for index in [i for i, word in enumerate(words) if word in names]:
        word = words[index]
        result.words[word] += 1
        result.words_inside[word] += index > 0
        neighbours = [*words[max(index - 1, 0) : index], *words[index + 1 : index + 2]]
        result.words_alone[word] += not any(
            name_body(n)[0].isupper() and n.lower() not in STOP_WORDS for n in neighbours
        )
        if index + 1 < len(words) and words[index + 1] in diseases:
            result.before_disease.add(word)


def clean_run(text: str) -> str:
    """'The Halvani Federation's' -> 'Halvani Federation' (leading function words, possessive
    and trailing connectors off)."""
    words = re.sub(r"\s+", " ", text).strip("'’-").split(" ")
    while words and words[0].lower() in STOP_WORDS:
        words = words[1:]
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    while words and words[-1].lower() in _CONNECTORS:
        words = words[:-1]
    return " ".join(words)


def _chunks(name: str) -> list[str]:
    """Connector-free pieces of a run of two or more words ("Meridian Alliance" from
    "Heads of State and Government of the Meridian Alliance")."""
    pieces, current = [], []
    for word in name.split(" ") + ["of"]:
        if word in _CONNECTORS:
            if len(current) >= 2:
                pieces.append(" ".join(current))
            current = []
        else:
            current.append(word)
    return pieces


def _scan_runs(result: NameScan, text: str) -> None:
    for match in _NAME_RUN.finditer(text):
        raw = match.group(0)
        name = clean_run(raw)
        if len(name.split(" ")) < 2:
            continue
        inside = match.start() > 0 or raw != name and raw.startswith("The ")
        words = name.split(" ")
        result.heads[words[-1]].add(name)
        if _head(words) in NON_ACTOR_HEADS or words[0] in NON_ACTOR_HEADS:
            result.in_places.update(w for w in words if w not in _CONNECTORS)
        non_actor = any(w in NON_ACTOR_HEADS for w in words)
        result.with_article[name] += raw.startswith("The ") or bool(
            _THE_BEFORE.search(text, 0, match.start()))
        for candidate in sorted({name, *_chunks(name)}):
            result.runs[candidate] += 1
            result.runs_inside[candidate] += inside
            result.in_non_actors[candidate] += non_actor and candidate != name


# --- multi-word names ----------------------------------------------------------------------


def _head(words: list[str]) -> str:
    """The head noun: the first word of "Union of ...", else the last."""
    if len(words) > 2 and words[1] in _CONNECTORS:
        return words[0]
    return words[-1]


def _keep_run(name: str, count: int, inside: int, info: NameScan, taken: set[str]) -> bool:
    words = name.split(" ")
    head = _head(words)
    if count < MIN_RUN_MENTIONS or not inside or name.isupper():
        return False
    if words[0] in _TITLES and words[0] not in STATE_FORMS or words[0] in _CALENDAR:
        return False
    if any(w in NON_ACTOR_HEADS for w in words) or head.endswith("ing"):  # "Capacity Building"
        return False
    if info.in_non_actors[name] >= count:
        return False
    if _joins_names(words, taken):  # "World Bank and the International Monetary Fund"
        return False
    if head in ORG_NOUNS:
        # An organisation named by common words takes "the" ("the Intelligence Community");
        # without it such a name is a law or a power ("passing Trade Promotion Authority").
        return info.with_article[name] > 0 or any(
            w.lower() not in info.lower and w not in _CONNECTORS for w in words)
    if any(w in taken for w in (*words, *_chunks(name))):  # "Iraq and Afghanistan", "Eastern Europe"
        return False
    return any(
        w.lower() not in info.lower and w not in _CONNECTORS and w not in _TITLES
        and lemma(w) not in ROLE_LEMMAS
        for w in words
    )


def _joins_names(words: list[str], taken: set[str]) -> bool:
    """A run "X and Y" where X or Y is already a name is two actors, not one."""
    sides = " ".join(words).split(" and ")
    return len(sides) > 1 and any(clean_run(side) in taken for side in sides)


def name_actors(info: NameScan, taken: set[str]) -> list[Actor]:
    """Recurring multi-word names (see the module notes); a name found only inside one
    longer name, as often as it ("Port Aldren" in "Treaty of Port Aldren"), gives way to it."""
    kept = {
        name
        for name, count in info.runs.items()
        if name not in taken and _keep_run(name, count, info.runs_inside[name], info, taken)
    }
    subsumed = {
        name
        for name in kept
        for longer in info.runs
        if longer != name and f" {name} " in f" {longer} " and info.runs[longer] == info.runs[name]
    }
    return [Actor(name=name, kind="name", aliases={name}) for name in sorted(kept - subsumed)]


# --- single words --------------------------------------------------------------------------


def name_body(word: str) -> str:
    """The word without a lower-case article before a capitalised name ("al-Qa'ida" ->
    "Qa'ida"); any other word as it is."""
    article = _ARTICLE.match(word)
    return word[article.end() :] if article and word[article.end()].isupper() else word


def capitalised(word: str) -> bool:
    return not name_body(word)[0].islower()


@lru_cache(maxsize=1 << 15)
def _name_like(word: str) -> bool:
    body = name_body(word)
    # After an article, inner apostrophes are part of the name ("Qa'ida"); a possessive is not.
    letters = body.replace("'", "") if body is not word and not _POSSESSIVE.search(body) else body
    return (
        body[0].isupper()
        and len(letters) > 1  # "G" of "G-8" is no name
        and letters.isalpha()
        and sum(c.isupper() for c in letters) == 1
        and word.lower() not in STOP_WORDS
        and word not in _CALENDAR
        and word not in _TITLES
        and word not in ORG_NOUNS
        and lemma(word) not in ROLE_LEMMAS
    )


def proper_name_actors(info: NameScan, taken: set[str]) -> list[Actor]:
    """Single capitalised words used as names ("Valdoria", "Taliban"), not places named by a
    geographic run ("Strait of Kessel").

    Kept when the word is never written in lower case, occurs at least MIN_NAME_MENTIONS
    times, mostly inside sentences (a capitalised sentence opener is not a name; headings are
    not counted), mostly on its own (not part of "Barack Obama"), is not the adjective of
    another name in the texts (Asia → Asian), no religious or ethnic adjective and no disease.
    """
    excluded = not_actors()
    actors = []
    for word, count in sorted(info.words.items()):
        if (
            count >= MIN_NAME_MENTIONS
            and 2 * info.words_inside[word] >= count
            and 2 * info.words_alone[word] >= count
            and word.lower() not in info.lower
            and word not in taken
            and word not in excluded
            and word not in info.before_disease
            and 2 * info.in_places[word] < count
            and not _adjective_of(word, info.words)
        ):
            actors.append(Actor(name=word, kind="name", aliases={word, *derived_forms(word, info)}))
    return actors


def _adjective_of(word: str, names: Counter) -> bool:
    """"Asian" of "Asia", "European" of "Europe", "Varkeshi" of "Varkesh"."""
    for suffix in ("i", "n", "an", "ian", "ic", "ese", "ern", "ish"):
        if word.endswith(suffix) and (word[: -len(suffix)] in names):
            return True
    return word.endswith("n") and word[:-1] + "a" in names


def derived_forms(name: str, info: NameScan) -> set[str]:
    """Demonym-like forms of a name that the texts use, capitalised ("Varkeshi", "Ostravian")."""
    stems = {name} | ({name[:-1]} if name[-1] in "aeiouy" else set())
    forms = {stem + suffix for stem in stems for suffix in _DERIVED}
    return {form for form in forms if form in info.capitalised and form != name}


# --- joining names -------------------------------------------------------------------------


def merge_state_forms(actors: list[Actor]) -> list[Actor]:
    """'Republic of Varkesh' joins 'Varkesh': a name that is one other actor's alias wrapped in
    state-form words."""
    owners = {alias: actor for actor in actors for alias in actor.aliases if " " not in alias}
    kept = []
    for actor in actors:
        words = actor.name.split(" ")
        core = [w for w in words if w not in _CONNECTORS and w not in STATE_FORMS]
        owner = owners.get(core[0]) if actor.kind == "name" and len(core) == 1 else None
        if len(words) > 1 and owner is not None and owner is not actor:
            owner.aliases |= actor.aliases
            continue
        kept.append(actor)
    return kept


def merge_spellings(actors: list[Actor]) -> list[Actor]:
    """Names that differ only by apostrophes ("al-Qa'ida", "al-Qaida") are one actor, named
    by the most apostrophised spelling (ties: a-z)."""
    groups: dict[str, list[Actor]] = defaultdict(list)
    for actor in actors:
        if actor.kind == "name":
            groups[actor.name.replace("'", "")].append(actor)
    kept = []
    for actor in actors:
        group = groups.get(actor.name.replace("'", ""), [actor]) if actor.kind == "name" else [actor]
        first = min(group, key=lambda a: (-a.name.count("'"), a.name))
        if actor is first:
            for other in group:
                first.aliases |= other.aliases
            kept.append(actor)
    return kept


def merge_first_names(actors: list[Actor]) -> list[Actor]:
    """A one-word name that opens exactly one two- or three-word personal name ("Saddam",
    "Saddam Hussein") is that person: one actor, named by the full name. Only the first word:
    a last word is as often a group's name ("Taliban" of "Pakistani Taliban")."""
    longer: dict[str, list[Actor]] = defaultdict(list)
    for actor in actors:
        words = actor.name.split()
        if (actor.kind == "name" and 2 <= len(words) <= 3 and not names_org(actor.name)
                and all(capitalised(w) for w in words)):
            longer[words[0]].append(actor)
    kept = []
    for actor in actors:
        owners = longer.get(actor.name, []) if actor.kind == "name" else []
        if " " not in actor.name and len(owners) == 1:
            owners[0].aliases |= actor.aliases
            continue
        kept.append(actor)
    return kept


def add_bare_heads(actors: list[Actor], info: NameScan) -> None:
    """'the Alliance' names 'the Meridian Alliance' when no other name ends in 'Alliance'."""
    owner_of = {alias: actor for actor in actors for alias in actor.all_aliases()}
    for head, runs in sorted(info.heads.items()):
        if head not in ORG_NOUNS or head in owner_of:
            continue
        owners = set()
        for run in runs:
            owner = owner_of.get(run) or owner_of.get(_chunks(run)[-1] if _chunks(run) else run)
            owners.add(owner.name if owner else None)
        if len(owners) == 1 and None not in owners:
            owner = next(a for a in actors if a.name == next(iter(owners)))
            if owner.kind in ("name", "acronym"):
                owner.aliases.add(head)
