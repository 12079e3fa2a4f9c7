"""A hand-built report contract (the JSON shape in DESIGN.md) full of hostile text.

Until the aligner exists this is what the report tests render; afterwards it stays as the
adversarial case: raw HTML, script payloads, Markdown metacharacters and table pipes inside
passages, quotes, terms and actor names. Every quote is cut from its passage, and every passage
of each version sits in exactly one alignment entry, as the contract promises.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
from pathlib import Path

SCRIPT = "<script>document.title='pwned-script'</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
SVG = "<svg onload=\"document.title='pwned-svg'\"></svg>"
MARKDOWN_META = "*not bold* _not em_ [a link](http://evil.example) # not a heading | pipe `code`"

OLD_PASSAGES = [
    ("p1", "1", "Overview",
     "The Alliance remains committed to collective defence and to partnership with Ruritania."),
    ("p2", "2", "Overview", "Terrorism poses a direct threat to the security of our citizens."),
    ("p3", "3", "Threats", "Cyber attacks are becoming more frequent and more organised."),
    ("p4", "4", "Threats", f"We will work with the {SCRIPT} community on arms control."),
    ("p5", None, "Partnerships", f"Partnership with Ruritania is a priority: {MARKDOWN_META}."),
    ("p6", None, "Partnerships",
     "Energy security matters for all members. Pipelines and supply routes must be protected."),
    ("p7", "7", "Partnerships",
     "1. Numbered start & &amp; entity ~~tilde~~ <b>bold</b>\n\n- a list line\n# heading line"),
]

NEW_PASSAGES = [
    ("p1", "1", "Overview",
     "The Alliance remains committed to collective defence and to partnership with Ruritania."),
    ("p2", "2", "A new <i>era</i> | of competition",
     f"Ruritania's aggressive actions pose a threat to Euro-Atlantic security. {IMG}"),
    ("p3", "3", "Threats",
     "Cyber attacks are becoming more frequent, more organised and more costly."),
    ("p4", "4", "Threats", "Terrorism poses a direct threat to the security of our citizens."),
    ("p5", "5", "Energy", "Energy security matters for all members."),
    ("p6", "6", "Energy", "Pipelines and supply routes must be protected & monitored."),
    ("p7", "7", "Partnerships",
     (f"We will work with the {SCRIPT} community and with the A|B Group {SVG} as a *strategic* "
     "partner | ally.")),
]

# kind, old ids, new ids
ALIGNMENT = [
    ("unchanged", ["p1"], ["p1"]),
    ("added", [], ["p2"]),
    ("edited", ["p3"], ["p3"]),
    ("moved", ["p2"], ["p4"]),
    ("split", ["p6"], ["p5", "p6"]),
    ("merged", ["p4", "p5"], ["p7"]),
    ("removed", ["p7"], []),
]


def _passages(rows: list[tuple]) -> list[dict]:
    return [{"id": i, "label": label, "section": section, "text": text}
            for i, label, section, text in rows]


def _text(rows: list[tuple], ids: list[str]) -> str:
    by_id = {row[0]: row[3] for row in rows}
    return " ".join(by_id[i] for i in ids)


def word_ops(old: str, new: str) -> list[dict]:
    """A word-level redline built independently of the code under test (difflib on tokens)."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    ops = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append({"op": tag, "old": "".join(a[i1:i2]), "new": "".join(b[j1:j2])})
    return ops


def _entry(kind: str, old_ids: list[str], new_ids: list[str]) -> dict:
    old, new = _text(OLD_PASSAGES, old_ids), _text(NEW_PASSAGES, new_ids)
    ratio = difflib.SequenceMatcher(a=old.split(), b=new.split()).ratio() if old and new else 0.0
    return {
        "kind": kind,
        "old": old_ids,
        "new": new_ids,
        "similarity": round(0.5 + ratio / 2, 4) if old and new else None,
        "lexical": round(ratio, 4) if old and new else None,
        "redline": word_ops(old, new) if old and new else [],
    }


def _evidence(version: str, passage: str, quote: str) -> dict:
    rows = OLD_PASSAGES if version == "old" else NEW_PASSAGES
    assert quote in _text(rows, [passage]), (version, passage, quote)
    return {"version": version, "passage": passage, "quote": quote}


TERMS = [
    ("euro-atlantic security", 0, 3, 0.0, 14.2, 9.8, 0.0017, None, "new"),
    ("hybrid|warfare", 0, 2, 0.0, 9.5, 6.1, 0.013, None, "new"),
    ("arms control", 2, 0, 11.1, 0.0, 5.2, 0.022, None, "gone"),
    ("<b>bold</b> term", 1, 0, 5.5, 0.0, 1.9, 0.17, None, "gone"),
    ("ruritania", 2, 3, 11.1, 14.2, 0.4, 0.52, 0.36, "up"),
    ("terrorism", 3, 1, 16.6, 4.7, 2.8, 0.09, -1.8, "down"),
    ("security", 4, 4, 22.2, 19.0, 0.1, 0.81, -0.22, "same"),
]


def _terms() -> list[dict]:
    keys = ("term", "old_count", "new_count", "old_per_10k", "new_per_10k", "keyness",
            "p_value", "log_ratio", "status")
    return [dict(zip(keys, row)) for row in TERMS]


def _actors() -> list[dict]:
    return [
        {
            "actor": "Ruritania",
            "aliases": ["Ruritanian", "Ruritania's"],
            "old_mentions": 2,
            "new_mentions": 3,
            "old_framing": {"partner": 0.75, "threat": 0.25},
            "new_framing": {"partner": 0.2, "threat": 0.8},
            "old_dominant": "partner",
            "new_dominant": "threat",
            "shift": "partner → threat",
            "evidence": [
                _evidence("old", "p1", "partnership with Ruritania"),
                _evidence("new", "p2", "Ruritania's aggressive actions pose a threat"),
                _evidence("new", "p2", IMG),
            ],
        },
        {
            "actor": "A|B Group <script>",
            "aliases": ["A|B"],
            "old_mentions": 0,
            "new_mentions": 1,
            "old_framing": {},
            "new_framing": {"partner": 1.0},
            "old_dominant": None,
            "new_dominant": "partner",
            "shift": "new",
            "evidence": [_evidence("new", "p7", f"the A|B Group {SVG} as a *strategic* partner")],
        },
    ]


def _headlines() -> list[dict]:
    return [
        {"rank": 1, "kind": "actor", "subject": "Ruritania",
         "summary": "Ruritania moves from partner to threat (partner 75% → 20%).",
         "evidence": [_evidence("old", "p1", "partnership with Ruritania"),
                      _evidence("new", "p2", "aggressive actions pose a threat")]},
        {"rank": 2, "kind": "term", "subject": "euro-atlantic security",
         "summary": "New term: *euro-atlantic security* (0 → 14.2 per 10k words) `x` <b>.",
         "evidence": [_evidence("new", "p2", "threat to Euro-Atlantic security. " + IMG)]},
        {"rank": 3, "kind": "passage", "subject": "Removed | passage",
         "summary": "Numbered paragraph 7 dropped.",
         "evidence": [_evidence("old", "p7", "Numbered start & &amp; entity ~~tilde~~ <b>bold</b>"),
                      _evidence("old", "p4", SCRIPT)]},
    ]


_CONTRACT = {
    "schema": "concept-diff/1",
    "tool": {"name": "concept-diff", "version": "0.1.0"},
    "old": {"title": "Strategic Concept <2010> | *draft*", "date": "2010",
            "source": "/data/sc-2010.txt", "sha256": "a" * 64, "words": 120,
            "passages": _passages(OLD_PASSAGES)},
    "new": {"title": "Strategic Concept 2015 [final]", "date": "2015",
            "source": "/data/sc-2015.txt", "sha256": "b" * 64, "words": 130,
            "passages": _passages(NEW_PASSAGES)},
    "model": {"name": "lexical", "source": "built-in TF-IDF <none>",
              "identity": "lexical-tfidf-v1"},
    "parameters": {"min_similarity": 0.45, "window": 8, "moved": True, "stopwords": ["a", "the"]},
    "alignment": [_entry(*row) for row in ALIGNMENT],
    "terms": _terms(),
    "actors": _actors(),
    "headlines": _headlines(),
}


def make_contract() -> dict:
    """A fresh deep copy, so a test that mutates it cannot leak into another."""
    return copy.deepcopy(_CONTRACT)


HOSTILE_STRINGS = (SCRIPT, IMG, SVG)


# ---- checks shared by the fixture tests and the real-comparison tests ----------------------

ANCHOR = re.compile(r'<a id="([^"]+)">')


def parse(markdown: str) -> list:
    """Tokens from a markdown-it parser with raw HTML on: the most permissive reader."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return parser.parse(markdown)


def inline_children(tokens: list) -> list:
    return [child for token in tokens for child in (token.children or [])]


def anchors(tokens: list) -> list[str]:
    return [m.group(1) for c in inline_children(tokens) if c.type == "html_inline"
            for m in [ANCHOR.fullmatch(c.content)] if m]


def internal_links(tokens: list) -> list[str]:
    return [c.attrs["href"][1:] for c in inline_children(tokens)
            if c.type == "link_open" and str(c.attrs.get("href", "")).startswith("#")]


def flat_text(inline_token) -> str:
    """An inline token's text as a reader sees it, links marked ⟦#href⟧ so quotes can be tied
    to the passage they cite."""
    out = []
    for child in inline_token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "link_open":
            out.append(f"⟦{child.attrs['href']}⟧")
    return "".join(out)


QUOTE = re.compile(r"“(.*?)” — ⟦#(old|new)-([^⟧]+)⟧")


def cited_quotes(tokens: list) -> list[tuple[str, str, str]]:
    """(quote, version, passage id) for every quote the report prints with its citation."""
    found = []
    for token in tokens:
        if token.type == "inline":
            found += [m.groups() for m in QUOTE.finditer(flat_text(token))]
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=4)
def nss_contract(old: Path, new: Path) -> dict:
    """A real comparison (lexical model: no torch), computed once per test session."""
    from concept_diff.comparison import compare

    return compare(old, new, model="lexical").to_dict()


def evidence_items(contract: dict) -> list[dict]:
    """The evidence a Markdown report quotes: the headlines it shows, and every actor's."""
    from concept_diff.report.markdown import MAX_HEADLINES

    headlines = sorted(contract.get("headlines", []), key=lambda h: h["rank"])[:MAX_HEADLINES]
    return [e for item in headlines + contract.get("actors", []) for e in item.get("evidence", [])]
