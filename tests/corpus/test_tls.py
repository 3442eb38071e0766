"""HTTPS through the guarded connections: the address check does not weaken TLS. The certificate is
checked against the URL's host name (not the address connected to), and an untrusted one is refused."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.sources.http import Fetcher, FetchError

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_port(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], cert
    server.shutdown()
    server.server_close()


def fetcher() -> Fetcher:
    return Fetcher(resolver=lambda host, port: ["127.0.0.1"], allow_private=True, min_interval_s=0, retries=0)


def test_https_checks_the_certificate_against_the_host_name(https_port, monkeypatch: pytest.MonkeyPatch) -> None:
    port, cert = https_port
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    assert fetcher().get(f"https://news.example:{port}/").body == b"hello"
    with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|doesn't match|mismatch"):
        fetcher().get(f"https://other.example:{port}/")  # same server, another name: refused


def test_an_untrusted_certificate_is_refused(https_port, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    port, _ = https_port
    empty = tmp_path / "none.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        fetcher().get(f"https://news.example:{port}/")
