"""The fine-tuned framing classifier's plain-torch layers (concept_diff/shifts/framing_tuned.py):
with an untrained adapter they are the bundled MiniLM's own layers, the mask lands where the
actor stood, and an adapter survives its npz round trip."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from concept_diff.shifts import framing_tuned as ft
from concept_diff.shifts.framing import load_framing

SENTENCE = ("The Halvani Federation's stated ambitions and coercive policies challenge our "
            "interests, security and values.")  # examples/2040-meridian-strategic-concept.md
ACTOR = (4, 22)  # "Halvani Federation"


def test_mask_and_markers_stand_where_the_actor_stood():
    spec = load_framing()
    for marker, (before, after) in ft.MARKERS.items():
        [(text, where)] = ft.marked([(SENTENCE, (ACTOR,))], spec, marker)
        assert "Halvani" not in text
        (a, b), = where
        assert text[a:b] == spec.mask
        assert text[a - len(before):a] == before and text[b:b + len(after)] == after
    prefix = " ".join(["word"] * 80) + " "  # clipped around the actor
    shift = len(prefix)
    [(text, where)] = ft.marked([(prefix + SENTENCE, ((ACTOR[0] + shift, ACTOR[1] + shift),))],
                                replace(spec, context=5), "mask")
    (a, b), = where
    assert text[a:b] == spec.mask and len(text.split()) <= 2 * 5 + 3


@pytest.fixture(scope="module")
def minilm_torch():
    pytest.importorskip("sentence_transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from concept_diff.embed import get_embedder

    model = get_embedder(backend="torch", use_cache=False).model
    model[0].auto_model.eval()
    return model


def test_untrained_adapter_gives_the_models_own_states(minilm_torch):
    import torch

    bert = minilm_torch[0].auto_model
    texts = ft.marked([(SENTENCE, (ACTOR,)), ("We will work with Halvani.", ((18, 25),))],
                      load_framing(), "mask")
    encoded = ft.encode(minilm_torch.tokenizer, texts)
    top = ft.bottom_states(bert, encoded, 6)
    for layers in (1, 2):
        base = ft.base_weights(bert, layers)
        params = ft.new_adapter(base, 4, 5, seed=0)
        params["head.weight"] = torch.eye(768)  # the head reads out the pooled states
        params["head.bias"] = torch.zeros(768)
        states = ft.bottom_states(bert, encoded, 6 - layers)
        pooled = ft.forward(base, params, *ft._batch(states, encoded, [0, 1])).detach()
        for j, e in enumerate(encoded):
            mention = top[j][torch.as_tensor(e["mention"])].mean(0)
            assert torch.allclose(pooled[j, :384], top[j].mean(0), atol=1e-5)
            assert torch.allclose(pooled[j, 384:], mention, atol=1e-5)
    vector = minilm_torch.encode([texts[0][0]], convert_to_tensor=True)[0]
    assert torch.allclose(torch.nn.functional.normalize(pooled[0, :384], dim=0), vector,
                          atol=1e-5)


def test_adapter_npz_round_trip(tmp_path):
    torch = pytest.importorskip("torch")
    base = [{f"{t}.weight": torch.zeros(o, i) for t, (o, i) in
             {"query": (8, 8), "key": (8, 8), "value": (8, 8), "attn_out": (8, 8),
              "ffn_in": (16, 8), "ffn_out": (8, 16)}.items()}]
    params = ft.new_adapter(base, 2, 5, seed=3)
    settings = ft.Settings(layers=1, rank=2, lr=5e-4)
    ft.save(tmp_path / "a.npz", params, ["p", "c", "t", "k", "n"], settings, {"items": 9})
    loaded, keys, again, meta = ft.load(tmp_path / "a.npz")
    assert keys == ["p", "c", "t", "k", "n"] and again == settings and meta == {"items": 9}
    assert sorted(loaded) == sorted(params)
    for k, v in params.items():
        assert np.array_equal(loaded[k].numpy(), v.numpy().astype(np.float32))
