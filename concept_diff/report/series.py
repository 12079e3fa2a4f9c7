"""The series report: N dated versions as consecutive pair reports plus one index.

Input is the list of pair contracts for consecutive versions (v1→v2, v2→v3, ...), exactly what
``write_reports`` renders one by one. The index links every pair report and adds what only a
series shows: the version in which each term and actor first appears, term-rate trajectories
across all versions, and each actor's framing over time (table and chart).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import atomic
from ..errors import InputError
from . import charts as chart_module
from .markdown import cell, table
from .markup import md_text

MAX_TRAJECTORIES = 8
FIRST_APPEARANCES = 15
MAX_FRAMING_ROWS = 30  # rows per version in the first-appearance table


def versions(contracts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The documents of the series in order: the first pair's old, then every pair's new."""
    if not contracts:
        raise InputError("a series needs at least one pair of versions")
    return [contracts[0]["old"]] + [c["new"] for c in contracts]


def _name(doc: Mapping[str, Any]) -> str:
    return str(doc.get("date") or doc.get("title") or "?")


def _per_version(contracts: Sequence[Mapping[str, Any]], table_name: str, key: str,
                 old_field: str, new_field: str) -> dict[str, dict[int, Any]]:
    """``{item: {version index: value}}`` from each pair's old/new columns (later pairs win)."""
    out: dict[str, dict[int, Any]] = {}
    for i, contract in enumerate(contracts):
        for row in contract.get(table_name, []):
            values = out.setdefault(str(row[key]), {})
            values.setdefault(i, row.get(old_field))
            values[i + 1] = row.get(new_field)
    return out


def term_counts(doc: Mapping[str, Any], keys: set[str]) -> Counter:
    """How often each lemma n-gram key occurs in a version's passages.

    Pair tables list only the terms that changed most, so a term missing from a table may still
    be in the text: presence is counted in the text itself, lemmatised as shifts.terms does.
    """
    from ..shifts.text import lemma, tokens

    sizes = {len(k.split(" ")) for k in keys}
    found: Counter = Counter()
    for passage in doc.get("passages", []):
        lemmas = [lemma(t) for t in tokens(passage.get("text", ""))]
        for n in sizes:
            found.update(k for k in (" ".join(lemmas[i:i + n])
                                     for i in range(len(lemmas) - n + 1)) if k in keys)
    return found


def term_key(term: str) -> str:
    from ..shifts.text import lemma, tokens

    return " ".join(lemma(t) for t in tokens(term))


def first_term_appearances(contracts: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """``{term: (first version index, count there)}`` for every term any pair table lists."""
    terms = sorted({str(t["term"]) for c in contracts for t in c.get("terms", [])})
    keys = {t: term_key(t) for t in terms}
    counts = [term_counts(doc, set(keys.values()) - {""}) for doc in versions(contracts)]
    out = {}
    for term in terms:
        present = [(i, c[keys[term]]) for i, c in enumerate(counts) if c[keys[term]]]
        if present:
            out[term] = present[0]
    return out


def first_actor_appearances(contracts: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """``{actor: (first version index, passages naming it there)}``, by the actor's names."""
    actors: dict[str, set[str]] = {}
    for contract in contracts:
        for actor in contract.get("actors", []):
            names = {str(actor["actor"]), *map(str, actor.get("aliases", []))}
            actors.setdefault(str(actor["actor"]), set()).update(n for n in names if n)
    docs = versions(contracts)
    out = {}
    for actor in sorted(actors):
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(
            re.escape(n) for n in sorted(actors[actor], key=lambda n: (-len(n), n))) + r")(?!\w)")
        for i, doc in enumerate(docs):
            hits = sum(1 for p in doc.get("passages", []) if pattern.search(p.get("text", "")))
            if hits:
                out[actor] = (i, hits)
                break
    return out


def series_markdown(contracts: Sequence[Mapping[str, Any]], pair_links: Sequence[str],
                    charts: Mapping[str, str] | None = None, *, title: str | None = None) -> str:
    docs, charts = versions(contracts), charts or {}
    names = [_name(d) for d in docs]
    title = md_text(title or str(docs[-1].get("title") or "Series"))
    lines = [f"# {title}: {md_text(names[0])} to {md_text(names[-1])}", "",
             f"{len(docs)} versions, {len(contracts)} consecutive comparisons.", "",
             "## Versions", ""]
    lines += table(["Version", "Title", "Words", "Passages", "sha256"],
                   [[cell(names[i]), cell(d.get("title")), cell(d.get("words")),
                     str(len(d.get("passages", []))), f"`{str(d.get('sha256', ''))[:12]}`"]
                    for i, d in enumerate(docs)])
    lines += ["## Pair reports", ""]
    lines += [f"- [{md_text(names[i])} → {md_text(names[i + 1])}]({link})"
              for i, link in enumerate(pair_links)]
    lines += ["", *_first_terms(contracts, names), *_trajectories(charts),
              *_framing_table(contracts, names, charts)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _first_terms(contracts: Sequence[Mapping[str, Any]], names: list[str]) -> list[str]:
    terms = first_term_appearances(contracts)
    actors = first_actor_appearances(contracts)
    rows = [[cell(names[i]), _most_frequent(terms, i), _most_frequent(actors, i)]
            for i in range(1, len(names))]
    note = (f"Terms and actors first found in the version named (absent from every earlier one), "
            f"most frequent first, at most {FIRST_APPEARANCES} each.")
    return ["## First appearances", "", note, "",
            *table(["Version", "New terms", "New actors"], rows)]


def _most_frequent(found: dict[str, tuple[int, int]], index: int) -> str:
    items = sorted((-count, name) for name, (first, count) in found.items() if first == index)
    return ", ".join(cell(name) for _, name in items[:FIRST_APPEARANCES]) or "—"


def _trajectories(charts: Mapping[str, str]) -> list[str]:
    if "trajectories" not in charts:
        return []
    return ["## Term-rate trajectories", "",
            f"![Term rates per 10,000 words across versions]({charts['trajectories']})", ""]


def _framing_table(contracts: Sequence[Mapping[str, Any]], names: list[str],
                   charts: Mapping[str, str]) -> list[str]:
    dominant = _per_version(contracts, "actors", "actor", "old_dominant", "new_dominant")
    if not dominant:
        return []
    mentions = _per_version(contracts, "actors", "actor", "old_mentions", "new_mentions")
    ranked = sorted(dominant, key=lambda a: (-sum(v or 0 for v in mentions[a].values()), a))
    rows = [[cell(actor)] + [cell(dominant[actor].get(i) or "—") for i in range(len(names))]
            for actor in ranked[:MAX_FRAMING_ROWS]]
    lines = ["## Actor framing over time", "",
             (f"Dominant framing per version for the {min(len(ranked), MAX_FRAMING_ROWS)} "
             "most-mentioned actors; each pair report has the shares and quotes."), ""]
    if "framing" in charts:
        lines += [f"![Actor framing across versions]({charts['framing']})", ""]
    return lines + table(["Actor"] + [cell(n) for n in names], rows)


def trajectory_series(contracts: Sequence[Mapping[str, Any]]) -> dict[str, list[float | None]]:
    """Rates per 10k words across all versions for the terms whose rate moved most."""
    rates = _per_version(contracts, "terms", "term", "old_per_10k", "new_per_10k")
    count = len(contracts) + 1

    def spread(values: dict[int, Any]) -> float:
        known = [v for v in values.values() if isinstance(v, (int, float))]
        return max(known) - min(known) if known else 0.0

    ranked = sorted(rates, key=lambda t: (-spread(rates[t]), t))[:MAX_TRAJECTORIES]
    return {t: [rates[t].get(i) for i in range(count)] for t in ranked if spread(rates[t]) > 0}


def write_series(contracts: list[dict], output_dir: Path, formats: str | list[str] = "md,html",
                 *, title: str | None = None, changelog: Sequence[Mapping[str, Any]] | None = None,
                 pair_names: Sequence[str] | None = None) -> list[Path]:
    """Series charts and an index under ``output_dir``, linking one report per consecutive pair.

    ``pair_names``: base names of pair reports already written there (``update`` writes its
    own); without them the pair reports are written here, named after the versions.
    ``changelog``: ``[{"date": ..., "changes": [...]}, ...]`` from scheduled updates.
    """
    from . import parse_formats, report_base, write_reports

    output_dir = Path(output_dir)
    names = [_name(d) for d in versions(contracts)]
    chosen = parse_formats(formats, output_dir / "index")
    output_dir.mkdir(parents=True, exist_ok=True)  # report_base names pairs inside a folder
    written: list[Path] = []
    if pair_names is None:
        for contract in contracts:
            written += write_reports(contract, output_dir, chosen)
        pair_names = [report_base(contract, output_dir).name for contract in contracts]
    pngs = chart_module.series_charts(contracts, names, trajectory_series(contracts))
    index = SeriesIndex(contracts, title, changelog)
    if "md" in chosen:
        files = {k: f"series-{k}.png" for k in sorted(pngs)}
        written += [atomic.write_bytes(output_dir / f, pngs[k]) for k, f in files.items()]
        text = index.markdown(_links(output_dir, pair_names, ".md"), files)
        written.append(atomic.write_text(output_dir / "index.md", text))
    if "html" in chosen:
        from .html import data_uri, markdown_to_html, page

        sources = {k: data_uri(v) for k, v in pngs.items()}
        body = markdown_to_html(index.markdown(_links(output_dir, pair_names, ".html"), sources))
        heading = title or f"{names[0]} … {names[-1]}"
        written.append(atomic.write_text(output_dir / "index.html",
                                         page(f"concept-diff: {heading}", body)))
    return written


def _links(output_dir: Path, pair_names: Sequence[str], suffix: str) -> list[str]:
    """Link each pair report in this format where it exists, else its Markdown."""
    return [f"{n}{suffix}" if (output_dir / f"{n}{suffix}").is_file() else f"{n}.md"
            for n in pair_names]


class SeriesIndex:
    """The index's content; rendered once per format with that format's links and images."""

    def __init__(self, contracts: Sequence[Mapping[str, Any]], title: str | None,
                 changelog: Sequence[Mapping[str, Any]] | None):
        self.contracts, self.title, self.changelog = contracts, title, changelog or []

    def markdown(self, pair_links: Sequence[str], charts: Mapping[str, str]) -> str:
        text = series_markdown(self.contracts, pair_links, charts, title=self.title)
        return text + "".join(f"{line}\n" for line in _changelog(self.changelog))


def _changelog(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Newest first: what each scheduled update found."""
    if not entries:
        return []
    lines = ["", "## Changelog", ""]
    for entry in reversed(list(entries)):
        changes = entry.get("changes") or []
        changes = [changes] if isinstance(changes, str) else list(changes)
        lines.append(f"- **{md_text(str(entry.get('date', '')))}**: "
                     + ("; ".join(md_text(str(c)) for c in changes) or "no changes"))
    return lines
