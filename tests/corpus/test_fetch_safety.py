"""The address matrix: loopback, private, link-local and metadata addresses are refused, directly, by
name and after a redirect; only http(s) is fetched; an operator can allow private addresses."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import urllib3.util.connection

from corpus.pipeline import ingest
from corpus.sources.addresses import why_blocked
from corpus.sources.http import Fetcher, FetchError
from corpus.store import open_store
from tests.corpus.helpers import WIRE_STORY, record, write_jsonl
from tests.corpus.rawserver import http_reply, raw_server

PUBLIC_IP = "93.184.216.34"  # what the test resolver says news.example is; connections to it go to the local server
PAGE = (Path(__file__).parent / "fixtures" / "article.html").read_bytes()

BLOCKED = {  # URL -> the kind named in the refusal
    "http://127.0.0.1/": "loopback",
    "http://127.8.9.10:8080/x": "loopback",
    "http://[::1]/": "loopback",
    "http://10.0.0.5/": "private",
    "http://172.16.3.4/": "private",
    "http://192.168.1.1/admin": "private",
    "http://169.254.169.254/latest/meta-data/": "cloud metadata",
    "http://169.254.10.1/": "link-local",
    "http://[fe80::1]/": "link-local",
    "http://[fd00:ec2::254]/": "cloud metadata",
    "http://[fc00::7]/": "private",
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://[::ffff:169.254.169.254]/": "cloud metadata",
    "http://[64:ff9b::a00:1]/": "private",  # NAT64 of 10.0.0.1
    "http://0.0.0.0/": "unspecified",
    "http://100.64.0.1/": "non-public",  # carrier-grade NAT (shared address space)
    "http://internal.example/": "private",  # a name that resolves inside
    "http://localhost.example/": "loopback",
}
NAMES = {"news.example": [PUBLIC_IP], "internal.example": ["10.1.2.3"], "localhost.example": ["127.0.0.1"]}


def resolver(host: str, port: int) -> list[str]:
    return NAMES.get(host, ["203.0.113.250"])


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch):
    """Connections to PUBLIC_IP reach a local server whose answers the test sets; every connection is logged."""
    answers: dict[str, bytes] = {}

    def handler(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1].decode()
        conn.sendall(answers.get(path, http_reply(b"not here", "404 Not Found")))

    with raw_server(handler) as server:
        connected: list[str] = []
        real = urllib3.util.connection.create_connection

        def create_connection(address, *args, **kwargs):
            connected.append(address[0])
            if address[0] == PUBLIC_IP:
                return real(("127.0.0.1", server.port), *args, **kwargs)
            raise AssertionError(f"the fetcher connected to {address[0]}")

        monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
        yield answers, connected, server.port


def guarded() -> Fetcher:
    return Fetcher(timeout_s=1, resolver=resolver, min_interval_s=0, retries=0)


@pytest.mark.parametrize(("url", "kind"), sorted(BLOCKED.items()))
def test_each_private_address_is_refused_before_connecting(url: str, kind: str, routed) -> None:
    _, connected, _ = routed
    with pytest.raises(FetchError) as caught:
        guarded().get(url)
    assert f"not a public address ({kind})" in str(caught.value) and "CHIPBOT_ALLOW_PRIVATE_FETCH" in str(caught.value)
    assert connected == []


@pytest.mark.parametrize(("target", "kind"), sorted(BLOCKED.items()))
def test_a_public_url_that_redirects_inside_is_refused_at_the_redirect(target: str, kind: str, routed) -> None:
    answers, connected, port = routed
    answers["/story"] = http_reply(b"", "302 Found", {"Location": target})
    with pytest.raises(FetchError) as caught:
        guarded().get(f"http://news.example:{port}/story")
    assert f"not a public address ({kind})" in str(caught.value)
    assert connected == [PUBLIC_IP]  # the first hop only


def test_a_public_page_is_fetched_and_a_relative_redirect_stays_checked(routed) -> None:
    answers, connected, port = routed
    answers["/old"] = http_reply(b"", "301 Moved Permanently", {"Location": "/new"})
    answers["/new"] = http_reply(PAGE, headers={"Content-Type": "text/html"})
    response = guarded().get(f"http://news.example:{port}/old")
    assert response.status == 200 and response.url == f"http://news.example:{port}/new" and response.body == PAGE
    assert set(connected) == {PUBLIC_IP}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://news.example/file", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://news.example/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http:///nohost", "names no host"),
        ("http://news.example:99999/", "not a fetchable URL"),
    ],
)
def test_only_http_and_https_urls_with_a_host_are_fetched(url: str, reason: str, routed) -> None:
    with pytest.raises(FetchError, match=reason):
        guarded().get(url)
    assert routed[1] == []


def test_a_redirect_to_another_scheme_is_refused(routed) -> None:
    answers, _, port = routed
    answers["/x"] = http_reply(b"", "302 Found", {"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="only http and https"):
        guarded().get(f"http://news.example:{port}/x")


def test_the_operator_can_allow_private_addresses() -> None:
    with raw_server(lambda conn, head: conn.sendall(http_reply(b"ok"))) as server:
        with pytest.raises(FetchError, match=r"not a public address \(loopback\)"):
            Fetcher(timeout_s=1, min_interval_s=0).get(server.base)
        assert Fetcher(timeout_s=1, min_interval_s=0, allow_private=True).get(server.base).body == b"ok"


def test_refused_urls_are_skips_in_a_batch_and_the_good_record_is_stored(data_dir: Path, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [record("ok-1", "https://ok.example/1", WIRE_STORY)])
    urls = ["http://127.0.0.1:9/a", "http://[::1]/b", "http://169.254.169.254/latest/", "http://192.168.0.1/"]
    with open_store(data_dir) as store:
        report = ingest([*urls, str(good)], store, fetcher=guarded())
        assert report.added == ["ok-1"] and store.count() == 1
    assert [s.source for s in report.skipped] == urls
    assert all("refused to fetch" in s.reason for s in report.skipped)


def test_address_kinds() -> None:
    assert why_blocked("8.8.8.8") is None and why_blocked("2001:4860:4860::8888") is None
    assert why_blocked("::ffff:8.8.8.8") is None
    assert why_blocked("2002:7f00:1::") == "loopback"  # 6to4 wrapping 127.0.0.1
    assert why_blocked("224.0.0.1") == "multicast"
