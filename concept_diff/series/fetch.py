"""Fetch a series' official sources (the manifest's ``urls``) into the local data folder.

For each entry the candidate URLs are tried in order; the first that answers with a PDF or an
HTML page that the loaders can read (and whose sha256 matches, when the manifest pins one)
wins. What is kept, in ``<data>/<series>/<entry key>/``:

* ``source.pdf`` or ``source.html`` - the bytes as served;
* ``text.txt`` - the text the loaders extracted (what every comparison will read);
* ``provenance.json`` - URL, final URL, retrieval time, ETag, Last-Modified, sha256, size,
  content type. It is written last, so a fetch killed half-way leaves the previous version
  complete (the corpus only trusts a folder through its provenance).

A re-fetch sends If-None-Match / If-Modified-Since to the URL that served the stored copy;
"304 Not Modified" or identical bytes mean *unchanged*, new bytes mean *changed*.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..errors import ConceptDiffError, InputError
from .corpus import PROVENANCE, Corpus, CorpusEntry, fetched_file, load_corpus
from .http import FetchFailed, HttpPolicy, Response, get

TEXT_FILE = "text.txt"
STATUSES = ("downloaded", "unchanged", "changed", "failed", "skipped")
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<h1[\s>]|<p[\s>]", re.IGNORECASE)


class OfflineError(ConceptDiffError):
    """No source host could be reached at all: most likely no network."""

    exit_code = 1


@dataclass(frozen=True)
class FetchResult:
    key: str
    date: str
    status: str  # one of STATUSES
    url: str | None = None  # the URL that served the text (after redirects)
    message: str = ""  # why it failed, or a short note
    path: Path | None = None  # the stored original
    unreachable: bool = False  # every candidate failed to connect

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "skipped")

    def line(self) -> str:
        """One line for the terminal: status, version, where from or why not."""
        detail = self.url if self.ok else self.message
        return f"{self.status:<10} {self.date:<10} {self.key}  {detail}".rstrip()


def fetch_series(
    series: str | Path,
    *,
    data_dir: str | Path | None = None,
    policy: HttpPolicy | None = None,
) -> list[FetchResult]:
    """Fetch every entry of a series (bare name, folder or corpus.toml) that lists URLs.

    Raises OfflineError when nothing could be reached, so a scheduler sees one clear line.
    """
    corpus = load_corpus(series, data_dir=data_dir)
    results: list[FetchResult] = []
    for entry in corpus.entries:
        result = fetch_entry(corpus, entry, policy or HttpPolicy())
        results.append(result)
        if result.unreachable and not any(r.ok for r in results):
            first = result.message.split("; ")[0]
            raise OfflineError(f"cannot reach any source, nothing fetched (offline?): {first}")
    return results


def fetch_entry(corpus: Corpus, entry: CorpusEntry, policy: HttpPolicy) -> FetchResult:
    """Try the entry's URLs in order; store the first good answer."""
    if not entry.urls:
        return FetchResult(entry.key, entry.date, "skipped", message="no urls in the manifest")
    folder = corpus.fetch_folder(entry)
    previous = read_provenance(folder)
    errors: list[str] = []
    unreachable = True
    for url in entry.urls:
        try:
            return _fetch_url(url, entry, folder, previous, policy)
        except FetchFailed as error:
            unreachable = unreachable and error.unreachable
            errors.append(str(error))
        except InputError as error:
            unreachable = False
            errors.append(f"{url}: {error.message}")
    return FetchResult(entry.key, entry.date, "failed", message="; ".join(errors), unreachable=unreachable)


def read_provenance(folder: Path) -> dict | None:
    """The stored provenance, if the folder holds a complete earlier fetch."""
    original = fetched_file(folder)
    if original is None or not original.is_file():
        return None
    return json.loads((folder / PROVENANCE).read_text(encoding="utf-8"))


def _fetch_url(
    url: str, entry: CorpusEntry, folder: Path, previous: dict | None, policy: HttpPolicy
) -> FetchResult:
    same_source = previous is not None and previous.get("url") == url
    response = get(
        url,
        policy,
        etag=previous.get("etag") if same_source else None,
        last_modified=previous.get("last_modified") if same_source else None,
    )
    if response.status == 304:
        return FetchResult(entry.key, entry.date, "unchanged", previous.get("final_url", url),
                           "not modified (304)", fetched_file(folder))
    digest = hashlib.sha256(response.body).hexdigest()
    if entry.sha256 and digest != entry.sha256:
        raise InputError(f"sha256 mismatch: got {digest}, the manifest pins {entry.sha256}")
    fmt = _format(response)
    text = _extract(response.body, fmt, entry)
    if previous is None:
        status = "downloaded"
    else:
        status = "unchanged" if previous.get("sha256") == digest else "changed"
    stored = _store(folder, response, fmt, text, digest)
    return FetchResult(entry.key, entry.date, status, response.final_url, path=stored)


def _format(response: Response) -> str:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if response.body.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if "html" in kind or _HTML.search(response.body[:4096]):
        return "html"
    raise InputError(f"not a PDF or an HTML page (Content-Type: {kind or 'none'})")


def _extract(body: bytes, fmt: str, entry: CorpusEntry) -> str:
    """The loaders' cleaned text; they read files, so the bytes pass through a temp file."""
    from ..loaders import load_document

    with tempfile.TemporaryDirectory(prefix="concept-diff-fetch-") as scratch:
        path = Path(scratch) / f"source.{fmt}"
        path.write_bytes(body)
        try:
            document = load_document(path, title=entry.title, date=entry.date)
        except InputError as error:
            raise InputError(f"downloaded, but {error.message}") from None
    return document.text


def _store(folder: Path, response: Response, fmt: str, text: str, digest: str) -> Path:
    name = f"source.{fmt}"
    original = atomic.write_bytes(folder / name, response.body)
    atomic.write_text(folder / TEXT_FILE, text if text.endswith("\n") else text + "\n")
    provenance = {
        "url": response.url,
        "final_url": response.final_url,
        "retrieved": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
        "sha256": digest,
        "size": len(response.body),
        "content_type": response.headers.get("content-type"),
        "format": fmt,
        "file": name,
        "text_file": TEXT_FILE,
    }
    atomic.write_text(folder / PROVENANCE, json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    for stale in folder.glob("source.*"):
        if stale.name != name:
            stale.unlink(missing_ok=True)  # the source changed format (HTML page became a PDF)
    return original
