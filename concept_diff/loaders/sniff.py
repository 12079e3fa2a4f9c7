"""What a file is (by its bytes first, its extension second) and how its text is encoded."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
SUPPORTED = ".txt .md .html .pdf .docx"
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<p[\s>]|<h[1-6][\s>]", re.IGNORECASE)
_TEXT_CONTROLS = set(b"\t\n\r\f\v")


def sniff_format(path: str | Path, data: bytes) -> str:
    """"txt", "md", "html", "pdf" or "docx"; InputError for anything else."""
    suffix = Path(str(path)).suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        if b"word/document.xml" in data or b"word/" in data[:4096]:
            return "docx"
        raise InputError(f"unsupported format: a zip archive, not a .docx (expected {SUPPORTED})", path)
    if suffix in (".pdf", ".docx"):
        raise InputError(f"not a valid {suffix} file (its content does not match the extension)", path)
    if looks_binary(data):
        raise InputError(f"binary file, not a document (expected {SUPPORTED})", path)
    head = data[:4096].replace(b"\x00", b"")
    if _HTML.search(head) and suffix not in (".md", ".markdown"):
        return "html"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix == "":
        return "txt"
    raise InputError(f"unsupported format '{suffix}' (expected {SUPPORTED})", path)


def _utf16_order(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_order(data):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls > 0.05 * max(1, len(sample))


def decode_text(data: bytes, path: str | Path = "<memory>") -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or not), else cp1252, else latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path)
    order = _utf16_order(data)
    if order:
        return _strict(data, order, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # latin-1 decodes any byte; C1 controls in the result mean it was not latin-1 text at all
    c1 = sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    if c1 > max(2, 0.01 * len(text)):
        raise InputError("cannot decode: not UTF-8, UTF-16, cp1252 or latin-1 text", path)
    return text


def _strict(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"cannot decode as {encoding}: invalid byte at offset {error.start}", path) from None
