"""HTML: headings and paragraphs/list items in reading order; navigation and chrome dropped."""

from __future__ import annotations

import re

from ..segment import Unit

_DROP = "nav, script, style, header, footer, aside, noscript, form, template, svg, button"
_KEEP = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dd", "dt")
_SPACE = re.compile(r"\s+")


def units_from_html(html: str) -> list[Unit]:
    """Paragraph units from an HTML page; the page's text when it has no paragraph markup."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return []
    units: list[Unit] = []
    for node in root.css(", ".join(_KEEP)):
        if _inside_kept(node):
            continue  # a <p> inside an <li> is read with its <li>
        text = _SPACE.sub(" ", node.text(deep=True, separator=" ")).strip()
        if not text:
            continue
        if node.tag in _KEEP[:6]:
            units.append(Unit(text, kind="heading", level=int(node.tag[1])))
        else:
            units.append(Unit(_numbered(node, text), kind="passage"))
    if not units:
        text = root.text(deep=True, separator="\n")
        units = [Unit(p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return units


def _inside_kept(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _KEEP:
            return True
        parent = parent.parent
    return False


def _numbered(node, text: str) -> str:
    """An item of an ordered list carries its number as text, so the segmenter labels it:
    official pages often mark numbered paragraphs up as <ol start="12"><li>."""
    parent = node.parent
    if node.tag != "li" or parent is None or parent.tag != "ol" or _LEADING_NUMBER.match(text):
        return text
    try:
        start = int((parent.attributes.get("start") or "1").strip())
    except ValueError:
        start = 1
    siblings = [child for child in parent.iter() if child.tag == "li"]
    index = next((i for i, child in enumerate(siblings) if child.mem_id == node.mem_id), 0)
    return f"{start + index}. {text}"


_LEADING_NUMBER = re.compile(r"\d+[.)]\s")
