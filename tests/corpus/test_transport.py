"""The HTTP transport against misbehaving servers: each failure is one clear reason, and the wall-clock
cap holds even when a server trickles; gzip, retries, pacing and robots.txt as a polite client."""

from __future__ import annotations

import gzip
import socket
import time
from pathlib import Path

import pytest

from corpus.pipeline import ingest
from corpus.sources.http import Fetcher, FetchError
from corpus.store import open_store
from tests.corpus.rawserver import http_reply, raw_server, reset

PAGE = (Path(__file__).parent / "fixtures" / "article.html").read_bytes()


def local(**overrides: object) -> Fetcher:
    """A fetcher for the local test servers: private addresses allowed explicitly, no pacing, no retries."""
    settings: dict = {"timeout_s": 0.5, "allow_private": True, "min_interval_s": 0, "retries": 0} | overrides
    return Fetcher(**settings)


def fails_with(handler, reason: str, fetcher: Fetcher | None = None) -> None:
    with raw_server(handler) as server, pytest.raises(FetchError) as caught:
        (fetcher or local()).get(server.base + "/page")
    assert reason in str(caught.value), str(caught.value)


def test_a_server_that_closes_without_answering() -> None:
    fails_with(lambda conn, head: conn.shutdown(socket.SHUT_WR), "the server closed the connection without answering")


def test_a_server_that_resets_the_connection() -> None:
    fails_with(lambda conn, head: reset(conn), "the server reset the connection")


def test_a_server_that_does_not_answer_in_http() -> None:
    fails_with(lambda conn, head: conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"), "the server did not answer in HTTP")


def test_a_connection_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        local().get(f"http://127.0.0.1:{port}/")


def trickle(head_first: bool):
    def handler(conn: socket.socket, head: bytes) -> None:
        reply = http_reply(b"<html><body>" + b"x" * 400 + b"</body></html>", headers={"Content-Type": "text/html"})
        split = reply.index(b"\r\n\r\n") + 4 if head_first else 0
        conn.sendall(reply[:split])
        for byte in reply[split:]:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)  # 20 bytes a second: each read is quick, the whole is not

    return handler


@pytest.mark.parametrize("phase", ["body", "headers"])
def test_a_trickling_server_is_cut_off_at_the_wall_clock_cap(phase: str) -> None:
    fetcher = local(timeout_s=0.25)  # cap: 4 x 0.25 s = 1 s
    started = time.monotonic()
    fails_with(trickle(head_first=phase == "body"), "download took longer than 1 s", fetcher)
    assert time.monotonic() - started < 2.5  # the trickle alone would take 20 s


def test_gzip_is_asked_for_and_decoded_and_the_cap_counts_decoded_bytes() -> None:
    packed = gzip.compress(PAGE)
    reply = http_reply(packed, headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"})
    with raw_server(lambda conn, head: conn.sendall(reply)) as server:
        response = local().get(server.base)
        assert response.body == PAGE and response.charset == "utf-8"
        assert b"accept-encoding: gzip" in server.requests[0].lower()
    bomb = http_reply(gzip.compress(b"\0" * 5_000_000), headers={"Content-Encoding": "gzip"})
    fails_with(lambda conn, head: conn.sendall(bomb), "larger than the", local(max_bytes=100_000))


def test_retries_back_off_and_then_succeed() -> None:
    answers = [http_reply(b"busy", "503 Service Unavailable"), http_reply(b"", "429 Too Many", {"Retry-After": "2"})]
    waits: list[float] = []

    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(answers.pop(0) if answers else http_reply(b"fine"))

    with raw_server(handler) as server:
        fetcher = local(retries=2, backoff_s=0.25, timeout_s=5, sleep=waits.append)
        assert fetcher.get(server.base).body == b"fine"
        assert len(server.requests) == 3
    assert waits == [0.25, 2.0]  # backoff, then the server's Retry-After


def test_retries_give_up_with_the_last_reason() -> None:
    with raw_server(lambda conn, head: conn.sendall(http_reply(b"", "502 Bad Gateway"))) as server:
        with pytest.raises(FetchError, match="HTTP error 502 Bad Gateway"):
            local(retries=2, backoff_s=0.01).get(server.base)
        assert len(server.requests) == 3


def test_a_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    reply = http_reply(b"", "503 Service Unavailable", {"Retry-After": "3600"})
    fails_with(lambda conn, head: conn.sendall(reply), "would pass the", local(retries=1, sleep=pytest.fail))


def test_at_most_one_request_a_second_to_a_host() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    with raw_server(lambda conn, head: conn.sendall(http_reply(b"ok"))) as server:
        fetcher = local(min_interval_s=1.0, clock=lambda: now[0], sleep=sleep)
        for _ in range(3):
            fetcher.get(server.base)
            now[0] += 0.25
        fetcher.get(server.base.replace("127.0.0.1", "localhost"))  # another host name: its own pace
    assert waits == [0.75, 0.75]


def robots_site(robots: bytes | None, status: str = "200 OK"):
    def handler(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1]
        if path == b"/robots.txt":
            conn.sendall(http_reply(robots or b"", status))
        else:
            conn.sendall(http_reply(PAGE, headers={"Content-Type": "text/html"}))

    return handler


@pytest.mark.parametrize(
    ("robots", "status", "outcome"),
    [
        (b"User-agent: *\nDisallow: /private/\n", "200 OK", "added"),
        (b"User-agent: chipbot\nDisallow: /\n", "200 OK", "robots.txt disallows this page for chipbot"),
        (b"User-agent: *\nDisallow: /\n", "200 OK", "robots.txt disallows this page for chipbot"),
        (None, "404 Not Found", "added"),  # no robots.txt: everything allowed
        (None, "503 Service Unavailable", "could not be read"),  # unreachable: nothing for now (RFC 9309)
    ],
)
def test_robots_txt_is_honoured_for_article_pages(robots, status, outcome, data_dir: Path) -> None:
    with raw_server(robots_site(robots, status)) as server, open_store(data_dir) as store:
        report = ingest([server.base + "/news/story.html"], store, fetcher=local())
    if outcome == "added":
        assert len(report.added) == 1 and not report.skipped
    else:
        (skip,) = report.skipped
        assert outcome in skip.reason and not report.added


def test_a_feed_the_operator_owns_skips_robots_txt(data_dir: Path) -> None:
    def handler(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1]
        if path == b"/robots.txt":
            conn.sendall(http_reply(b"User-agent: *\nDisallow: /\n"))
        elif path == b"/feed.xml":
            entry = b"<item><title>T</title><link>/news/story.html</link><description>Short.</description></item>"
            feed = b"<rss version='2.0'><channel><title>Own</title><link>/</link>" + entry + b"</channel></rss>"
            conn.sendall(http_reply(feed, headers={"Content-Type": "application/rss+xml"}))
        else:
            conn.sendall(http_reply(PAGE, headers={"Content-Type": "text/html"}))

    with raw_server(handler) as server:
        feed = server.base + "/feed.xml"
        with open_store(data_dir) as store:
            polite = ingest([], store, feeds=[feed], fetcher=local())
            (article,) = store.articles()
            assert article.origin == "feed-summary"  # robots.txt said no: the feed's own summary is kept
            assert article.url == server.base + "/news/story.html"  # the relative link, resolved
        owned = local(robots_exempt_feeds=frozenset({feed}))
        with open_store(data_dir) as store:
            again = ingest([], store, feeds=[feed], fetcher=owned)
            (article,) = store.articles()
            assert article.origin == "url" and again.updated == [article.id]
    assert polite.added and not polite.skipped


def test_misbehaving_servers_in_one_batch_with_a_good_page(data_dir: Path) -> None:
    def handler(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1].decode()
        if path == "/close":
            conn.shutdown(socket.SHUT_WR)
        elif path == "/reset":
            reset(conn)
        elif path == "/garbage":
            conn.sendall(b"\x00\x01 not http at all\r\n\r\n")
        elif path == "/trickle":
            trickle(head_first=True)(conn, head)
        elif path == "/feed.xml":
            items = "".join(f"<item><title>{p}</title><link>{p}</link></item>" for p in ("/reset", "ftp://x/y", "/ok"))
            conn.sendall(http_reply(f"<rss version='2.0'><channel><title>F</title>{items}</channel></rss>".encode()))
        else:
            conn.sendall(http_reply(PAGE, headers={"Content-Type": "text/html"}))

    with raw_server(handler) as server, open_store(data_dir) as store:
        bad = [f"{server.base}/{p}" for p in ("close", "reset", "garbage", "trickle")]
        report = ingest([*bad, f"{server.base}/ok"], store, feeds=[f"{server.base}/feed.xml"], fetcher=local())
        assert store.count() == 1 and len(report.added) == 1  # the good page; the feed's copy of it is unchanged
    reasons = {s.source.removeprefix(server.base): s.reason for s in report.skipped}
    assert reasons == {
        "/close": "the server closed the connection without answering",
        "/reset": "the server reset the connection",
        "/garbage": "the server did not answer in HTTP",
        "/trickle": "download took longer than 2 s",
        "/feed.xml#1": "entry has no reachable page and no summary",  # its page reset; no summary to fall back on
        "/feed.xml#2": "entry has no reachable page and no summary",  # an ftp: link is not fetched
    }


def test_robots_txt_is_read_once_per_site_and_again_after_a_day() -> None:
    now = [0.0]
    with raw_server(robots_site(b"User-agent: *\nDisallow: /private/\n")) as server:
        fetcher = local(clock=lambda: now[0])
        assert fetcher.robots.refusal(server.base + "/a.html") is None
        assert "disallows" in (fetcher.robots.refusal(server.base + "/private/b.html") or "")
        now[0] += 23 * 3600
        fetcher.robots.refusal(server.base + "/c.html")
        assert [r.split(b" ")[1] for r in server.requests] == [b"/robots.txt"]
        now[0] += 2 * 3600
        fetcher.robots.refusal(server.base + "/c.html")
        assert [r.split(b" ")[1] for r in server.requests] == [b"/robots.txt", b"/robots.txt"]
