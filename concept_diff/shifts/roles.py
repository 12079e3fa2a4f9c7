"""Who the actor is in the clause that governs its mention, from the dependency parse.

"We will work with our allies to deter [North Korea]": North Korea is the object of "deter",
so it is the target (role ``against``) whatever else the sentence says; "our allies" is the
object of "with" (role ``with``). Roles:

- ``with``: the one the author works with, supports, defends (object of "with", of "support"...);
- ``against``: the target of deterrence, containment, sanctions (object of "deter", "against"...);
- ``agent``: the one that threatens or attacks (subject of "threaten", owner of "aggression");
- ``victim``: the one threatened or attacked (object of "threaten", "aggression against");
- ``place``: where something happens (object of "in", "across", "from"...);
- ``other``: none of these.

A mention inside a list or an apposition takes the role of the list's head; a possessor or a
modifier ("[Iran]'s programme", "the [Iranian] regime") takes the role of the noun it
qualifies, which is also kept (``noun``) because the noun itself often says it ("aggression").
The word classes are plain English (data/framing_roles.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .parse import Parse

ROLES = ("with", "against", "agent", "victim", "place", "other")
_LIST = {"conj", "appos"}
_QUALIFY = {"compound", "amod", "nmod", "poss", "npadvmod"}
_SUBJECT = {"nsubj", "csubj", "expl"}
_OBJECT = {"dobj", "dative", "oprd"}


@dataclass(frozen=True)
class Role:
    role: str  # one of ROLES
    function: str  # subject, passive, object, attribute, prep, possessor, other
    head_function: str  # for a possessor or modifier: the function of the noun it qualifies
    predicate: str  # lemma of the governing verb ("" if none)
    noun: str  # lemma of the noun the actor qualifies or the preposition hangs on ("" if none)
    prep: str  # the preposition introducing the actor ("" if none)
    author_acts: bool  # the governing clause's subject is "we"
    negated: bool
    entity: str  # spaCy entity type of the mention ("" if none)
    clause: tuple[int, int]  # character span of the governing clause in the sentence


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    text = resources.files("concept_diff").joinpath("data", "framing_roles.toml").read_text(
        encoding="utf-8"
    )
    return {k: frozenset(v) for k, v in tomllib.loads(text).items()}


def actor_role(parse: Parse, spans: tuple[tuple[int, int], ...]) -> Role:
    """The role of the actor named at the first of ``spans``."""
    lex = lexicon()
    tokens = parse.tokens
    inside = parse.covering(*spans[0]) if spans else []
    if not inside:
        return Role("other", "other", "other", "", "", "", False, False, "", (0, len(parse.text)))
    head = next((i for i in inside if tokens[i].head not in inside), inside[0])
    entity = next((tokens[i].ent for i in inside if tokens[i].ent), "")
    node, noun, function, prep, governor = head, "", "other", "", head
    head_function = "other"
    for _ in range(len(tokens)):
        token = tokens[node]
        up = tokens[token.head]
        if token.dep in _LIST and token.head != node:
            node = token.head
            continue
        if token.dep in _QUALIFY and token.head != node and up.pos in ("NOUN", "PROPN"):
            noun = noun or up.lemma.lower()
            function = "possessor"
            node = token.head
            continue
        if token.dep == "pobj" and token.head != node:
            word = up.lemma.lower()
            attach = up.head
            if word == "of" and tokens[attach].pos in ("NOUN", "PROPN") and attach != token.head:
                noun = noun or tokens[attach].lemma.lower()
                function = "possessor"
                node = attach
                continue
            if up.dep == "agent":  # "attacked by [X]": the logical subject
                function = "subject" if function == "other" else function
                head_function, governor = "subject", attach
                break
            prep, governor = word, attach
            head_function = "prep"
            function = "prep" if function == "other" else function
            if tokens[attach].pos in ("NOUN", "PROPN") and not noun:
                noun = tokens[attach].lemma.lower()
            break
        if token.dep in _SUBJECT:
            head_function = "subject"
        elif token.dep == "nsubjpass":
            head_function = "passive"
        elif token.dep in _OBJECT:
            head_function = "object"
        elif token.dep in ("attr", "acomp"):
            head_function = "attribute"
        function = head_function if function == "other" else function
        governor = token.head
        break
    verb = _verb_above(parse, governor)
    predicate = tokens[verb].lemma.lower() if verb is not None else ""
    role = _role(function, head_function, predicate, noun, prep, parse, verb, lex)
    return Role(
        role=role,
        function=function,
        head_function=head_function,
        predicate=predicate,
        noun=noun,
        prep=prep,
        author_acts=_author_acts(parse, verb, lex),
        negated=verb is not None and any(tokens[c].dep == "neg" for c in parse.children(verb)),
        entity=entity,
        clause=_clause(parse, verb),
    )


def _verb_above(parse: Parse, index: int) -> int | None:
    """The nearest verb at or above ``index``."""
    tokens = parse.tokens
    for _ in range(len(tokens)):
        if tokens[index].pos in ("VERB", "AUX"):
            return index
        if tokens[index].head == index:
            return None
        index = tokens[index].head
    return None


def _role(function: str, head_function: str, predicate: str, noun: str, prep: str,
          parse: Parse, verb, lex) -> str:
    if prep in lex["against_preps"] or prep == "on" and _pressed(parse, verb, noun, lex):
        if noun in lex["threat_nouns"] or predicate in lex["threat_verbs"]:
            return "victim"  # "aggression against [X]"
        return "against"
    if function == "possessor" and noun in lex["threat_nouns"]:
        return "agent"
    if prep in lex["with_preps"]:
        if predicate in lex["against_verbs"] or noun in lex["competitor_nouns"]:
            return "other"  # "war with", "competition with": not a partner
        return "with"
    if head_function in ("object", "passive") and predicate in lex["against_verbs"]:
        return "against"  # "deter [X]", "[X]'s programme must be halted"
    if function == "object" and predicate in lex["threat_verbs"] and not _author_acts(
        parse, verb, lex
    ):
        return "victim"
    if function in ("object", "passive") and predicate in lex["with_verbs"]:
        return "with"
    if function == "subject":
        if predicate in lex["threat_verbs"]:
            return "agent"
        if predicate in lex["with_subject_verbs"]:
            return "with"
        attribute = _attribute(parse, verb)
        if attribute in lex["threat_nouns"]:
            return "agent"
        if attribute in lex["partner_nouns"]:
            return "with"
    if function == "possessor" and noun in lex["partner_nouns"]:
        return "with"
    if prep in ("from", "by") and noun in lex["threat_nouns"]:
        return "agent"  # "the threat from [X]"
    if prep in lex["place_preps"]:
        return "place"
    return "other"


def _pressed(parse: Parse, verb: int | None, noun: str, lex) -> bool:
    """Is pressure applied ("sanctions on [X]", "impose costs on [X]")?"""
    if noun in lex["against_nouns"]:
        return True
    if verb is None:
        return False
    return any(parse.tokens[c].dep == "dobj" and parse.tokens[c].lemma.lower()
               in lex["against_nouns"] for c in parse.children(verb))


def _attribute(parse: Parse, verb: int | None) -> str:
    """The noun after a copula: "[X] is a threat" → "threat"."""
    if verb is None:
        return ""
    return next((parse.tokens[c].lemma.lower() for c in parse.children(verb)
                 if parse.tokens[c].dep == "attr"), "")


def _author_acts(parse: Parse, verb: int | None, lex) -> bool:
    """Is the subject of the clause (or of the clause it completes) first person?"""
    tokens = parse.tokens
    for _ in range(4):
        if verb is None:
            return False
        for child in parse.children(verb):
            if tokens[child].dep in ("nsubj", "nsubjpass"):
                return tokens[child].lemma.lower() in lex["first_person"]
        if tokens[verb].head == verb or tokens[verb].dep not in ("xcomp", "advcl", "conj"):
            return False
        verb = tokens[verb].head
    return False


def _clause(parse: Parse, verb: int | None) -> tuple[int, int]:
    """Characters of the governing clause: the verb's subtree (its parent clause when that
    is under six words)."""
    tokens = parse.tokens
    if verb is None:
        return 0, len(parse.text)
    span = parse.subtree(verb)
    while len(span) < 6 and tokens[verb].head != verb:
        verb = _verb_above(parse, tokens[verb].head)
        if verb is None:
            return 0, len(parse.text)
        span = parse.subtree(verb)
    return tokens[span[0]].start, tokens[span[-1]].end
