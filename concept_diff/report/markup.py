"""Escaping document text for Markdown, and the anchors and links that tie a report together.

Document text is data, never markup: every character that could open Markdown syntax or raw
HTML is backslash-escaped, and whitespace is collapsed so a passage can never start a new block
(a heading, a list, a table row) in the middle of our layout. The only raw HTML in a report is
what this package writes itself: passage anchors and, in the HTML flavour, ``<del>``/``<ins>``.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that open inline syntax anywhere (emphasis, code, links, raw HTML, tables, strike).
_INLINE = re.compile(r"([\\`*_\[\]<>#|~])")
# An ampersand that would start an entity reference (&amp; &#60;) is escaped; plain & is not.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Text at the start of a line that would start a list, a setext underline or an ordered list.
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
_SPACE = re.compile(r"\s+")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")

# Raw HTML this package writes; html.py turns anything else into text (defence in depth).
OWN_HTML = re.compile(r'<a id="(?:old|new)-[A-Za-z0-9_-]+">|</a>|</?(?:del|ins)>')


def name_key(name: object) -> str:
    """One key for the spellings of one name across reports: case, apostrophes, hyphens and
    spaces aside ("al-Qa'ida", "al-Qaida" and "Al Qaida" are one actor of a series)."""
    return re.sub(r"[\W_]+", "", str(name)).casefold()


def squash(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return _SPACE.sub(" ", text).strip()


def percent(value: object, digits: int = 0) -> str:
    """A share as a percentage ("73%", "1.3%"); "—" when it was not measured."""
    return "—" if value is None else f"{100 * float(value):.{digits}f}%"


def md_text(text: str) -> str:
    """Escape document text for inline Markdown: it renders as exactly these characters."""
    return escape_line_start(md_fragment(squash(text)))


def escape_line_start(line: str) -> str:
    """Escape what would turn the start of a line into a list item or a setext underline."""
    return _LINE_START.sub(_escape_line_start, line)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def md_fragment(text: str) -> str:
    """Escape a piece of text that sits inside a line (no block-start escaping needed)."""
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", _SPACE.sub(" ", text)))


def anchor_id(version: str, passage_id: str) -> str:
    """``new-p12``: the id of a passage's anchor; ``version`` is ``old`` or ``new``."""
    return f"{version}-{_SAFE_ID.sub('_', passage_id)}"


def anchor(version: str, passage_id: str) -> str:
    return f'<a id="{anchor_id(version, passage_id)}"></a>'


def is_punct(char: str) -> bool:
    """Punctuation or symbol in CommonMark's sense (decides whether ``~~``/``**`` can flank)."""
    return unicodedata.category(char)[0] in "PS"


def can_wrap(before: str, inner: str, after: str) -> bool:
    """Whether ``~~inner~~``/``**inner**`` parses as strike/strong between these neighbours.

    CommonMark's flanking rules: an opener followed by punctuation must follow whitespace or
    punctuation, and a closer mirrors that. Where they fail we fall back to ``<del>``/``<ins>``.
    """
    if not inner or inner[0].isspace() or inner[-1].isspace():
        return False
    if is_punct(inner[0]) and before and not (before.isspace() or is_punct(before)):
        return False
    return not (is_punct(inner[-1]) and after and not (after.isspace() or is_punct(after)))
