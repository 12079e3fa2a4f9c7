"""Plain text and Markdown: the clean-up pipeline turns raw lines into paragraph units."""

from __future__ import annotations

from ..model import CleanupReport
from ..segment import Unit
from .clean import clean_text


def units_from_text(text: str) -> tuple[list[Unit], CleanupReport]:
    paragraphs, report = clean_text(text)
    return [Unit(p) for p in paragraphs], report
