"""Charts for the pair report: term-rate changes and actor framing, old vs new, as PNG bytes.

matplotlib is imported only here and only when a chart is drawn (it is slow to import). We use
the object API with the Agg canvas, never pyplot, so no global backend or figure state leaks,
and the bytes are deterministic: matplotlib's default style, fixed size and dpi, and no
"Software" metadata (the only PNG text chunk that would carry a version).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from typing import Any

from .markup import name_key

WIDTH, DPI = 8.0, 100
MAX_TERMS, MAX_ACTORS = 15, 10
OLD_COLOUR, NEW_COLOUR = "#8c959f", "#0969da"
PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#57606a",
           "#0550ae", "#953800", "#116329")
# Framing categories in the Okabe-Ito palette (safe for the common colour-vision deficiencies):
# threat takes the warning colour (vermillion), partner blue, neutral grey. Categories of a
# user's own framing file take OTHER_CATEGORY_COLOURS in the order the file defines them.
FRAMING_COLOURS = {"partner": "#0072B2", "competitor": "#E69F00", "threat": "#D55E00",
                   "concern": "#CC79A7", "neutral": "#999999"}
OTHER_CATEGORY_COLOURS = ("#009E73", "#56B4E9", "#F0E442", "#000000")


def charts(contract: Mapping[str, Any]) -> dict[str, bytes]:
    """``{"terms": png, "actors": png}``, leaving out a chart with nothing to show."""
    out = {}
    terms = term_rate_chart(contract)
    if terms is not None:
        out["terms"] = terms
    actors = actor_framing_chart(contract)
    if actors is not None:
        out["actors"] = actors
    return out


def chart_names(contract: Mapping[str, Any]) -> list[str]:
    """The charts ``charts`` draws for ``contract``, in its order, known without drawing (so
    the reports can be rendered while a chart process draws)."""
    return [name for name, rows in (("terms", _term_rows(contract)),
                                    ("actors", _actor_bars(contract))) if rows]


def chart_input(contract: Mapping[str, Any]) -> dict[str, Any]:
    """The part of the contract ``charts`` reads (plain JSON data): what chart_process sends
    its child."""
    return {**{side: {k: (contract.get(side) or {}).get(k) for k in ("date", "title")}
               for side in ("old", "new")},
            "terms": contract.get("terms", []), "actors": contract.get("actors", [])}


def prepare() -> None:
    """Import what drawing needs (most of a chart's time on a first draw)."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.style  # noqa: F401


def label(text: Any, limit: int = 40) -> str:
    """Document text as a chart label: shortened, and ``$`` escaped so it is not mathtext."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _version(contract: Mapping[str, Any], side: str) -> str:
    doc = contract.get(side, {})
    return label(doc.get("date") or doc.get("title") or side, 20)


def _default_style(draw):
    """Run a chart function under matplotlib's default style: a user's matplotlibrc must not
    change our bytes."""

    @functools.wraps(draw)
    def wrapper(*args: Any) -> bytes | None:
        import matplotlib.style

        with matplotlib.style.context("default"):
            return draw(*args)

    return wrapper


@_default_style
def term_rate_chart(contract: Mapping[str, Any]) -> bytes | None:
    """The terms whose rate per 10,000 words changed most, old and new bars side by side."""
    terms = _term_rows(contract)
    if not terms:
        return None
    terms.reverse()  # barh draws bottom-up; the biggest change goes on top
    fig, ax = _figure(len(terms) * 0.45 + 1.4)
    rows = range(len(terms))
    ax.barh([r + 0.2 for r in rows], [t["old_per_10k"] for t in terms], height=0.4,
            color=OLD_COLOUR, label=_version(contract, "old"))
    ax.barh([r - 0.2 for r in rows], [t["new_per_10k"] for t in terms], height=0.4,
            color=NEW_COLOUR, label=_version(contract, "new"))
    ax.set_yticks(list(rows), [label(t["term"]) for t in terms])
    ax.set_xlabel("occurrences per 10,000 words")
    ax.set_title("Largest changes in term rates")
    ax.legend(loc="lower right", frameon=False)
    return _png(fig)


@_default_style
def actor_framing_chart(contract: Mapping[str, Any]) -> bytes | None:
    """For each actor, two stacked bars (old, new) of the shares of each framing category."""
    bars = _actor_bars(contract)
    return _framing_bars(bars, "Actor framing, old and new") if bars else None


def _term_rows(contract: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The term chart's rows, top to bottom: the largest changes of rate (none: no chart)."""
    terms = [t for t in contract.get("terms", [])
             if isinstance(t.get("old_per_10k"), (int, float))
             and isinstance(t.get("new_per_10k"), (int, float))]
    terms.sort(key=lambda t: (-abs(t["new_per_10k"] - t["old_per_10k"]), t["term"]))
    return [t for t in terms[:MAX_TERMS] if t["new_per_10k"] != t["old_per_10k"]]


def _actor_bars(contract: Mapping[str, Any]) -> list[tuple[str, Mapping[str, float]]]:
    """The actor chart's bars, top to bottom: (label, framing shares) (none: no chart)."""
    actors = [a for a in contract.get("actors", [])
              if (a.get("old_framing") or a.get("new_framing"))]
    actors.sort(key=lambda a: (-((a.get("old_mentions") or 0) + (a.get("new_mentions") or 0)),
                               str(a.get("actor"))))
    return [((f"{label(a.get('actor'), 30)} ({_version(contract, side)}, "
              f"n={a.get(f'{side}_mentions') or 0})"), a.get(f"{side}_framing") or {})
            for a in actors[:MAX_ACTORS] for side in ("old", "new")]


def _framing_bars(bars: list[tuple[str, Mapping[str, float]]], title: str) -> bytes:
    """Horizontal bars, top to bottom in the given order, stacked by framing category."""
    categories = framing_categories(bars)
    colours = framing_colours(categories)
    bars = list(reversed(bars))  # barh draws bottom-up
    fig, ax = _figure(len(bars) * 0.32 + 1.9)
    left = [0.0] * len(bars)
    for category in categories:
        shares = [float(framing.get(category) or 0) for _, framing in bars]
        ax.barh(range(len(bars)), shares, left=left, height=0.8,
                color=colours[category], label=label(category, 24))
        left = [x + s for x, s in zip(left, shares)]
    ax.set_yticks(range(len(bars)), [name for name, _ in bars])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of mentions by framing")
    ax.set_title(title)
    if categories:
        fig.legend(loc="outside lower center", ncol=min(len(categories), 5), frameon=False)
    return _png(fig)


def series_charts(contracts: list[Mapping[str, Any]], names: list[str],
                  trajectories: Mapping[str, list[float | None]],
                  framing_versions: int | None = None) -> dict[str, bytes]:
    """``{"trajectories": png, "framing": png}`` for a series of consecutive pair contracts.

    ``trajectories`` is ``{term: [rate per version or None]}``, chosen by report.series.
    ``framing_versions``: the framing chart shows only the last this many versions (it has a
    bar per actor and version, so its height and memory would grow with the series).
    """
    out = {}
    trajectories = _trajectory_chart(trajectories, names)
    if trajectories is not None:
        out["trajectories"] = trajectories
    shown = len(names) if not framing_versions else min(len(names), max(2, framing_versions))
    framing = _series_framing_chart(contracts[len(names) - shown:], names[len(names) - shown:])
    if framing is not None:
        out["framing"] = framing
    return out


@_default_style
def _trajectory_chart(series: Mapping[str, list[float | None]], names: list[str]) -> bytes | None:
    if not series:
        return None
    fig, ax = _figure(4.5)
    for i, (term, rates) in enumerate(series.items()):
        points = [(x, y) for x, y in enumerate(rates) if isinstance(y, (int, float))]
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o",
                color=PALETTE[i % len(PALETTE)], label=label(term, 30))
    ax.set_xticks(range(len(names)), [label(n, 20) for n in names])
    ax.set_ylabel("occurrences per 10,000 words")
    ax.set_title("Term-rate trajectories")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return _png(fig)


@_default_style
def series_actors(contracts: Sequence[Mapping[str, Any]]
                  ) -> tuple[dict[str, str], dict[str, dict[int, tuple[Mapping[str, Any], str, int]]]]:
    """Each actor of a series of consecutive pair contracts, one however the pairs spell it
    (markup.name_key): the name the latest pair gives it, and per version index its row in the
    pair that covers that version, that row's side ("old" or "new") and the pair's index (the
    later pair gives a version's new side; the first pair its old one)."""
    shown: dict[str, str] = {}
    sides: dict[str, dict[int, tuple[Mapping[str, Any], str, int]]] = {}
    for i, contract in enumerate(contracts):
        for actor in contract.get("actors", []):
            key = name_key(actor.get("actor"))
            shown[key] = str(actor.get("actor"))
            versions = sides.setdefault(key, {})
            versions.setdefault(i, (actor, "old", i))
            versions[i + 1] = (actor, "new", i)
    return shown, sides


def _series_framing_chart(contracts: list[Mapping[str, Any]], names: list[str]) -> bytes | None:
    """The most-mentioned framed actors (an actor no version frames, such as the author, has
    no bars to show), one per name however the pairs spell it (series_actors)."""
    shown, sides = series_actors(contracts)
    framing = {k: {i: a.get(f"{p}_framing") or {} for i, (a, p, _) in v.items()}
               for k, v in sides.items()}
    mentions = {k: sum(a.get("new_mentions") or 0 for a, p, _ in v.values() if p == "new")
                for k, v in sides.items()}
    framed = [k for k, found in framing.items() if any(found.values())]
    top = sorted(framed, key=lambda k: (-mentions[k], shown[k]))[:MAX_ACTORS // 2 or 1]
    bars = [(f"{label(shown[k], 30)} ({label(names[i], 20)})", framing[k].get(i) or {})
            for k in top for i in range(len(names))]
    if not any(f for _, f in bars):
        return None
    return _framing_bars(bars, "Actor framing across versions")


def framing_categories(bars: list[tuple[str, Mapping[str, float]]]) -> list[str]:
    """The categories in the order the framing file defines them (the legend's order)."""
    return list(dict.fromkeys(c for _, framing in bars for c in framing))


def framing_colours(categories: list[str]) -> dict[str, str]:
    """Each framing category's colour: fixed for the default five, in order for the others."""
    others = iter(OTHER_CATEGORY_COLOURS * (len(categories) // len(OTHER_CATEGORY_COLOURS) + 1))
    return {c: FRAMING_COLOURS.get(c) or next(others) for c in categories}


def _figure(height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, max(2.5, height)), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()



def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
