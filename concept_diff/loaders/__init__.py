"""Load a document (.txt .md .html .pdf .docx) into the document model.

The format is sniffed from the bytes (then the extension); text is decoded from UTF-8,
UTF-8/16 with or without BOM, or cp1252/latin-1. Every format ends in the same place:
paragraph units -> ``segment.segment_units`` -> ``build.build_document``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..build import build_document
from ..errors import InputError
from ..model import CleanupReport, Document
from ..segment import (
    Unit,
    date_from_path,
    date_from_text,
    mark_cover,
    segment_units,
    title_case,
    title_from_blocks,
    title_from_path,
)
from .clean import fix_ligatures, normalise_whitespace, vocabulary
from .letter import drop_signatures, split_letterhead
from .outline import label_sections, settle_levels
from .sniff import EXTENSIONS, SUPPORTED, decode_text, sniff_format

__all__ = ["EXTENSIONS", "SUPPORTED", "load_document", "load_text"]


def load_document(
    path: str | Path,
    *,
    title: str | None = None,
    date: str | None = None,
    use_cache: bool = True,
    cache_dir: str | Path | None = None,
) -> Document:
    """Read, sniff, decode, clean and segment one file; InputError names the file and problem.

    A file loaded before (same bytes, name, arguments and loader code) comes from the document
    cache under ``cache_dir`` (default: $CONCEPT_DIFF_CACHE or the user cache folder);
    ``use_cache=False`` always loads afresh and leaves the cache alone.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or directory", path)
    if path.is_dir():
        raise InputError("is a folder, not a document (inspect takes folders too)", path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read ({error.strerror or error})", path) from None
    if not data.strip():
        raise InputError("empty file", path)
    fmt = sniff_format(path, data)
    if not use_cache:
        return _load(data, path, fmt=fmt, title=title, date=date)
    from . import cache

    key = cache.document_key(data, name=path.name, fmt=fmt, title=title, date=date)
    document = cache.read_document(key, source=str(path), cache_dir=cache_dir)
    if document is None:
        document = _load(data, path, fmt=fmt, title=title, date=date)
        cache.write_document(key, document, cache_dir=cache_dir)
    return document


def _load(data: bytes, path: Path, *, fmt: str, title: str | None, date: str | None) -> Document:
    units, report, raw = _units(fmt, data, path)
    return _assemble(units, report, raw, source=str(path), data=data, fmt=fmt, title=title, date=date)


def load_text(
    text: str,
    *,
    source: str = "<memory>",
    title: str | None = None,
    date: str | None = None,
    fmt: str = "txt",
) -> Document:
    """A Document from text in memory (``fmt`` "txt", "md" or "html")."""
    data = text.encode("utf-8")
    if not text.strip():
        raise InputError("empty text", source)
    if fmt in ("pdf", "docx"):
        raise InputError(f"load_text takes text; load a .{fmt} file with load_document", source)
    units, report, raw = _units(fmt, data, source)
    return _assemble(units, report, raw, source=source, data=data, fmt=fmt, title=title, date=date)


def _units(fmt: str, data: bytes, path: str | Path) -> tuple[list[Unit], CleanupReport, str]:
    if fmt == "pdf":
        from .pdf import text_from_pdf
        from .text import units_from_text

        raw = text_from_pdf(data, path)
        units, report = units_from_text(raw)
        return units, report, raw
    if fmt == "docx":
        from .docx import units_from_docx

        units = units_from_docx(data, path)
        return _tidy(units, "\n\n".join(u.text for u in units))
    raw = decode_text(data, path)
    if not raw.strip():
        raise InputError("no text in file", path)
    if fmt == "html":
        from .html import units_from_html

        return _tidy(units_from_html(raw), raw)
    from .text import units_from_text

    units, report = units_from_text(raw)
    return units, report, raw


def _tidy(units: list[Unit], raw: str) -> tuple[list[Unit], CleanupReport, str]:
    """Structured formats need only character repair: ligatures and odd whitespace."""
    report = CleanupReport()
    tidied = []
    for unit in units:
        text, count = fix_ligatures(" ".join(normalise_whitespace(unit.text).split()))
        report.ligatures += count
        tidied.append(Unit(text, unit.kind, unit.level))
    return tidied, report, raw


def _assemble(
    units: list[Unit],
    report: CleanupReport,
    raw: str,
    *,
    source: str,
    data: bytes,
    fmt: str,
    title: str | None,
    date: str | None,
) -> Document:
    blocks = segment_units(units)
    if not any(block.kind == "passage" for block in blocks):
        raise InputError("no readable text (nothing left after clean-up)", source)
    clean = "\n".join(block.text for block in blocks)
    trust = fmt in ("html", "docx")
    if not title:
        prose = "\n".join(block.text for block in blocks if block.kind == "passage")
        found = title_from_blocks(blocks, vocabulary(clean), trust_headings=trust)
        title = title_case(found, prose) if found else title_from_path(source)
    blocks = mark_cover(blocks, trust_headings=trust)
    if not trust:
        blocks = settle_levels(drop_signatures(split_letterhead(blocks)), report.toc_lines)
    report.cover = [block.text for block in blocks if block.kind == "cover"]
    date = date or date_from_path(source) or date_from_text(raw)
    document = build_document(
        blocks,
        title=title,
        date=date,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        fmt=fmt,
        cleanup=report,
    )
    return label_sections(document)
