"""PDF with a text layer (pypdf). Pages are joined with a form feed so clean-up sees them."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ..errors import InputError


def text_from_pdf(data: bytes, path: str | Path) -> str:
    """The text of every page, pages separated by "\\f"; InputError for scans and broken files."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's problem
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("encrypted PDF (needs a password)", path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise InputError(f"unreadable PDF ({error})", path) from None
    if not pages:
        raise InputError("PDF has no pages", path)
    if not any(page.strip() for page in pages):
        raise InputError("no text layer (scanned PDF?)", path)
    return "\f".join(pages)
