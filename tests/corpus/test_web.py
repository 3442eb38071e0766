"""Pages and feeds over HTTP, served from fixtures by a local server on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from corpus.pipeline import ingest
from corpus.sources.http import Fetcher
from corpus.store import ArticleStore, open_store

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {
    "/article.html": ("article.html", "text/html"),
    "/feed.xml": ("feed.xml", "application/rss+xml"),
    "/atom.xml": ("atom.xml", "application/atom+xml"),
    "/empty.xml": ("empty_feed.xml", "application/rss+xml"),
    "/broken.xml": ("broken_feed.xml", "application/xml"),
    "/inventory.xml": ("not_a_feed.xml", "text/xml"),
}


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[tuple[str, dict[str, str]]]
    version: int  # bump it to make every fixture look changed to a conditional GET


class Handler(BaseHTTPRequestHandler):
    server: FixtureServer

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, cap)
            self._route(urlsplit(self.path).path)

    def _route(self, path: str) -> None:
        if path in FILES:
            name, kind = FILES[path]
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body = (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", base).encode()
            etag = f'"{name}-v{1 if name == "article.html" else self.server.version}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self._send(200, body, kind, {"ETag": etag, "Last-Modified": "Fri, 14 Mar 2025 08:30:00 GMT"})
        elif path == "/loop":
            self._send(302, b"", "text/plain", {"Location": "/loop"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"<html><body><p>late</p></body></html>", "text/html")
        elif path == "/declared-huge":
            self._send(200, b"x", "text/html", {"Content-Length": str(50 * 1024 * 1024)}, length=False)
        elif path == "/streamed-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"chip " * 200 + b"</p>\n")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None, length: bool = True
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer(("127.0.0.1", 0), Handler)
    srv.requests = []
    srv.version = 1
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def base(server: FixtureServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def store(data_dir: Path) -> Iterator[ArticleStore]:
    with open_store(data_dir) as opened:
        yield opened


def fetcher() -> Fetcher:
    """The local test server is on 127.0.0.1: private addresses are allowed explicitly, and not paced."""
    return Fetcher(timeout_s=0.5, max_bytes=32 * 1024, allow_private=True, min_interval_s=0, retries=0)


def test_feed_entries_use_their_pages_or_fall_back_to_the_summary(store, server, base) -> None:
    report = ingest([], store, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    assert len(report.added) == 2 and not report.skipped
    by_origin = {a.origin: a for a in store.articles()}
    page = by_origin["url"]
    assert page.title == "Dutch Tool Maker Faces New Limits on China Servicing"
    assert page.published == date(2025, 3, 14) and page.author == "Marta Visser"
    assert "installed at Chinese chip plants" in page.text and "Related stories" not in page.text
    summary = by_origin["feed-summary"]
    assert summary.url == f"{base}/missing-page.html"
    assert summary.text.startswith("Malaysia now requires a trade permit") and "<p>" not in summary.text
    assert summary.published == date(2025, 7, 21)
    agents = {headers.get("User-Agent", "") for _, headers in server.requests}
    assert agents and all(agent.startswith("chipbot/") for agent in agents)


def test_feeds_are_fetched_conditionally_the_second_time(store, server, base) -> None:
    ingest([], store, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    server.requests.clear()
    report = ingest([], store, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    assert not (report.added or report.updated or report.skipped)
    assert report.not_modified == [f"{base}/feed.xml"] and report.read == 1
    (path, headers), *_ = server.requests
    assert path == "/feed.xml" and headers.get("If-None-Match") == '"feed.xml-v1"'
    assert store.count() == 2


def test_an_unchanged_page_is_not_replaced_by_the_summary_when_the_feed_changes(store, server, base) -> None:
    ingest([], store, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    server.version = 2  # the feed changes; the article page answers 304
    report = ingest([], store, feeds=[f"{base}/feed.xml"], fetcher=fetcher())
    assert not (report.added or report.updated or report.skipped)
    assert report.not_modified == [f"{base}/article.html"] and len(report.unchanged) == 1
    assert sorted(a.origin for a in store.articles()) == ["feed-summary", "url"]
    assert ("/article.html", '"article.html-v1"') in [(p, h.get("If-None-Match")) for p, h in server.requests]


def test_an_unchanged_page_by_url_is_a_success(store, base) -> None:
    ingest([f"{base}/article.html"], store, fetcher=fetcher())
    again = ingest([f"{base}/article.html"], store, fetcher=fetcher())
    assert again.not_modified == [f"{base}/article.html"] and again.read == 1 and store.count() == 1


def test_an_atom_entry_whose_page_is_gone_keeps_its_summary(store, base) -> None:
    report = ingest([], store, feeds=[f"{base}/atom.xml"], fetcher=fetcher())
    (article,) = store.articles()
    assert report.added == [article.id] and article.origin == "feed-summary"
    assert article.title == "Arizona Fab Reaches Volume Output" and article.published == date(2025, 5, 2)


def test_a_page_by_url(store, base) -> None:
    report = ingest([f"{base}/article.html?utm_source=feed"], store, fetcher=fetcher())
    (article,) = store.articles()
    assert report.added == [article.id]
    assert article.origin == "url" and article.site_name == "Chip Ledger"
    assert article.canonical_url == f"https://127.0.0.1:{base.rsplit(':', 1)[1]}/article.html"


def test_http_failures_each_get_a_reason_and_the_rest_is_ingested(store, base) -> None:
    sources = [f"{base}/{p}" for p in ("missing", "loop", "slow", "declared-huge", "streamed-huge", "article.html")]
    feeds = [f"{base}/{p}" for p in ("empty.xml", "broken.xml", "inventory.xml", "no-feed-here")]
    report = ingest(sources, store, feeds=feeds, fetcher=fetcher())
    assert len(report.added) == 1
    reasons = {s.source.removeprefix(base + "/"): s.reason for s in report.skipped}
    assert reasons == {
        "missing": "HTTP error 404 Not Found",
        "loop": f"a redirect loop ({base}/loop -> {base}/loop)",
        "slow": "timed out after 0.5 s",
        "declared-huge": "response too large (50.0 MiB > 0.03125 MiB cap)",
        "streamed-huge": "response larger than the 0.03125 MiB cap; stopped reading",
        "empty.xml": "feed has no entries",
        "broken.xml": reasons["broken.xml"],
        "inventory.xml": "not an RSS/Atom feed",
        "no-feed-here": "HTTP error 404 Not Found",
    }
    assert reasons["broken.xml"].startswith("broken feed XML")
