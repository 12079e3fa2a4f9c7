"""The pair report as one self-contained HTML page, rendered from the report's Markdown.

markdown-it-py runs with raw HTML enabled only so our own anchors and ``<del>``/``<ins>`` pass;
document text reaches it already escaped (markup.md_text). As a second wall, every raw-HTML
token that is not on markup.OWN_HTML's allow-list is turned back into plain text before
rendering, and the page forbids scripts outright with a Content-Security-Policy.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markdown import to_markdown
from .markup import OWN_HTML

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def to_html(contract: Mapping[str, Any], *, charts: Mapping[str, bytes] | None = None) -> str:
    """The page; ``charts`` maps ``terms``/``actors`` to PNG bytes, embedded as data: URIs."""
    return fill_charts(page_with_slots(contract, list(charts or {})), charts or {})


def page_with_slots(contract: Mapping[str, Any], names: list[str]) -> str:
    """The page with a slot where each named chart goes (``fill_charts`` fills them): the page
    can be rendered while the charts are drawn, and markdown-it never scans a long data: URI
    (it was most of the page's time)."""
    sources = {name: chart_slot(name) for name in names}
    body = markdown_to_html(to_markdown(contract, charts=sources, html=True))
    return page(_title(contract), body)


def fill_charts(html_page: str, charts: Mapping[str, bytes]) -> str:
    """Each chart's PNG as a data: URI in its slot. The URI is what markdown-it would have
    written itself: base64 has no character its link normaliser or HTML escaping changes."""
    for name, png in charts.items():
        html_page = html_page.replace(f'src="{chart_slot(name)}"', f'src="{data_uri(png)}"', 1)
    return html_page


def chart_slot(name: str) -> str:
    return f"concept-diff-chart:{name}"  # document text is escaped: it cannot write src="…"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def markdown_to_html(markdown: str) -> str:
    """Render Markdown, letting through only the raw HTML tags this package writes."""
    parser = _parser()
    env: dict = {}
    tokens = parser.parse(markdown, env)
    for token in tokens:
        _neutralise(token)
        for child in token.children or []:
            _neutralise(child)
    return parser.renderer.render(tokens, parser.options, env)


def _neutralise(token: Token) -> None:
    if token.type == "html_inline" and not OWN_HTML.fullmatch(token.content):
        token.type = "text"
    elif token.type == "html_block":
        token.type = "code_block"  # shown escaped, never interpreted


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{stylesheet()}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")


def _title(contract: Mapping[str, Any]) -> str:
    names = []
    for side in ("old", "new"):
        doc = contract.get(side, {})
        names.append(" ".join(str(doc.get(k)) for k in ("title", "date") if doc.get(k)) or side)
    return f"concept-diff: {names[0]} → {names[1]}"
