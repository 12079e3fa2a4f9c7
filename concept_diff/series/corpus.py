"""A series of dated versions of one document: a folder of files or a ``corpus.toml`` manifest.

Two ways to describe a series:

* a folder of files named ``YYYY[-MM[-DD]]-slug.ext`` (files without a leading date, such as
  a README or SOURCES.md, are notes and are skipped);
* a ``corpus.toml`` (or a folder holding one) listing ``[[document]]`` tables with ``title``,
  ``date``, ``urls`` (candidate official sources, tried in order), optional ``sha256``,
  ``file`` (relative to the manifest), ``format`` and ``id``.

A manifest entry's text is looked for, in order: at ``file`` beside the manifest; at
``$CONCEPT_DIFF_CORPORA/<series>/<file>`` (so a manifest in the repository can point at texts
kept elsewhere, never committed); in the fetch data folder (``concept-diff fetch SERIES``).

A bare series name (``nato-strategic-concepts``) is looked up as ``corpora/<name>/`` in
``$CONCEPT_DIFF_CORPORA``, then in the current folder and its parents, then beside the package
(a source checkout or editable install). A wheel installed elsewhere therefore needs the path
to the manifest, or to be run from inside a checkout.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Document

MANIFEST = "corpus.toml"
PROVENANCE = "provenance.json"
_ISO_DATE = re.compile(r"^((?:19|20)\d\d)(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
_FILE_DATE = re.compile(r"^((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?(?=[-_ .]|$)")
_SLUG = re.compile(r"[^a-z0-9]+")
_SERIES_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DOC_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".docx")


@dataclass(frozen=True)
class CorpusEntry:
    key: str  # stable, filesystem-safe name of the version (fetch folder, report names)
    title: str | None  # None: let the loader read it from the document
    date: str  # ISO "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    file: Path | None  # where the manifest says the text is (may not exist), or the file itself
    urls: tuple[str, ...] = ()
    sha256: str | None = None
    format: str | None = None  # hint: "pdf", "html", ...


@dataclass
class Corpus:
    name: str  # series name: the manifest's `name` or its folder's name
    title: str
    root: Path  # the folder or manifest it came from
    entries: list[CorpusEntry]
    data_dir: Path | None = None  # fetch data folder override (else $CONCEPT_DIFF_DATA / default)
    _documents: list[Document] | None = field(default=None, repr=False)

    def resolve(self, entry: CorpusEntry) -> Path | None:
        """The local file holding ``entry``'s text, or None when it is nowhere to be found."""
        for candidate in self._candidates(entry):
            if candidate.is_file():
                return candidate
        return None

    def locate(self, entry: CorpusEntry) -> Path:
        """Like ``resolve``, but a missing text is an InputError that says how to get it."""
        path = self.resolve(entry)
        if path is None:
            where = f" (looked for {entry.file})" if entry.file else ""
            hint = f"; run `concept-diff fetch {self.name}`" if entry.urls else ""
            raise InputError(
                f"version {entry.date} '{entry.title or entry.key}' has no local text{where}{hint}",
                self.root,
            )
        return path

    def documents(self) -> list[Document]:
        """Every version loaded with the standard loaders, in date order (loaded once)."""
        if self._documents is None:
            from ..loaders import load_document

            self._documents = [
                load_document(self.locate(e), title=e.title, date=e.date) for e in self.entries
            ]
        return list(self._documents)

    def pairs(self) -> list[tuple[Document, Document]]:
        """Consecutive versions (v1, v2), (v2, v3), ... as loaded Documents."""
        documents = self.documents()
        return list(itertools.pairwise(documents))

    def entry_pairs(self) -> list[tuple[CorpusEntry, CorpusEntry]]:
        return list(itertools.pairwise(self.entries))

    def fetch_folder(self, entry: CorpusEntry) -> Path:
        """Where `concept-diff fetch` keeps this entry's original, text and provenance."""
        return data_root(self.data_dir) / self.name / entry.key

    def _relative(self, file: Path) -> Path:
        base = self.root.parent if self.root.is_file() else self.root
        try:
            return file.relative_to(base)
        except ValueError:
            return Path(file.name)

    def _candidates(self, entry: CorpusEntry) -> list[Path]:
        candidates = [entry.file] if entry.file is not None else []
        shared = os.environ.get("CONCEPT_DIFF_CORPORA")
        if shared and entry.file is not None:
            candidates.append(Path(shared) / self.name / self._relative(entry.file))
        fetched = fetched_file(self.fetch_folder(entry))
        if fetched is not None:
            candidates.append(fetched)
        return candidates


def data_root(override: str | Path | None = None) -> Path:
    """The fetch data folder: ``override``, else $CONCEPT_DIFF_DATA, else the user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("CONCEPT_DIFF_DATA")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("concept-diff", appauthor=False))


def fetched_file(folder: Path) -> Path | None:
    """The original a completed fetch stored in ``folder`` (its provenance is written last)."""
    try:
        provenance = json.loads((folder / PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = provenance.get("file") if isinstance(provenance, dict) else None
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        return None
    return folder / name


def load_corpus(path: str | Path, *, data_dir: str | Path | None = None) -> Corpus:
    """A series from a folder, a corpus.toml, or a bare series name (see the module docstring)."""
    path = _find_series(path)
    if path.is_dir() and not (path / MANIFEST).is_file():
        return _corpus_from_folder(path, data_dir)
    manifest = path / MANIFEST if path.is_dir() else path
    return _corpus_from_manifest(manifest, data_dir)


# ---------------------------------------------------------------- finding a series


def _find_series(path: str | Path) -> Path:
    candidate = Path(path).expanduser()
    if candidate.exists():
        return candidate
    name = str(path)
    if _SERIES_NAME.match(name) and Path(name).suffix == "":
        for root in corpora_roots():
            if (root / name / MANIFEST).is_file():
                return root / name
    raise InputError("no such file, folder or series (looked in corpora/ folders too)", path)


def corpora_roots() -> list[Path]:
    """Folders that may hold ``<series>/corpus.toml``, most specific first."""
    roots: list[Path] = []
    shared = os.environ.get("CONCEPT_DIFF_CORPORA")
    if shared:
        roots.append(Path(shared))
    here = Path.cwd().resolve()
    roots += [folder / "corpora" for folder in (here, *here.parents)]
    roots.append(Path(__file__).resolve().parents[2] / "corpora")
    unique: list[Path] = []
    for root in roots:
        if root not in unique and root.is_dir():
            unique.append(root)
    return unique


# ---------------------------------------------------------------- folders


def _corpus_from_folder(folder: Path, data_dir: str | Path | None) -> Corpus:
    entries = []
    for file in sorted(folder.iterdir()):
        if not file.is_file() or file.name.startswith(".") or file.suffix.lower() not in _DOC_EXTENSIONS:
            continue
        date = date_from_name(file.name)
        if date is None:
            continue  # READMEs and source notes live beside the versions
        entries.append(CorpusEntry(key=file.stem, title=None, date=date, file=file))
    if not entries:
        raise InputError(
            "no documents in folder (expected files named YYYY[-MM[-DD]]-slug.ext or a corpus.toml)",
            folder,
        )
    return Corpus(folder.name, folder.name, folder, _by_date(entries), _as_path(data_dir))


def date_from_name(name: str) -> str | None:
    """ISO date from a leading ``YYYY[-MM[-DD]]`` in a file name; month/day only when valid."""
    match = _FILE_DATE.match(name)
    if not match:
        return None
    year, month, day = match.groups()
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day or not 1 <= int(day) <= 31:
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


# ---------------------------------------------------------------- manifests


def _corpus_from_manifest(manifest: Path, data_dir: str | Path | None) -> Corpus:
    data = _read_toml(manifest)
    name = data.get("name") or manifest.resolve().parent.name
    if not isinstance(name, str) or not _SERIES_NAME.match(name):
        raise InputError(f"series name {name!r} must be letters, digits, '.', '_' or '-'", manifest)
    tables = data.get("document", [])
    if not isinstance(tables, list) or not tables:
        raise InputError("no [[document]] entries in manifest", manifest)
    entries: list[CorpusEntry] = []
    for number, table in enumerate(tables, 1):
        entries.append(_entry(table, number, manifest, {e.key for e in entries}))
    title = data.get("title") if isinstance(data.get("title"), str) else name
    return Corpus(name, title, manifest, _by_date(entries), _as_path(data_dir))


def _read_toml(manifest: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(manifest.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read manifest ({error.strerror or error})", manifest) from None
    except UnicodeDecodeError:
        raise InputError("manifest is not UTF-8 text", manifest) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"invalid TOML: {error}", manifest) from None


def _entry(table: Any, number: int, manifest: Path, taken: set[str]) -> CorpusEntry:
    where = f"[[document]] #{number}"
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table", manifest)
    date = _date(table.get("date"), where, manifest)
    title = _optional_str(table, "title", where, manifest)
    urls = _urls(table, where, manifest)
    file_name = _optional_str(table, "file", where, manifest)
    if file_name is None and not urls:
        raise InputError(f"{where} ({date}) has neither `file` nor `urls`", manifest)
    sha256 = _optional_str(table, "sha256", where, manifest)
    if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise InputError(f"{where} ({date}): sha256 must be 64 hex digits", manifest)
    key = _optional_str(table, "id", where, manifest) or _default_key(date, title, file_name)
    if not _SERIES_NAME.match(key) or key in taken:
        raise InputError(f"{where} ({date}): id {key!r} is not a unique simple name", manifest)
    return CorpusEntry(
        key=key,
        title=title,
        date=date,
        file=manifest.parent / file_name if file_name else None,
        urls=urls,
        sha256=sha256.lower() if sha256 else None,
        format=_optional_str(table, "format", where, manifest),
    )


def _date(value: Any, where: str, manifest: Path) -> str:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where} has no date (date = \"YYYY[-MM[-DD]]\")", manifest)
    if not _ISO_DATE.match(value.strip()):
        raise InputError(f"{where}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", manifest)
    return value.strip()


def _optional_str(table: dict, key: str, where: str, manifest: Path) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: `{key}` must be a non-empty string", manifest)
    return value.strip()


def _urls(table: dict, where: str, manifest: Path) -> tuple[str, ...]:
    value = table.get("urls", table.get("url", []))
    urls = [value] if isinstance(value, str) else value
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise InputError(f"{where}: `urls` must be a list of strings", manifest)
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            raise InputError(f"{where}: only http(s) URLs can be fetched, not {url!r}", manifest)
    return tuple(urls)


def _default_key(date: str, title: str | None, file_name: str | None) -> str:
    if file_name:
        return Path(file_name).stem
    words = _SLUG.sub(" ", (title or "").lower()).split()[:6]
    return "-".join([date, *words])


def _by_date(entries: list[CorpusEntry]) -> list[CorpusEntry]:
    return sorted(entries, key=lambda e: (e.date, e.key))


def _as_path(value: str | Path | None) -> Path | None:
    return Path(value) if value else None
