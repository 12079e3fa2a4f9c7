"""How common a word is in general English (data/english_zipf.txt, derived from wordfreq).

The one general-English word list of the package: the loader's repairs ask whether a piece of
text is a real word (``is_word``: Zipf >= 2.5), the headlines how specific a term is
(``specificity``). tests/data/make_english_zipf.py regenerates the list.

The Zipf value is log10 of a word's occurrences per billion words: "the" 7.7, "security" 5.2,
"aggression" 3.9, "preemption" 2.3; 0 for a word rarer than the list reaches (~2.1) or not
English at all. ``specificity`` turns it into how much a word says on its own.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    text = resources.files("concept_diff").joinpath("data", "english_zipf.txt").read_text("utf-8")
    table: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        value, words = line.split("\t", 1)
        table.update(dict.fromkeys(words.split(), float(value)))
    return table


def zipf(word: str) -> float:
    """General-English Zipf frequency of a lower-case word (0 where unlisted)."""
    return _table().get(word.lower(), 0.0)


def specificity(word: str) -> float:
    """1 for a rare or unlisted word, falling to 0.15 for the most common ones: Zipf 3 or
    less counts as specific, 5.5 and over as generic."""
    value = zipf(word)
    if value <= 0:
        return 1.0
    return max(0.15, min(1.0, (5.7 - value) / 2.7))


WORD_ZIPF = 2.5  # a real English word: about 3 uses per billion words or more
COMMON_ZIPF = 3.0  # an established one: once in a million words or more


def is_word(word: str, least: float = WORD_ZIPF) -> bool:
    """A lower-case alphabetic word of general English at least ``least`` frequent."""
    return word.isalpha() and zipf(word) >= least


@lru_cache(maxsize=2)
def words(least: float = WORD_ZIPF) -> frozenset[str]:
    """Every alphabetic word of the list at least ``least`` frequent, lower case."""
    return frozenset(w for w, value in _table().items() if value >= least and w.isalpha())
