"""What counts as a word when the loader decides whether a repair may join two pieces of text.

A repair that closes a gap ("NAT IONA L" -> "NATIONAL", "concen-|trations" -> "concentrations",
"hea|th" -> "health") must never turn two real words into one ("a broad" -> "abroad", "of the"
-> "ofthe"), or a quote would misquote the document. So a piece counts as a word when it is a
word of the document itself (seen at least twice, outside line-break hyphenation) or of a
general English word list shipped as data (``data/english_words.txt``, generated from wordfreq,
CC BY-SA 4.0; see its header). Single letters are words only for "a" and "I"; a piece with a
capital after a small letter ("theTa") is two words run together, not a word.

A line-break hyphen is different evidence: "assist-|ing" and "long-|term" both join two pieces
on the list. There the joined form decides (``is_common``): "assisting" is an established
word, "longterm" is not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files

WORD_LIST = "english_words.txt"
_RARER = "#rarer"  # the line between the common words (Zipf >= 3.0) and the rarer ones
_RUN_TOGETHER = re.compile(r"[a-z][A-Z]")


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    text = files("concept_diff").joinpath("data", WORD_LIST).read_text(encoding="utf-8")
    lines = text.split("\n")
    split = lines.index(_RARER)
    common = frozenset(w for w in lines[:split] if w and not w.startswith("#"))
    rarer = frozenset(w for w in lines[split + 1 :] if w and not w.startswith("#"))
    return common, common | rarer


def english_words() -> frozenset[str]:
    """The shipped English word list, lower case."""
    return _word_lists()[1]


def is_common(word: str, vocab: Mapping[str, int]) -> bool:
    """An established word: used by the document, or common English (Zipf >= 3.0)."""
    lower = word.lower()
    return lower.isalpha() and (vocab.get(lower, 0) > 0 or lower in _word_lists()[0])


def is_word(piece: str, vocab: Mapping[str, int]) -> bool:
    """Is ``piece`` a word by itself: of the document (``vocab``, 2+ uses) or of English?"""
    lower = piece.lower()
    if not lower.isalpha() or _RUN_TOGETHER.search(piece):
        return False  # digits, letters mixed with digits, "theTa": not a word to protect
    if len(lower) == 1:
        return lower in ("a", "i")
    return vocab.get(lower, 0) >= 2 or lower in english_words()


def is_known(piece: str, vocab: Mapping[str, int]) -> bool:
    """May ``piece`` be the result of a repair: a word, or a word the document uses once?"""
    lower = piece.lower()  # a repair's result may mix case ("ORdER"): only its letters count
    return is_word(lower, vocab) or (len(lower) > 1 and vocab.get(lower, 0) > 0)
