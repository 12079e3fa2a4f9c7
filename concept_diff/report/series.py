"""The series report: N dated versions as consecutive pair reports plus one index.

Input is the list of pair contracts for consecutive versions (v1→v2, v2→v3, ...), exactly what
``write_reports`` renders one by one. The index links every pair report and adds what only a
series shows: the version in which each substantive term and actor first appears, the rate
trajectories of the terms that moved most, counted in every version's own text, the share
of passages of each theme (the pair report's figure in the versions it compares, elsewhere
counted by the same rule), and each actor's framing over time (table and chart).

Everything the index reads from the versions' texts is counted by a ``SeriesTally`` fed one
version's passages at a time, in version order, after the subjects (headline terms, actors,
themes) are known from all the pair contracts. A long series therefore never needs every
version's passages in memory at once: ``update`` strips them from the contracts and streams
them from the pair files (``write_series(..., tally=...)``); given contracts that still hold
their passages, the tally is made from those.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import atomic
from ..errors import InputError
from . import charts as chart_module
from .markdown import cell, table
from .markup import md_text, name_key, percent

MAX_TRAJECTORIES = 8
MAX_THEMES = 8
SUBSTANCE = 0.5  # the least shifts.changes.substance of a term a series table lists
RATE_FLOOR = 1.0  # per 10,000 words: a trajectory's lowest point counts as at least this
FIRST_APPEARANCES = 15
MAX_FRAMING_ROWS = 30  # rows per version in the first-appearance table
# Versions in the framing chart (the last ones): it has a bar per actor and version, so a
# 70-version series drew an 800x11,390 px image, ~50 MiB to render; the table has them all.
FRAMING_CHART_VERSIONS = 12


def versions(contracts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The documents of the series in order: the first pair's old, then every pair's new."""
    if not contracts:
        raise InputError("a series needs at least one pair of versions")
    return [contracts[0]["old"]] + [c["new"] for c in contracts]


def _name(doc: Mapping[str, Any]) -> str:
    return str(doc.get("date") or doc.get("title") or "?")


def term_key(term: str) -> str:
    from ..shifts.text import lemma, tokens

    return " ".join(lemma(t) for t in tokens(term))


def first_term_appearances(contracts: Sequence[Mapping[str, Any]],
                           tally: SeriesTally | None = None) -> dict[str, tuple[int, int]]:
    """``{term: (first version index, count there)}`` for the terms the pair headlines are
    about (``headline_terms``), each counted in every version's own text in any spelling."""
    out = {}
    for term, per_version in series_counts(contracts, tally).items():
        present = [(i, n) for i, n in enumerate(per_version) if n]
        if present:
            out[term] = present[0]
    return out


def headline_terms(contracts: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """``{term: [its spellings]}`` for the substantive terms of the pair reports' headlines
    (the headline ranking already keeps out generic words, fragments and actors' names); an
    acronym comes with its long form ("WMD (weapons of mass destruction)")."""
    terms: dict[str, list[str]] = {}
    for contract in contracts:
        for item in contract.get("headlines", []):
            if not str(item.get("kind", "")).startswith("term"):
                continue
            forms = _forms(str(item["subject"]))
            if substantive(forms[0]):
                terms.setdefault(forms[0], forms)
    return terms


def series_counts(contracts: Sequence[Mapping[str, Any]],
                  tally: SeriesTally | None = None) -> dict[str, list[int]]:
    """Occurrences of each headline term in every version's passages, spellings folded."""
    return dict((tally or SeriesTally.of(contracts)).term_counts)


class SeriesTally:
    """What the index reads from the versions' texts, counted one version at a time.

    Made from the pair contracts (their headlines, actors and themes; passages not needed),
    then ``add`` is called with each version's passages in version order (the first pair's
    old version, then every pair's new one). Only counts are kept, never the passages.
    """

    def __init__(self, contracts: Sequence[Mapping[str, Any]]):
        from ..shifts.changes import short_names

        self.terms = headline_terms(contracts)
        # One actor however the pairs spell it (markup.name_key), shown by its latest name; a
        # name of several words also in small letters ("the intelligence community").
        names: dict[str, set[str]] = {}
        shown: dict[str, str] = {}
        for contract in contracts:
            for actor in contract.get("actors", []):
                found = {str(actor["actor"]), *map(str, actor.get("aliases", [])),
                         *short_names(actor.get("expansion"))}
                key = name_key(actor["actor"])
                shown[key] = str(actor["actor"])
                names.setdefault(key, set()).update(n for n in found if n)
        self.actor_patterns = {shown[key]: re.compile(r"(?<!\w)(?:" + "|".join(
            f"(?i:{re.escape(n)})" if " " in n else re.escape(n)
            for n in sorted(names[key], key=lambda n: (-len(n), n))) + r")(?!\w)")
            for key in sorted(names, key=lambda k: shown[k])}
        # A theme is its name and members (pairs may group other members under one name);
        # ``reported``: {version: (passages, share)} as the pair reports grouping it state.
        self.themes: dict[tuple[str, tuple[str, ...]], dict[int, tuple[int, float]]] = {}
        self.theme_forms: dict[str, list[str]] = {}  # term member → the forms a pair counts
        for i, contract in enumerate(contracts):
            for theme in contract.get("themes", []):
                key = (str(theme["theme"]), tuple(str(m) for m in theme.get("members", [])))
                reported = self.themes.setdefault(key, {})
                for member, forms in (theme.get("forms") or {}).items():
                    self.theme_forms.setdefault(str(member), [str(f) for f in forms])
                for side, version in (("old", i), ("new", i + 1)):
                    if theme.get(f"{side}_share") is not None:
                        reported.setdefault(version, (int(theme.get(f"{side}_passages") or 0),
                                                      float(theme[f"{side}_share"])))
        self.actor_names = {key: sorted(found) for key, found in names.items()}
        self.multiword = _name_pattern(n for found in names.values() for n in found if " " in n)
        self.passages: list[int] = []  # passages in each version
        self.words: list[int] = []  # running_words of each version
        self.term_counts: dict[str, list[int]] = {t: [] for t in sorted(self.terms)}
        self.term_passages: dict[str, list[int]] = {t: [] for t in sorted(self.terms)}
        self.first_actors: dict[str, tuple[int, int]] = {}  # actor → (version, passages)
        self.first_actor_uses: dict[str, int] = {}  # actor → its names' uses in that version
        self.theme_passages: dict[tuple[str, tuple[str, ...]], list[int]] = {
            t: [] for t in sorted(self.themes)}

    @classmethod
    def of(cls, contracts: Sequence[Mapping[str, Any]]) -> SeriesTally:
        """The tally of contracts that still hold their versions' passages."""
        tally = cls(contracts)
        for doc in versions(contracts):
            tally.add(doc.get("passages", []))
        return tally

    def add(self, passages: Iterable[Mapping[str, Any]]) -> None:
        """Count the next version's passages (``{id, text}``, as in a contract)."""
        from ..shifts.text import tokens
        from ..shifts.variants import Spellings, passage_units

        passages = list(passages)
        index = len(self.passages)
        self.passages.append(len(passages))
        self.words.append(max(1, sum(len(tokens(p.get("text", ""))) for p in passages)))
        units = passage_units(passages)
        spellings = Spellings(units)
        for term, forms in self.terms.items():
            found = [spellings.count(form) for form in forms]
            self.term_counts[term].append(sum(f.count for f in found))
            self.term_passages[term].append(len(frozenset().union(*(f.passages for f in found))))
        for actor, pattern in self.actor_patterns.items():
            if actor in self.first_actors:
                continue
            uses = [len(pattern.findall(p.get("text", ""))) for p in passages]
            if any(uses):
                self.first_actors[actor] = (index, sum(map(bool, uses)))
                self.first_actor_uses[actor] = sum(uses)
        if self.themes:
            self._add_themes(units)

    def _add_themes(self, units: list) -> None:
        """Each theme's passages in the version, its members counted as a pair counts them
        (shifts.changes): an actor by any of its names (case kept for a short or common
        word), a term in any spelling, neither inside a name of several words ("nations" of
        "United Nations", "Africa" of "South Africa"), an acronym with its long form."""
        from ..shifts.changes import _foldable, _swapped
        from ..shifts.variants import Spellings

        phrases = _Phrases(self.multiword)
        lower, cased = Spellings(units, names=phrases), Spellings(units, cased=True, names=phrases)
        for key in self.themes:
            held: set[str] = set()
            for member in key[1]:
                aliases = self.actor_names.get(name_key(member))
                if aliases is not None:
                    held |= lower.count_any(a for a in aliases if _foldable(a)).passages
                    held |= cased.count_any(a for a in aliases if not _foldable(a)).passages
                    continue
                forms = self.theme_forms.get(member) or _forms(member)
                for form in forms + [f for f in map(_swapped, forms) if f]:
                    held |= lower.count(form).passages
            self.theme_passages[key].append(len(held))


def _forms(term: str) -> list[str]:
    """A headline term's spellings: "WMD (weapons of mass destruction)" is both."""
    main, _, rest = term.partition(" (")
    return [main] + ([rest.rstrip(")")] if rest and not rest.startswith("with ") else [])


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    """The names, longest first, as written, at word boundaries."""
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


class _Phrases:
    """The actors' names of several words in a text, for Spellings (as compound.Names)."""

    def __init__(self, pattern: re.Pattern | None):
        self.pattern = pattern

    def phrases(self, text: str) -> tuple[str, ...]:
        return tuple(m.group() for m in self.pattern.finditer(text)) if self.pattern else ()


def substantive(term: str) -> bool:
    """A term a reader would look for: not a generic general-English word ("helping",
    "office": shifts.changes.substance under SUBSTANCE) and not words a loader ran together
    ("ofall": no English word, a stop word joined to a word)."""
    from ..english import zipf
    from ..shifts.changes import substance
    from ..shifts.text import STOP_WORDS

    key = term_key(term)
    if not key or substance(key) < SUBSTANCE:
        return False
    if " " in key or zipf(key) > 0:
        return True
    return not any(key[:i] in STOP_WORDS and (zipf(key[i:]) >= 3 or key[i:] in STOP_WORDS)
                   for i in range(2, len(key)))


def first_actor_appearances(contracts: Sequence[Mapping[str, Any]],
                            tally: SeriesTally | None = None) -> dict[str, tuple[int, int]]:
    """``{actor: (first version index, passages naming it there)}``, by the actor's names
    (and the short name of its long form: "Security Council" for UNSC)."""
    tally = tally or SeriesTally.of(contracts)
    return {actor: tally.first_actors[actor] for actor in tally.actor_patterns
            if actor in tally.first_actors}


def series_markdown(contracts: Sequence[Mapping[str, Any]], pair_links: Sequence[str],
                    charts: Mapping[str, str] | None = None, *, title: str | None = None,
                    tally: SeriesTally | None = None) -> str:
    docs, charts = versions(contracts), charts or {}
    tally = tally or SeriesTally.of(contracts)
    names = [_name(d) for d in docs]
    title = md_text(title or str(docs[-1].get("title") or "Series"))
    lines = [f"# {title}: {md_text(names[0])} to {md_text(names[-1])}", "",
             f"{len(docs)} versions, {len(contracts)} consecutive comparisons.", "",
             "## Versions", ""]
    lines += table(["Version", "Title", "Words", "Passages", "sha256"],
                   [[cell(names[i]), cell(d.get("title")), cell(d.get("words")),
                     str(tally.passages[i]), f"`{str(d.get('sha256', ''))[:12]}`"]
                    for i, d in enumerate(docs)])
    lines += ["## Pair reports", ""]
    lines += [f"- [{md_text(names[i])} → {md_text(names[i + 1])}]({link})"
              for i, link in enumerate(pair_links)]
    lines += ["", *_first_terms(contracts, names, tally), *_trajectories(charts),
              *_themes(contracts, names, tally), *_framing_table(contracts, names, charts)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _first_terms(contracts: Sequence[Mapping[str, Any]], names: list[str],
                 tally: SeriesTally) -> list[str]:
    from ..shifts.changes import min_evidence

    # As a pair report calls a term or actor new: with min_evidence uses there (a term in
    # two passages or more), so a single use is no first appearance.
    terms = {t: (i, n) for t, (i, n) in first_term_appearances(contracts, tally).items()
             if n >= min_evidence(tally.words[i]) and tally.term_passages[t][i] >= 2}
    actors = {a: found for a, found in first_actor_appearances(contracts, tally).items()
              if tally.first_actor_uses[a] >= min_evidence(tally.words[found[0]])}
    rows = [[cell(names[i]), _most_frequent(terms, i), _most_frequent(actors, i)]
            for i in range(1, len(names))]
    note = (f"Terms and actors first found in the version named (absent from every earlier one), "
            f"most frequent first, at most {FIRST_APPEARANCES} each; only those used there as "
            f"often as a pair report needs to call one new ({min_evidence(0)} times, one more "
            "per 40,000 words; a term in two passages or more), so a single use is none.")
    return ["## First appearances", "", note, "",
            *table(["Version", "New terms", "New actors"], rows)]


def _most_frequent(found: dict[str, tuple[int, int]], index: int) -> str:
    items = sorted((-count, name) for name, (first, count) in found.items() if first == index)
    return ", ".join(cell(name) for _, name in items[:FIRST_APPEARANCES]) or "—"


def _trajectories(charts: Mapping[str, str]) -> list[str]:
    if "trajectories" not in charts:
        return []
    note = ("The terms whose rate moved most across the versions, each version's rate counted "
            "in its own text.")
    return ["## Term-rate trajectories", "", note, "",
            f"![Term rates per 10,000 words across versions]({charts['trajectories']})", ""]


def _themes(contracts: Sequence[Mapping[str, Any]], names: list[str],
            tally: SeriesTally) -> list[str]:
    rows = theme_series(contracts, tally)
    if not rows:
        return []
    note = ("Themes of the pair reports (related terms and actors), followed through every "
            "version: the share of its passages that hold any member, most moved first. In "
            "the versions a pair report grouping the theme compares, the share is that "
            "report's; in the others (in italics) it is counted in that version's own text by "
            "the pair reports' rule (each term member in its spellings and the forms its pair "
            "counts, each actor by any of its names).")
    body = [[cell(r["theme"]), cell(", ".join(r["members"]))]
            + [percent(s, 1) if i in r["reported"] else f"*{percent(s, 1)}*"
               for i, s in enumerate(r["shares"])] for r in rows]
    return ["## Themes across versions", "", note, "",
            *table(["Theme", "Members"] + [cell(n) for n in names], body)]


def _framing_table(contracts: Sequence[Mapping[str, Any]], names: list[str],
                   charts: Mapping[str, str]) -> list[str]:
    """Each actor's framing per version, by the pair reports' own rule (markdown.framing_cell:
    "too few (n)" below their floor, "mixed" without a majority); an actor is one row however
    the pairs spell it (markup.name_key)."""
    from .markdown import framing_cell, framing_floor

    shown, sides = chart_module.series_actors(contracts)
    floors = [framing_floor(contract) for contract in contracts]
    framed = [k for k, v in sides.items() if any(a.get(f"{p}_dominant") for a, p, _ in v.values())]
    if not framed:
        return []

    def mentions(key: str) -> int:
        return sum(a.get(f"{p}_mentions") or 0 for a, p, _ in sides[key].values())

    ranked = sorted(framed, key=lambda k: (-mentions(k), shown[k]))
    def framing_at(key: str, version: int) -> str:
        if version not in sides[key]:
            return "—"
        actor, side, pair = sides[key][version]
        return framing_cell(actor, side, floors[pair])

    rows = [[cell(shown[k])] + [framing_at(k, i) for i in range(len(names))]
            for k in ranked[:MAX_FRAMING_ROWS]]
    lines = ["## Actor framing over time", "",
             (f"Main framing per version for the {min(len(ranked), MAX_FRAMING_ROWS)} "
              "most-mentioned framed actors, by the pair reports' rule: named only with at "
              "least as many sentences as a framing-shift headline needs and more than half of "
              "them (\"too few (n)\" or \"mixed\" otherwise); each pair report has the quotes."),
             ""]
    if "framing" in charts:
        if len(names) > FRAMING_CHART_VERSIONS:
            lines += [(f"The chart shows the last {FRAMING_CHART_VERSIONS} versions; the table "
                      "below has them all."), ""]
        lines += [f"![Actor framing across versions]({charts['framing']})", ""]
    return lines + table(["Actor"] + [cell(n) for n in names], rows)


def trajectory_series(contracts: Sequence[Mapping[str, Any]],
                      tally: SeriesTally | None = None) -> dict[str, list[float]]:
    """Rates per 10,000 words in every version, counted in each version's own text, of the
    headline terms that moved most across the series (``movement``), one per story."""
    tally = tally or SeriesTally.of(contracts)
    counts = series_counts(contracts, tally)
    words = tally.words
    rates = {t: [round(1e4 * n / w, 1) for n, w in zip(c, words)] for t, c in counts.items()}
    keys = {t: term_key(t) for t in counts}
    moved = {t: movement(rates[t], min(words)) * _substance(keys[t]) for t in counts}
    chosen: list[str] = []
    for term in sorted((t for t in counts if moved[t] > 0), key=lambda t: (-moved[t], t)):
        if not any(_nested(keys[term], keys[c]) for c in chosen):
            chosen.append(term)
        if len(chosen) >= MAX_TRAJECTORIES:
            break
    return {t: rates[t] for t in chosen}


def movement(rates: Sequence[float], words: int) -> float:
    """How far a rate moved across versions: log2 of highest over lowest (each at least
    RATE_FLOOR) times the square root of the difference in mentions at ``words`` words; 0
    unless the rate at least doubled somewhere."""
    high, low = max(rates), min(rates)
    size = abs(math.log2(max(high, RATE_FLOOR) / max(low, RATE_FLOOR)))
    return size * math.sqrt((high - low) * words / 1e4) if size >= 1 else 0.0


def _substance(key: str) -> float:
    from ..shifts.changes import substance

    return substance(key)


def _nested(a: str, b: str) -> bool:
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def theme_series(contracts: Sequence[Mapping[str, Any]],
                 tally: SeriesTally | None = None) -> list[dict]:
    """The pair reports' themes followed through every version: ``[{theme, members, passages,
    shares, reported}]``, where ``passages`` and ``shares`` are the version's passages holding
    any member and their share of its passages. In the versions (``reported``) that a pair
    report grouping the theme compares they are that report's own figures; in the others they
    are counted in the version's text as a pair counts them (``SeriesTally._add_themes``). A
    theme is its name and its members: pairs that group other members under one name give
    rows of their own. The themes whose share moved most come first."""
    tally = tally or SeriesTally.of(contracts)
    rows = []
    for key, reported in sorted(tally.themes.items()):
        counted = [(held, round(held / max(total, 1), 4))
                   for held, total in zip(tally.theme_passages[key], tally.passages)]
        found = [reported.get(i, c) for i, c in enumerate(counted)]
        rows.append({"theme": key[0], "members": list(key[1]),
                     "passages": [n for n, _ in found], "shares": [s for _, s in found],
                     "reported": sorted(reported)})
    rows.sort(key=lambda r: (-round(max(r["shares"]) - min(r["shares"]), 9), r["theme"],
                             r["members"]))
    return rows[:MAX_THEMES]


def write_series(contracts: list[dict], output_dir: Path, formats: str | list[str] = "md,html",
                 *, title: str | None = None, changelog: Sequence[Mapping[str, Any]] | None = None,
                 pair_names: Sequence[str] | None = None,
                 tally: SeriesTally | None = None) -> list[Path]:
    """Series charts and an index under ``output_dir``, linking one report per consecutive pair.

    ``pair_names``: base names of pair reports already written there (``update`` writes its
    own); without them the pair reports are written here, named after the versions.
    ``changelog``: ``[{"date": ..., "changes": [...]}, ...]`` from scheduled updates.
    ``tally``: the versions' texts already counted (``SeriesTally``), for contracts stripped
    of their passages; without it they are counted from the contracts' passages.
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
    tally = tally or SeriesTally.of(contracts)
    pngs = chart_module.series_charts(contracts, names, trajectory_series(contracts, tally),
                                      framing_versions=FRAMING_CHART_VERSIONS)
    index = SeriesIndex(contracts, title, changelog, tally)
    if "md" in chosen:
        files = {k: f"series-{k}.png" for k in sorted(pngs)}
        written += [atomic.write_bytes(output_dir / f, pngs[k]) for k, f in files.items()]
        text = index.markdown(_links(output_dir, pair_names, ".md"), files)
        written.append(atomic.write_text(output_dir / "index.md", text))
    if "html" in chosen:
        from .html import chart_slot, fill_charts, markdown_to_html, page

        # The charts go in after the conversion, as in a pair report: markdown-it normalises a
        # link character by character (~80 s for a 70-version series' framing chart).
        sources = {k: chart_slot(k) for k in pngs}
        body = markdown_to_html(index.markdown(_links(output_dir, pair_names, ".html"), sources))
        heading = title or f"{names[0]} … {names[-1]}"
        written.append(atomic.write_text(output_dir / "index.html", fill_charts(
            page(f"concept-diff: {heading}", body), pngs)))
    return written


def _links(output_dir: Path, pair_names: Sequence[str], suffix: str) -> list[str]:
    """Link each pair report in this format where it exists, else its Markdown."""
    return [f"{n}{suffix}" if (output_dir / f"{n}{suffix}").is_file() else f"{n}.md"
            for n in pair_names]


class SeriesIndex:
    """The index's content; rendered once per format with that format's links and images."""

    def __init__(self, contracts: Sequence[Mapping[str, Any]], title: str | None,
                 changelog: Sequence[Mapping[str, Any]] | None,
                 tally: SeriesTally | None = None):
        self.contracts, self.title, self.changelog = contracts, title, changelog or []
        self.tally = tally or SeriesTally.of(contracts)

    def markdown(self, pair_links: Sequence[str], charts: Mapping[str, str]) -> str:
        text = series_markdown(self.contracts, pair_links, charts, title=self.title,
                               tally=self.tally)
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
