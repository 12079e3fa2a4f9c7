"""A redline op list (``equal``/``insert``/``delete``/``replace``) as one line of Markdown.

Markdown flavour: ``~~removed~~ **added**``, falling back to ``<del>``/``<ins>`` where the
CommonMark flanking rules would leave the markers as literal text. HTML flavour: always
``<del>``/``<ins>``, which markdown-it passes through (they are on html.py's allow-list).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .markup import can_wrap, escape_line_start, md_fragment, squash

Piece = tuple[str, str]  # ("equal" | "delete" | "insert", raw text)


def pieces(ops: Iterable[Mapping[str, str]]) -> list[Piece]:
    """Flatten ops into equal/delete/insert pieces with whitespace moved outside the changes."""
    out: list[Piece] = []
    for op in ops:
        kind, old, new = op.get("op"), op.get("old") or "", op.get("new") or ""
        if kind == "equal":
            _add(out, "equal", new or old)
        if kind in ("delete", "replace"):
            _add_change(out, "delete", old)
        if kind in ("insert", "replace"):
            _add_change(out, "insert", new)
    return out


def _add_change(out: list[Piece], kind: str, text: str) -> None:
    core = text.strip()
    if not core:
        _add(out, "equal", text)
        return
    if text[:1].isspace():
        _add(out, "equal", " ")
    out.append((kind, core))
    if text[-1:].isspace():
        _add(out, "equal", " ")


def _add(out: list[Piece], kind: str, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == kind == "equal":
        out[-1] = ("equal", out[-1][1] + text)
    else:
        out.append((kind, text))


_TAGS = {"delete": ("<del>", "</del>"), "insert": ("<ins>", "</ins>")}
_MARKS = {"delete": "~~", "insert": "**"}


def render(ops: Iterable[Mapping[str, str]], *, html: bool = False) -> str:
    """The whole redline as one escaped Markdown line (``html=True``: tags, not markers)."""
    parts = pieces(ops)
    rendered = [md_fragment(squash(text)) if kind != "equal" else md_fragment(text)
                for kind, text in parts]
    out: list[str] = []
    for i, (kind, _) in enumerate(parts):
        text = rendered[i]
        if kind == "equal":
            out.append(text)
            continue
        if i and parts[i - 1][0] != "equal":
            out.append(" ")  # between a deletion and the insertion that replaces it
        before = "".join(out)[-1:]
        after = _first_char(parts, rendered, i + 1)
        out.append(_wrap(kind, text, before, after, html))
    return escape_line_start(squash("".join(out)))


def _first_char(parts: list[Piece], rendered: list[str], index: int) -> str:
    if index >= len(parts):
        return ""
    if parts[index][0] != "equal":
        return " "  # a space is inserted between two adjacent changes
    return rendered[index][:1]


def _wrap(kind: str, text: str, before: str, after: str, html: bool) -> str:
    if not html and can_wrap(before, text, after):
        return f"{_MARKS[kind]}{text}{_MARKS[kind]}"
    opening, closing = _TAGS[kind]
    return f"{opening}{text}{closing}"
