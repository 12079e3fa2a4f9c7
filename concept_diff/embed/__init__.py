"""Text → vectors: the `Embedder` protocol, its two backends and the on-disk cache.

    embedder = get_embedder()            # bundled all-MiniLM-L6-v2, cached on disk
    embedder = get_embedder("lexical")   # hashed TF over word and character n-grams, numpy only
    vectors = embedder.encode(["a passage", "another"])   # float32, L2-normalised rows

Nothing heavy is imported here: sentence-transformers and torch load only when a neural
model is asked for, so `import concept_diff.embed` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import ConceptDiffError
from .cache import CachedEmbedder, CacheStats, default_cache_dir

__all__ = [
    "LEXICAL",
    "CacheStats",
    "CachedEmbedder",
    "Embedder",
    "default_cache_dir",
    "get_embedder",
]

LEXICAL = "lexical"


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into comparable unit vectors."""

    name: str  # e.g. "all-MiniLM-L6-v2" or "lexical"
    source: str  # where it came from: a model folder, or "builtin"
    identity: str  # stable across runs; changes when the model or its settings change
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One float32, L2-normalised row per text, in input order."""
        ...


def get_embedder(
    model: str | None = None,
    *,
    device: str | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> Embedder:
    """The embedder named by ``model``: None/"" bundled model, "lexical", or a model folder.

    ``device`` (neural models only): "cpu", "cuda", "cuda:1", "mps"...; default cuda when
    available. ``cache_dir`` overrides $CONCEPT_DIFF_CACHE and the user cache folder.
    """
    backend = _backend(model, device)
    if not use_cache:
        return backend
    return CachedEmbedder(backend, cache_dir)


def _backend(model: str | None, device: str | None) -> Embedder:
    if model and model.strip().lower() == LEXICAL:
        from .lexical import LexicalEmbedder

        return LexicalEmbedder()
    from .neural import SentenceTransformerEmbedder, bundled_model_dir

    if not model:
        return SentenceTransformerEmbedder(bundled_model_dir(), device=device)
    folder = Path(os.path.expanduser(model))
    if not folder.is_dir():
        raise ConceptDiffError(
            f"model {model!r} is neither 'lexical' nor a local sentence-transformers model folder"
        )
    return SentenceTransformerEmbedder(folder, device=device)
