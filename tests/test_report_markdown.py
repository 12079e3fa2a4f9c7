"""The Markdown pair report, rendered from a hand-built hostile contract."""

from __future__ import annotations

import copy

import pytest
from report_fixtures import (
    HOSTILE_STRINGS,
    anchors,
    cited_quotes,
    evidence_items,
    flat_text,
    inline_children,
    internal_links,
    make_contract,
    nss_contract,
    parse,
    squash,
)

from concept_diff.report import write_reports
from concept_diff.report.markdown import to_markdown
from concept_diff.report.markup import OWN_HTML, md_text
from concept_diff.report.redlines import render as render_redline


@pytest.fixture(scope="module")
def contract() -> dict:
    return make_contract()


@pytest.fixture(scope="module")
def markdown(contract: dict) -> str:
    return to_markdown(contract, charts={"terms": "r-terms.png", "actors": "r-actors.png"})


@pytest.fixture(scope="module")
def tokens(markdown: str) -> list:
    return parse(markdown)


def _headings(tokens: list, level: str) -> list[str]:
    return [flat_text(tokens[i + 1]) for i, t in enumerate(tokens)
            if t.type == "heading_open" and t.tag == level]


def test_sections_come_in_the_documented_order(tokens: list) -> None:
    assert _headings(tokens, "h2") == ["Headline shifts", "Actors", "Terms", "Passage by passage",
                                       "Method and provenance"]
    assert len(_headings(tokens, "h1")) == 1


def test_summary_names_versions_words_and_counts_per_kind(tokens: list) -> None:
    summary = flat_text(tokens[tokens.index(next(t for t in tokens if t.type == "paragraph_open"))
                               + 1])
    assert "(2010, 120 words, 7 passages)" in summary
    assert "(2015, 130 words, 7 passages)" in summary
    for kind in ("unchanged", "edited", "moved", "split", "merged", "added", "removed"):
        assert f"1 {kind}" in summary


def test_every_passage_has_exactly_one_anchor_and_every_link_resolves(contract, tokens) -> None:
    found = anchors(tokens)
    expected = [f"{side}-{p['id']}" for side in ("old", "new") for p in contract[side]["passages"]]
    assert sorted(found) == sorted(expected)
    links = internal_links(tokens)
    assert len(links) >= 10
    assert set(links) <= set(found)


def test_every_quote_is_verbatim_from_the_passage_it_cites(contract, tokens) -> None:
    quotes = cited_quotes(tokens)
    evidence = [e for item in contract["headlines"] + contract["actors"] for e in item["evidence"]]
    assert len(quotes) == len(evidence)
    texts = {(side, p["id"]): squash(p["text"]) for side in ("old", "new")
             for p in contract[side]["passages"]}
    for quote, side, passage in quotes:
        assert quote in texts[(side, passage)], (quote, side, passage)


def test_raw_html_is_only_our_own_tags(tokens: list) -> None:
    raw = [c.content for c in tokens if c.type == "html_block"]
    raw += [c.content for c in (x for t in tokens for x in (t.children or []))
            if c.type == "html_inline"]
    assert raw, "anchors are raw HTML, so some must be there"
    assert [r for r in raw if not OWN_HTML.fullmatch(r)] == []


def test_hostile_text_survives_as_text(contract, tokens) -> None:
    """Whole passages (added, removed, unchanged) read back exactly, metacharacters included."""
    paragraphs = {flat_text(t) for t in tokens if t.type == "inline"}
    for side, pid in (("new", "p1"), ("new", "p2"), ("old", "p7")):
        text = squash(next(p["text"] for p in contract[side]["passages"] if p["id"] == pid))
        assert text in paragraphs
    text = "\n".join(paragraphs)
    for hostile in HOSTILE_STRINGS:
        assert hostile in text


def _body_after(tokens: list, anchor_id: str):
    for i, token in enumerate(tokens):
        contents = [c.content for c in token.children or []]
        if token.type == "inline" and f'<a id="{anchor_id}">' in contents:
            return next(t for t in tokens[i + 1:] if t.type == "inline")
    raise AssertionError(anchor_id)


def _sides(inline) -> tuple[str, str]:
    """Old and new text read back from a rendered redline (strike/del = old, strong/ins = new)."""
    old, new, state = [], [], None
    for child in inline.children:
        if child.type in ("s_open", "strong_open") or child.content in ("<del>", "<ins>"):
            state = "old" if child.type == "s_open" or child.content == "<del>" else "new"
        elif child.type in ("s_close", "strong_close") or child.content in ("</del>", "</ins>"):
            state = None
        elif child.type in ("text", "text_special"):
            if state != "new":
                old.append(child.content)
            if state != "old":
                new.append(child.content)
    return "".join(old), "".join(new)


@pytest.mark.parametrize("html", [False, True])
def test_redlines_read_back_as_both_versions(contract, html: bool) -> None:
    tokens = parse(to_markdown(contract, html=html))
    texts = {(side, p["id"]): p["text"] for side in ("old", "new")
             for p in contract[side]["passages"]}
    for entry in contract["alignment"]:
        if entry["kind"] in ("edited", "merged", "split"):
            old, new = _sides(_body_after(tokens, f"new-{entry['new'][0]}"))
            want_old = " ".join(texts[("old", p)] for p in entry["old"])
            want_new = " ".join(texts[("new", p)] for p in entry["new"])
            assert "".join(old.split()) == "".join(want_old.split())
            assert "".join(new.split()) == "".join(want_new.split())


def test_redline_falls_back_to_tags_where_markers_would_not_parse() -> None:
    ops = [{"op": "equal", "old": "word", "new": "word"}, {"op": "insert", "old": "", "new": "(x)"},
           {"op": "equal", "old": "y", "new": "y"}, {"op": "replace", "old": " a", "new": " b"}]
    line = render_redline(ops)
    assert line == "word<ins>(x)</ins>y ~~a~~ **b**"
    old, new = _sides(parse(line)[1])
    assert (old.split(), new.split()) == (["wordy", "a"], ["word(x)y", "b"])


def test_passages_follow_the_new_documents_order(contract, tokens) -> None:
    order = [a for a in anchors(tokens) if a.startswith("new-")]
    assert order == [f"new-{p['id']}" for p in contract["new"]["passages"]]
    everything = anchors(tokens)
    # The removed old p7 sits after the entry holding old p6 (its predecessor in 2010).
    assert everything.index("old-p7") == everything.index("old-p6") + 1


def test_moved_passage_says_where_it_came_from(tokens: list) -> None:
    header = next(flat_text(t) for t in tokens if t.type == "inline"
                  and '<a id="new-p4">' in [c.content for c in t.children])
    assert "moved from section “Overview” of 2010, where it followed ⟦#old-p1⟧" in header


def test_section_headings_appear_in_new_order(tokens: list) -> None:
    """The new version's sections in its order (a removed passage's old section is headed
    "Removed from …" where it stands: tests/test_report_walk.py)."""
    sections = [h for h in _headings(tokens, "h3") if not h.startswith("Removed from ")]
    start = sections.index("Overview")
    assert sections[start:] == ["Overview", "A new <i>era</i> | of competition", "Threats",
                                "Energy", "Partnerships"]


def _tables(tokens: list) -> list[list[list[str]]]:
    tables, rows, row = [], None, None
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(flat_text(token))
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            tables.append(rows)
    return tables


def test_pipes_in_table_cells_stay_inside_their_cell(tokens: list) -> None:
    tables = _tables(tokens)
    actors = next(t for t in tables if t[0][0] == "Actor")
    assert [len(r) for r in actors] == [5, 5, 5]
    assert actors[2][0] == "A|B Group <script> (A|B)"
    terms = [row for t in tables if t[0][0] == "Term" for row in t[1:]]
    assert ["hybrid|warfare", "0", "2"] == terms[1][:3]
    assert all(len(row) == 8 for row in terms)


def test_terms_tables_split_new_gone_and_keyness(tokens: list) -> None:
    tables = [t for t in _tables(tokens) if t[0][0] == "Term"]
    assert [[row[0] for row in t[1:]] for t in tables] == [
        ["euro-atlantic security", "hybrid|warfare"],
        ["arms control", "<b>bold</b> term"],
        ["terrorism", "ruritania"],
    ]


def test_method_section_has_provenance(contract, tokens) -> None:
    method = next(t for t in _tables(tokens) if t[0] == ["What", "Value"])
    values = {row[0]: row[1] for row in method[1:]}
    assert values["Old sha256"] == "a" * 64 and values["New sha256"] == "b" * 64
    assert values["Model loaded from"] == "built-in TF-IDF <none>"
    assert values["Tool"] == "concept-diff 0.1.0"
    assert values["Parameter stopwords"] == '["a", "the"]'


def test_charts_are_referenced_when_given(markdown: str, contract: dict) -> None:
    assert "![Term rates per 10,000 words](r-terms.png)" in markdown
    assert "](r-actors.png)" in markdown
    assert "![" not in to_markdown(contract)


def test_same_contract_same_bytes(contract: dict, markdown: str) -> None:
    again = to_markdown(make_contract(), charts={"terms": "r-terms.png", "actors": "r-actors.png"})
    assert again == markdown


@pytest.mark.parametrize("text", ["- item", "+ item", "1. item", "12) item", "=====", "# h",
                                  "> quote", "    code", "`x`", "a  *b*  c", "&amp; &#60;",
                                  "<!-- c -->", "[x]: http://e", "***", "a\\", "~~~"])
def test_escaped_text_renders_as_itself(text: str) -> None:
    tokens = parse(md_text(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert flat_text(tokens[1]) == squash(text)


# ---- a real comparison: NSS 2010 vs 2015 --------------------------------------------------


@pytest.fixture(scope="module")
def nss(nss_files) -> dict:
    return nss_contract(nss_files["2010"], nss_files["2015"])


def test_nss_report_anchors_links_and_quotes(nss: dict) -> None:
    tokens = parse(to_markdown(nss))
    found = anchors(tokens)
    expected = [f"{side}-{p['id']}" for side in ("old", "new") for p in nss[side]["passages"]]
    assert sorted(found) == sorted(expected)
    assert set(internal_links(tokens)) <= set(found)
    quotes = cited_quotes(tokens)
    assert len(quotes) == len(evidence_items(nss))
    texts = {(side, p["id"]): squash(p["text"]) for side in ("old", "new")
             for p in nss[side]["passages"]}
    assert [q for q in quotes if q[0] not in texts[(q[1], q[2])]] == []


def test_nss_report_passages_in_new_order_and_only_our_html(nss: dict) -> None:
    tokens = parse(to_markdown(nss))
    new_order = [a for a in anchors(tokens) if a.startswith("new-")]
    assert new_order == [f"new-{p['id']}" for p in nss["new"]["passages"]]
    raw = [c.content for c in inline_children(tokens) if c.type == "html_inline"]
    assert [r for r in raw if not OWN_HTML.fullmatch(r)] == []
    assert not [t for t in tokens if t.type == "html_block"]


def test_nss_reports_byte_identical_across_runs(nss: dict, tmp_path) -> None:
    first = write_reports(nss, tmp_path / "a" / "nss", "md,html,json,csv")
    second = write_reports(copy.deepcopy(nss), tmp_path / "b" / "nss", "md,html,json,csv")
    assert [p.name for p in first] == [p.name for p in second]
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_redline_handles_unicode_punctuation_glued_to_words() -> None:
    """CommonMark counts “ ” as punctuation: ``said**“**`` would stay literal, so use tags."""
    ops = [{"op": "equal", "old": "He said", "new": "He said"},
           {"op": "insert", "old": "", "new": "“"}, {"op": "equal", "old": "hi", "new": "hi"}]
    line = render_redline(ops)
    assert line == "He said<ins>“</ins>hi"
    html = parse(line)[1]
    assert [c.type for c in html.children if c.type != "text"] == ["html_inline", "html_inline"]


def test_only_the_strongest_headlines_are_listed() -> None:
    contract = make_contract()
    base = contract["headlines"][0]
    contract["headlines"] = [dict(base, rank=r, subject=f"subject {r}") for r in range(20, 0, -1)]
    tokens = parse(to_markdown(contract))
    items = [flat_text(t) for t in tokens if t.type == "inline" and "subject " in t.content]
    assert [i.split(" (")[0] for i in items] == [f"subject {r}" for r in range(1, 16)]
    assert "The 15 strongest of 20 shifts" in to_markdown(contract)


def test_nss_actor_table_names_a_main_framing_only_with_enough_sentences(nss: dict) -> None:
    """An actor named in fewer sentences than the framing-shift rule's floor gets "too few (n)"
    and no framing change: one sentence cannot show how a document frames an actor; a framing
    that holds no majority is "mixed", with the two largest."""
    floor = nss["framing"]["rule"]["min_sentences"]
    rows = next(t for t in _tables(parse(to_markdown(nss))) if t[0][0] == "Actor")[1:]
    by_name = {a["actor"]: a for a in nss["actors"]}
    thin = mixed = 0
    for row in rows:
        actor = by_name[row[0].split(" (")[0]]
        sides = row[2].split(" → ")
        for side, shown in zip(("old", "new"), sides):
            n = actor.get(f"{side}_mentions") or 0
            if actor.get(f"{side}_dominant") and n < floor:
                thin += 1
                assert shown == f"too few ({n})", (actor["actor"], side, shown)
            elif actor.get(f"{side}_dominant"):
                share = actor[f"{side}_framing"][actor[f"{side}_dominant"]]
                expected = ("mixed: " if share <= 0.5 else "") + actor[f"{side}_dominant"]
                assert shown.startswith(expected), (actor["actor"], side, shown)
                mixed += share <= 0.5
        if row[3].strip():
            assert min(actor["old_mentions"], actor["new_mentions"]) >= floor
    assert thin > 0  # NSS 2010→2015 names some actors once or twice
    assert mixed > 0  # and frames some without a majority (Iran 2010: 4 of 10 competitor)


def test_nss_method_section_states_the_measured_headline_precision(nss: dict) -> None:
    """The Method section carries the judged precision of the headline ranking, from the data
    file the bench writes, and says that it is not a held-out figure."""
    from concept_diff.evaluation import HEADLINES, _data

    figures = _data(HEADLINES)
    assert nss["evaluation"]["headlines"] == figures
    method = to_markdown(nss).split("## Method and provenance")[1]
    assert f"{figures['precision_at_15']:.0%} of the top 15 judged good" in method
    assert "developed on" in method
    from concept_diff.shifts.framing_model import load_model

    labelled = load_model()["evaluation"]
    named = f"{labelled['corpus']} {', '.join(labelled['documents'])}"
    assert f"{len(labelled['documents'])} documents ({named}), each" in method


def test_method_section_is_silent_on_what_was_not_measured() -> None:
    contract = make_contract()
    contract["evaluation"] = {}
    method = to_markdown(contract).split("## Method and provenance")[1]
    assert "**Headlines.**" not in method and "**Passage pairs.**" not in method
