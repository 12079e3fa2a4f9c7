"""Export a local sentence-transformers folder to ONNX (once), fuse it, and an int8 copy.

The files are generated into the cache folder, never shipped or committed:

    <cache root>/onnx/<name>-<fingerprint>-<EXPORT_VERSION>/
        model.onnx          fp32 graph of the transformer (input ids, mask, types → token states)
        model-fused.onnx    the same after onnxruntime's transformer optimizer (attention,
                            layer norm, GELU fused): what the `onnx` backend runs
        model-int8-<INT8_VERSION>.onnx   the fused graph with its MatMul weights stored as int8
                            (MatMulNBits); the name changes with the quantisation settings
        tokenizer.json ...  the tokenizer files, with the truncation length set to the model's

Exporting needs torch and transformers (the `embed` extra) and takes ~15 s, once; every later
run loads the files with onnxruntime alone, without importing torch. Each file is written to a
temporary name and renamed, so a killed export leaves no half-written model behind.

The graph is exported with eager attention: transformers' SDPA path exports a mask subgraph that
onnxruntime's optimizer cannot match, and the fused Attention op is most of the speed gain
(bench/bench_embed.py --backends). The fused graph gives torch's vectors to ~1e-6.

Why int8 as MatMulNBits (8 bits, blocks of 32, accuracy level 4): onnxruntime's dynamic
quantisation scales each MatMul's activations by one min/max over the whole batch, so a text's
vector depended on its batch-mates (cached vectors would mix) unless texts ran one per call, and
per-tensor scales cost quality (Meridian gold strict F1 0.899 vs torch's 0.949). MatMulNBits
stores weights per block with their own scales and quantises activations per row and block at
run time: a text's vector is the same alone or in any batch, and batching is safe. The
attention projections inside the fused Attention op stay fp32; the word-embedding table is never
rounded.

Why blocks of 32, when 128 is faster: on the bench texts (2 shared cores, interleaved) blocks
of 128 took ~9 % less CPU (mean cosine to the fused graph 0.9995 against 0.9997), but a text's
vector then depended on its batch (alone vs batched up to 8e-4 on tests/test_embed_onnx.py's
texts, 0 with 32), which would mix cached vectors. Quantising the attention projections too
(MultiHeadAttention + 36 MatMulNBits, blocks of 32) saved only ~2 % more. Where the int8
backend's time goes (onnxruntime profile, 1 thread): MatMulNBits ~53 %, the fused Attention
(fp32 QKV projections and scores) ~34 %, SkipLayerNormalization ~9 %, BiasGelu ~4 %.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

from .. import atomic
from ..errors import ConceptDiffError

EXPORT_VERSION = "x3"  # bump when the export or fusion settings change
# Bump when the quantisation settings change: it names the int8 file and is part of the
# onnx-int8 cache key, so an old int8 graph is never reused, while the fp32 export (and the
# `onnx` backend's cached vectors) stay.
INT8_VERSION = "q1"
FP32_FILE = "model.onnx"
FUSED_FILE = "model-fused.onnx"
INT8_FILE = f"model-int8-{INT8_VERSION}.onnx"
INT8_BLOCK = 32  # weights per quantisation block (MatMulNBits block_size)
OPSET = 17
_TOKENIZER_FILES = ("tokenizer.json", "special_tokens_map.json", "config.json", "vocab.txt")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_dir(cache_root: Path, name: str, fingerprint: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:40] or "model"
    return cache_root / "onnx" / f"{slug}-{fingerprint}-{EXPORT_VERSION}"


def ensure_export(source: Path, target: Path, *, max_seq_length: int, quantized: bool) -> Path:
    """The ONNX file for ``source`` in ``target`` (fused fp32, or int8), made if missing."""
    fp32, fused = target / FP32_FILE, target / FUSED_FILE
    wanted = target / INT8_FILE if quantized else fused
    if wanted.is_file() and (target / "tokenizer_config.json").is_file():
        return wanted
    target.mkdir(parents=True, exist_ok=True)
    _copy_tokenizer(source, target, max_seq_length)
    if not fp32.is_file():
        _export(source, fp32)
    if not fused.is_file():
        _fuse(fp32, fused, source)
    if quantized and not wanted.is_file():
        _quantize(fused, wanted)
    return wanted


def _copy_tokenizer(source: Path, target: Path, max_seq_length: int) -> None:
    for name in _TOKENIZER_FILES:
        if (source / name).is_file():
            atomic.write_bytes(target / name, (source / name).read_bytes())
    if not (target / "tokenizer.json").is_file():
        raise ConceptDiffError(
            f"{source} has no tokenizer.json; the ONNX backends need one (use --backend torch)"
        )
    config_path = source / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    # sentence-transformers truncates at max_seq_length (256 for the bundled model), not at the
    # tokenizer's model_max_length (512): the ONNX tokenizer must cut at the same place.
    config["model_max_length"] = max_seq_length
    config.pop("max_length", None)
    atomic.write_text(target / "tokenizer_config.json", json.dumps(config, indent=1))


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _export(source: Path, out: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ConceptDiffError(
            "exporting the model to ONNX needs torch and transformers (the 'embed' extra)"
        ) from exc
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        # Eager attention: the SDPA export has a mask subgraph the optimizer cannot fuse.
        model = AutoModel.from_pretrained(str(source), local_files_only=True,
                                          attn_implementation="eager").eval()
    except Exception as exc:  # a broken folder surfaces as many different exception types
        raise ConceptDiffError(f"cannot load model from {source} for ONNX export: {exc}") from exc

    class TokenStates(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = tuple(torch.ones(2, 8, dtype=torch.long) for _ in _INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    tmp = _temporary(out)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            # The TorchScript exporter: the dynamo one needs onnxscript, one more dependency.
            torch.onnx.export(TokenStates(model), dummy, str(tmp), input_names=list(_INPUTS),
                              output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _fuse(fp32: Path, out: Path, source: Path) -> None:
    """onnxruntime's transformer optimizer: attention, embedding and layer norms, GELU fused.

    A graph it cannot match (another architecture) is saved as it is: fusion is only speed.
    """
    from onnxruntime.transformers import optimizer

    config = _read_json(source / "config.json")
    tmp = _temporary(out)
    with _quiet_logs():
        model = optimizer.optimize_model(
            str(fp32), model_type="bert", opt_level=0, use_gpu=False,
            num_heads=int(config.get("num_attention_heads") or 0),
            hidden_size=int(config.get("hidden_size") or 0))
        model.save_model_to_file(str(tmp))
    try:
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _quantize(fused: Path, out: Path) -> None:
    import onnx

    tmp = _temporary(out)
    try:
        with _quiet_logs():  # importing the quantizer sets the root logger to INFO
            from onnxruntime.quantization.matmul_nbits_quantizer import (
                DefaultWeightOnlyQuantConfig,
                MatMulNBitsQuantizer,
            )

            config = DefaultWeightOnlyQuantConfig(
                block_size=INT8_BLOCK, is_symmetric=True, accuracy_level=4, bits=8,
                op_types_to_quantize=("MatMul",))
            quantizer = MatMulNBitsQuantizer(onnx.load(str(fused)), algo_config=config)
            quantizer.process()
            quantizer.model.save_model_to_file(str(tmp), use_external_data_format=False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """The optimizer and quantizer log every node at INFO and warn about pre-processing."""
    import logging

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    loggers = [logging.getLogger(name) for name in
               ("onnxruntime", "onnx_ir", "onnxruntime.quantization.matmul_nbits_quantizer")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)
        for logger, old in zip(loggers, levels, strict=True):
            logger.setLevel(old)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remove_export(target: Path) -> None:
    """Delete an export folder (tests and benches that want a cold start)."""
    shutil.rmtree(target, ignore_errors=True)
