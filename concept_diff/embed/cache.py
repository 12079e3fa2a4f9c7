"""An on-disk embedding cache keyed by (embedder identity, sha256 of the text).

Layout: one folder per embedder identity holding shard files, one per batch of new vectors:
``<folder>/<shard>.npz`` with ``hashes`` (n×32 uint8 digests), ``vectors`` (n×dim float32) and
``identity`` (the identity string as bytes). npz is read with ``allow_pickle=False``, so a cache
file can never run code, and zip CRCs catch flipped bytes. A few shards per compare keep a warm
run to a handful of file reads; past ``MAX_SHARDS`` they are merged into one. A shard that fails
any check (truncated, bad zip, wrong shape, other identity, not unit length) is deleted and its
texts are embedded again.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import atomic

MAX_SHARDS = 32
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


class CachedEmbedder:
    """Wraps any Embedder; same protocol; embeds only texts it has never seen."""

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
        self._index: dict[bytes, np.ndarray] | None = None

    def __getattr__(self, attr: str) -> Any:  # e.g. .device, .batch_size of the backend
        if attr == "backend":
            raise AttributeError(attr)
        return getattr(self.backend, attr)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        index = self._load()
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            if key not in index and key not in missing:
                missing[key] = text
        # A text repeated within one call is embedded once and served to its repeats.
        self.stats.hits += len(texts) - len(missing)
        self.stats.misses += len(missing)
        if missing:
            self._add(list(missing), list(missing.values()))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([index[k] for k in keys]).astype(np.float32, copy=False)

    def _add(self, keys: list[bytes], texts: list[str]) -> None:
        vectors = np.asarray(self.backend.encode(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.dim):
            raise ValueError(f"{self.name} returned shape {vectors.shape} for {len(texts)} texts")
        index = self._load()
        for key, row in zip(keys, vectors):
            index[key] = row
        self._write_shard(keys, vectors)

    def _load(self) -> dict[bytes, np.ndarray]:
        if self._index is not None:
            return self._index
        self._index = {}
        shards = sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []
        for path in shards:
            loaded = self._read_shard(path)
            if loaded is not None:
                self._index.update(zip(map(bytes, loaded[0]), loaded[1]))
        if len(shards) > MAX_SHARDS:
            self._compact(shards)
        return self._index

    def _read_shard(self, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files} if set(data.files) == _KEYS else {}
            if arrays and self._valid(arrays):
                return arrays["hashes"], arrays["vectors"]
        except FileNotFoundError:
            return None  # merged away by another process between listing and reading
        except _BAD_FILE:
            pass  # any decoding failure means the same thing: drop the file, embed again
        self.stats.dropped += 1
        try:
            path.unlink()
        except OSError:
            pass
        return None

    def _valid(self, arrays: dict[str, np.ndarray]) -> bool:
        hashes, vectors, identity = arrays["hashes"], arrays["vectors"], arrays["identity"]
        if hashes.dtype != np.uint8 or hashes.ndim != 2 or hashes.shape[1] != 32:
            return False
        if vectors.dtype != np.float32 or vectors.shape != (hashes.shape[0], self.dim):
            return False
        if identity.dtype != np.uint8 or identity.tobytes() != self.identity.encode():
            return False
        norms = np.linalg.norm(vectors, axis=1)
        # Rows are unit length, except all-zero rows (a text with nothing to embed).
        return bool(np.all(np.isfinite(norms) & ((np.abs(norms - 1) < 1e-3) | (norms == 0))))

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

    def _compact(self, shards: list[Path]) -> None:
        index = self._index or {}
        keys = sorted(index)
        if not keys or self._write_shard(keys, np.stack([index[k] for k in keys])) is None:
            return
        merged = hashlib.sha256(b"".join(keys)).hexdigest()[:24] + ".npz"
        for path in shards:
            if path.name != merged:
                try:
                    path.unlink()
                except OSError:
                    pass
