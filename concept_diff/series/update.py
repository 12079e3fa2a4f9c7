"""Bring a folder of reports up to date with a corpus, doing only the work that changed.

The state file (``.concept-diff/state.json`` in the output folder) records, for each version,
the sha256 of its source bytes, and for each consecutive pair, the hashes it was computed from
and the files it wrote. A run hashes the sources (cheap: no model, no parsing), works out which
pairs are new or stale, re-runs only those, then rewrites the series report and index.

Crash safety: every file is written atomically, and the state is saved after each pair, *after*
that pair's reports. A run killed at any point leaves the previous reports and a state that
describes files that exist; the next run redoes whatever the state does not vouch for.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__, atomic
from ..errors import ConceptDiffError
from .lock import folder_lock

STATE_DIR = ".concept-diff"
STATE_NAME = "state.json"
STATE_SCHEMA = "concept-diff-state/1"
DEFAULT_FORMATS = ("md", "html", "json")

# Exit codes for schedulers, like `git diff --exit-code`.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGED = 3


@dataclass
class Version:
    key: str  # stable name of the version in file names: its date, else a slug of its title
    title: str
    date: str | None
    path: Path
    sha256: str


@dataclass
class Plan:
    versions: list[Version]
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # to (re)compute
    stale_pairs: list[str] = field(default_factory=list)  # reports to delete
    series: bool = False  # series report and index need rewriting
    state_note: str | None = None  # e.g. "state file was corrupt; rebuilt"

    @property
    def up_to_date(self) -> bool:
        return not (self.pairs or self.stale_pairs or self.series)

    def describe(self) -> list[str]:
        lines = [f"new version {k}" for k in self.new]
        lines += [f"changed version {k}" for k in self.changed]
        lines += [f"removed version {k}" for k in self.removed]
        lines += [f"compare {a} → {b}" for a, b in self.pairs]
        lines += [f"delete stale report {name}" for name in self.stale_pairs]
        if self.series:
            lines.append("rewrite series report and index")
        return lines


@dataclass
class UpdateResult:
    plan: Plan
    written: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    changelog: list[str] = field(default_factory=list)
    embedded: int = 0  # texts embedded (cache misses) in this run
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


def pair_name(old: str, new: str) -> str:
    return f"{old}-vs-{new}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- state


def state_path(output: Path) -> Path:
    return output / STATE_DIR / STATE_NAME


def read_state(output: Path) -> tuple[dict[str, Any], str | None]:
    """The saved state, or an empty one with a note when it is missing or corrupt."""
    path = state_path(output)
    empty: dict[str, Any] = {"schema": STATE_SCHEMA, "versions": {}, "pairs": {}, "changelog": []}
    if not path.exists():
        return empty, None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("schema") != STATE_SCHEMA or not isinstance(state.get("pairs"), dict):
            raise ValueError("unexpected schema")
        for key in ("versions", "changelog"):
            state.setdefault(key, empty[key])
        return state, None
    except (OSError, ValueError, AttributeError) as error:
        return empty, f"state file {path} was unreadable ({error}); rebuilding it"


def write_state(output: Path, state: dict[str, Any]) -> None:
    text = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic.write_text(state_path(output), text)


# ---------------------------------------------------------------- planning


def corpus_versions(corpus_path: Path) -> tuple[str, list[Version]]:
    """The corpus's versions in date order, with the sha256 of each source file."""
    from .corpus import load_corpus

    corpus = load_corpus(corpus_path)
    dates = [entry.date for entry in corpus.entries]
    unique_dates = len(set(dates)) == len(dates)
    versions = []
    for entry in corpus.entries:
        path = corpus.locate(entry)
        key = _slug(entry.date) if unique_dates else entry.key  # short report names: 2010-vs-2015
        versions.append(Version(key, entry.title or "", entry.date, path, sha256_file(path)))
    return corpus.name, versions


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "version"


def plan_update(
    output: Path, versions: list[Version], *, settings: dict[str, Any], force: bool = False
) -> Plan:
    state, note = read_state(output)
    plan = Plan(versions=versions, state_note=note)
    old_versions: dict[str, Any] = state.get("versions", {})
    for version in versions:
        before = old_versions.get(version.key)
        if before is None:
            plan.new.append(version.key)
        elif before.get("sha256") != version.sha256:
            plan.changed.append(version.key)
    keys = {v.key for v in versions}
    plan.removed = sorted(k for k in old_versions if k not in keys)

    same_settings = state.get("settings") == settings
    wanted = {pair_name(a.key, b.key): (a, b) for a, b in itertools.pairwise(versions)}
    for name, (a, b) in wanted.items():
        done = state["pairs"].get(name)
        fresh = (
            not force
            and same_settings
            and done is not None
            and done.get("old_sha256") == a.sha256
            and done.get("new_sha256") == b.sha256
            and _outputs_intact(output, done.get("outputs", {}))
        )
        if not fresh:
            plan.pairs.append((a.key, b.key))
    plan.stale_pairs = sorted(name for name in state["pairs"] if name not in wanted)
    series_done = state.get("series") or {}
    plan.series = bool(
        plan.pairs
        or plan.stale_pairs
        or plan.removed
        or series_done.get("pairs") != sorted(wanted)
        or not _outputs_intact(output, series_done.get("outputs", {}))
    )
    return plan


def _outputs_intact(output: Path, outputs: dict[str, str]) -> bool:
    """Every recorded output exists with the hash we wrote (a hand-edited report is redone)."""
    if not outputs:
        return False
    for name, digest in outputs.items():
        path = output / name
        if not path.exists() or sha256_file(path) != digest:
            return False
    return True


# ---------------------------------------------------------------- running


def update(
    corpus_path: Path,
    output: Path,
    *,
    model: str | None = None,
    device: str | None = None,
    cache_dir: Path | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    dry_run: bool = False,
    force: bool = False,
    wait: float = 0.0,
    today: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> UpdateResult:
    """Plan, then (unless ``dry_run``) run the comparisons the plan calls for, under a lock."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    output = Path(output)
    settings = {"model": model or "default", "formats": sorted(formats), "tool": __version__}
    if dry_run:
        _, versions = corpus_versions(Path(corpus_path))
        plan = plan_update(output, versions, settings=settings, force=force)
        return UpdateResult(plan=plan, seconds=time.perf_counter() - started)
    with folder_lock(output / STATE_DIR, wait=wait):
        series_name, versions = corpus_versions(Path(corpus_path))
        plan = plan_update(output, versions, settings=settings, force=force)
        result = UpdateResult(plan=plan)
        if plan.state_note:
            say(plan.state_note)
        if not plan.up_to_date:
            _execute(plan, output, series_name, settings, result, model, device, cache_dir,
                     today, say)
    result.seconds = time.perf_counter() - started
    return result


def _execute(plan, output, series_name, settings, result, model, device, cache_dir, today, say):
    state, _ = read_state(output)
    state["settings"] = settings
    by_key = {v.key: v for v in plan.versions}
    today = today or datetime.now(UTC).date().isoformat()
    notes: list[str] = [f"new version {k} added" for k in plan.new]
    notes += [f"version {k} changed" for k in plan.changed]
    notes += [f"version {k} removed" for k in plan.removed]

    if plan.pairs:
        embedder = _embedder(model, device, cache_dir)
        _embed_stream([by_key[k] for k in _keys_of(plan.pairs)], embedder, say, cache_dir)
        _return_freed_memory()
        window = _DocumentWindow(cache_dir)
        for old_key, new_key in plan.pairs:
            say(f"comparing {old_key} → {new_key}")
            docs = window.pair(by_key[old_key], by_key[new_key])
            files = _run_pair(docs, pair_name(old_key, new_key), output, embedder, settings)
            result.written += [output / name for name in files]
            state["pairs"][pair_name(old_key, new_key)] = {
                "old": old_key,
                "new": new_key,
                "old_sha256": by_key[old_key].sha256,
                "new_sha256": by_key[new_key].sha256,
                "outputs": files,
            }
            state["versions"].update({k: _version_state(by_key[k]) for k in (old_key, new_key)})
            write_state(output, state)  # progress survives a kill after this point
            notes.append(f"report {old_key}→{new_key} written")
            _release(embedder)
        stats = getattr(embedder, "stats", None)
        result.embedded = int(getattr(stats, "misses", 0) or 0) if stats is not None else 0

    for name in plan.stale_pairs:
        for file_name in state["pairs"][name].get("outputs", {}):
            path = output / file_name
            if path.exists():
                path.unlink()
                result.deleted.append(path)
        del state["pairs"][name]
        notes.append(f"report {name} removed")

    state["versions"] = {v.key: _version_state(v) for v in plan.versions}
    if notes:
        state["changelog"].append({"date": today, "changes": notes})
        result.changelog = notes
    write_state(output, state)
    if plan.series:
        say("writing series report and index")
        files = _write_series(output, series_name, plan.versions, state)
        result.written += [output / name for name in files]
        state["series"] = {"pairs": sorted(state["pairs"]), "outputs": files}
        write_state(output, state)


def _version_state(version: Version) -> dict[str, Any]:
    return {"title": version.title, "date": version.date, "file": str(version.path),
            "sha256": version.sha256}


def _keys_of(pairs: list[tuple[str, str]]) -> list[str]:
    return list(dict.fromkeys(key for pair in pairs for key in pair))


STREAM_CHUNK = 1024  # texts per shard while streaming: what a killed run keeps, at most lost


def _embed_stream(versions: list[Version], embedder, say, cache_dir=None) -> None:
    """Embed every version's passages and sentences in one stream, before any pair runs.

    The model loads in a thread while the documents load and segment; only the texts not yet
    cached are kept (as strings), then embedded a chunk at a time, each chunk saved to the cache
    before the next: memory does not grow with the number of versions, a killed run resumes from
    the last chunk, and the pairs then read their vectors back from the cache.

    The parser is not loaded meanwhile (a single compare does that): its ~240 MiB would sit
    under the stream's largest batches, and whether they met depended on timing and on how many
    chunks the series has, so the peak grew with the number of documents. The first pair loads
    it, once the stream's memory is handed back; a series loses ~2 s of overlap.
    """
    prefetch, uncached = getattr(embedder, "prefetch", None), getattr(embedder, "uncached", None)
    if prefetch is None or uncached is None:  # an uncached embedder: each pair embeds its own
        return
    from ..align import sentence_texts
    from ..embed import warm_up_in_background

    model_ready = warm_up_in_background(embedder)
    texts: dict[str, None] = {}  # only the texts the cache lacks
    for version in versions:
        doc = _load(version, cache_dir)
        texts.update(dict.fromkeys(uncached([p.text for p in doc.passages]
                                            + sentence_texts(doc))))
    model_ready()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or done / total >= last[0] + 0.1:
            last[0] = done / total
            say(f"embedding {len(versions)} versions: {done:,}/{total:,} new texts "
                f"[{'#' * int(20 * done / total):<20}] {100 * done // total}%")

    prefetch(texts, chunk=STREAM_CHUNK, progress=progress)


def _release(embedder) -> None:
    """Drop the vectors and parses read for the pair just written (the caches read them
    again from disk when a later pair needs them): memory stays flat however long the series."""
    from ..shifts.parse import ParseCache, cache_dir_for

    caches = [embedder]
    try:
        caches.append(ParseCache.open(cache_dir_for(embedder)))
    except ConceptDiffError:  # no parser installed: nothing was parsed or held
        pass
    for cache in caches:
        release = getattr(cache, "release", None)
        if release is not None:
            release()
    _return_freed_memory()


def _return_freed_memory() -> None:
    """Hand the memory freed so far back to the system (glibc's malloc_trim; nothing elsewhere).

    glibc keeps freed memory in its heaps for reuse, and each thread that allocated (the
    model's, the parser's loader) has its own; what the embedding stream's batches and each
    pair freed otherwise stays in the process, and the pairs' allocations land on top of it.
    """
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        _MALLOC_TRIM = _find_malloc_trim()
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: Any = None  # None: not looked up yet; False: this C library has none


def _find_malloc_trim() -> Any:
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries without it
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def _embedder(model, device, cache_dir):
    from ..embed import get_embedder

    return get_embedder(model, device=device, cache_dir=cache_dir)


def _load(version: Version, cache_dir):
    from ..loaders import load_document

    return load_document(version.path, title=version.title or None, date=version.date,
                         cache_dir=cache_dir)


class _DocumentWindow:
    """The documents of the pair being compared, nothing older: consecutive pairs share a
    version, so the newer document of one pair, kept, is the older of the next."""

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir
        self.held: dict[str, Any] = {}

    def pair(self, old: Version, new: Version) -> tuple[Any, Any]:
        docs = tuple(self.held[v.key] if v.key in self.held else _load(v, self.cache_dir)
                     for v in (old, new))
        self.held = {new.key: docs[1]}  # the older document leaves the window
        return docs


def _run_pair(docs, name: str, output: Path, embedder, settings) -> dict[str, str]:
    """Compare one pair of loaded documents and write its reports as ``name``.*; returns
    {file name: sha256} of what was written."""
    from ..comparison import compare
    from ..report import write_reports

    contract = compare(*docs, embedder=embedder).to_dict()
    base = output / name
    formats = sorted(set(settings["formats"]) | {"json"})  # the series report reads the JSON
    written = write_reports(contract, base.with_suffix(".md"), formats)
    return {str(p.relative_to(output)): sha256_file(p) for p in sorted(written)}


def _write_series(output: Path, series_name: str, versions: list[Version], state) -> dict[str, str]:
    """The series index and charts, from the pair contracts on disk (nothing is re-embedded).

    Two passes over the pair files, so memory does not grow with the number of versions: the
    first keeps each contract without its passages (what the index needs of it is small), the
    second reads them again one at a time and hands each version's passages to the index's
    tally (report.series.SeriesTally), which keeps only counts."""
    from ..report.series import SeriesTally, write_series

    names = [pair_name(a.key, b.key) for a, b in itertools.pairwise(versions)]
    contracts = [_series_fields(output / f"{name}.json") for name in names]
    tally = SeriesTally(contracts)
    for i, name in enumerate(names):
        contract = json.loads((output / f"{name}.json").read_text(encoding="utf-8"))
        if i == 0:
            tally.add(contract["old"].get("passages", []))
        tally.add(contract["new"].get("passages", []))
        del contract
    formats = [f for f in state["settings"]["formats"] if f in ("md", "html")] or ["md"]
    written = write_series(contracts, output, formats, title=series_name,
                           changelog=state["changelog"], pair_names=names, tally=tally)
    return {str(Path(p).relative_to(output)): sha256_file(Path(p)) for p in sorted(written)}


def _series_fields(path: Path) -> dict[str, Any]:
    """A pair contract without what the series report never reads or reads only through the
    tally: its alignment entries, term table, actors' evidence quotes and both versions'
    passages, so a long series does not hold every pair's full contract in memory at once."""
    contract = json.loads(path.read_text(encoding="utf-8"))
    for unread in ("alignment", "terms"):
        contract.pop(unread, None)
    for actor in contract.get("actors", []):
        actor.pop("evidence", None)
    for side in ("old", "new"):
        contract[side] = {k: v for k, v in contract[side].items() if k != "passages"}
    return contract


# ---------------------------------------------------------------- what to print


def result_summary(result: UpdateResult, output: Path) -> dict[str, Any]:
    """The run in a form for scripts (`--json`) and for the human-readable lines below."""

    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(output))
        except ValueError:
            return str(path)

    return {
        "up_to_date": result.plan.up_to_date,
        "plan": result.plan.describe(),
        "compared": [list(pair) for pair in result.plan.pairs],
        "written": [rel(p) for p in result.written],
        "deleted": [rel(p) for p in result.deleted],
        "embedded": result.embedded,
        "changelog": result.changelog,
        "seconds": round(result.seconds, 3),
    }


def format_result(result: UpdateResult, output: Path, *, dry_run: bool = False) -> str:
    summary = result_summary(result, output)
    if summary["up_to_date"]:
        return f"{output}: up to date; nothing to do ({summary['seconds']:.2f} s)"
    if dry_run:
        return "\n".join(["would:"] + [f"  {line}" for line in summary["plan"]])
    head = (f"{output}: {len(summary['written'])} files written, "
            f"{len(summary['deleted'])} deleted, {summary['embedded']} texts embedded "
            f"({summary['seconds']:.1f} s)")
    lines = [head]
    lines += [f"  {change}" for change in summary["changelog"]]
    return "\n".join(lines)


def run_update(
    corpus: Path,
    output: Path,
    *,
    formats: str = "md,html,json",
    fetch_first: bool = False,
    **options: Any,
) -> UpdateResult:
    """`update` as the CLI calls it: formats as text, an optional fetch first."""
    from ..report import parse_formats

    chosen = tuple(parse_formats(formats, Path(output) / "report"))
    if fetch_first:
        from .fetch import fetch_series

        failed = [r for r in fetch_series(str(corpus)) if r.status == "failed"]
        if failed:
            raise ConceptDiffError(f"fetch failed for {len(failed)} version(s); reports not updated",
                                   corpus)
    return update(Path(corpus), Path(output), formats=chosen, **options)
