"""The ONNX Runtime backends (`onnx`, `onnx-int8`): the same model, run by fastembed without torch.

fastembed (Qdrant) tokenises with `tokenizers`, runs the graph with onnxruntime and pools; it
loads a model from a local folder (``specific_model_path``) and never touches the hub when
HF_HUB_OFFLINE=1. The graph is exported from the local weights on first use
(onnx_export.py). Importing fastembed + onnxruntime costs ~0.5 s against ~5 s for torch +
sentence-transformers, which is most of what a cold run saves.

Vectors: `onnx` (the fused graph) matches the torch backend to ~1e-6 per coordinate; `onnx-int8`
to a mean cosine of ~0.9995. Both are batch-invariant: a text's vector is the same alone or
batched with any others, so texts run in length-sorted batches. Each backend has its own
identity, so their vectors never share a cache folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConceptDiffError
from .cache import default_cache_dir
from .neural import (
    CPU_BATCH,
    check_folder,
    dim_from_files,
    encode_pooled,
    max_seq_length,
    max_words,
    model_fingerprint,
    model_name,
)
from .onnx_export import EXPORT_VERSION, INT8_VERSION, ensure_export, export_dir

# Texts per onnxruntime call, longest first so each batch pads to texts of near-equal length.
# bench/bench_embed.py on 2 shared CPU cores: 32 and 64 within noise.
ONNX_BATCH = 32


class OnnxEmbedder:
    """A sentence-transformers folder (mean pooling, no Dense layer) run by onnxruntime."""

    def __init__(self, folder: str | Path, *, quantized: bool = False, device: str | None = None,
                 cache_dir: str | Path | None = None, batch_size: int | None = None,
                 threads: int | None = None, graph: str | None = None, spinning: bool = False):
        """``graph``: another ONNX file of the export folder to run, ``spinning``: onnxruntime's
        default busy-waiting threads (benches compare variants)."""
        folder = Path(folder).expanduser().resolve()
        check_folder(folder)
        self.pooling = _pooling(folder)
        self.backend_name = "onnx-int8" if quantized else "onnx"
        self.quantized = quantized
        self.source = str(folder)
        self.name = model_name(folder)
        fingerprint = model_fingerprint(folder)
        self.identity = f"{self.name}:{fingerprint}:{self.backend_name}:{_runtime_tag()}"
        if quantized:
            self.identity += f":{INT8_VERSION}"
        self.graph = graph
        if graph:
            self.identity += f":{graph}"
        dim = dim_from_files(folder)
        if dim is None:
            raise ConceptDiffError(f"{folder}: cannot read the vector size from modules.json; "
                                   "use --backend torch")
        self.dim = dim
        self.seq_length = max_seq_length(folder)
        self.max_words = max_words(self.seq_length)
        self.export_folder = export_dir(default_cache_dir(cache_dir), self.name, fingerprint)
        self._device = device or "cpu"
        self._batch_size = batch_size
        self._threads = threads
        self._spinning = spinning
        self._model: Any = None

    @property
    def device(self) -> str:
        return self._device

    @property
    def batch_size(self) -> int:
        if self._batch_size:
            return self._batch_size
        return CPU_BATCH if self._device.startswith("cuda") else ONNX_BATCH

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = self._load()
        return self._model

    def warm_up(self) -> None:
        """Export if needed and open the session (compare() runs this in a thread)."""
        _ = self.model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_pooled(list(texts), self.dim, lambda: self.max_words, self._encode_chunks)

    def _encode_chunks(self, chunks: list[str]) -> np.ndarray:
        # Longest first, as sentence-transformers does: each batch pads to texts of near-equal
        # length. Character length needs no tokenisation, so every text is tokenised once.
        order = sorted(range(len(chunks)), key=lambda i: -len(chunks[i]))
        out = np.empty((len(chunks), self.dim), dtype=np.float32)
        size = self.batch_size
        for start in range(0, len(order), size):
            rows = order[start:start + size]
            batch = [chunks[i] for i in rows]
            out[rows] = np.asarray(list(self.model.embed(batch, batch_size=size)), np.float32)
        return out

    def _load(self) -> Any:
        os.environ["HF_HUB_OFFLINE"] = "1"
        path = ensure_export(Path(self.source), self.export_folder,
                             max_seq_length=self.seq_length, quantized=self.quantized)
        if self.graph:
            path = path.with_name(self.graph)
        try:
            from fastembed import TextEmbedding
            from fastembed.common.model_description import ModelSource, PoolingType
        except ImportError as exc:
            raise ConceptDiffError(
                "the ONNX backends need fastembed and onnxruntime: pip install "
                "'concept-diff[embed]', or use --backend torch"
            ) from exc
        registered = f"concept-diff/{self.identity}"
        known = {m["model"] for m in TextEmbedding.list_supported_models()}
        if registered not in known:
            TextEmbedding.add_custom_model(
                model=registered, pooling=getattr(PoolingType, self.pooling), normalization=True,
                sources=ModelSource(hf="local/" + self.name), dim=self.dim,  # never fetched
                model_file=path.name,
            )
        cuda = self._device.startswith("cuda")
        try:
            # No CPU memory arena: onnxruntime's arena keeps (and rounds up to a power of two)
            # the activations of the longest batch it has seen, for the rest of the process;
            # without it a batch's memory is freed after it, so a series' peak stays flat.
            # Loaded lazily, so that the session is opened below with our options.
            model = TextEmbedding(registered, specific_model_path=str(path.parent),
                                  local_files_only=True, threads=self._threads, cuda=cuda,
                                  device_ids=_device_ids(self._device) if cuda else None,
                                  enable_cpu_mem_arena=False, lazy_load=True)
            if not cuda and not self._spinning:
                _no_spinning(model.model)
            model.model.load_onnx_model()
            return model
        except Exception as exc:  # onnxruntime raises its own types for a bad graph or provider
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ConceptDiffError(f"cannot start onnxruntime on {path}: {first_line}") from exc


def _no_spinning(inner: Any) -> None:
    """onnxruntime's CPU worker threads spin between ops by default, burning a core that
    tokenisation, pooling or another process could use: on 2 shared cores spinning cost ~15 %
    of the int8 backend's CPU time (bench/bench_embed.py --backends). fastembed exposes only the
    memory-arena option, so the hook of fastembed's that applies it also turns spinning off."""
    apply = inner.add_extra_session_options

    def options(session_options: Any, extra: dict[str, Any]) -> None:
        apply(session_options, extra)
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")

    inner.add_extra_session_options = options


def _pooling(folder: Path) -> str:
    """MEAN or CLS from the folder's modules; anything the ONNX path cannot copy is refused."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "MEAN"  # a bare transformers folder: sentence-transformers mean-pools it too
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    unsupported = [k for k in kinds if k not in {"Transformer", "Pooling", "Normalize"}]
    if unsupported:
        raise ConceptDiffError(
            f"{folder}: the ONNX backends run Transformer+Pooling models only, not "
            f"{', '.join(unsupported)}; use --backend torch"
        )
    for module in modules:
        if str(module.get("type", "")).endswith("Pooling"):
            path = folder / module.get("path", "") / "config.json"
            try:
                config = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return "MEAN"
            if config.get("pooling_mode_mean_tokens"):
                return "MEAN"
            if config.get("pooling_mode_cls_token"):
                return "CLS"
            raise ConceptDiffError(
                f"{folder}: the ONNX backends support mean or CLS pooling only; use --backend torch"
            )
    return "MEAN"


def _runtime_tag() -> str:
    """Export version and onnxruntime version: a new runtime may round differently."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        runtime = version("onnxruntime")
    except PackageNotFoundError:
        try:
            runtime = "gpu-" + version("onnxruntime-gpu")
        except PackageNotFoundError:
            runtime = "missing"
    return f"{EXPORT_VERSION}-ort{runtime}"


def _device_ids(device: str) -> list[int]:
    _, _, index = device.partition(":")
    return [int(index)] if index.isdigit() else [0]
