"""A local feed server for the benchmarks (http.server on 127.0.0.1): an RSS feed and its pages, with
ETag / Last-Modified validators (answered with 304) that can be switched off, and a byte count."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Item:
    slug: str
    title: str
    summary: str
    body: str  # the page's article text
    page_padding: int = 0  # bytes of navigation, scripts and related links around the article


@dataclass
class Hit:
    path: str
    status: int
    bytes: int  # status line, headers and body as sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    feed: LocalFeed


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        feed = self.server.feed
        body, kind = feed.resource(self.path)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = feed.modified
        fresh = feed.validators and (
            self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified
        )
        status = 404 if not body else 304 if fresh else 200
        headers = {"Content-Type": kind, "Content-Length": str(len(body) if status == 200 else 0)}
        if feed.validators:
            headers |= {"ETag": etag, "Last-Modified": modified}
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        sent = len(f"HTTP/1.1 {status} OK\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in headers.items()) + 2
        if status == 200:
            self.wfile.write(body)
            sent += len(body)
        with feed.lock:
            feed.hits.append(Hit(self.path, status, sent))

    def log_message(self, *args: object) -> None:
        pass


class LocalFeed:
    """``with LocalFeed(items) as feed:`` serves ``feed.url`` and ``/<slug>`` pages; ``publish`` adds one."""

    def __init__(self, items: list[Item], *, validators: bool = True, feed_padding: int = 0) -> None:
        self.items = list(items)
        self.validators = validators
        self.feed_padding = feed_padding  # bytes of channel metadata, images and extra fields per entry
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.modified = formatdate(usegmt=True)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.feed = self
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.url = f"{self.base}/feed.xml"

    def publish(self, item: Item) -> None:
        with self.lock:
            self.items.insert(0, item)
            self.modified = formatdate(usegmt=True)

    def resource(self, path: str) -> tuple[bytes, str]:
        if path == "/feed.xml":
            return self.rss(), "application/rss+xml"
        item = next((i for i in self.items if f"/{i.slug}" == path), None)
        return (self.page(item), "text/html; charset=utf-8") if item else (b"", "text/plain")

    def rss(self) -> bytes:
        pad = "x" * max(0, self.feed_padding)
        entries = "".join(
            f"<item><title>{escape(i.title)}</title><link>{self.base}/{i.slug}</link><guid>{self.base}/{i.slug}</guid>"
            f"<pubDate>{self.modified}</pubDate><description>{escape(i.summary)}</description>"
            f"<category>{pad}</category></item>"
            for i in self.items
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local news</title>'
            f"<link>{self.base}/</link>{entries}</channel></rss>"
        ).encode()

    @staticmethod
    def page(item: Item) -> bytes:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.body.split("\n\n") if p.strip())
        padding = "<!-- " + "x" * max(0, item.page_padding) + " -->"
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(item.title)}</title>{padding}</head>"
            f"<body><nav>Home | News | Policy</nav><article><h1>{escape(item.title)}</h1>{paragraphs}</article>"
            "<footer>About us</footer></body></html>"
        ).encode()

    def take_hits(self) -> list[Hit]:
        with self.lock:
            hits, self.hits = self.hits, []
        return hits

    def __enter__(self) -> LocalFeed:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
