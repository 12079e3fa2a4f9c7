"""The document cache and the faster sentence splitting give the same Documents as a fresh load."""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pysbd
import pytest

from concept_diff.build import split_sentences
from concept_diff.loaders import cache, load_document
from concept_diff.model import Sentence

# the module, not the `concept_diff.loaders` function that shares its name
LOADER = importlib.import_module("concept_diff.loaders")
TEXT = (
    "Strategy 2030\n\n"
    "1. The Alliance faces new threats. It will adapt its posture.\n\n"
    "2. Partners matter: we will work with the U.N. and others.\n"
)


@pytest.fixture(scope="module")
def fresh_nss(nss_files: dict[str, Path]) -> dict[str, object]:
    return {year: load_document(path, use_cache=False) for year, path in nss_files.items()}


def _stock_split(text: str) -> tuple[Sentence, ...]:
    """Sentences exactly as the unmodified pysbd segmenter gives them (the reference)."""
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    sentences = []
    for span in segmenter.segment(text):
        piece = text[span.start : span.end]
        start = span.start + len(piece) - len(piece.lstrip())
        end = span.start + len(piece.rstrip())
        if end > start:
            sentences.append(Sentence(start, end, text[start:end]))
    return tuple(sentences)


def _write(folder: Path, name: str, text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "documents").glob("*.json"))


def _forbid_fresh_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded afresh although the cache holds this document")

    monkeypatch.setattr(LOADER, "_load", fail)


def test_sentences_match_stock_pysbd_on_nss(fresh_nss: dict) -> None:
    """pysbd's sentences, except that one opening with a quotation of several sentences is
    cut into them (an epigraph); such a cut only refines pysbd's: its pieces run from the
    stock sentence's start to its end."""
    refined = 0
    for year, document in fresh_nss.items():
        for passage in document.passages:
            ours, stock = split_sentences(passage.text), _stock_split(passage.text)
            if ours == stock:
                continue
            for sentence in stock:
                pieces = [s for s in ours if sentence.start <= s.start < sentence.end]
                assert pieces[0].start == sentence.start, (year, passage.id)
                assert pieces[-1].end == sentence.end, (year, passage.id)
                assert len(pieces) == 1 or sentence.text[0] in "\"“", (year, passage.id)
                refined += len(pieces) > 1
    assert 10 <= refined <= 25  # the epigraphs of 2002 and 2010, and a block quote of 2006


def test_single_sentence_shortcut_matches_pysbd_on_generated_text() -> None:
    words = ["the", "Alliance", "U", "S", "Mr", "Dr", "I", "iv", "10", "2030", "am", "pm", "e",
             "nation’s", "don't", "Co", "Inc", "vs", "–", "—", ";", ":", ",", "%", "&", "/", "é"]
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        text += rng.choice(["", ".", "!", "?", " .", "  "])
        assert split_sentences(text) == _stock_split(text), text
        checked += 1
    assert checked == 400


def test_shortcut_leaves_quotes_brackets_and_inner_marks_to_pysbd() -> None:
    # pysbd splits these although they end in one mark; the result must still be pysbd's
    for text in ['"Yes" Mr.', "(a) first b) second", "It grew. It changed", "Wait… now."]:
        assert split_sentences(text) == _stock_split(text)
    assert len(split_sentences('"Yes" Mr.')) == 2


def test_cached_nss_documents_equal_fresh_loads(
    fresh_nss: dict, nss_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for year, path in nss_files.items():
        key = cache.document_key(path.read_bytes(), name=path.name, fmt="txt", title=None, date=None)
        assert cache.write_document(key, fresh_nss[year], cache_dir=tmp_path)
    assert len(_entries(tmp_path)) == 4
    _forbid_fresh_loads(monkeypatch)
    for year, path in nss_files.items():
        cached = load_document(path, cache_dir=tmp_path)
        assert cached == fresh_nss[year]
        assert [p.sentences for p in cached.passages] == [
            p.sentences for p in fresh_nss[year].passages
        ]


def test_second_load_comes_from_cache_with_this_callers_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _write(tmp_path / "a", "2030-concept.txt")
    fresh = load_document(first, cache_dir=tmp_path / "cache")
    copy = _write(tmp_path / "b", "2030-concept.txt")
    _forbid_fresh_loads(monkeypatch)
    again = load_document(copy, cache_dir=tmp_path / "cache")
    assert again.source == str(copy) != fresh.source
    assert again.date == "2030" and again.passages == fresh.passages and again.text == fresh.text


def test_key_follows_name_overrides_and_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = TEXT.encode()

    def key(**changes: object) -> str:
        args = {"name": "a.txt", "fmt": "txt", "title": None, "date": None} | changes
        return cache.document_key(data, **args)

    base = key()
    assert base == key()
    assert len({base, key(name="2030.txt"), key(title="T"), key(date="2031"), key(fmt="md")}) == 5
    assert cache.document_key(data + b" ", name="a.txt", fmt="txt", title=None, date=None) != base
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "other code")
    assert key() != base


def test_entries_of_older_code_are_dropped_when_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _write(tmp_path, "one.txt"), _write(tmp_path, "two.txt", TEXT + "\nMore.\n")
    load_document(first, cache_dir=tmp_path / "cache")
    (old_entry,) = _entries(tmp_path / "cache")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "f" * 64)
    load_document(second, cache_dir=tmp_path / "cache")
    (new_entry,) = _entries(tmp_path / "cache")
    assert new_entry.name.startswith("f" * 12 + "-") and not old_entry.exists()


def test_overrides_are_kept_apart(tmp_path: Path) -> None:
    path = _write(tmp_path, "concept.txt")
    plain = load_document(path, cache_dir=tmp_path / "cache")
    named = load_document(path, title="Named", date="2031", cache_dir=tmp_path / "cache")
    assert (named.title, named.date) == ("Named", "2031")
    assert load_document(path, cache_dir=tmp_path / "cache") == plain
    assert len(_entries(tmp_path / "cache")) == 2


BROKEN = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty": lambda raw: b"",
    "not json": lambda raw: b"\xff\xfe garbage",
    "a list": lambda raw: b"[1, 2, 3]",
    "other schema": lambda raw: raw.replace(cache.SCHEMA.encode(), b"other/0"),
    "span out of range": lambda raw: _edit(raw, lambda d: d["passages"][0].__setitem__(4, 10**6)),
    "bool for an int": lambda raw: _edit(raw, lambda d: d["sections"][0].__setitem__(1, True)),
    "missing field": lambda raw: _edit(raw, lambda d: d.pop("text")),
    "bad cleanup": lambda raw: _edit(raw, lambda d: d["cleanup"].__setitem__("ligatures", "3")),
    "short sentence span": lambda raw: _edit(raw, lambda d: d["passages"][0][5].__setitem__(0, [1])),
    "unknown sentence kind": lambda raw: _edit(raw, lambda d: d["passages"][0][5][0].append("x")),
    "long sentence span": lambda raw: _edit(
        raw, lambda d: d["passages"][0][5][0].extend(["attribution", "x"])),
}


def _edit(raw: bytes, change: Callable[[dict], object]) -> bytes:
    entry = json.loads(raw)
    change(entry["document"])
    return json.dumps(entry).encode()


@pytest.mark.parametrize("damage", sorted(BROKEN))
def test_broken_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    path = _write(tmp_path, "concept.txt")
    fresh = load_document(path, use_cache=False)
    load_document(path, cache_dir=tmp_path / "cache")
    (entry,) = _entries(tmp_path / "cache")
    entry.write_bytes(BROKEN[damage](entry.read_bytes()))
    assert load_document(path, cache_dir=tmp_path / "cache") == fresh
    key = cache.document_key(path.read_bytes(), name=path.name, fmt="txt", title=None, date=None)
    assert cache.read_document(key, source=str(path), cache_dir=tmp_path / "cache") == fresh


def test_opting_out_neither_reads_nor_writes(tmp_path: Path) -> None:
    path = _write(tmp_path, "concept.txt")
    load_document(path, use_cache=False, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
    load_document(path, cache_dir=tmp_path / "cache")
    (entry,) = _entries(tmp_path / "cache")
    entry.write_bytes(_edit(entry.read_bytes(), lambda d: d.__setitem__("title", "Stale")))
    assert load_document(path, use_cache=False).title != "Stale"
    assert load_document(path, cache_dir=tmp_path / "cache").title == "Stale"  # proves it's read


def test_unwritable_cache_does_not_stop_a_load(tmp_path: Path) -> None:
    path = _write(tmp_path, "concept.txt")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert load_document(path, cache_dir=blocker) == load_document(path, use_cache=False)


def test_default_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCEPT_DIFF_CACHE", str(tmp_path / "env-cache"))
    load_document(_write(tmp_path, "concept.txt"))
    assert len(_entries(tmp_path / "env-cache")) == 1
