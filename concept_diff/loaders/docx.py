"""Word .docx (python-docx): heading and title styles become headings, the rest paragraphs."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import InputError
from ..segment import Unit

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def units_from_docx(data: bytes, path: str | Path) -> list[Unit]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError(f"unreadable .docx ({error})", path) from None
    units = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        match = _HEADING_STYLE.match(style)
        if match:
            units.append(Unit(text, kind="heading", level=int(match.group(1))))
        elif style.lower() == "title":
            units.append(Unit(text, kind="heading", level=1))
        else:
            units.append(Unit(text))
    return units
