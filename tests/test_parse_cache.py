"""The parse cache: what comes back equals spaCy's parse, a call reads only the shards holding
its sentences, memory stays within budget, merging keeps every parse, bad shards are redone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from concept_diff.loaders import load_document

pytest.importorskip("spacy")

from concept_diff.shifts import parse

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """Real sentences: the Meridian 2030 concept that ships with the project."""
    doc = load_document(EXAMPLES / "2030-meridian-strategic-concept.md", use_cache=False)
    texts = [s.text for p in doc.passages for s in p.sentences]
    assert len(texts) >= 40
    return list(dict.fromkeys(texts))


@pytest.fixture(autouse=True)
def fresh_processes(monkeypatch):
    """Each test starts as a new process would: no cache opened yet."""
    monkeypatch.setattr(parse.ParseCache, "_opened", {})


def _new_process(monkeypatch) -> None:
    monkeypatch.setattr(parse.ParseCache, "_opened", {})


def _no_parser(monkeypatch) -> None:
    def refuse():
        raise AssertionError("spaCy was asked for a sentence the cache holds")

    monkeypatch.setattr(parse, "_nlp", refuse)


def test_cached_parses_equal_spacy_and_need_no_parser(sentences, tmp_path, monkeypatch):
    first = parse.parse_sentences(sentences[:30], tmp_path)
    direct = [parse._tokens(doc) for doc in parse._nlp().pipe(sentences[:30])]
    assert [[list(t) for t in p.tokens] for p in first] == direct
    _new_process(monkeypatch)
    _no_parser(monkeypatch)
    again = parse.parse_sentences(list(reversed(sentences[:30])), tmp_path)
    assert again == list(reversed(first))


def test_a_call_reads_only_the_shards_holding_its_sentences(sentences, tmp_path, monkeypatch):
    for start in range(0, 40, 10):  # four shards, as four compares would write
        parse.parse_sentences(sentences[start:start + 10], tmp_path)
    _new_process(monkeypatch)
    cache = parse.ParseCache.open(tmp_path)
    cache._index()
    cache._loaded.clear()  # as if the budget had pushed every shard out
    reads = []
    real_read = parse.ParseCache._read
    monkeypatch.setattr(parse.ParseCache, "_read",
                        lambda self, path: reads.append(path) or real_read(self, path))
    _no_parser(monkeypatch)
    parsed = parse.parse_sentences(sentences[12:17], tmp_path)
    assert [p.text for p in parsed] == sentences[12:17]
    assert len(reads) == 1


def test_memory_stays_within_budget(sentences, tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "MAX_LOADED_ROWS", 12)
    for start in range(0, 40, 5):
        parse.parse_sentences(sentences[start:start + 5], tmp_path)
        cache = parse.ParseCache.open(tmp_path)
        assert sum(map(len, cache._loaded.values())) <= 12


def test_merging_keeps_every_parse_and_bounds_the_files(sentences, tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "MAX_SHARDS", 3)
    monkeypatch.setattr(parse, "COMPACT_ROWS", 25)
    expected = parse.parse_sentences(sentences[:40], tmp_path / "once")
    for start in range(0, 40, 4):
        parse.parse_sentences(sentences[start:start + 4], tmp_path / "many")
    folder = parse.ParseCache(tmp_path / "many").folder
    files = sorted(folder.glob("*.json"))
    assert len(files) <= 4
    assert any(f.name.startswith("merged") for f in files)
    _new_process(monkeypatch)
    _no_parser(monkeypatch)
    assert parse.parse_sentences(sentences[:40], tmp_path / "many") == expected


def test_a_corrupt_shard_is_deleted_and_its_sentences_parsed_again(sentences, tmp_path,
                                                                     monkeypatch):
    expected = parse.parse_sentences(sentences[:10], tmp_path)
    (shard,) = parse.ParseCache(tmp_path).folder.glob("*.json")
    shard.write_text(shard.read_text()[:200], encoding="utf-8")  # truncated
    _new_process(monkeypatch)
    assert parse.parse_sentences(sentences[:10], tmp_path) == expected
    assert json.loads(shard.read_text())["parses"]  # rewritten whole (same content, same name)
    _new_process(monkeypatch)
    _no_parser(monkeypatch)
    assert parse.parse_sentences(sentences[:10], tmp_path) == expected


def test_a_shard_removed_by_another_process_is_parsed_again(sentences, tmp_path, monkeypatch):
    expected = parse.parse_sentences(sentences[:10], tmp_path)
    cache = parse.ParseCache.open(tmp_path)
    cache._loaded.clear()
    for shard in cache.folder.glob("*.json"):
        shard.unlink()  # e.g. merged away by another run
    assert parse.parse_sentences(sentences[:10], tmp_path) == expected


@pytest.mark.model
def test_a_compare_with_a_cache_dir_keeps_every_parse_there(tmp_path, monkeypatch):
    """Framing's parses and the headlines' word-class parses both go beside the vectors of
    the cache folder the run was given, never to $CONCEPT_DIFF_CACHE."""
    from concept_diff import compare
    from concept_diff.embed import get_embedder

    elsewhere = tmp_path / "env"
    monkeypatch.setenv("CONCEPT_DIFF_CACHE", str(elsewhere))
    given = tmp_path / "given"
    embedder = get_embedder(None, device="cpu", cache_dir=given)
    compare(EXAMPLES / "2030-meridian-strategic-concept.md",
            EXAMPLES / "2040-meridian-strategic-concept.md", embedder=embedder)
    assert parse.cache_dir_for(embedder) == given
    assert any((given / "parses").rglob("*.json"))
    assert not (elsewhere / "parses").exists()
