"""Text fingerprints that survive clean-up changes: labelled sets point into corpus texts by them.

The labelled sets in tests/data hold no corpus text (the corpus is read from
$CONCEPT_DIFF_CORPORA); each item names its document and the fingerprint of its sentence or
passage. The fingerprint keeps only letters and digits, lower-cased, so whitespace, line
breaks, hyphenation and a word joined or split by a loader repair do not change it.
"""

from __future__ import annotations

import hashlib
import re

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalised(text: str) -> str:
    """Letters and digits only, lower-cased ('A broad coalition.' -> 'abroadcoalition')."""
    return _NOT_ALNUM.sub("", text.casefold())


def fingerprint(text: str) -> str:
    """12 hex digits of the SHA-1 of the normalised text."""
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()[:12]


def hint(text: str, words: int = 6) -> str:
    """The first few words, so a person can find the item by eye."""
    return " ".join(text.split()[:words])
