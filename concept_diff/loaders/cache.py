"""An on-disk cache of loaded Documents, so a second load of the same file skips clean-up and pysbd.

An entry is keyed by everything the loaded Document depends on: the sha256 of the source bytes,
the file name (format, title and date may be read from it), the caller's title/date overrides,
the versions of the parsing libraries, and a fingerprint of the loader's own source code
(``loaders/``, ``segment.py``, ``build.py``, ``model.py``) and of its word list, so an entry made
by older code is never read. ``LOADER_VERSION`` is for changes the fingerprint cannot see.

Entries are JSON (no pickle: a cache file can never run code) under
``<cache root>/documents/<code>-<key>.json``, the cache root shared with the embedding cache,
``<code>`` a prefix of the code fingerprint so that entries of older loader code, which can never
be read again, are deleted when a new entry is written. They hold the cleaned text and every
offset; passage and sentence texts are cut from it again on reading (a sentence span is
``[start, end]``, or ``[start, end, kind]`` for an attribution line). An entry that cannot be
read or fails a check (truncated, other schema, spans out of range) is treated as missing and
rewritten; a cache that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import atomic
from ..model import ATTRIBUTION, CleanupReport, Document, Passage, Section, Sentence

LOADER_VERSION = 1
SCHEMA = "concept-diff/document-cache/2"  # 2: a sentence span may carry its kind
_PARSERS = {"pdf": "pypdf", "html": "selectolax", "docx": "python-docx"}
_BAD_ENTRY = (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError)


def documents_dir(cache_dir: str | Path | None = None) -> Path:
    """``<cache root>/documents``; the root is resolved as the embedding cache resolves it."""
    from ..embed.cache import default_cache_dir

    return default_cache_dir(cache_dir) / "documents"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the source of every module that shapes a loaded Document."""
    package = Path(__file__).resolve().parent.parent
    files = sorted((package / "loaders").glob("*.py"))
    files += [package / name for name in ("segment.py", "build.py", "model.py")]
    files += [package / "data" / "english_zipf.txt", package / "english.py"]  # repairs' words
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "absent"


def document_key(
    data: bytes, *, name: str, fmt: str, title: str | None, date: str | None
) -> str:
    """Cache key of the Document that ``load_document`` makes from these bytes and arguments."""
    libraries = [_version("pysbd")] + ([_version(_PARSERS[fmt])] if fmt in _PARSERS else [])
    parts = [
        SCHEMA,
        LOADER_VERSION,
        code_fingerprint(),
        hashlib.sha256(data).hexdigest(),
        name,
        fmt,
        title,
        date,
        libraries,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def read_document(key: str, *, source: str, cache_dir: str | Path | None = None) -> Document | None:
    """The cached Document for ``key`` with ``source`` set to this caller's path, or None."""
    path = _entry_path(key, cache_dir)
    try:
        entry = json.loads(path.read_bytes())
        if entry["schema"] != SCHEMA or entry["key"] != key:
            return None
        return document_from_json(entry["document"], source=source)
    except _BAD_ENTRY:  # missing, truncated or malformed: load afresh and rewrite
        return None


def write_document(key: str, document: Document, *, cache_dir: str | Path | None = None) -> bool:
    """Store ``document`` under ``key``; False when the cache cannot be written (load goes on)."""
    entry = {"schema": SCHEMA, "key": key, "document": document_to_json(document)}
    path = _entry_path(key, cache_dir)
    try:
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic.write_bytes(path, data)
    except (OSError, ValueError):  # read-only or full disk, unencodable text: a cache is optional
        return False
    _drop_other_code(path)
    return True


def _entry_path(key: str, cache_dir: str | Path | None) -> Path:
    return documents_dir(cache_dir) / f"{code_fingerprint()[:12]}-{key}.json"


def _drop_other_code(entry: Path) -> None:
    """Delete entries written by other loader code: their keys can never come up again."""
    current = entry.name.split("-", 1)[0] + "-"
    for other in entry.parent.glob("*-*.json"):
        if not other.name.startswith(current):
            try:
                other.unlink()
            except OSError:  # another process got there first, or a read-only file
                pass


def document_to_json(document: Document) -> dict[str, Any]:
    """Everything but ``source`` and the span texts, which are cut from ``text`` again."""
    return {
        "title": document.title,
        "date": document.date,
        "sha256": document.sha256,
        "format": document.format,
        "text": document.text,
        "sections": [[s.heading, s.level, s.start] for s in document.sections],
        "passages": [
            [p.id, p.label, p.section, p.start, p.end, [_sentence_span(s) for s in p.sentences]]
            for p in document.passages
        ],
        "cleanup": document.cleanup.to_dict(),
    }


def document_from_json(obj: dict[str, Any], *, source: str) -> Document:
    """Rebuild a Document from ``document_to_json``; ValueError/TypeError/KeyError if malformed."""
    text = _typed(obj["text"], str)
    passages = []
    for pid, label, section, start, end, spans in obj["passages"]:
        _span(start, end, len(text))
        passage_text = text[start:end]
        sentences = []
        for s_start, s_end, *rest in spans:
            _span(s_start, s_end, len(passage_text))
            (kind,) = rest or ["text"]  # ValueError on a span of more items
            if kind not in ("text", ATTRIBUTION):
                raise ValueError(f"unknown sentence kind {kind!r}")
            sentences.append(Sentence(s_start, s_end, passage_text[s_start:s_end], kind))
        passages.append(
            Passage(
                id=_typed(pid, str),
                label=_optional(label),
                section=_optional(section),
                start=start,
                end=end,
                text=passage_text,
                sentences=tuple(sentences),
            )
        )
    sections = [
        Section(heading=_typed(heading, str), level=_typed(level, int), start=_typed(at, int))
        for heading, level, at in obj["sections"]
    ]
    return Document(
        title=_typed(obj["title"], str),
        date=_optional(obj["date"]),
        source=source,
        sha256=_typed(obj["sha256"], str),
        text=text,
        format=_typed(obj["format"], str),
        passages=passages,
        sections=sections,
        cleanup=_cleanup(obj["cleanup"]),
    )


def _sentence_span(sentence: Sentence) -> list:
    if sentence.kind == "text":
        return [sentence.start, sentence.end]
    return [sentence.start, sentence.end, sentence.kind]


def _cleanup(obj: dict[str, Any]) -> CleanupReport:
    report = CleanupReport(**obj)  # TypeError on unknown or missing-required fields
    blank = CleanupReport()
    for field in fields(CleanupReport):
        _typed(getattr(report, field.name), type(getattr(blank, field.name)))
    return report


def _typed(value: Any, kind: type) -> Any:
    # bool is an int to isinstance; a cached count is never a bool
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _typed(value, str)


def _span(start: Any, end: Any, limit: int) -> None:
    if not (0 <= _typed(start, int) <= _typed(end, int) <= limit):
        raise ValueError(f"span {start}:{end} outside 0:{limit}")
