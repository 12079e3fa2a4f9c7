"""Text → vectors: the `Embedder` protocol, its two backends and the on-disk cache.

    embedder = get_embedder()            # bundled all-MiniLM-L6-v2, cached on disk
    embedder = get_embedder("lexical")   # hashed TF over word and character n-grams, numpy only
    embedder = get_embedder(backend="torch")   # the bundled model run by sentence-transformers
    embedder = get_embedder("onnx-int8:/path/to/model")   # a model spec: backend:folder
    vectors = embedder.encode(["a passage", "another"])   # float32, L2-normalised rows

Backends of a neural model: `torch` (sentence-transformers), `onnx` (the same graph exported to
ONNX, run by fastembed/onnxruntime without torch) and `onnx-int8` (its weights quantised). On a
CPU the default is DEFAULT_BACKEND; with an explicit GPU device it is torch (fp16). Nothing heavy
is imported here, so `import concept_diff.embed` stays cheap.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import ConceptDiffError
from .cache import CachedEmbedder, CacheStats, default_cache_dir

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "LEXICAL",
    "CacheStats",
    "CachedEmbedder",
    "Embedder",
    "default_cache_dir",
    "get_embedder",
    "model_spec",
    "warm_up_in_background",
]

LEXICAL = "lexical"
BACKENDS = ("torch", "onnx", "onnx-int8")
# The fastest backend within the quality bars (bench/bench_cold.py, bench/bench_embed.py
# --backends): onnx (the fused graph) gives torch's vectors (to ~1e-6) without importing torch
# (-4 s cold, -150 MB), ~1.2x torch's texts/s on 2 cores. onnx-int8 (int8 weights in blocks,
# batch-invariant, mean cosine 0.9998 to torch) is ~1.45x torch, short of the 2x-torch
# bar; onnxruntime's per-tensor dynamic int8 reached ~2.4x but moved vectors far more
# (cosine 0.994) and needed one text a call; the earlier one scored Meridian F1 0.899 vs 0.949.
DEFAULT_BACKEND = "onnx"
ENV_BACKEND = "CONCEPT_DIFF_BACKEND"  # a backend for every run that names none


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
    backend: str | None = None,
    device: str | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> Embedder:
    """The embedder named by ``model``: None/"" bundled model, "lexical", or a model folder.

    ``model`` may carry a backend as a spec: "onnx-int8" (the bundled model) or "onnx:PATH";
    ``backend`` ("torch", "onnx", "onnx-int8") overrides it; with neither, $CONCEPT_DIFF_BACKEND,
    else DEFAULT_BACKEND on a CPU and torch on an explicitly named GPU. ``device`` (neural models only):
    "cpu", "cuda", "cuda:1", "mps"...; ``cache_dir`` overrides $CONCEPT_DIFF_CACHE and the user
    cache folder (it also holds the ONNX exports).
    """
    spec_backend, model = _split_spec(model)
    backend = _check_backend(backend) or spec_backend or _check_backend(os.environ.get(ENV_BACKEND))
    made = _backend(model, backend, device, cache_dir)
    if not use_cache:
        return made
    return CachedEmbedder(made, cache_dir)


def warm_up_in_background(embedder: Any) -> Callable[[], None]:
    """Start loading ``embedder``'s model in a thread; returns the function that waits for it.

    Documents load and segment meanwhile. Only a cache with nothing in it yet (a first run)
    warms up: on a warm run the model is usually never needed. A failure in the thread is left
    for the first encode() to raise again, with its proper message.
    """
    warm_up = getattr(embedder, "warm_up", None)
    if warm_up is None:
        return lambda: None

    def run() -> None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001, S110 - encode() loads again and reports it
            pass

    thread = threading.Thread(target=run, name="concept-diff-model-load", daemon=True)
    thread.start()
    return thread.join


def model_spec(model: str | None, backend: str | None) -> str | None:
    """``model`` with ``backend`` folded in ("onnx:PATH"), for callers that pass one string."""
    backend = _check_backend(backend)
    spec_backend, model = _split_spec(model)
    backend = backend or spec_backend
    if not backend:
        return model
    return f"{backend}:{model}" if model else backend


def _check_backend(backend: str | None) -> str | None:
    if not backend:
        return None
    name = backend.strip().lower()
    if name not in BACKENDS:
        raise ConceptDiffError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    return name


def _split_spec(model: str | None) -> tuple[str | None, str | None]:
    if not model:
        return None, None
    text = model.strip()
    if text.lower() in BACKENDS:
        return text.lower(), None
    head, sep, rest = text.partition(":")
    if sep and head.lower() in BACKENDS:
        return head.lower(), rest or None
    return None, model


def _backend(model: str | None, backend: str | None, device: str | None,
             cache_dir: str | Path | None) -> Embedder:
    if model and model.strip().lower() == LEXICAL:
        from .lexical import LexicalEmbedder

        return LexicalEmbedder()
    from .neural import SentenceTransformerEmbedder, bundled_model_dir

    folder = bundled_model_dir() if not model else Path(os.path.expanduser(model))
    if not folder.is_dir():
        raise ConceptDiffError(
            f"model {model!r} is neither 'lexical' nor a local sentence-transformers model folder"
        )
    if backend is None:
        on_cpu = not device or device == "cpu"
        backend = DEFAULT_BACKEND if on_cpu else "torch"
    if backend == "torch":
        return SentenceTransformerEmbedder(folder, device=device)
    from .onnx_backend import OnnxEmbedder

    return OnnxEmbedder(folder, quantized=backend == "onnx-int8", device=device,
                        cache_dir=cache_dir)
