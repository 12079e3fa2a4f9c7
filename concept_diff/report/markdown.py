"""The pair report as GitHub-flavoured Markdown, rendered from the JSON contract alone.

Order: title and summary, headline shifts, actors, terms, passage by passage, method and
provenance. Every passage reference is a link to an anchor in the same report, and every piece
of document text goes through markup.md_text, so it renders as text and never as markup.
``html=True`` gives the flavour html.py renders: the same report with ``<del>``/``<ins>``
redlines instead of ``~~``/``**``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import passages
from .markup import md_fragment, md_text, percent, squash
from .refs import Refs

KIND_ORDER = ("unchanged", "edited", "rewritten", "moved", "split", "merged", "added", "removed")
MAX_HEADLINES = 15  # a reader's first page; the JSON and CSV hold every one
TABLE_ROWS = 15  # rows per terms table; the full lists are in the JSON and CSV
FOLDED = ("Counts fold spellings, an acronym with its long form and a reversed pair (“A and B” "
          "with “B and A”) into one row, as the headlines count them; a term found almost only "
          "inside longer listed terms has no row of its own. A name of several words counts as "
          "one term (“states” is not counted inside “United States”), and a term that names an "
          "actor in half its uses or more (“DPRK”) is counted in the actors table, under all its "
          "names, not here.")


def to_markdown(contract: Mapping[str, Any], *, charts: Mapping[str, str] | None = None,
                html: bool = False) -> str:
    """The whole report; ``charts`` maps ``terms``/``actors`` to an image source to show."""
    refs = Refs(contract)
    charts = charts or {}
    blocks = [
        _title(refs),
        _headlines(refs),
        _themes(refs),
        _actors(refs, charts.get("actors")),
        _terms(refs, charts.get("terms")),
        passages.render(refs, html=html),
        _method(refs),
    ]
    text = "\n".join(line for block in blocks for line in block)
    return text.rstrip("\n") + "\n"


def cell(text: Any) -> str:
    """Table cell: escaped like any document text (``|`` included); cells never start a block."""
    return md_fragment(squash("" if text is None else str(text))) or " "


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _num(value: Any, spec: str) -> str:
    return format(value, spec) if isinstance(value, (int, float)) else "—"


def _title(refs: Refs) -> list[str]:
    old, new = refs.contract["old"], refs.contract["new"]
    heading = f"# {md_text(_doc_name(old, 'old'))} → {md_text(_doc_name(new, 'new'))}"
    summary = (
        f"This report compares **{md_text(old.get('title') or 'old')}** "
        f"({md_text(refs.version('old'))}, {_num(old.get('words'), ',')} words, "
        f"{len(old.get('passages', []))} passages) with **{md_text(new.get('title') or 'new')}** "
        f"({md_text(refs.version('new'))}, {_num(new.get('words'), ',')} words, "
        f"{len(new.get('passages', []))} passages). Aligned by meaning, the passages fall into "
        f"{_kind_counts(refs.contract)}.{_conservative(refs.contract)}{_related_count(refs)}"
    )
    return [heading, "", summary, ""]


def _conservative(contract: Mapping[str, Any]) -> str:
    """Under the pair decision a link needs high confidence, so "added" and "removed" count
    passages the model could not match with confidence, not only new and dropped content."""
    if not (contract.get("parameters") or {}).get("decision"):
        return ""
    return (" Passages are linked only when the model is confident they say the same thing, "
            "so added and removed include rewritten passages it could not match (see Method).")


def _related_count(refs: Refs) -> str:
    """How many added/removed passages point to a passage on the other side, and how many of
    those possibly say the same thing."""
    lonely = [e for e in refs.contract.get("alignment", [])
              if not (e.get("old") and e.get("new"))]
    if not any("related" in e for e in lonely):
        return ""
    named = [e for e in lonely if e.get("related")]
    possibly = sum(1 for e in named if passages.possibly_same(refs, e))
    verb = "points" if len(named) == 1 else "point"
    return (f" Of the {len(lonely)} added or removed passages, {len(named)} {verb} to the "
            "other version's passage closest in topic, a reading aid outside these counts"
            + (f"; for {possibly} of them that passage may say the same thing (a calibrated "
               "probability of 0.5 or more)" if possibly else "") + ".")


def _doc_name(doc: Mapping[str, Any], fallback: str) -> str:
    title, date = doc.get("title"), doc.get("date")
    if title and date and str(date) not in str(title):
        return f"{title} ({date})"
    return str(title or date or fallback)


def _kind_counts(contract: Mapping[str, Any]) -> str:
    counts: dict[str, int] = {}
    for entry in contract.get("alignment", []):
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    kinds = [k for k in KIND_ORDER if k in counts] + sorted(set(counts) - set(KIND_ORDER))
    return ", ".join(f"{counts[k]} {md_text(k)}" for k in kinds) or "none"


def _headlines(refs: Refs) -> list[str]:
    lines = ["## Headline shifts", ""]
    items = sorted(refs.contract.get("headlines", []), key=lambda h: h.get("rank", 0))
    if not items:
        return lines + ["No headline shifts were found.", ""]
    for number, item in enumerate(items[:MAX_HEADLINES], 1):
        kind = md_text(str(item.get("kind", "")).replace("_", " "))
        lines.append(f"{number}. **{md_text(item.get('subject', ''))}** "
                     f"({kind}): {md_text(item.get('summary', ''))}")
        lines += [f"   - {refs.quote(e)}" for e in item.get("evidence", [])]
    if len(items) > MAX_HEADLINES:
        lines += ["", (f"The {MAX_HEADLINES} strongest of {len(items)} shifts; the JSON report "
                  "and the headlines CSV hold them all.")]
    return lines + [""]


def _themes(refs: Refs) -> list[str]:
    """Themes (shifts.themes): related changed terms and actors, with their passages."""
    themes = refs.contract.get("themes", [])
    if not themes:
        return []
    old_v, new_v = md_text(refs.version("old")), md_text(refs.version("new"))
    lines = ["## Themes", "", (f"Changed terms and actors grouped by meaning and by the passages "
             f"that discuss them; passages of each version holding any member, {old_v} → "
             f"{new_v}."), ""]
    for theme in themes:
        members = [md_text(m) for m in theme.get("members", [])]
        name = ", ".join(members[:3]) + (", …" if len(members) > 3 else "")
        rest = f"; members: {', '.join(members)}" if len(members) > 3 else ""
        lines.append(f"- **{name or md_text(theme.get('theme', ''))}**: "
                     f"{theme.get('old_passages')} → {theme.get('new_passages')} passages "
                     f"({percent(theme.get('old_share') or 0, 1)} → "
                     f"{percent(theme.get('new_share') or 0, 1)}){rest}")
    return lines + [""]


def _actors(refs: Refs, chart: str | None) -> list[str]:
    lines = ["## Actors", ""]
    actors = refs.contract.get("actors", [])
    if not actors:
        return lines + ["No actors were detected.", ""]
    old_v, new_v = md_text(refs.version("old")), md_text(refs.version("new"))
    floor = framing_floor(refs.contract)
    header = ["Actor", f"Mentions {old_v} → {new_v}", f"Framing {old_v} → {new_v}",
              "Framing change (JS)", "Evidence"]
    rows = [[_actor_cell(a), _mentions(a), _framing(a, floor),
             cell(a.get("shift")) if _framed(a, "old", floor) and _framed(a, "new", floor) else " ",
             ", ".join(refs.link(e["version"], e["passage"]) for e in a.get("evidence", [])) or " "]
            for a in actors]
    lines += table(header, rows)
    lines += [("Mentions count sentences. A country name that is also a common word, a first "
               "name or a US state (“Georgia”, “Jordan”) counts in a passage that also names the "
               "country unambiguously, in a list beside another country (“Georgia, Moldova, and "
               "Ukraine”), or where the parser reads it as a place and no other place has that "
               "name; a capital city (“Paris”) only in a passage that names its country; a "
               "country's initials (“DPRK”) where the text spells them out as its name, else "
               "only in a passage that also names it. Such a country may be undercounted."), ""]
    if floor > 1:
        lines += [(f"A main framing is named only for a version with at least {floor} "
                   "sentences naming the actor, and only when it holds more than half of them "
                   "(“mixed” gives the two largest otherwise); the framing change is the "
                   "Jensen–Shannon "
                   "distance between the two versions' framing shares (0 the same, 1 "
                   "disjoint)."), ""]
    if chart:
        lines += [f"![Actor framing, {old_v} and {new_v}]({chart})", ""]
    lines += ["### Evidence", ""]
    for actor in actors:
        lines.append(f"- **{md_text(actor.get('actor', ''))}**")
        lines += [f"  - {refs.quote(e)}" for e in actor.get("evidence", [])]
    return lines + [""]


def _mentions(actor: Mapping[str, Any]) -> str:
    return f"{_num(actor.get('old_mentions'), 'd')} → {_num(actor.get('new_mentions'), 'd')}"


def _actor_cell(actor: Mapping[str, Any]) -> str:
    aliases = [a for a in actor.get("aliases", []) if a != actor.get("actor")]
    name = cell(actor.get("actor"))
    return f"{name} ({', '.join(cell(a) for a in aliases)})" if aliases else name


def framing_floor(contract: Mapping[str, Any]) -> int:
    """Sentences a version needs before the table names the actor's main framing there: the
    floor of the framing-shift rule, so the table never claims more than a headline could."""
    rule = (contract.get("framing") or {}).get("rule") or {}
    return int(rule.get("min_sentences") or 1)


def _framed(actor: Mapping[str, Any], prefix: str, floor: int) -> bool:
    return bool(actor.get(f"{prefix}_dominant")) and (actor.get(f"{prefix}_mentions") or 0) >= floor


def framing_cell(actor: Mapping[str, Any], prefix: str, floor: int = 1) -> str:
    """An actor's framing in one version (``prefix`` old or new) as the tables show it: the
    main framing with its count, "mixed" when none holds most sentences, "too few (n)" below
    the floor, "—" where the version does not name it."""
    dominant = actor.get(f"{prefix}_dominant")
    total = actor.get(f"{prefix}_mentions")
    if not dominant:
        return "—"
    if not _framed(actor, prefix, floor):
        return f"too few ({total})"
    shares = actor.get(f"{prefix}_framing") or {}
    share = shares.get(dominant)
    if share is None or not total:
        return cell(dominant)
    if share <= 0.5:  # no framing holds most sentences: say so, with the two largest
        ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0] != dominant, kv[0]))
        parts = ", ".join(f"{cell(k)} {round(v * total)}" for k, v in ranked[:2] if v > 0)
        return f"mixed: {parts} of {total}"
    return f"{cell(dominant)} ({round(share * total)} of {total})"  # counts, not shares


def _framing(actor: Mapping[str, Any], floor: int = 1) -> str:
    return f"{framing_cell(actor, 'old', floor)} → {framing_cell(actor, 'new', floor)}"


def _terms(refs: Refs, chart: str | None) -> list[str]:
    lines = ["## Terms", ""]
    terms = refs.contract.get("terms", [])
    if not terms:
        return lines + ["No term statistics.", ""]
    if chart:
        lines += [f"![Term rates per 10,000 words]({chart})", ""]
    lines += [FOLDED, ""]
    new = sorted((t for t in terms if t.get("status") == "new"),
                 key=lambda t: (-(t.get("new_count") or 0), t["term"]))
    gone = sorted((t for t in terms if t.get("status") == "gone"),
                  key=lambda t: (-(t.get("old_count") or 0), t["term"]))
    strongest = sorted((t for t in terms if t.get("status") in ("up", "down")),
                       key=lambda t: (-abs(t.get("keyness") or 0), t["term"]))
    for title, rows in (("New terms", new), ("Gone terms", gone), ("Strongest keyness", strongest)):
        lines += [f"### {title}", ""]
        lines += _terms_table(refs, rows[:TABLE_ROWS]) if rows else ["None.", ""]
    return lines


def _terms_table(refs: Refs, terms: list[Mapping[str, Any]]) -> list[str]:
    old_v, new_v = md_text(refs.version("old")), md_text(refs.version("new"))
    header = ["Term", old_v, new_v, f"per 10k {old_v}", f"per 10k {new_v}", "Keyness", "p",
              "Status"]
    rows = [[cell(t["term"]), _num(t.get("old_count"), "d"), _num(t.get("new_count"), "d"),
             _num(t.get("old_per_10k"), ".1f"), _num(t.get("new_per_10k"), ".1f"),
             _num(t.get("keyness"), ".1f"), _num(t.get("p_value"), ".2g"), cell(t.get("status"))]
            for t in terms]
    return table(header, rows)


def _method(refs: Refs) -> list[str]:
    contract = refs.contract
    model, tool = contract.get("model", {}), contract.get("tool", {})
    rows = [
        ["Tool", cell(f"{tool.get('name', 'concept-diff')} {tool.get('version', '')}".strip())],
        ["Schema", cell(contract.get("schema"))],
        ["Model", cell(model.get("name"))],
        ["Model loaded from", cell(model.get("source"))],
        ["Model identity", cell(model.get("identity"))],
    ]
    for side in ("old", "new"):
        doc = contract[side]
        rows += [[f"{side.title()} source", cell(doc.get("source"))],
                 [f"{side.title()} sha256", f"`{doc.get('sha256', '')}`" if _hex(doc) else "—"]]
    params = contract.get("parameters", {})
    rows += [[f"Parameter {cell(k)}", cell(json.dumps(params[k], ensure_ascii=False,
                                                       sort_keys=True))]
             for k in sorted(params)]
    from .evaluation_note import evaluation_method
    from .framing_note import framing_method

    return (["## Method and provenance", ""] + framing_method(contract.get("framing") or {})
            + evaluation_method(contract.get("evaluation") or {})
            + table(["What", "Value"], rows))


def _hex(doc: Mapping[str, Any]) -> bool:
    value = str(doc.get("sha256") or "")
    return bool(value) and all(c in "0123456789abcdef" for c in value.lower())
