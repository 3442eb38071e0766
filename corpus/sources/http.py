"""HTTP for pages and feeds: timeouts, a size cap, a redirect limit, conditional GET, an honest user agent."""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import BinaryIO

from corpus.errors import CorpusError

log = logging.getLogger(__name__)

USER_AGENT = "chipbot/0.1 (chip-trade news bot; fetches articles and feeds for cited Q&A)"
DEFAULT_TIMEOUT_S = 15.0
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
_READ_SIZE = 64 * 1024
_TOTAL_TIME_FACTOR = 4  # the whole body may take this many timeouts


class FetchError(CorpusError):
    """A URL could not be fetched; the message is the reason shown in the summary."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2


class Fetcher:
    """Fetches one URL at a time; never reads more than ``max_bytes`` of a body into memory."""

    def __init__(
        self, *, timeout_s: float = DEFAULT_TIMEOUT_S, max_bytes: int = MAX_RESPONSE_BYTES, user_agent: str = USER_AGENT
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self._opener = urllib.request.build_opener(_LimitedRedirects())

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                return self._read(response.geturl(), response.status, response.headers, response)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(url, 304, b"", "", etag, last_modified)
            if 300 <= exc.code < 400:
                raise FetchError(f"too many redirects or a redirect loop (HTTP {exc.code})") from exc
            raise FetchError(f"HTTP error {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise FetchError(f"timed out after {self.timeout_s:g} s") from exc
            raise FetchError(f"cannot connect: {exc.reason}") from exc
        except TimeoutError as exc:
            raise FetchError(f"timed out after {self.timeout_s:g} s") from exc
        except ValueError as exc:
            raise FetchError(f"not a fetchable URL: {exc}") from exc

    def _read(self, final_url: str, status: int, headers: Message, stream: BinaryIO) -> Response:
        declared = headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            size = int(declared) / 2**20
            raise FetchError(f"response too large ({size:.1f} MiB > {self.max_bytes / 2**20:g} MiB cap)")
        parts, total = [], 0
        deadline = time.monotonic() + self.timeout_s * _TOTAL_TIME_FACTOR  # a slow drip must end too
        while chunk := stream.read(_READ_SIZE):
            if time.monotonic() > deadline:
                raise FetchError(f"download took longer than {self.timeout_s * _TOTAL_TIME_FACTOR:g} s")
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"response larger than the {self.max_bytes / 2**20:g} MiB cap; stopped reading")
            parts.append(chunk)
        return Response(
            final_url,
            status,
            b"".join(parts),
            headers.get("Content-Type", ""),
            headers.get("ETag"),
            headers.get("Last-Modified"),
        )
