"""The series index: pair reports linked, first appearances, trajectories, framing over time."""

from __future__ import annotations

import copy
import re
from itertools import pairwise
from pathlib import Path

import pytest
from report_fixtures import make_contract, nss_contract, parse

from concept_diff.errors import InputError
from concept_diff.report.markup import percent
from concept_diff.report.series import (
    SeriesTally,
    first_actor_appearances,
    first_term_appearances,
    theme_series,
    trajectory_series,
    write_series,
)


def _chain() -> list[dict]:
    """2010→2015 (the fixture) and 2015→2020, where one term spreads and another appears."""
    first = make_contract()
    second = make_contract()
    second["old"] = copy.deepcopy(first["new"])
    second["new"] = copy.deepcopy(first["new"])
    second["new"].update(date="2020", title="Strategic Concept 2020", sha256="c" * 64)
    second["new"]["passages"][0]["text"] += " Resilience matters; resilience pays."
    second["new"]["passages"][1]["text"] += " Resilience lasts."
    second["alignment"] = [{"kind": "unchanged", "old": [p["id"]], "new": [p["id"]],
                            "similarity": 1.0, "lexical": 1.0, "redline": []}
                           for p in first["new"]["passages"]]
    second["headlines"] = [
        {"rank": 1, "kind": "term_new", "subject": "resilience", "summary": "", "evidence": []},
        {"rank": 2, "kind": "term_up", "subject": "energy security", "summary": "",
         "evidence": []},
        # A generic word and loader debris: never in a series table.
        {"rank": 3, "kind": "term_up", "subject": "helping", "summary": "", "evidence": []},
        {"rank": 4, "kind": "term_new", "subject": "ofall", "summary": "", "evidence": []},
    ]
    for actor in second["actors"]:
        actor["evidence"] = []
    return [first, second]


def words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", text))


def test_first_appearance_is_the_first_version_whose_text_has_it() -> None:
    chain = _chain()
    found = first_term_appearances(chain)
    # "Euro-Atlantic security" is a headline of the first pair; 2015's text has it once.
    assert found["euro-atlantic security"] == (1, 1)
    assert found["resilience"] == (2, 3)  # "Resilience ... resilience", "Resilience": 2020
    assert found["energy security"] == (0, 1)  # a headline of the second pair, in 2010 too
    assert {"helping", "ofall"}.isdisjoint(found)
    actors = first_actor_appearances(chain)
    assert actors["Ruritania"] == (0, 2)  # via the alias "Ruritania's" too: p1 and p5
    assert actors["A|B Group <script>"] == (1, 1)  # its alias "A|B" first in 2015 p7


def test_trajectories_are_counted_in_every_version_and_have_no_gaps() -> None:
    chain = _chain()
    series = trajectory_series(chain)
    docs = [chain[0]["old"], chain[0]["new"], chain[1]["new"]]
    for term, pattern in (("resilience", r"\bresilience\b"),
                          ("euro-atlantic security", r"\beuro-atlantic security\b")):
        expected = []
        for doc in docs:
            text = " ".join(p["text"] for p in doc["passages"])
            hits = len(re.findall(pattern, text, re.IGNORECASE))
            expected.append(round(1e4 * hits / words(text), 1))
        assert series[term] == pytest.approx(expected, abs=0.11)
    assert all(None not in rates for rates in series.values())
    assert "helping" not in series and "energy security" not in series  # it never moved


def test_write_series_links_every_pair_report_and_is_deterministic(tmp_path: Path) -> None:
    written = write_series(_chain(), tmp_path / "a")
    names = sorted(p.name for p in written)
    for name in ("2010-vs-2015.md", "2015-vs-2020.md", "2010-vs-2015.html", "index.md",
                 "index.html", "series-trajectories.png", "series-framing.png"):
        assert name in names
    index = (tmp_path / "a" / "index.md").read_text(encoding="utf-8")
    links = [c.attrs["href"] for t in parse(index) for c in (t.children or [])
             if c.type == "link_open"]
    assert sorted(links) == ["2010-vs-2015.md", "2015-vs-2020.md"]
    assert all((tmp_path / "a" / link).is_file() for link in links)
    # The index lists a first appearance only with as many uses as a pair headline needs
    # (3, in 2 passages for a term): "euro-atlantic security" and "A|B" are used once.
    assert "| 2015 | — | — |" in index and "| 2020 | resilience | — |" in index
    html = (tmp_path / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="2015-vs-2020.html"' in html and "<script" not in html
    again = write_series(_chain(), tmp_path / "b")
    for one, two in zip(written, again):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_an_empty_series_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_series([], tmp_path)


def test_nss_timeline_index_links_resolve_and_is_deterministic(nss_files, tmp_path) -> None:
    years = sorted(nss_files)
    contracts = [nss_contract(nss_files[a], nss_files[b]) for a, b in pairwise(years)]
    written = write_series(contracts, tmp_path / "a", "md")
    index = tmp_path / "a" / "index.md"
    assert index in written
    links = [c.attrs["href"] for t in parse(index.read_text(encoding="utf-8"))
             for c in (t.children or []) if c.type == "link_open"]
    assert links == [f"{a}-vs-{b}.md" for a, b in pairwise(years)]
    assert all((tmp_path / "a" / link).is_file() for link in links)
    text = index.read_text(encoding="utf-8")
    assert "## First appearances" in text and "| 2015 |" in text
    # Trajectories from each version's own counts: a point for every version, and the terms
    # that moved, not the most frequent words.
    series = trajectory_series(contracts)
    assert series and all(len(r) == len(years) and None not in r for r in series.values())
    assert {"security", "nations", "international", "people"}.isdisjoint(series)
    firsts = first_term_appearances(contracts)
    assert {"helping", "office", "ofall"}.isdisjoint(firsts)
    # A first appearance needs the uses a pair headline needs (3 here, the texts are short):
    # 2006 writes "middle-class" once, so it is no 2006 first appearance; "tyranny" (24) is.
    section = text[text.index("## First appearances"):].split("\n## ")[0]
    listed = {line.split(" | ")[0].strip("| "): line.split(" | ")[1].split(", ")
              for line in section.splitlines() if re.match(r"\| \d{4} \|", line)}
    docs = [contracts[0]["old"]] + [c["new"] for c in contracts]
    for year, terms in listed.items():
        passages = [p["text"] for p in docs[years.index(year)]["passages"]]
        for term in terms:
            if term == "—":
                continue
            pattern = re.compile(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, term.split()))
                                 + r"(?:e?s)?(?!\w)", re.IGNORECASE)
            uses = [len(pattern.findall(t)) for t in passages]
            assert sum(uses) >= 3 and sum(map(bool, uses)) >= 2, (year, term, sum(uses))
    assert firsts["middle class"] == (1, 1) and "middle class" not in listed["2006"]
    assert "tyranny" in listed["2006"]
    assert "## Themes across versions" in text
    # Framing over time follows the pair reports' rule: a main framing only with enough
    # sentences and a majority; one row per actor however the pairs spell it.
    section = text[text.index("## Actor framing over time"):].split("\n## ")[0]
    rows = [line.split(" | ") for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| Actor", "| ---"))]
    floor = contracts[0]["framing"]["rule"]["min_sentences"]
    assert rows and floor >= 5
    for row in rows:
        cells = [c.strip(" |") for c in row[1:]]
        assert any(c != "—" for c in cells), row  # an actor no version frames has no row
        for c in cells:
            few, main = re.fullmatch(r"too few \((\d+)\)", c), re.search(r"\((\d+) of (\d+)\)$", c)
            assert c == "—" or c.startswith("mixed: ") or (few and int(few[1]) < floor) or (
                main and 2 * int(main[1]) > int(main[2]) >= floor), row
    keys = [re.sub(r"[\W_]+", "", row[0].strip(" |")).casefold() for row in rows]
    assert len(keys) == len(set(keys))
    # First appearances: one actor however spelt; a name of several words in small letters
    # counts (NSS 2002: "the intelligence community is coping with ...").
    actors = first_actor_appearances(contracts)
    assert len({re.sub(r"[\W_]+", "", a).casefold() for a in actors}) == len(actors)
    assert actors["Intelligence Community"][0] == 0
    again = write_series(contracts, tmp_path / "b", "md")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]


def test_nss_index_theme_shares_are_the_pair_reports(nss_files, tmp_path) -> None:
    """A theme's share in a version is the figure its pair report states for that version;
    counted in the versions no such pair compares, by the pair reports' rule, which gives the
    pair's own count in (nearly) every version a pair report does count."""
    years = sorted(nss_files)
    contracts = [nss_contract(nss_files[a], nss_files[b]) for a, b in pairwise(years)]
    write_series(contracts, tmp_path, "md")
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    section = text[text.index("## Themes across versions"):].split("\n## ")[0]
    rows = [[c.strip() for c in line.strip("|").split(" | ")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| Theme", "| ---"))]
    assert rows
    for row in rows:
        name, members, cells = row[0], row[1], row[2:]
        assert len(cells) == len(years)
        reported: set[int] = set()
        for i, contract in enumerate(contracts):
            for theme in contract["themes"]:
                if theme["theme"] != name or ", ".join(theme["members"]) != members:
                    continue
                assert cells[i] == percent(theme["old_share"], 1), (name, years[i])
                assert cells[i + 1] == percent(theme["new_share"], 1), (name, years[i + 1])
                reported |= {i, i + 1}
        assert reported, row  # every row is a theme of some pair report
        # the other versions' shares are the index's own counts, in italics
        assert [i for i, c in enumerate(cells) if not c.startswith("*")] == sorted(reported)
    tally = SeriesTally.of(contracts)
    same = total = 0
    for (name, members), reported in tally.themes.items():
        for version, (passages, _) in reported.items():
            counted = tally.theme_passages[(name, members)][version]
            assert abs(counted - passages) <= 2, (name, years[version], counted, passages)
            same += counted == passages
            total += 1
    assert total >= 20 and same >= 0.9 * total, (same, total)
    shown = {(r["theme"], tuple(r["members"])) for r in theme_series(contracts, tally)}
    assert len(shown) == len(rows)


def test_existing_pair_reports_are_linked_not_rewritten(tmp_path: Path) -> None:
    (tmp_path / "v2010-vs-v2015.md").write_text("pair one\n", encoding="utf-8")
    (tmp_path / "v2015-vs-v2020.md").write_text("pair two\n", encoding="utf-8")
    (tmp_path / "v2015-vs-v2020.html").write_text("<p>two</p>\n", encoding="utf-8")
    changelog = [{"date": "2024-01-02", "changes": ["new version 2020 <b>"]},
                 {"date": "2024-02-03", "changes": []}]
    written = write_series(_chain(), tmp_path, "md,html", title="Ruritania | Strategy",
                           changelog=changelog, pair_names=["v2010-vs-v2015", "v2015-vs-v2020"])
    assert sorted(p.name for p in written) == ["index.html", "index.md", "series-framing.png",
                                               "series-trajectories.png"]
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Ruritania \\| Strategy: 2010 to 2020\n")
    assert "(v2010-vs-v2015.md)" in index and "(v2015-vs-v2020.md)" in index
    assert index.index("2024-02-03") < index.index("2024-01-02")  # newest first
    assert "new version 2020 \\<b\\>" in index
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    # Only the second pair has an HTML report; the first is linked as Markdown.
    assert 'href="v2010-vs-v2015.md"' in html and 'href="v2015-vs-v2020.html"' in html
    assert (tmp_path / "v2010-vs-v2015.md").read_text(encoding="utf-8") == "pair one\n"


def _long_chain(versions: int) -> list[dict]:
    """``versions`` dated copies of the fixture's versions, chained as consecutive pairs."""
    first = make_contract()
    docs = [copy.deepcopy(first["old"] if i % 2 == 0 else first["new"]) for i in range(versions)]
    for i, doc in enumerate(docs):
        doc.update(date=str(2000 + i), sha256=f"{i:064x}")
    chain = []
    for old, new in pairwise(docs):
        contract = make_contract()
        contract["old"], contract["new"] = old, new
        chain.append(contract)
    return chain


def test_framing_chart_of_a_long_series_keeps_its_size_and_says_what_it_shows(tmp_path) -> None:
    from PIL import Image

    from concept_diff.report.series import FRAMING_CHART_VERSIONS

    heights = {}
    for versions in (FRAMING_CHART_VERSIONS, FRAMING_CHART_VERSIONS + 8):
        folder = tmp_path / str(versions)
        write_series(_long_chain(versions), folder, "md")
        with Image.open(folder / "series-framing.png") as png:
            heights[versions] = png.size[1]
        index = (folder / "index.md").read_text(encoding="utf-8")
        note = f"The chart shows the last {FRAMING_CHART_VERSIONS} versions"
        assert (note in index) == (versions > FRAMING_CHART_VERSIONS)
        # the table still has a column for every version
        section = index[index.index("## Actor framing over time"):].splitlines()
        header = next(line for line in section if line.startswith("| Actor"))
        assert header.count("|") == versions + 2
        assert "| 2000 |" in header and f"| {2000 + versions - 1} |" in header
    # a bar per actor and version: the window keeps a longer series' chart the same height
    assert heights[FRAMING_CHART_VERSIONS + 8] == heights[FRAMING_CHART_VERSIONS]
