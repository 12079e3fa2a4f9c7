"""What counts as a word when the loader decides whether a repair may join two pieces of text.

A repair that closes a gap ("NAT IONA L" -> "NATIONAL", "concen-|trations" -> "concentrations",
"hea|th" -> "health") must never turn two real words into one ("a broad" -> "abroad", "of the"
-> "ofthe"), or a quote would misquote the document. So a piece counts as a word when it is a
word of the document itself (seen at least twice, outside line-break hyphenation) or of a
general English word list shipped as data (``concept_diff.english``: Zipf >= 2.5 in
``data/english_zipf.txt``, derived from wordfreq, CC BY-SA 4.0; see its header). Single letters are words only for "a" and "I"; a piece with a
capital after a small letter ("theTa") is two words run together, not a word.

A line-break hyphen is different evidence: "assist-|ing" and "long-|term" both join two pieces
on the list. There the joined form decides (``is_common``): "assisting" is an established
word, "longterm" is not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import english

_RUN_TOGETHER = re.compile(r"[a-z][A-Z]")


def english_words() -> frozenset[str]:
    """General English words (Zipf >= 2.5), lower case, letters only."""
    return english.words()


def is_common(word: str, vocab: Mapping[str, int]) -> bool:
    """An established word: used by the document, or common English (Zipf >= 3.0)."""
    lower = word.lower()
    return lower.isalpha() and (vocab.get(lower, 0) > 0 or english.is_word(lower, english.COMMON_ZIPF))


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
