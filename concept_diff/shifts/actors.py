"""Actors and the sentences that name them.

Three sources, none tied to a corpus:
1. the gazetteer (countries with formal names, demonyms and capitals; major international
   organisations);
2. acronym definitions found in the texts, "Islamic State of Iraq and the Levant (ISIL)",
   whose long form names an organisation (its words include an organisation noun);
3. recurring capitalised names, multi-word ("Halvani Federation") and single words never
   written in lower case ("Valdoria", "Taliban"); see names.py.
Acronyms whose long forms share a long prefix (ISIL/ISIS) are merged. User specs
("Name=alias|alias" or a TOML file with an [actors] table) add actors or merge existing ones.

Matching is case-sensitive (so "turkey" and "chad" never count), longest alias first (so
"Islamic State of Iraq and the Levant" is not a mention of Iraq), and generic blockers stop
"Latin American" from counting as "American". An ambiguous alias ("Georgia", "Washington")
counts in a passage that also names the actor unambiguously, or where ambiguous.py settles it
(in a list of countries; read as a place by the parser). Acronyms of a country's names
("DPRK") are derived (gazetteer.with_acronyms) and settled by the texts: undefined, they
are ambiguous aliases.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Document
from .ambiguous import settled
from .gazetteer import Actor, blockers, known_actors, settle_acronyms
from .names import (
    add_bare_heads,
    merge_first_names,
    merge_spellings,
    merge_state_forms,
    name_actors,
    names_org,
    proper_name_actors,
    scan,
)
from .text import fold_apostrophes, iter_sentences
from .variants import acronym_definitions, repair_pipes

# After a capital: a capitalised word, or a noun for an agreement or a meeting (a few small
# words may come between: "Doha multilateral trade agreement"), names an event or a treaty
# ("Doha Round", "Kyoto Protocol", "Monterrey Consensus"), not the government.
_NAME_AFTER = re.compile(
    r"[ \t]+(?:[A-Z][a-z]|(?:[a-z-]+[ \t]+){0,3}(?:round|agenda|protocol|accords?|consensus"
    r"|declaration|process|summit|conference|agreement|talks|negotiations|treaty|convention"
    r"|framework)\b)"
)
# Any dash inside a name is a hyphen ("al—Qaida", an OCR em dash, is "al-Qaida").
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_CONNECTORS = frozenset({"of", "and", "the", "for", "in", "on", "de", "al"})


@dataclass(frozen=True)
class Mention:
    actor: str
    version: str  # "old" or "new"
    passage: str
    sentence: int  # index of the sentence inside its passage
    text: str  # the sentence, exactly as in the passage
    spans: tuple[tuple[int, int], ...]  # where the actor is named, offsets inside ``text``
    aliases: tuple[str, ...]


# --- detection -------------------------------------------------------------------------


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _CONNECTORS or w[0].isupper())


def _expansion(before: str, acronym: str) -> str | None:
    """The capitalised words just before "(ACR)" whose initials spell the acronym."""
    letters = acronym.rstrip("s").replace("-", "").upper()
    words = before.split()
    for size in range(1, min(len(words), 2 * len(letters) + 2) + 1):
        candidate = words[-size:]
        if not candidate[0][:1].isupper():
            continue
        if any(w.lower() not in _CONNECTORS and not w[:1].isupper() for w in candidate):
            break
        if _initials(candidate).upper() == letters:
            return " ".join(candidate).strip(",;:")
    return None


def acronym_actors(docs: Iterable[Document]) -> list[Actor]:
    """Organisations defined in the text as "Long Form (ACRONYM)"."""
    found = acronym_definitions(docs, expand=_expansion, keep=names_org)
    actors = [
        Actor(name=acr, kind="acronym", aliases={acr, exp}, expansion=exp)
        for acr, exp in sorted(found.items())
    ]
    return _merge_shared_prefix(actors)


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split(), b.split()):
        if x != y:
            break
        count += 1
    return count


def _merge_shared_prefix(actors: list[Actor]) -> list[Actor]:
    """ISIL and ISIS are one actor when the text spells both out with the same long prefix."""
    merged: list[Actor] = []
    for actor in actors:
        for other in merged:
            prefix = _shared_prefix(actor.expansion or "", other.expansion or "")
            shorter = min(len((actor.expansion or "").split()), len((other.expansion or "").split()))
            if prefix >= 3 and prefix * 2 >= shorter:
                other.aliases |= actor.aliases
                break
        else:
            merged.append(actor)
    return merged


def _absorb_prefix_names(actors: list[Actor]) -> list[Actor]:
    """A name that starts or ends exactly one acronym's long form joins that acronym
    ("Security Council" of "United Nations Security Council (UNSC)")."""
    acronyms = [a for a in actors if a.kind == "acronym" and a.expansion]
    kept = []
    for actor in actors:
        if actor.kind == "name" and " " in actor.name:
            owners = [a for a in acronyms if a.expansion.startswith(actor.name + " ")
                      or a.expansion.endswith(" " + actor.name)]
            if len(owners) == 1:
                owners[0].aliases |= actor.aliases
                continue
        kept.append(actor)
    return kept


def detect_actors(docs: list[Document], user: list[Actor] | None = None) -> list[Actor]:
    """Gazetteer + acronyms + recurring names, with user specs merged in last."""
    actors = known_actors()
    settle_acronyms(actors, docs)  # "KSA" is Saudi Arabia where the texts name it otherwise
    taken = {alias for actor in actors for alias in actor.all_aliases()}
    for actor in acronym_actors(docs):
        clash = [a for a in actors if a.all_aliases() & actor.aliases]
        if clash:  # a known organisation defined in the text: keep one actor
            clash[0].aliases |= actor.aliases
        else:
            actors.append(actor)
    taken = {alias for actor in actors for alias in actor.all_aliases()} | set(blockers())
    info = scan(docs)
    names = name_actors(info, taken)
    taken |= {alias for actor in names for alias in actor.aliases}
    singles = proper_name_actors(info, taken)
    actors = _absorb_prefix_names(
        merge_first_names(merge_spellings(merge_state_forms(actors + singles + names))))
    add_bare_heads(actors, info)
    for spec in user or []:
        actors = merge_user_actor(actors, spec)
    return actors


# --- user specs --------------------------------------------------------------------------


def parse_actor_specs(specs: list[str] | str | Path | None) -> list[Actor]:
    """"Name=alias|alias" strings, or a TOML file whose [actors] table maps name -> aliases."""
    if specs is None:
        return []
    if isinstance(specs, Path) or (isinstance(specs, str) and specs.endswith(".toml")):
        return _actors_from_toml(Path(specs))
    items = [specs] if isinstance(specs, str) else list(specs)
    actors = []
    for item in items:
        if isinstance(item, Path) or str(item).endswith(".toml"):
            actors.extend(_actors_from_toml(Path(item)))
            continue
        name, _, aliases = str(item).partition("=")
        names = [a.strip() for a in aliases.split("|") if a.strip()] if aliases else []
        if not name.strip():
            raise InputError(f"actor spec {item!r} has no name (expected Name=alias|alias)")
        actors.append(Actor(name=name.strip(), kind="user", aliases={name.strip(), *names}))
    return actors


def _actors_from_toml(path: Path) -> list[Actor]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError("actor file not found", path) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"actor file is not valid TOML: {error}", path) from error
    table = data.get("actors", data)
    if not isinstance(table, dict):
        raise InputError("expected an [actors] table mapping names to alias lists", path)
    actors = []
    for name, aliases in sorted(table.items()):
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InputError(f"actor {name!r}: aliases must be a list of strings", path)
        actors.append(Actor(name=name, kind="user", aliases={name, *aliases}))
    return actors


def merge_user_actor(actors: list[Actor], spec: Actor) -> list[Actor]:
    """The user's actor absorbs every actor that shares an alias with it."""
    merged = Actor(name=spec.name, kind="user", aliases=set(spec.aliases))
    rest = []
    for actor in actors:
        if actor.all_aliases() & spec.aliases or actor.name == spec.name:
            merged.aliases |= actor.aliases
            merged.ambiguous |= actor.ambiguous - spec.aliases
            if merged.kind == "user" and actor.kind != "user":
                merged.kind = actor.kind
        else:
            rest.append(actor)
    return rest + [merged]


# --- mentions ----------------------------------------------------------------------------


class Matcher:
    """Aliases grouped by their first word, tried longest first at each word start.

    (One regex alternation over ~1,500 aliases is far slower on long documents.) An alias
    can only match where the text's word (its run of letters and digits) is the alias's first
    word, so each word start looks up one short list.
    """

    _WORD_START = re.compile(r"(?<![\w.'’-])[^\W\d_]")
    _RUN = re.compile(r"[^\W_]+")

    def __init__(self, actors: list[Actor]):
        # Aliases and texts are matched with curly apostrophes folded to straight ones.
        self.owner: dict[str, tuple[str, bool]] = {}
        # A capital followed by a capitalised word names an event or a treaty ("Doha
        # Round", "Kyoto Protocol"), not the government.
        self.capitals = {fold_apostrophes(c) for a in actors for c in a.capitals}
        for actor in sorted(actors, key=lambda a: a.name):
            for alias in sorted(actor.aliases):
                self.owner.setdefault(fold_apostrophes(alias), (actor.name, False))
            for alias in sorted(actor.ambiguous):
                self.owner.setdefault(fold_apostrophes(alias), (actor.name, True))
        for alias, owner in sorted(self.owner.items()):
            for variant in _variants(alias):  # "al-Qaida": "Al-Qaida", "al Qaida", "Al Qaida"
                self.owner.setdefault(variant, owner)
        for blocker in blockers():  # a region named like a blocker keeps its own alias
            self.owner.setdefault(fold_apostrophes(blocker), ("", False))
        self.groups: dict[str, list[str]] = defaultdict(list)
        for alias in sorted(self.owner, key=lambda a: (-len(a), a)):
            run = self._RUN.match(alias)
            if run:
                self.groups[run.group()].append(alias)
        # Only word starts whose first letter begins some alias are tried at all; the match
        # runs on to the end of the word.
        firsts = "".join(re.escape(c) for c in sorted({a[0] for a in self.owner if a}))
        start = self._WORD_START.pattern
        self._starts = re.compile(f"(?=[{firsts}]){start}[^\\W_]*" if firsts else r"(?!)")

    def find(self, text: str, blocked: bool = False) -> list[tuple[str, bool, int, int, str]]:
        """(actor, ambiguous?, start, end, alias) for every alias occurrence in ``text``;
        ``blocked``: each place-name blocker too, its actor "" ("South China Sea")."""
        # Same length: offsets hold in the original. "|raq" (OCR) is Iraq.
        text = repair_pipes(fold_apostrophes(text))
        # Word starts are read before dashes become hyphens ("States—Russia" names Russia).
        starts = list(self._starts.finditer(text))
        text = text.translate(_DASHES)
        hits = []
        position = 0
        for match in starts:
            start = match.start()
            if start < position:
                continue
            alias = self._longest_at(text, start, match.group())
            if alias is None:
                continue
            position = start + len(alias)
            actor, ambiguous = self.owner[alias]
            if alias in self.capitals and _NAME_AFTER.match(text, position):
                continue
            if actor or blocked:
                hits.append((actor, ambiguous, start, position, alias))
        return hits

    def _longest_at(self, text: str, start: int, word: str) -> str | None:
        for alias in self.groups.get(word, ()):
            end = start + len(alias)
            if text.startswith(alias, start) and (end == len(text) or not text[end].isalnum()):
                if end < len(text) and text[end] == "_":
                    continue
                return alias
        return None


# An apostrophe inside a word of a name is a transliteration mark ("al-Qa'ida", "Shi'a"):
# the name is also written without it. Not a possessive ("People's": one letter follows).
_MARK = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_]{2})")


def _variants(alias: str) -> set[str]:
    """Other spellings of a name: a hyphenated name that begins in small letters also in its
    capitalised form (a sentence or title opens with "Al-Qaida") and with the hyphen as a
    space; a name with a transliteration apostrophe also without it ("al-Qaida")."""
    out: set[str] = set()
    if alias[:1].islower() and "-" in alias:
        capital = alias[0].upper() + alias[1:]
        out = {capital, alias.replace("-", " "), capital.replace("-", " ")}
    return (out | {_MARK.sub("", v) for v in out | {alias}}) - {alias}


def find_mentions(doc: Document, version: str, matcher: Matcher, parse_cache=None
                  ) -> list[Mention]:
    """Every sentence naming each actor; ambiguous aliases need an unambiguous one nearby.
    A quotation's attribution ("President Bush Berlin, Germany May 23, 2002") names none: the
    loader marks it and ``iter_sentences`` leaves it out."""
    per_passage: dict[str, list] = defaultdict(list)
    for sentence in iter_sentences(doc):
        for hit in matcher.find(sentence.text):
            per_passage[sentence.passage].append((sentence, hit))
    mentions: list[Mention] = []
    alone = settled([h for hits in per_passage.values() for h in hits], matcher.capitals,
                    parse_cache)  # parses cached there (parse.py), as framing's
    for passage_id in (p.id for p in doc.passages):
        hits = per_passage.get(passage_id, [])
        confirmed = {hit[0] for _, hit in hits if not hit[1]}
        grouped: dict[tuple[str, int], list] = defaultdict(list)
        sentences = {}
        for sentence, hit in hits:
            if hit[1] and hit[0] not in confirmed and (
                    passage_id, sentence.index, hit[2]) not in alone:  # ambiguous.py
                continue
            grouped[(hit[0], sentence.index)].append(hit)
            sentences[sentence.index] = sentence
        for (actor, index), group in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            sentence = sentences[index]
            mentions.append(
                Mention(
                    actor=actor,
                    version=version,
                    passage=passage_id,
                    sentence=index,
                    text=sentence.text,
                    spans=tuple((h[2], h[3]) for h in group),
                    aliases=tuple(sorted({h[4] for h in group})),
                )
            )
    return mentions
