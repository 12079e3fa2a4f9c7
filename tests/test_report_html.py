"""The HTML pair report: self-contained, escaped, and inert in a real browser."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import HOSTILE_STRINGS, make_contract, nss_contract
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from concept_diff.report import write_reports
from concept_diff.report.html import CSP, markdown_to_html, to_html

PNG = b"\x89PNG\r\n\x1a\nfake"
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p",
                "ol", "ul", "li", "strong", "a", "table", "thead", "tbody", "tr", "th", "td",
                "del", "ins", "code", "img", "-text"}


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(make_contract(), charts={"terms": PNG, "actors": PNG})


def test_only_expected_elements_and_no_event_handlers(page: str) -> None:
    tree = HTMLParser(page)
    tags = {node.tag for node in tree.root.traverse()}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for node in tree.root.traverse():
        assert not [name for name in node.attributes if name.lower().startswith("on")], node.html
    assert "<script" not in page.lower()
    assert "<svg" not in page.lower()


def test_hostile_text_is_shown_as_text(page: str) -> None:
    text = HTMLParser(page).body.text()
    for hostile in HOSTILE_STRINGS:
        assert hostile in text


def test_self_contained_with_inline_style_and_embedded_charts(page: str) -> None:
    tree = HTMLParser(page)
    assert tree.css("link") == []
    assert "del" in tree.css_first("style").text()
    sources = [img.attributes["src"] for img in tree.css("img")]
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]
    assert csp == CSP and "script-src" not in csp and "default-src 'none'" in csp


def test_redlines_use_del_and_ins(page: str) -> None:
    tree = HTMLParser(page)
    assert "frequent" in [n.text() for n in tree.css("del")]
    assert "costly." in [n.text() for n in tree.css("ins")]
    assert tree.css("s") == []


def test_every_link_target_exists(page: str) -> None:
    tree = HTMLParser(page)
    ids = {n.attributes["id"] for n in tree.css("[id]")}
    hrefs = [a.attributes["href"] for a in tree.css("a[href]")]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)


def test_raw_html_that_slips_past_escaping_is_neutralised() -> None:
    html = markdown_to_html('x <script>alert(1)</script> <a id="new-p1"></a> <a href="#x" '
                            'onclick="y">z</a>\n\n<div onmouseover="x">block</div>\n')
    assert "<script" not in html and "<div" not in html and "onclick=\"" not in html
    assert '<a id="new-p1"></a>' in html


def test_write_reports_html_is_byte_identical(tmp_path: Path) -> None:
    first = write_reports(make_contract(), tmp_path / "a" / "r.html")
    second = write_reports(make_contract(), tmp_path / "b" / "r.html")
    assert [p.name for p in first] == ["r.html"]
    assert first[0].read_bytes() == second[0].read_bytes()
    assert len(HTMLParser(first[0].read_text()).css("img")) == 2


# ---- a real browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get update && apt-get install -y chromium)",
)
CONTROL = ("<!DOCTYPE html><html><head><title>clean</title></head><body><p>x</p>"
           + "".join(HOSTILE_STRINGS) + "</body></html>")


def dump_dom(path: Path, profile: Path) -> str:
    """The DOM after Chromium has loaded the page and run whatever it would run."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
         path.as_uri()],
        capture_output=True, text=True, timeout=90, check=True,
    )
    return result.stdout


def pwned(dom: str) -> list[str]:
    tree = HTMLParser(dom)
    title = tree.css_first("title")
    signs = []
    if title is not None and "pwned" in title.text():
        signs.append("title")
    if tree.body is not None and "data-pwned" in tree.body.attributes:
        signs.append("body attribute")
    return signs


@needs_chromium
def test_chromium_runs_no_injected_script(tmp_path: Path, page: str) -> None:
    control = tmp_path / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    # The control proves the check can fail: the same payloads, unescaped, do execute.
    assert pwned(dump_dom(control, tmp_path / "profile")), "payloads should run unescaped"
    # Without the CSP, escaping alone must hold; with it, the page as shipped.
    bare = tmp_path / "bare.html"
    bare.write_text(page.replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
                                 ""), encoding="utf-8")
    shipped = tmp_path / "report.html"
    shipped.write_text(page, encoding="utf-8")
    for path in (bare, shipped):
        dom = dump_dom(path, tmp_path / "profile")
        assert "Headline shifts" in dom  # the page really rendered
        assert pwned(dom) == []
        tree = HTMLParser(dom)
        assert tree.css("script, svg, iframe") == []
        assert all(not name.lower().startswith("on") for node in tree.root.traverse()
                   for name in node.attributes)


@pytest.fixture(scope="module")
def nss(nss_files) -> dict:
    return nss_contract(nss_files["2010"], nss_files["2015"])


def _inject(contract: dict) -> dict:
    """A copy of a real contract with payloads planted in passages, redlines and quotes."""
    hostile = copy.deepcopy(contract)
    payload = " " + " ".join(HOSTILE_STRINGS)
    for side in ("old", "new"):
        for passage in hostile[side]["passages"][::7]:
            passage["text"] += payload
    for entry in hostile["alignment"][::5]:
        entry["redline"] = list(entry.get("redline", [])) + [
            {"op": "insert", "old": "", "new": payload},
            {"op": "delete", "old": payload, "new": ""}]
    for item in hostile.get("actors", [])[:3] + hostile.get("headlines", [])[:3]:
        for evidence in item.get("evidence", []):
            evidence["quote"] += payload
    return hostile


@needs_chromium
def test_nss_report_opens_in_chromium_and_planted_payloads_stay_inert(nss, tmp_path) -> None:
    page = to_html(_inject(nss))
    bare = tmp_path / "nss.html"
    bare.write_text(page.replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
                                 ""), encoding="utf-8")
    dom = dump_dom(bare, tmp_path / "profile")
    tree = HTMLParser(dom)
    assert len(tree.css("a[id]")) == len(nss["old"]["passages"]) + len(nss["new"]["passages"])
    assert pwned(dom) == []
    assert tree.css("script, svg, iframe") == []
