"""Reports rendered from the JSON contract: Markdown, HTML, JSON, CSV and PNG charts.

Everything here reads the contract dict (``Comparison.to_dict()``) and nothing else, so the
formats can never disagree with one another. ``write_reports`` is the one entry point the CLI
and the timeline use; the renderers are importable on their own for notebooks and tests.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import atomic
from ..errors import InputError
from .chart_process import ChartError

if TYPE_CHECKING:  # pragma: no cover
    from .chart_process import ChartProcess

FORMATS = ("md", "html", "json", "csv")
_EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
               ".json": "json", ".csv": "csv"}
_ALIASES = {"markdown": "md", "htm": "html"}

__all__ = ["FORMATS", "parse_formats", "prepare_reports", "start_charts", "write_reports"]


def parse_formats(formats: str | Iterable[str] | None, output: Path) -> list[str]:
    """``"md,html"``/``["md", "json"]`` → formats in a fixed order; none given: from the suffix."""
    if formats is None or formats == "" or formats == []:
        chosen = _EXTENSIONS.get(Path(output).suffix.lower())
        if chosen is None:
            raise InputError("cannot tell the report format from the file name; use --format "
                             f"with one or more of {', '.join(FORMATS)}", output)
        return [chosen]
    names = [formats] if isinstance(formats, str) else list(formats)
    wanted = {_ALIASES.get(n.strip().lower(), n.strip().lower())
              for name in names for n in name.split(",") if n.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise InputError(f"unknown report format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}", output)
    return [f for f in FORMATS if f in wanted]


def report_base(contract: Mapping[str, Any], output: Path) -> Path:
    """The path every output file is named from: ``output`` less a known report suffix.

    A directory gets a name made from the two versions, e.g. ``2010-vs-2015``.
    """
    output = Path(output)
    if output.is_dir():
        return output / f"{_slug(contract, 'old')}-vs-{_slug(contract, 'new')}"
    if output.suffix.lower() in _EXTENSIONS:
        return output.with_suffix("")
    return output


def _slug(contract: Mapping[str, Any], side: str) -> str:
    doc = contract.get(side, {})
    text = str(doc.get("date") or doc.get("title") or side)
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or side


def write_reports(contract: Mapping[str, Any], output: Path,
                  formats: str | list[str] | None = None, *,
                  drawer: ChartProcess | None = None) -> list[Path]:
    """Write the report in each format; returns every file written, in a fixed order.

    ``md`` writes the charts as PNG files beside it (``NAME-terms.png``, ``NAME-actors.png``);
    ``html`` embeds them; ``csv`` writes one file per table (``NAME-alignment.csv``, ...).
    ``drawer``: a chart process (``start_charts``) that draws the charts while the text
    formats render here. Every file is rendered before the first is written, so an error
    (the charts' included) leaves no report behind.
    """
    chosen = parse_formats(formats, output)
    base = report_base(contract, output)
    drawn = bool({"md", "html"} & set(chosen))
    if drawer is not None and not drawn:
        drawer.close()
        drawer = None
    if drawer is not None:
        from .charts import chart_names

        drawer.draw(contract)
        names = chart_names(contract)  # the reports render while the child draws
    else:
        pngs = _charts(contract) if drawn else {}
        names = list(pngs)
    files = [item for fmt in chosen for item in _RENDERERS[fmt](contract, base, names)]
    if drawer is not None:
        pngs = drawer.result()
        if list(pngs) != names:
            raise ChartError(f"drawing the charts failed: drew {list(pngs)}, not {names}")
    return [atomic.write_bytes(path, _filled(content, pngs)) for path, content in files]


def start_charts(formats: str | Iterable[str] | None, output: Path) -> ChartProcess | None:
    """A chart process for ``write_reports``, started now so that matplotlib loads on another
    core while the comparison runs; None when these formats draw no chart (or no child can be
    started: ``write_reports`` then draws in this process)."""
    if not {"md", "html"} & set(parse_formats(formats, output)):
        return None
    from .chart_process import start

    return start()


def prepare_reports(formats: str | Iterable[str] | None, output: Path) -> None:
    """Import the renderers of these formats ahead of need (markdown-it alone takes ~0.08 s):
    compare_files has it done while the analysis finishes in another process."""
    modules = {"md": ".markdown", "html": ".html", "json": ".json", "csv": ".tables"}
    for fmt in parse_formats(formats, output):
        importlib.import_module(modules[fmt], __package__)


def _charts(contract: Mapping[str, Any]) -> dict[str, bytes]:
    from .charts import charts

    return charts(contract)


def _sibling(base: Path, suffix: str) -> Path:
    return base.with_name(base.name + suffix)


class _Png(str):
    """A chart's name, standing for its PNG until the chart is drawn."""


class _Page(str):
    """An HTML page with a slot for each chart (html.fill_charts)."""


Rendered = list[tuple[Path, bytes | _Png | _Page]]  # each file a format writes, and its bytes


def _filled(content: bytes | _Png | _Page, pngs: Mapping[str, bytes]) -> bytes:
    if isinstance(content, _Png):
        return pngs[content]
    if isinstance(content, _Page):
        from .html import fill_charts

        return fill_charts(content, pngs).encode("utf-8")
    return content


def _render_md(contract: Mapping[str, Any], base: Path, charts: list[str]) -> Rendered:
    from .markdown import to_markdown

    images = {name: _sibling(base, f"-{name}.png") for name in sorted(charts)}
    text = to_markdown(contract, charts={name: path.name for name, path in images.items()})
    return [(_sibling(base, ".md"), text.encode("utf-8")),
            *((path, _Png(name)) for name, path in images.items())]


def _render_html(contract: Mapping[str, Any], base: Path, charts: list[str]) -> Rendered:
    from .html import page_with_slots

    return [(_sibling(base, ".html"), _Page(page_with_slots(contract, charts)))]


def _render_json(contract: Mapping[str, Any], base: Path, _charts: list[str]) -> Rendered:
    from .json import to_json

    return [(_sibling(base, ".json"), to_json(contract).encode("utf-8"))]


def _render_csv(contract: Mapping[str, Any], base: Path, _charts: list[str]) -> Rendered:
    from .tables import frames, to_csv

    return [(_sibling(base, f"-{name}.csv"), to_csv(frame).encode("utf-8"))
            for name, frame in frames(contract).items()]


_RENDERERS = {"md": _render_md, "html": _render_html, "json": _render_json, "csv": _render_csv}
