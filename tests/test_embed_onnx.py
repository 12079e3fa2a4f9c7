"""The ONNX backends against the torch backend: same model, same answers, vectors never mixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from test_align_synthetic import build_pair, paragraphs, scores

from concept_diff.embed import BACKENDS, get_embedder, model_spec
from concept_diff.errors import ConceptDiffError

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """One cache folder for the module: the ONNX export is made once, on first use."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("fastembed")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def backends(exports):
    return {name: get_embedder(backend=name, device="cpu", cache_dir=exports)
            for name in BACKENDS}


@pytest.fixture(scope="module")
def nss_texts(nss_files) -> list[str]:
    passages = paragraphs(nss_files["2010"], minimum=20)[:40]
    sentences = [s for p in passages[:10] for s in p.split(". ") if len(s.split()) > 3]
    return passages + sentences


@pytest.mark.corpus
def test_onnx_matches_torch_and_int8_stays_close(backends, nss_texts):
    torch_v = backends["torch"].backend.encode(nss_texts)
    onnx_v = backends["onnx"].backend.encode(nss_texts)
    int8_v = backends["onnx-int8"].backend.encode(nss_texts)
    assert np.abs(onnx_v - torch_v).max() < 1e-4
    assert np.sum(onnx_v * torch_v, axis=1).min() > 1 - 1e-5  # the fused graph: torch's vectors
    cosines = np.sum(int8_v * torch_v, axis=1)
    # int8 weights in blocks of 32 (the previous per-tensor dynamic int8 scored 0.993 / 0.997)
    assert cosines.min() > 0.999 and cosines.mean() > 0.9995
    # What the aligner uses is the similarity between texts: int8 may move it only slightly.
    drift = np.abs(int8_v @ int8_v.T - torch_v @ torch_v.T)
    assert drift.mean() < 0.002 and drift.max() < 0.01


def test_export_fuses_attention_and_stores_int8_weights(backends):
    """The speed comes from onnxruntime's fused ops: an export whose attention no longer fuses
    (e.g. a transformers upgrade changing the exported mask) would silently run slower."""
    import collections

    import onnx

    from concept_diff.embed.onnx_export import FUSED_FILE, INT8_BLOCK, INT8_FILE

    backends["onnx-int8"].backend.warm_up()
    folder = backends["onnx-int8"].backend.export_folder
    graphs = {name: onnx.load(str(folder / name), load_external_data=False).graph
              for name in (FUSED_FILE, INT8_FILE)}
    ops = {name: collections.Counter(node.op_type for node in graph.node)
           for name, graph in graphs.items()}
    assert ops[FUSED_FILE]["Attention"] == 6  # one per layer of MiniLM-L6
    assert ops[FUSED_FILE]["SkipLayerNormalization"] == 12
    assert ops[INT8_FILE]["MatMulNBits"] == 18 and ops[INT8_FILE]["MatMul"] == 0
    assert ops[INT8_FILE]["Attention"] == 6  # its projections stay fp32
    blocks = {attr.i for node in graphs[INT8_FILE].node if node.op_type == "MatMulNBits"
              for attr in node.attribute if attr.name == "block_size"}
    assert blocks == {INT8_BLOCK}


def test_cpu_sessions_do_not_spin(backends):
    """onnxruntime's worker threads busy-wait between ops by default, which cost ~15 % of the
    CPU time on 2 shared cores: the backends' sessions must have it off (a fastembed upgrade that
    stopped calling its session-options hook would silently turn it back on)."""
    for name in ("onnx", "onnx-int8"):
        backend = backends[name].backend
        backend.warm_up()
        options = backend.model.model.model.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0", name


def test_backends_never_share_cache_entries(backends, exports):
    identities = {b.identity for b in backends.values()}
    folders = {b.folder for b in backends.values()}
    assert len(identities) == len(folders) == len(BACKENDS)
    assert all(b.name == "all-MiniLM-L6-v2" for b in backends.values())


def test_int8_is_deterministic_across_processes(exports):
    """Two fresh processes, same texts → byte-identical vectors, without importing torch."""
    get_embedder(backend="onnx-int8", device="cpu", cache_dir=exports,
                 use_cache=False).warm_up()  # the export exists before the children start
    code = (
        "import sys, hashlib, json; from concept_diff.embed import get_embedder;"
        f"e = get_embedder(backend='onnx-int8', device='cpu', cache_dir={str(exports)!r},"
        " use_cache=False);"
        "v = e.encode(['The Alliance will deter aggression.', 'Climate change is a threat.',"
        " 'word ' * 400]);"
        "print(json.dumps([hashlib.sha256(v.tobytes()).hexdigest(), 'torch' in sys.modules]))"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                      text=True, check=True, env=env).stdout)
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0][1] is False  # onnxruntime only: torch is never imported once exported


@pytest.mark.corpus
def test_a_texts_vector_does_not_depend_on_its_batch(backends, nss_texts):
    """Cached vectors must not depend on which texts shared a call. onnxruntime's dynamic int8
    scaled activations per batch and moved a batched text by up to 0.012; MatMulNBits quantises
    each token's activations by itself, so a text is the same alone or batched (to rounding)."""
    for name in ("onnx-int8", "onnx"):
        backend = backends[name].backend
        assert backend.batch_size > 1
        mixed = backend.encode(nss_texts[:40])
        for i in (3, 17, 31):
            np.testing.assert_allclose(backend.encode([nss_texts[i]])[0], mixed[i], atol=1e-6)
        shuffled = backend.encode(nss_texts[40:] + nss_texts[:40][::-1])
        np.testing.assert_allclose(shuffled[-40:][::-1], mixed, atol=1e-6)


@pytest.mark.corpus
def test_int8_alignment_scores_match_torch_on_synthetic_gold(backends, nss_files):
    """Per-kind F1 on the synthetic NSS pair (known true alignment) within 0.01 of torch."""
    from concept_diff.align import align, decision_for
    from concept_diff.build import document_from_passages

    pair = build_pair(paragraphs(nss_files["2010"])[:56], paragraphs(nss_files["2015"])[10:14])
    old = document_from_passages(pair.old, title="old")
    new = document_from_passages(pair.new, title="new")
    per_backend = {}
    for name in ("torch", "onnx-int8"):
        embedder = backends[name]
        result = align(old, new, embedder.encode(pair.old), embedder.encode(pair.new),
                       decision=decision_for(embedder.name))
        per_backend[name] = {kind: f1 for kind, (_, _, f1) in scores(pair, result).items()}
    for kind, f1 in per_backend["torch"].items():
        assert per_backend["onnx-int8"].get(kind, 0.0) >= f1 - 0.01, (kind, per_backend)


def test_model_specs_and_bad_backend(tmp_path, monkeypatch):
    assert model_spec(None, "onnx") == "onnx"
    assert model_spec("/models/m", "onnx-int8") == "onnx-int8:/models/m"
    assert model_spec("torch:/models/m", None) == "torch:/models/m"
    assert model_spec("onnx:/models/m", "torch") == "torch:/models/m"
    with pytest.raises(ConceptDiffError, match="unknown backend 'tf'"):
        get_embedder(backend="tf")
    with pytest.raises(ConceptDiffError, match="neither 'lexical' nor a local"):
        get_embedder(f"onnx:{tmp_path / 'missing'}")
    monkeypatch.setenv("CONCEPT_DIFF_BACKEND", "torch")  # a run that names no backend
    assert ":onnx" not in get_embedder(use_cache=False).identity
    assert ":onnx:" in get_embedder(backend="onnx", use_cache=False).identity
    monkeypatch.setenv("CONCEPT_DIFF_BACKEND", "tensorflow")
    with pytest.raises(ConceptDiffError, match="unknown backend 'tensorflow'"):
        get_embedder()


def test_dense_head_model_is_refused_by_onnx(tmp_path):
    pytest.importorskip("sentence_transformers")
    from concept_diff.embed.neural import bundled_model_dir

    folder = tmp_path / "dense-model"
    folder.mkdir()
    source = bundled_model_dir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (folder / name).write_bytes((source / name).read_bytes())
    kinds = ("Transformer", "Pooling", "Dense")
    modules = [{"idx": i, "name": str(i), "path": ["", "1_Pooling", "2_Dense"][i],
                "type": f"sentence_transformers.models.{kind}"} for i, kind in enumerate(kinds)]
    (folder / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(ConceptDiffError, match="Transformer\\+Pooling models only, not Dense"):
        get_embedder(str(folder), backend="onnx", cache_dir=tmp_path)
    # the torch backend runs such a model (its construction reads files only)
    assert get_embedder(str(folder), backend="torch", use_cache=False).name == "dense-model"
