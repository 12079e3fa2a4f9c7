"""The showcase flow, offline: `fetch SERIES` then `timeline SERIES` on official-looking pages.

A loopback server plays the official site. It serves the two example strategies as HTML pages
with site navigation, scripts and footers around numbered paragraphs (as nato.int's pages
have), one of them only at its second candidate URL. The commands are the real CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from markdown_it import MarkdownIt

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLI = [sys.executable, "-m", "concept_diff"]


def page(markdown_file: Path) -> bytes:
    body = MarkdownIt().render(markdown_file.read_text(encoding="utf-8"))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Official texts</title>"
        "<script>window.analytics = 1;</script><style>p {margin: 0}</style></head><body>"
        "<header><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav></header>"
        f"<main>{body}</main><footer>Terms of use | Privacy</footer></body></html>"
    ).encode()


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def test_fetch_then_timeline_just_works(tmp_path: Path):
    server, base = serve({
        "/texts/2030.htm": page(EXAMPLES / "2030-meridian-strategic-concept.md"),
        "/new/2040.htm": page(EXAMPLES / "2040-meridian-strategic-concept.md"),
    })
    try:
        series = tmp_path / "meridian"
        series.mkdir()
        (series / "corpus.toml").write_text(
            'name = "meridian"\ntitle = "Meridian Strategic Concepts"\n\n'
            '[[document]]\nid = "2030"\ntitle = "Strategic Concept 2030"\ndate = "2030"\n'
            f'urls = ["{base}/texts/2030.htm"]\n\n'
            '[[document]]\nid = "2040"\ntitle = "Strategic Concept 2040"\ndate = "2040"\n'
            f'urls = ["{base}/old/2040.htm", "{base}/new/2040.htm"]\n',
            encoding="utf-8",
        )
        env = dict(os.environ, CONCEPT_DIFF_DATA=str(tmp_path / "data"),
                   CONCEPT_DIFF_CACHE=str(tmp_path / "cache"))
        fetched = subprocess.run(CLI + ["fetch", str(series / "corpus.toml")], env=env,
                                 capture_output=True, text=True, check=False)
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        assert fetched.stdout.count("downloaded") == 2

        out = tmp_path / "reports"
        timeline = subprocess.run(
            CLI + ["timeline", str(series / "corpus.toml"), "-o", str(out), "--model", "lexical",
                   "--quiet"],
            env=env, capture_output=True, text=True, check=False,
        )
        assert timeline.returncode == 0, timeline.stderr
    finally:
        server.shutdown()
    report = (out / "2030-vs-2040.md").read_text(encoding="utf-8")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "(2030-vs-2040.md)" in index
    # The site's chrome stayed out; the paragraphs kept their official numbers.
    assert "Privacy" not in report and "analytics" not in report and "News" not in report
    assert "2040 ¶8" in report  # the Halvani paragraph, cited by its number
    assert "Varkesh" in report
