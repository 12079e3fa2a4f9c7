"""An on-disk embedding cache keyed by (embedder identity, sha256 of the text).

Layout: one folder per embedder identity holding shard files, one per batch of new vectors:
``<folder>/<shard>.npz`` with ``hashes`` (n×32 uint8 digests), ``vectors`` (n×dim float32) and
``identity`` (the identity string as bytes). npz is read with ``allow_pickle=False``, so a cache
file can never run code, and zip CRCs catch flipped bytes. A few shards per compare keep a warm
run to a handful of file reads; past ``MAX_SHARDS`` the smallest are merged (at most
``COMPACT_ROWS`` texts a shard). Only digests are read up front; vectors are read from the shards
that hold them when asked for, so memory does not grow with the cache. A shard that fails any
check (truncated, bad zip, wrong shape, other identity, not unit length) is deleted and its texts
are embedded again.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import atomic

MAX_SHARDS = 32
COMPACT_ROWS = 32_768  # texts per merged shard: merging never holds more in memory
MAX_LOADED_BYTES = 64 << 20  # vectors kept in memory across calls (least recently used go)
ENV_VAR = "CONCEPT_DIFF_CACHE"
_KEYS = {"hashes", "vectors", "identity"}
_BAD_FILE = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


@dataclass
class CacheStats:
    hits: int = 0  # texts served from the cache
    misses: int = 0  # texts the backend had to embed
    dropped: int = 0  # corrupt shard files found and deleted
    write_errors: int = 0  # shards that could not be saved (the run goes on)


def default_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """``cache_dir``, else $CONCEPT_DIFF_CACHE, else the user cache folder / concept-diff."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("concept-diff", appauthor=False))


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class ShardMemory:
    """What a cache of shard files keeps in memory: which shard holds each key, how many rows
    each shard has, and the shards read lately (least recently used first). The parse cache
    (shifts/parse.py) keeps the same."""

    def __init__(self) -> None:
        self._where: dict[Any, Path] | None = None  # key → shard holding it (None: not read)
        self._rows: dict[Path, int] = {}  # shard → number of rows in it
        self._loaded: OrderedDict[Path, Any] = OrderedDict()

    def release(self) -> None:
        """Forget the shards read so far; they are read again when asked for. A series calls
        this between pairs, so what stays in memory is the pair at hand, not a budget's worth
        of every earlier pair's vectors or parses (which grew with the number of versions)."""
        self._loaded.clear()

    def _keep_within(self, newest: Path, budget: int, size: Callable[[Any], int]) -> None:
        """Drop the least recently read shards but ``newest`` until ``budget`` holds them."""
        for other in reversed(list(self._loaded)):
            budget -= size(self._loaded[other])
            if budget < 0 and other != newest:
                del self._loaded[other]

    def _forget(self, path: Path) -> None:
        self._rows.pop(path, None)
        self._loaded.pop(path, None)
        if self._where is not None:
            for key in [k for k, p in self._where.items() if p == path]:
                del self._where[key]


class CachedEmbedder(ShardMemory):
    """Wraps any Embedder; same protocol; embeds only texts it has never seen.

    Memory stays bounded however large the cache grows: on first use only the text digests of
    each shard are read (32 bytes a text); vectors are read shard by shard when asked for, and
    at most ``MAX_LOADED_BYTES`` of them stay in memory (least recently used shards go first).
    """

    def __init__(self, backend: Any, cache_dir: str | Path | None = None):
        self.backend = backend
        self.name: str = backend.name
        self.source: str = backend.source
        self.identity: str = backend.identity
        self.dim: int = backend.dim
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", self.name)[:40] or "model"
        digest = hashlib.sha256(self.identity.encode()).hexdigest()[:16]
        self.folder = default_cache_dir(cache_dir) / "embeddings" / f"{slug}-{digest}"
        self.stats = CacheStats()
        super().__init__()  # _where: text digest → shard; _loaded: (row of digest, vectors)

    def __getattr__(self, attr: str) -> Any:  # e.g. .device, .batch_size of the backend
        if attr == "backend":
            raise AttributeError(attr)
        return getattr(self.backend, attr)

    @property
    def empty(self) -> bool:
        """Nothing is cached for this embedder yet: a first run, which embeds every text."""
        return not (self.folder.is_dir() and any(self.folder.glob("*.npz")))

    def warm_up(self) -> None:
        """Load the backend ahead of need, but only while this cache is empty (a first run)."""
        if not self.empty:
            return
        warm_up = getattr(self.backend, "warm_up", None)
        if warm_up is not None:
            warm_up()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        where = self._index()
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            if key not in where and key not in missing:
                missing[key] = text
        # A text repeated within one call is embedded once and served to its repeats.
        self.stats.hits += len(texts) - len(missing)
        self.stats.misses += len(missing)
        fresh = self._add(list(missing), list(missing.values())) if missing else {}
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._gather(keys, texts, fresh)

    def uncached(self, texts: Iterable[str]) -> list[str]:
        """The texts this cache has no vector for yet, in order, each once."""
        where = self._index()
        return list(dict.fromkeys(t for t in texts if text_key(t) not in where))

    def prefetch(self, texts: Iterable[str], chunk: int = 1024,
                 progress: Callable[[int, int], None] | None = None) -> int:
        """Embed the texts not cached yet, ``chunk`` at a time; returns how many were embedded.

        Each chunk is saved as its own shard before the next starts, so a run killed midway
        keeps what it embedded, and no vector stays in memory: a long series streams through.
        ``progress(done, total)`` is called after each chunk.
        """
        where = self._index()
        pending: dict[bytes, str] = {}
        for text in texts:
            key = text_key(text)
            if key not in where:
                pending.setdefault(key, text)
        keys, todo = list(pending), list(pending.values())
        self.stats.misses += len(todo)
        for start in range(0, len(todo), chunk):
            self._add(keys[start:start + chunk], todo[start:start + chunk])
            self._loaded.clear()  # nothing is kept: pairs read back the shards they need
            if progress is not None:
                progress(min(start + chunk, len(todo)), len(todo))
        return len(todo)

    def _gather(self, keys: list[bytes], texts: list[str],
                fresh: dict[bytes, np.ndarray]) -> np.ndarray:
        out = np.empty((len(keys), self.dim), dtype=np.float32)
        by_shard: dict[Path, list[int]] = {}
        where = self._index()
        for position, key in enumerate(keys):
            if key in fresh:
                out[position] = fresh[key]
            else:
                by_shard.setdefault(where[key], []).append(position)
        for path, positions in by_shard.items():
            shard = self._shard(path)
            if shard is None:  # unreadable after all, or merged away by another process
                again = {keys[i]: texts[i] for i in positions}
                self.stats.hits -= len(positions)
                self.stats.misses += len(again)
                redone = self._add(list(again), list(again.values()))
                out[positions] = np.stack([redone[keys[i]] for i in positions])
                continue
            row_of, vectors = shard
            out[positions] = vectors[[row_of[keys[i]] for i in positions]]
        return out

    def _add(self, keys: list[bytes], texts: list[str]) -> dict[bytes, np.ndarray]:
        vectors = np.asarray(self.backend.encode(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.dim):
            raise ValueError(f"{self.name} returned shape {vectors.shape} for {len(texts)} texts")
        fresh = dict(zip(keys, vectors))
        path = self._write_shard(keys, vectors)
        if path is not None:
            where = self._index()
            for key in keys:
                where[key] = path
            self._rows[path] = len(keys)
        return fresh

    def _index(self) -> dict[bytes, Path]:
        """Digest → shard, from the ``hashes`` of every shard (vectors are read on demand)."""
        if self._where is not None:
            return self._where
        self._where = {}
        shards = sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []
        for path in shards:
            hashes = self._read_hashes(path)
            if hashes is not None:
                self._rows[path] = len(hashes)
                self._where.update(dict.fromkeys(map(bytes, hashes), path))
        if len(self._rows) > MAX_SHARDS:
            self._compact()
        return self._where

    def _read_hashes(self, path: Path) -> np.ndarray | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                if set(data.files) == _KEYS:
                    hashes, identity = data["hashes"], data["identity"]
                    if self._valid_header(hashes, identity):
                        return hashes
        except FileNotFoundError:
            return None  # merged away by another process between listing and reading
        except _BAD_FILE:
            pass  # any decoding failure means the same thing: drop the file, embed again
        self._drop(path)
        return None

    def _shard(self, path: Path) -> tuple[dict[bytes, int], np.ndarray] | None:
        """A shard's rows, from memory or disk; None (and forgotten) if it cannot be read."""
        if path in self._loaded:
            self._loaded.move_to_end(path)
            return self._loaded[path]
        loaded = None
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files} if set(data.files) == _KEYS else {}
            if arrays and self._valid_header(arrays["hashes"], arrays["identity"]) and \
                    self._valid_vectors(arrays["hashes"], arrays["vectors"]):
                loaded = arrays["hashes"], arrays["vectors"]
        except FileNotFoundError:
            self._forget(path)
            return None
        except _BAD_FILE:
            pass
        if loaded is None:
            self._drop(path)
            return None
        hashes, vectors = loaded
        entry = ({bytes(h): row for row, h in enumerate(hashes)}, vectors)
        self._loaded[path] = entry
        self._keep_within(path, MAX_LOADED_BYTES, lambda loaded: loaded[1].nbytes)
        return entry

    def _valid_header(self, hashes: np.ndarray, identity: np.ndarray) -> bool:
        if hashes.dtype != np.uint8 or hashes.ndim != 2 or hashes.shape[1] != 32:
            return False
        return identity.dtype == np.uint8 and identity.tobytes() == self.identity.encode()

    def _valid_vectors(self, hashes: np.ndarray, vectors: np.ndarray) -> bool:
        if vectors.dtype != np.float32 or vectors.shape != (hashes.shape[0], self.dim):
            return False
        norms = np.linalg.norm(vectors, axis=1)
        # Rows are unit length, except all-zero rows (a text with nothing to embed).
        return bool(np.all(np.isfinite(norms) & ((np.abs(norms - 1) < 1e-3) | (norms == 0))))

    def _drop(self, path: Path) -> None:
        self.stats.dropped += 1
        self._forget(path)
        try:
            path.unlink()
        except OSError:
            pass

    def _write_shard(self, keys: list[bytes], vectors: np.ndarray) -> Path | None:
        order = sorted(range(len(keys)), key=keys.__getitem__)
        hashes = np.frombuffer(b"".join(keys[i] for i in order), dtype=np.uint8)
        hashes = hashes.reshape(len(keys), 32)
        name = hashlib.sha256(hashes.tobytes()).hexdigest()[:24] + ".npz"
        buffer = io.BytesIO()
        np.savez(
            buffer,
            hashes=hashes,
            vectors=np.ascontiguousarray(vectors[order], dtype=np.float32),
            identity=np.frombuffer(self.identity.encode(), dtype=np.uint8),
        )
        try:
            return atomic.write_bytes(self.folder / name, buffer.getvalue())
        except OSError:
            # An unwritable cache costs speed, never the run.
            self.stats.write_errors += 1
            return None

    def _compact(self) -> None:
        """Merge the smallest shards into one, at most COMPACT_ROWS texts (bounded memory)."""
        chosen, rows = [], 0
        for path in sorted(self._rows, key=lambda p: (self._rows[p], p.name)):
            if len(chosen) >= 2 and rows + self._rows[path] > COMPACT_ROWS:
                break
            chosen.append(path)
            rows += self._rows[path]
        keys: list[bytes] = []
        parts: list[np.ndarray] = []
        for path in chosen:
            shard = self._shard(path)
            if shard is not None:
                keys += list(shard[0])
                parts.append(shard[1])
        if not keys:
            return
        merged = self._write_shard(keys, np.concatenate(parts))
        if merged is None:
            return
        for path in chosen:
            self._loaded.pop(path, None)
            if path != merged:
                self._rows.pop(path, None)
                try:
                    path.unlink()
                except OSError:
                    pass
        self._rows[merged] = len(keys)
        where = self._index() if self._where is None else self._where
        for key in keys:
            where[key] = merged
