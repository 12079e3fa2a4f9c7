"""Charts for the pair report: term-rate changes and actor framing, old vs new, as PNG bytes.

matplotlib is imported only here and only when a chart is drawn (it is slow to import). We use
the object API with the Agg canvas, never pyplot, so no global backend or figure state leaks,
and the bytes are deterministic: matplotlib's default style, fixed size and dpi, and no
"Software" metadata (the only PNG text chunk that would carry a version).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

WIDTH, DPI = 8.0, 100
MAX_TERMS, MAX_ACTORS = 15, 10
OLD_COLOUR, NEW_COLOUR = "#8c959f", "#0969da"
PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#57606a",
           "#0550ae", "#953800", "#116329")


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
    def wrapper(contract: Mapping[str, Any]) -> bytes | None:
        import matplotlib.style

        with matplotlib.style.context("default"):
            return draw(contract)

    return wrapper


@_default_style
def term_rate_chart(contract: Mapping[str, Any]) -> bytes | None:
    """The terms whose rate per 10,000 words changed most, old and new bars side by side."""
    terms = [t for t in contract.get("terms", [])
             if isinstance(t.get("old_per_10k"), (int, float))
             and isinstance(t.get("new_per_10k"), (int, float))]
    terms.sort(key=lambda t: (-abs(t["new_per_10k"] - t["old_per_10k"]), t["term"]))
    terms = [t for t in terms[:MAX_TERMS] if t["new_per_10k"] != t["old_per_10k"]]
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
    actors = [a for a in contract.get("actors", [])
              if (a.get("old_framing") or a.get("new_framing"))]
    actors.sort(key=lambda a: (-((a.get("old_mentions") or 0) + (a.get("new_mentions") or 0)),
                               str(a.get("actor"))))
    actors = actors[:MAX_ACTORS]
    if not actors:
        return None
    categories = sorted({c for a in actors for side in ("old", "new")
                         for c in (a.get(f"{side}_framing") or {})})
    bars = [(a, side) for a in reversed(actors) for side in ("new", "old")]
    fig, ax = _figure(len(bars) * 0.32 + 1.9)
    left = [0.0] * len(bars)
    for i, category in enumerate(categories):
        shares = [float((a.get(f"{side}_framing") or {}).get(category) or 0) for a, side in bars]
        ax.barh(range(len(bars)), shares, left=left, height=0.8,
                color=PALETTE[i % len(PALETTE)], label=label(category, 24))
        left = [x + s for x, s in zip(left, shares)]
    ax.set_yticks(range(len(bars)), [f"{label(a.get('actor'), 30)} ({_version(contract, side)})"
                                     for a, side in bars])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of mentions by framing")
    ax.set_title("Actor framing, old and new")
    fig.legend(loc="outside lower center", ncol=min(len(categories), 5), frameon=False)
    return _png(fig)


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
