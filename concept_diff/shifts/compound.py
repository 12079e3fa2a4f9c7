"""Names of several words counted as one token, as quanteda's ``tokens_compound`` does.

A word inside a multi-word name is no occurrence of that word: "states" of "United States",
"china" of "South China Sea" count neither as the word nor in an n-gram that cuts the name
("states and"); an n-gram holding the whole name counts ("United States government"). The
names are what the actor matcher reads in each text: an actor's alias ("United States",
"Democratic People's Republic of Korea"), a place-name blocker ("South China Sea") and the
capitalised long form of an acronym the texts define (titled_long_forms: "Central America
Free Trade Agreement").

A term that names an actor in at least half of its occurrences ("North Korea", "DPRK",
"Saddam"; not "community", though "the Community" may name the Intelligence Community) has no
row in the term table: the actors table counts the actor under all its names, so an acronym
is never "gone" while its country is named another way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ..model import Document
from .text import iter_sentences, lemmas, surface_tokens


class Names:
    """Where each text names something, from an actor matcher (actors.Matcher) and, in
    ``titles``, names of things that are no actors: the capitalised long forms of the texts'
    acronyms ("North American Free Trade Agreement (NAFTA)"), so "free trade agreement" is not
    counted inside NAFTA's name."""

    def __init__(self, matcher: Any, titles: Sequence[str] = ()):
        self.matcher = matcher
        self.titles = sorted({t for t in titles if len(surface_tokens(t)) > 1})
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}  # text -> lemma keys of its actor names

    def phrases(self, text: str) -> tuple[str, ...]:
        """The multi-word names in ``text``: the actor matcher's as written there, in reading
        order, then the titles whose words it holds (compound() finds where)."""
        if text not in self._phrases:
            self._read(text)
        return self._phrases[text]

    def named(self, doc: Document) -> Counter:
        """How often each lemma key names an actor in the document's sentences."""
        found: Counter = Counter()
        for sentence in iter_sentences(doc):
            if sentence.text not in self._keys:
                self._read(sentence.text)
            found.update(self._keys[sentence.text])
        return found

    def _read(self, text: str) -> None:
        phrases, keys = [], []
        for actor, _, start, end, _ in self.matcher.find(text, blocked=True):
            written = text[start:end]
            if actor:
                keys.append(" ".join(lemmas(written)))
            if len(surface_tokens(written)) > 1:
                phrases.append(written)
        if self.titles:  # each consumer joins a name's run of words where it occurs
            words = set(surface_tokens(text))
            phrases += [t for t in self.titles if words.issuperset(surface_tokens(t))]
        self._phrases[text] = tuple(phrases)
        self._keys[text] = tuple(keys)


def compound(words: Sequence[str], phrases: Sequence[Sequence[str]],
             join: Callable[[Sequence[str]], str]) -> list[str]:
    """``words`` with each run equal to one of ``phrases`` (each a tuple of words, in the
    text's order) made one word by ``join``; runs are taken longest first at each word."""
    wanted = sorted({tuple(p) for p in phrases if len(p) > 1}, key=len, reverse=True)
    if not wanted:
        return list(words)
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in wanted:
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.append(join(phrase))
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def titled_long_forms(docs: Sequence[Document]) -> list[str]:
    """The long forms of the texts' acronyms that are names: of two words or more, every word
    capitalised but small connecting words ("Middle East Free Trade Area"; not "weapons of
    mass destruction", a term in its own right)."""
    from .text import raw_tokens
    from .variants import CONNECTORS, acronym_definitions

    titled = []
    for long in acronym_definitions(docs).values():
        words = raw_tokens(long)
        if len(words) > 1 and all(w[:1].isupper() or w.lower() in CONNECTORS for w in words):
            titled.append(long)
    return sorted(set(titled))
