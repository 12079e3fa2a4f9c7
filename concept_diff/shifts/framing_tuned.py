"""A fine-tuned, target-aware framing classifier: the bundled MiniLM with a small adapter.

Experimental (bench/bench_framing_finetune.py): not used by an analysis. The mention is read
as the prototype scorer reads it (the sentence clipped around the actor, framing._clip, the
actor's words replaced by the framing file's mask, "the country"), optionally wrapped in
markers. The bottom ``6 - layers`` layers of the bundled all-MiniLM-L6-v2 stay frozen (their
states are computed once per text); the top ``layers`` layers get low-rank (LoRA) updates on
their attention projections and feed-forward weights, written here in plain torch, and a
5-way head reads the mean of the final states beside their mean over the mask's tokens (where
the actor stood). What is learnt is small (a few hundred thousand numbers) and is stored as a
plain npz (``save`` / ``load``), never pickle; added to a copy of the weights (W + B A for
each target), the adapted layers are ordinary BERT layers.

torch is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .framing import Framing, _clip, mask_sentence

TARGETS = ("query", "key", "value", "attn_out", "ffn_in", "ffn_out")
HEADS = 12  # all-MiniLM-L6-v2: 12 heads of 32
LN_EPS = 1e-12
MARKERS = {"mask": ("", ""), "bracket": ("[ ", " ]"), "quote": ('" ', ' "')}


@dataclass(frozen=True)
class Settings:
    layers: int = 2  # top layers adapted
    rank: int = 8
    lr: float = 1e-3
    epochs: int = 4
    batch: int = 16
    marker: str = "mask"
    dropout: float = 0.1
    class_weight: float = 0.5  # (n / (k n_class)) ** class_weight, as the shipped model
    weight_decay: float = 0.01
    seed: int = 0


def marked(items, framing: Framing, marker: str = "mask") -> list[tuple[str, tuple]]:
    """(text, spans of the mask in it) per (sentence, actor spans): the clipped sentence with
    the actor masked, the mask wrapped in ``marker``'s two strings."""
    before, after = MARKERS[marker]
    mask = f"{before}{framing.mask}{after}"
    out = []
    for text, spans in items:
        text, spans = _clip(text, spans, framing.context)
        where, shift = [], 0
        for a, b in sorted(spans):
            where.append((a + shift + len(before), a + shift + len(mask) - len(after)))
            shift += len(mask) - (b - a)
        masked = mask_sentence(text, spans, mask)
        out.append((masked, tuple(where)))
    return out


def encode(tokenizer, texts: list[tuple[str, tuple]], max_length: int = 128) -> list[dict]:
    """Token ids and, per token, whether it covers the mask: one dict of int64 arrays per text
    (unpadded)."""
    encoded = tokenizer([t for t, _ in texts], truncation=True, max_length=max_length,
                        return_offsets_mapping=True)
    out = []
    for k, (_, where) in enumerate(texts):
        ids = np.asarray(encoded["input_ids"][k], dtype=np.int64)
        offsets = np.asarray(encoded["offset_mapping"][k])
        real = offsets[:, 1] > offsets[:, 0]
        mention = np.zeros(len(ids), dtype=bool)
        for a, b in where:
            mention |= real & (offsets[:, 0] < b) & (offsets[:, 1] > a)
        if not mention.any():
            mention = real
        out.append({"ids": ids, "mention": mention})
    return out


def bottom_states(bert, encoded: list[dict], upto: int, batch: int = 32) -> list:
    """The frozen hidden states after layer ``upto`` (0: the embeddings) of each text."""
    import torch

    out = [None] * len(encoded)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]["ids"]))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            ids, mask = _pad([encoded[i]["ids"] for i in chunk])
            states = bert(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids),
                          output_hidden_states=True).hidden_states[upto]
            for j, i in enumerate(chunk):
                out[i] = states[j, : len(encoded[i]["ids"])].clone()
    return out


def _pad(rows: list[np.ndarray]):
    import torch

    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for j, r in enumerate(rows):
        ids[j, : len(r)] = torch.as_tensor(r)
        mask[j, : len(r)] = 1
    return ids, mask


def base_weights(bert, layers: int) -> list[dict]:
    """The top ``layers`` BERT layers' weights as plain tensors (detached copies)."""
    out = []
    for layer in bert.encoder.layer[len(bert.encoder.layer) - layers:]:
        att, self_ = layer.attention, layer.attention.self
        parts = {"query": self_.query, "key": self_.key, "value": self_.value,
                 "attn_out": att.output.dense, "ffn_in": layer.intermediate.dense,
                 "ffn_out": layer.output.dense}
        w = {f"{k}.weight": m.weight.detach().clone() for k, m in parts.items()}
        w.update({f"{k}.bias": m.bias.detach().clone() for k, m in parts.items()})
        for name, norm in (("ln1", att.output.LayerNorm), ("ln2", layer.output.LayerNorm)):
            w[f"{name}.weight"] = norm.weight.detach().clone()
            w[f"{name}.bias"] = norm.bias.detach().clone()
        out.append(w)
    return out


def new_adapter(base: list[dict], rank: int, classes: int, seed: int) -> dict:
    """LoRA factors (A random, B zero: the adapted model starts as the frozen one) for every
    target of every adapted layer, and a zero-initialised head."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    params = {}
    for n, w in enumerate(base):
        for t in TARGETS:
            out_dim, in_dim = w[f"{t}.weight"].shape
            bound = 1 / math.sqrt(in_dim)
            params[f"l{n}.{t}.A"] = (torch.rand((rank, in_dim), generator=gen) * 2 - 1) * bound
            params[f"l{n}.{t}.B"] = torch.zeros((out_dim, rank))
    dim = base[0]["query.weight"].shape[1]
    params["head.weight"] = torch.zeros((classes, 2 * dim))
    params["head.bias"] = torch.zeros(classes)
    return params


def forward(base: list[dict], params: dict, states, mask, mention, dropout: float = 0.0):
    """Logits (batch, classes) from the frozen states of the bottom layers (batch, tokens,
    dim), their 0/1 mask and the mention tokens' 0/1 mask."""
    import torch
    import torch.nn.functional as F

    def drop(x):
        return F.dropout(x, dropout, training=dropout > 0)

    def linear(x, w, n, t):
        y = F.linear(x, w[f"{t}.weight"], w[f"{t}.bias"])
        a = params.get(f"l{n}.{t}.A")
        if a is not None:
            y = y + F.linear(F.linear(drop(x), a), params[f"l{n}.{t}.B"])
        return y

    batch, tokens, dim = states.shape
    bias = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
    x = states
    for n, w in enumerate(base):
        heads = [linear(x, w, n, t).view(batch, tokens, HEADS, -1).transpose(1, 2)
                 for t in ("query", "key", "value")]
        scores = heads[0] @ heads[1].transpose(-1, -2) / math.sqrt(dim // HEADS) + bias
        context = drop(scores.softmax(-1)) @ heads[2]
        context = context.transpose(1, 2).reshape(batch, tokens, dim)
        x = F.layer_norm(drop(linear(context, w, n, "attn_out")) + x, (dim,),
                         w["ln1.weight"], w["ln1.bias"], LN_EPS)
        inner = F.gelu(linear(x, w, n, "ffn_in"))
        x = F.layer_norm(drop(linear(inner, w, n, "ffn_out")) + x, (dim,),
                         w["ln2.weight"], w["ln2.bias"], LN_EPS)
    m = mask.to(x.dtype)[..., None]
    t = mention.to(x.dtype)[..., None]
    pooled = torch.cat([(x * m).sum(1) / m.sum(1).clamp(min=1),
                        (x * t).sum(1) / t.sum(1).clamp(min=1)], dim=1)
    return F.linear(drop(pooled), params["head.weight"], params["head.bias"])


def _batch(states: list, encoded: list[dict], rows: list[int]):
    import torch

    width = max(len(encoded[i]["ids"]) for i in rows)
    dim = states[rows[0]].shape[1]
    x = torch.zeros((len(rows), width, dim))
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    mention = torch.zeros((len(rows), width), dtype=torch.long)
    for j, i in enumerate(rows):
        n = len(encoded[i]["ids"])
        x[j, :n] = states[i]
        mask[j, :n] = 1
        mention[j, :n] = torch.as_tensor(encoded[i]["mention"].astype(np.int64))
    return x, mask, mention


def train(base: list[dict], states: list, encoded: list[dict], labels: list[int],
          classes: int, settings: Settings, callback=None) -> dict:
    """The adapter fitted on the given texts (cross-entropy with class weights, AdamW at a
    constant rate, so the adapter after epoch k is the one a k-epoch run gives);
    ``callback(epoch, params)`` after each epoch."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(settings.seed)
    params = new_adapter(base, settings.rank, classes, settings.seed)
    for p in params.values():
        p.requires_grad_(True)
    counts = np.bincount(labels, minlength=classes)
    weights = torch.tensor([(len(labels) / (classes * max(c, 1))) ** settings.class_weight
                            for c in counts], dtype=torch.float32)
    optimiser = torch.optim.AdamW(params.values(), lr=settings.lr,
                                  weight_decay=settings.weight_decay)
    rng = np.random.default_rng(settings.seed)
    y = torch.tensor(labels)
    for epoch in range(settings.epochs):
        order = rng.permutation(len(labels))
        for start in range(0, len(order), settings.batch):
            rows = [int(i) for i in order[start:start + settings.batch]]
            x, mask, mention = _batch(states, encoded, rows)
            logits = forward(base, params, x, mask, mention, settings.dropout)
            loss = F.cross_entropy(logits, y[rows], weight=weights)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if callback is not None:
            callback(epoch + 1, params)
    return {k: v.detach() for k, v in params.items()}


def predict(base: list[dict], params: dict, states: list, encoded: list[dict],
            batch: int = 64) -> np.ndarray:
    """Class probabilities (texts, classes)."""
    import torch

    out = []
    with torch.inference_mode():
        for start in range(0, len(states), batch):
            rows = list(range(start, min(start + batch, len(states))))
            x, mask, mention = _batch(states, encoded, rows)
            out.append(forward(base, params, x, mask, mention).softmax(-1).numpy())
    return np.concatenate(out).astype(np.float64) if out else np.zeros((0, 0))


def save(path: Path, params: dict, keys: list[str], settings: Settings, meta: dict) -> None:
    """The adapter as a plain npz: its arrays, the keys and settings as JSON strings."""
    import io
    import json

    from .. import atomic

    arrays = {k: v.numpy().astype(np.float32) for k, v in params.items()}
    arrays["_keys"] = np.array(json.dumps(keys))
    arrays["_settings"] = np.array(json.dumps(settings.__dict__, sort_keys=True))
    arrays["_meta"] = np.array(json.dumps(meta, sort_keys=True))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic.write_bytes(path, buffer.getvalue())


def load(path: Path) -> tuple[dict, list[str], Settings, dict[str, Any]]:
    import json

    import torch

    with np.load(path, allow_pickle=False) as data:
        params = {k: torch.from_numpy(data[k].copy()) for k in data.files if not k.startswith("_")}
        keys = json.loads(str(data["_keys"]))
        settings = Settings(**json.loads(str(data["_settings"])))
        meta = json.loads(str(data["_meta"]))
    return params, keys, settings, meta
