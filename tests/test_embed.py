"""Embedders and the embedding cache, on real NSS paragraphs and on texts built in the test."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from concept_diff.embed import CachedEmbedder, Embedder, default_cache_dir, get_embedder
from concept_diff.embed import cache as cache_module
from concept_diff.errors import ConceptDiffError


def paragraphs(path: Path, min_words: int = 25) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if len(p.split()) >= min_words]


def reword(text: str, seed: int) -> str:
    """Replace a fifth of the words and shuffle the sentences: same topic, other wording."""
    rng = random.Random(seed)
    words = text.split()
    for _ in range(max(1, len(words) // 5)):
        words[rng.randrange(len(words))] = rng.choice(["notably", "indeed", "broadly"])
    sentences = re.split(r"(?<=\.) ", " ".join(words))
    rng.shuffle(sentences)
    return " ".join(sentences)


def assert_unit_rows(vectors: np.ndarray, count: int, dim: int) -> None:
    assert vectors.dtype == np.float32 and vectors.shape == (count, dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def nss_paragraphs(nss_files) -> list[str]:
    paras = paragraphs(nss_files["2010"])
    assert len(paras) > 100
    return paras


# --- lexical backend ---------------------------------------------------------------------------


@pytest.mark.corpus
def test_lexical_finds_each_reworded_paragraph(nss_paragraphs):
    embedder = get_embedder("lexical", use_cache=False)
    assert isinstance(embedder, Embedder) and embedder.source == "builtin"
    originals = embedder.encode(nss_paragraphs)
    assert_unit_rows(originals, len(nss_paragraphs), embedder.dim)
    reworded = embedder.encode([reword(p, i) for i, p in enumerate(nss_paragraphs[:40])])
    scores = reworded @ originals.T
    assert np.array_equal(scores.argmax(axis=1), np.arange(40))
    own = np.diag(scores[:, :40])
    unrelated = np.median(originals @ originals.T)
    assert own.min() > 0.5 and unrelated < 0.2


def test_lexical_is_fit_free_and_deterministic():
    texts = ["Strengthening alliances abroad.", "We strengthen our alliance.", "Soil erosion."]
    first = get_embedder("lexical", use_cache=False).encode(texts)
    alone = get_embedder("lexical", use_cache=False).encode(texts[1:2])
    assert np.array_equal(first[1], alone[0])  # a text's vector does not depend on its company
    scores = first @ first.T
    # shared stems meet (no word is shared exactly), unrelated texts do not
    assert scores[0, 1] > 0.2 and scores[0, 2] < 0.05


def test_lexical_does_not_import_torch():
    code = (
        "import sys, concept_diff.embed as e;"
        "e.get_embedder('lexical', use_cache=False).encode(['a text']);"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- cache -------------------------------------------------------------------------------------

TEXTS = [f"Passage number {i} about topic {i % 7} and its consequences." for i in range(30)]


def test_second_run_embeds_nothing(tmp_path):
    first = get_embedder("lexical", cache_dir=tmp_path)
    vectors = first.encode(TEXTS + TEXTS[:5])  # repeats inside one call are embedded once
    assert (first.stats.misses, first.stats.hits) == (30, 5)
    second = get_embedder("lexical", cache_dir=tmp_path)
    again = second.encode(list(reversed(TEXTS)))
    assert (second.stats.misses, second.stats.hits) == (0, 30)
    assert np.array_equal(again, vectors[:30][::-1])
    assert_unit_rows(again, 30, second.dim)


def test_cache_location_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("CONCEPT_DIFF_CACHE", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert default_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    embedder = get_embedder("lexical")
    embedder.encode(["one text"])
    assert list((tmp_path / "env").rglob("*.npz"))
    monkeypatch.delenv("CONCEPT_DIFF_CACHE")
    assert "concept-diff" in str(default_cache_dir())


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "other_identity"])
def test_corrupt_shard_is_dropped_and_recomputed(tmp_path, damage):
    good = get_embedder("lexical", cache_dir=tmp_path)
    expected = good.encode(TEXTS)
    (shard,) = good.folder.glob("*.npz")
    data = shard.read_bytes()
    if damage == "truncate":
        shard.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        shard.write_bytes(b"\x93NUMPY not really" * 50)
    elif damage == "empty":
        shard.write_bytes(b"")
    else:  # a shard written by another model cannot serve this one
        other = CachedEmbedder(good.backend, tmp_path)
        other.identity = "something-else"
        other._write_shard([cache_module.text_key("x")], expected[:1])
        shard.unlink()
        (stray,) = other.folder.glob("*.npz")
    fresh = get_embedder("lexical", cache_dir=tmp_path)
    assert np.array_equal(fresh.encode(TEXTS), expected)
    assert fresh.stats.dropped == 1 and fresh.stats.misses == len(TEXTS)
    if damage == "other_identity":
        assert not stray.exists()
    final = get_embedder("lexical", cache_dir=tmp_path)
    final.encode(TEXTS)
    assert final.stats.misses == 0 and final.stats.dropped == 0


def test_many_shards_are_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_SHARDS", 4)
    writer = get_embedder("lexical", cache_dir=tmp_path)
    for text in TEXTS[:10]:
        writer.encode([text])
    assert len(list(writer.folder.glob("*.npz"))) == 10
    reader = get_embedder("lexical", cache_dir=tmp_path)
    reader.encode(TEXTS[:10])
    assert reader.stats.misses == 0
    assert len(list(reader.folder.glob("*.npz"))) == 1


def test_unwritable_cache_costs_speed_not_the_run(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    embedder = get_embedder("lexical", cache_dir=blocker)
    vectors = embedder.encode(TEXTS[:3])
    assert_unit_rows(vectors, 3, embedder.dim)
    assert embedder.stats.write_errors == 1


# --- sentence-transformers backend --------------------------------------------------------------


@pytest.fixture(scope="session")
def bundled_folder() -> Path:
    pytest.importorskip("sentence_transformers")
    from concept_diff.embed.neural import bundled_model_dir

    return bundled_model_dir()


@pytest.fixture(scope="session")
def neural(bundled_folder, tmp_path_factory) -> CachedEmbedder:
    """The real bundled model, loaded once for the session."""
    return get_embedder(cache_dir=tmp_path_factory.mktemp("neural-cache"), device="cpu")


PARAPHRASE = [
    "The alliance will strengthen its defences against missile attacks.",
    "Our partners and we will reinforce protection from missile strikes.",
    "Farmers expect a good harvest of wheat this autumn.",
]


@pytest.mark.model
def test_neural_scores_paraphrase_above_unrelated(neural):
    assert neural.name == "all-MiniLM-L6-v2" and neural.dim == 384
    vectors = neural.encode(PARAPHRASE)
    assert_unit_rows(vectors, 3, 384)
    scores = vectors @ vectors.T
    assert scores[0, 1] > 0.5 > scores[0, 2] + 0.2


@pytest.mark.model
@pytest.mark.corpus
def test_neural_is_deterministic_and_cached(neural, nss_paragraphs):
    texts = nss_paragraphs[:12]
    misses_before = neural.stats.misses
    first = neural.encode(texts)
    assert neural.stats.misses - misses_before == len(texts)
    uncached = neural.backend.encode(texts)
    np.testing.assert_array_equal(first, uncached)  # same batch, same bytes
    hits_before = neural.stats.hits
    again = neural.encode(texts)
    assert neural.stats.hits - hits_before == len(texts) and np.array_equal(again, first)
    own = neural.encode([reword(p, i) for i, p in enumerate(texts[:6])]) @ first.T
    assert np.array_equal(own.argmax(axis=1), np.arange(6))


@pytest.mark.model
@pytest.mark.corpus
def test_long_passage_tail_is_not_truncated_away(neural, nss_paragraphs):
    long_ones = [p for p in nss_paragraphs if len(p.split()) > 120]
    head, tail, other = long_ones[0], long_ones[1], long_ones[2]
    joined = f"{head} {tail} {head} {tail}"  # ~4x the model's 256-token window
    vectors = neural.encode([joined, head, tail, other])
    assert_unit_rows(vectors, 4, 384)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[3] + 0.1
    assert abs(float(vectors[0] @ vectors[1]) - float(vectors[0] @ vectors[2])) < 0.2


@pytest.mark.model
def test_local_folder_path_is_accepted(neural, bundled_folder, tmp_path):
    by_path = get_embedder(str(bundled_folder), cache_dir=tmp_path, device="cpu")
    assert by_path.identity == neural.identity  # same files, same cache entries
    assert by_path.source == str(bundled_folder.resolve())


@pytest.mark.model
def test_copied_model_folder_loads_and_shares_identity(neural, bundled_folder, tmp_path):
    import shutil

    copy = tmp_path / "my-model"
    shutil.copytree(bundled_folder, copy)
    embedder = get_embedder(str(copy), use_cache=False, device="cpu")
    assert embedder.name == "my-model"
    assert embedder.identity.split(":")[1] == neural.identity.split(":")[1]
    np.testing.assert_allclose(embedder.encode(PARAPHRASE), neural.encode(PARAPHRASE), atol=1e-5)


def test_bad_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ConceptDiffError, match="neither 'lexical' nor a local"):
        get_embedder(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConceptDiffError, match="not a sentence-transformers model folder"):
        get_embedder(str(tmp_path / "empty"))
