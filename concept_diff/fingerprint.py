"""Text fingerprints that survive clean-up changes: labelled sets point into corpus texts by them.

The labelled sets in tests/data hold no corpus text (the corpus is read from
$CONCEPT_DIFF_CORPORA); each item names its document and the fingerprint of its sentence or
passage. The fingerprint keeps only letters and digits, lower-cased, so whitespace, line
breaks, hyphenation and a word joined or split by a loader repair do not change it.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

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


def read_tsv(path: str | Path, *, raw_quotes: bool = False) -> list[dict[str, str]]:
    """The rows of a labelled set's TSV file. ``raw_quotes``: a ``"`` is a plain character
    (label files whose free-text notes were typed by hand, not written by the csv module)."""
    quoting = csv.QUOTE_NONE if raw_quotes else csv.QUOTE_MINIMAL
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=quoting))


def write_tsv(path: str | Path, rows: list[dict], fields: list[str]) -> None:
    """``rows`` as a TSV file with these columns (others left out), ``\n`` line ends."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, delimiter="\t", extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
