"""One careful HTTP GET (stdlib urllib): timeouts, a size limit, retries, conditional requests.

Only http and https are spoken, on the first request and on every redirect. Server errors
(5xx, 429), dropped connections and timeouts are retried with exponential back-off; a 4xx
answer is final (a 404 will not heal in a second). A 304 answer to a conditional request is a
normal result, not an error.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from ..errors import ConceptDiffError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 30.0  # seconds, for connecting and for each read
    max_bytes: int = 100 * 1024 * 1024  # a bigger answer is aborted mid-stream
    retries: int = 3  # further attempts after the first, on transient failures only
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    user_agent: str = "concept-diff (fetching official sources; +https://pypi.org/project/concept-diff/)"


@dataclass(frozen=True)
class Response:
    url: str  # what was asked for
    final_url: str  # where redirects ended
    status: int  # 200 (or another 2xx) or 304
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


class FetchFailed(ConceptDiffError):
    """A URL could not be fetched. ``kind``: "http", "timeout", "connect", "dns", "size", "scheme"."""

    exit_code = 1

    def __init__(self, message: str, url: str, kind: str = "http"):
        super().__init__(message, url)
        self.kind = kind

    @property
    def transient(self) -> bool:
        return self.kind in ("timeout", "connect", "server")

    @property
    def unreachable(self) -> bool:
        """The host could not be reached at all: what being offline looks like."""
        return self.kind in ("connect", "dns")


def get(
    url: str,
    policy: HttpPolicy | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET ``url``, retrying transient failures; FetchFailed (one line) when it cannot."""
    policy = policy or HttpPolicy()
    check_scheme(url, url)
    delay = policy.backoff
    for attempt in range(policy.retries + 1):
        try:
            return _get_once(url, policy, etag, last_modified)
        except FetchFailed as error:
            if not error.transient:
                raise
            if attempt == policy.retries:
                tries = f" (after {attempt + 1} attempts)" if attempt else ""
                raise FetchFailed(error.message + tries, url, error.kind) from None
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def check_scheme(url: str, origin: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchFailed(f"only http(s) URLs are fetched, not {url!r}", origin, "scheme")


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (urllib's limits on count and loops), but only to http(s)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_scheme(newurl, req.full_url)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get_once(url: str, policy: HttpPolicy, etag: str | None, last_modified: str | None) -> Response:
    headers = {"User-Agent": policy.user_agent, "Accept": "text/html,application/pdf;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_SafeRedirects)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=policy.timeout) as answer:
            info = {k.lower(): v for k, v in answer.headers.items()}
            body = _read_limited(answer, info, url, policy.max_bytes)
            return Response(url, answer.geturl(), answer.status, body, info)
    except urllib.error.HTTPError as error:
        with error:
            if error.code == 304:
                info = {k.lower(): v for k, v in error.headers.items()}
                return Response(url, error.geturl() or url, 304, b"", info)
            kind = "server" if error.code >= 500 or error.code == 429 else "http"
            raise FetchFailed(f"HTTP {error.code} {error.reason}", url, kind) from None
    except urllib.error.URLError as error:
        raise _network_error(error.reason, url, policy) from None
    except TimeoutError:
        raise FetchFailed(f"timed out after {policy.timeout:g} s", url, "timeout") from None
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        raise FetchFailed(f"connection failed ({error})", url, "connect") from None


def _network_error(reason: object, url: str, policy: HttpPolicy) -> FetchFailed:
    host = urllib.parse.urlsplit(url).hostname
    if isinstance(reason, FetchFailed):
        return reason
    if isinstance(reason, socket.gaierror):
        return FetchFailed(f"cannot resolve host {host}", url, "dns")
    if isinstance(reason, TimeoutError):
        return FetchFailed(f"timed out after {policy.timeout:g} s connecting to {host}", url, "timeout")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchFailed(f"TLS certificate of {host} not trusted ({reason.verify_message})", url)
    text = getattr(reason, "strerror", None) or str(reason)
    return FetchFailed(f"cannot connect to {host} ({text})", url, "connect")


def _read_limited(answer, info: dict[str, str], url: str, limit: int) -> bytes:
    declared = info.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchFailed(f"too large: {int(declared):,} bytes (limit {limit:,})", url, "size")
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FetchFailed(f"too large: more than {limit:,} bytes, aborted", url, "size")
        chunks.append(chunk)
    return b"".join(chunks)
