"""The passage-by-passage walk files every passage under a heading that is its own section.

The walk follows the new version; a removed passage stands where it stood in the old version
(as in a redline), so it can fall inside a new section that is not its own. An audit of the
NSS 2006→2015 report found removed 2006 passages under 2015 headings. Here each passage's
heading in force is read back from the rendered Markdown and HTML and checked against the
contract: a new passage under its section (or ``<section> (continued)``), a removed passage
under ``Removed from <old version> · <its old section>`` or a heading with its section's name.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from report_fixtures import flat_text, make_contract, nss_contract, parse

from concept_diff.report.html import to_html
from concept_diff.report.markdown import to_markdown
from concept_diff.report.passages import anchored, ordered, readings
from concept_diff.report.refs import Refs

NO_SECTION = "(no section)"
ANCHOR = re.compile(r'<a id="((?:old|new)-[^"]+)">')
HTML_EVENT = re.compile(r'<h3>(.*?)</h3>|<a id="((?:old|new)-[^"]+)">', re.DOTALL)


def walk_markdown(markdown: str) -> list[tuple[str, str]]:
    """("heading", text) and ("anchor", id) in reading order, from the passage walk."""
    tokens = parse(markdown.split("## Passage by passage")[1].split("\n## ")[0])
    events = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h3":
            events.append(("heading", flat_text(tokens[i + 1])))
        elif token.type == "inline":
            events += [("anchor", m.group(1)) for c in token.children or []
                       if c.type == "html_inline" for m in [ANCHOR.fullmatch(c.content)] if m]
    return events


def walk_html(page: str) -> list[tuple[str, str]]:
    body = page.split(">Passage by passage</h2>")[1].split("<h2>")[0]
    return [("heading", html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(1)))) if m.group(1)
            is not None else ("anchor", m.group(2)) for m in HTML_EVENT.finditer(body)]


def misfiled(contract: dict, events: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """(anchor, heading in force) for each entry's first new passage, and each removed old
    passage, whose heading is not its own section (the further pieces of a split can cross
    into the next section: the entry stands under its first piece's)."""
    sections = {f"{side}-{p['id']}": p.get("section") or NO_SECTION
                for side in ("old", "new") for p in contract[side]["passages"]}
    removed = {f"old-{p}" for e in contract["alignment"] if not e.get("new") for p in e["old"]}
    first_new = {f"new-{e['new'][0]}" for e in contract["alignment"] if e.get("new")}
    old_version = str(contract["old"].get("date") or contract["old"].get("title") or "old")
    bad, heading = [], None
    for kind, value in events:
        if kind == "heading":
            heading = value
            continue
        section = sections[value]
        if value in first_new:
            ok = heading in (section, f"{section} (continued)")
        elif value in removed:
            ok = heading in (section, f"Removed from {old_version} · {section}")
        else:
            continue  # a linked old passage, or a later piece: it sits in its entry
        if not ok:
            bad.append((value, heading))
    return bad


def _headings(events: list[tuple[str, str]]) -> list[str]:
    return [value for kind, value in events if kind == "heading"]


def test_fixture_removed_passage_gets_its_old_section_heading() -> None:
    contract = make_contract()  # removed old p7 ("Partnerships") follows old p6's entry
    events = walk_markdown(to_markdown(contract))
    assert misfiled(contract, events) == []
    assert _headings(events) == ["Overview", "A new <i>era</i> | of competition", "Threats",
                                 "Energy", "Removed from 2010 · Partnerships", "Partnerships"]
    assert events.index(("anchor", "old-p7")) == events.index(
        ("heading", "Removed from 2010 · Partnerships")) + 1


def test_fixture_new_section_resumes_as_continued_after_a_removed_run() -> None:
    contract = make_contract()  # old p6 and p7 of no section: p7 stays after p6's entry
    for passage in contract["old"]["passages"][5:7]:
        passage["section"] = None
    next(p for p in contract["new"]["passages"] if p["id"] == "p7")["section"] = "Energy"
    events = walk_markdown(to_markdown(contract))
    assert misfiled(contract, events) == []
    assert _headings(events)[-3:] == ["Energy", "Removed from 2010 · (no section)",
                                      "Energy (continued)"]


def test_fixture_removed_passage_in_the_section_in_force_gets_no_extra_heading() -> None:
    contract = make_contract()  # old p6 and p7 in Energy: p7 stays after p6's entry
    for passage in contract["old"]["passages"][5:7]:
        passage["section"] = "Energy"
    events = walk_markdown(to_markdown(contract))
    assert misfiled(contract, events) == []
    assert _headings(events)[-2:] == ["Energy", "Partnerships"]


def test_markdown_and_html_walks_agree_on_the_fixture() -> None:
    contract = make_contract()
    assert walk_html(to_html(contract)) == walk_markdown(to_markdown(contract, html=True))


@pytest.mark.corpus
@pytest.mark.parametrize("years", [("2006", "2015"), ("2002", "2006")])
def test_nss_removed_passages_sit_under_their_own_sections(nss_files, years) -> None:
    """The audited reports: no removed passage (nor a new one) under a heading not its own,
    in Markdown and in HTML; a removed run inside a new section gets its old section's
    heading (2006→2015: 2006 p178 onwards follows 2015 p20, moved from 2006 p177)."""
    contract = nss_contract(*(nss_files[y] for y in years))
    events = walk_markdown(to_markdown(contract))
    assert misfiled(contract, events) == []
    assert misfiled(contract, walk_html(to_html(contract))) == []
    removed = [p for e in contract["alignment"] if not e.get("new") for p in e["old"]]
    assert removed  # both pairs remove passages
    headed = [v for v in _headings(events) if v.startswith(f"Removed from {years[0]} · ")]
    assert headed
    new_anchors = [v for k, v in events if k == "anchor" and v.startswith("new-")]
    assert new_anchors == [f"new-{p['id']}" for p in contract["new"]["passages"]]


def _one(paths: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], ...]]:
    """Each passage's section read one way."""
    return [(path,) for path in paths]


def test_a_removed_run_goes_beside_the_link_of_its_own_section() -> None:
    """Old positions 1-3 unlinked between 0 (section A, new position 10) and 4 (B, new 20):
    the A passage stays after 0's entry, the B passages go before 4's, though 0 precedes them."""
    paths = _one([("A",), ("A",), ("B",), ("B",), ("B",)])
    assert anchored({0: 10, 4: 20}, paths, 30) == {1: (10, 1), 2: (20, -1), 3: (20, -1)}


def test_a_removed_run_of_neither_section_stays_whole_and_goes_to_the_nearer_kin() -> None:
    """A run of section X › b between X › a (one heading shared) and Y (none): with X › a,
    whole; a run sharing no heading with either goes whole to the nearer in old order."""
    paths = _one([("X", "a"), ("X", "b"), ("X", "b"), ("Y",)])
    assert anchored({0: 5, 3: 6}, paths, 9) == {1: (5, 1), 2: (5, 1)}
    paths = _one([("A",), ("C",), ("C",), ("D",), ("B",)])
    assert anchored({0: 5, 4: 6}, paths, 9) == {1: (5, 1), 2: (5, 1), 3: (6, -1)}


def test_stretches_before_the_first_and_after_the_last_link_open_and_close_the_walk() -> None:
    paths = _one([(), ("A",), ("B",), ("B",), ("C",), ("D",)])
    # 0-1 open the walk, 2 goes before the link of its section (B), 4-5 close the walk
    assert anchored({3: 7}, paths, 9) == {0: (-1, 1), 1: (-1, 1), 2: (7, -1), 4: (9, -1),
                                          5: (9, -1)}


@pytest.mark.corpus
@pytest.mark.parametrize("years", [("2006", "2015"), ("2002", "2006")])
def test_nss_removed_passages_stand_beside_the_link_of_their_own_section(nss_files,
                                                                         years) -> None:
    """A removed passage whose section is that of exactly one of the two linked passages
    around it in the old version (the nearest before, the nearest after) stands beside that
    one's entry (where none of the three sections is unsure of its chapter). The audit: 2002 p107-p117 (chapter v, rogue states) stood after the entry of
    the last link before them (2002 p95, Africa, with the neural model; p99 with the lexical
    one), inside 2006 VIII, though a chapter-v link follows them (p115 or p118)."""
    contract = nss_contract(*(nss_files[y] for y in years))
    links = {p: e for e in contract["alignment"] if e.get("new") for p in e.get("old", [])}
    passages = contract["old"]["passages"]
    order = {p["id"]: i for i, p in enumerate(passages)}
    walk = ordered(Refs(contract))
    checked = 0
    for k, entry in enumerate(walk):
        if entry.get("new"):
            continue
        position = order[entry["old"][0]]
        before = max((p for p in links if order[p] < position), key=order.get, default=None)
        after = min((p for p in links if order[p] > position), key=order.get, default=None)
        labels = [passages[order[p]].get("section") for p in (before, after) if p]
        if any(len(readings(label)) > 1 for label in [*labels, passages[position].get("section")]):
            continue  # a section that may be either of two chapters: its own test
        own = [p for p in (before, after)
               if p and passages[order[p]].get("section") == passages[position].get("section")]
        if len(own) != 1:
            continue
        neighbour = (next(e for e in reversed(walk[:k]) if e.get("new")) if own[0] == before
                     else next(e for e in walk[k + 1:] if e.get("new")))
        assert neighbour is links[own[0]], (entry["old"], own[0])
        checked += 1
    assert checked >= 10


def test_a_passage_whose_chapter_is_unsure_goes_beside_a_link_of_either_chapter() -> None:
    """A label naming two chapters (the boundary between them unknown) reads as either: the
    unsure passage at 2 goes with the chapter-B link after it, not the chapter-A one before."""
    unsure = "A or B › b (chapter boundary uncertain)"
    assert readings(unsure) == (("A",), ("B", "b"))
    assert readings("A › a") == (("A", "a"),) and readings(None) == ((),)
    paths = [readings(label) for label in ("A", "C", unsure, "B › b")]
    assert anchored({0: 4, 3: 9}, paths, 12) == {1: (4, 1), 2: (9, -1)}
