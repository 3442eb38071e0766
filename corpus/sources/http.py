"""HTTP for pages and feeds, over urllib3: pooled connections, gzip, retries with backoff, one request a
second per host, conditional GET, a size cap, a wall-clock deadline, and public addresses only.

urllib3 does the connections (pooling, keep-alive, TLS, gzip/deflate decoding). Redirects and
retries are done here, because each redirect target must pass the address check again and every
wait must fit the fetch's deadline. The deadline is enforced by a timer that shuts the socket: a
server that trickles one byte a second cannot stretch a fetch, in its headers or its body.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProtocolError, ReadTimeoutError, SSLError

from corpus.errors import CorpusError
from corpus.sources.addresses import AddressGuard, BlockedAddress, ResolveError, Resolver, system_resolver
from corpus.sources.pool import DeadlinePassed, Watch, guarded_pool_manager
from corpus.sources.robots import RobotsRules

log = logging.getLogger(__name__)

USER_AGENT = "chipbot/0.1 (chip-trade news bot; fetches articles and feeds for cited Q&A)"
DEFAULT_TIMEOUT_S = 15.0
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TOTAL_TIME_FACTOR = 4  # a whole fetch (redirects, retries, body) may take this many timeouts
MIN_INTERVAL_S = 1.0  # between two requests to one host
RETRIES = 2
BACKOFF_S = 0.5  # waits 0.5 s, then 1 s
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_READ_SIZE = 16 * 1024


class FetchError(CorpusError):
    """A URL could not be fetched; the message is the reason shown in the summary."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when the server answered with an error


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

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        message = Message()
        message["Content-Type"] = self.content_type
        return message.get_content_charset()


class Fetcher:
    """Fetches one URL at a time; never reads more than ``max_bytes`` of a body into memory.

    ``allow_private`` lets it fetch from loopback and private networks (operators' own servers,
    tests); ``resolver`` replaces DNS (tests); ``clock``/``sleep`` drive the per-host pacing.
    """

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = MAX_RESPONSE_BYTES,
        user_agent: str = USER_AGENT,
        allow_private: bool = False,
        resolver: Resolver = system_resolver,
        min_interval_s: float = MIN_INTERVAL_S,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
        robots_exempt_feeds: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.min_interval_s = min_interval_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.robots_exempt_feeds = robots_exempt_feeds  # feed URLs whose pages skip robots.txt
        self._clock = clock
        self._sleep = sleep
        self._guard = AddressGuard(resolver=resolver, allow_private=allow_private)
        self._local = threading.local()
        self._last_request: dict[str, float] = {}
        self._pace_lock = threading.Lock()
        self._pool = guarded_pool_manager(self._guard, lambda: getattr(self._local, "watch", None))
        self.robots = RobotsRules(self, clock=clock)  # robots.txt is fetched through this fetcher, with its checks

    @property
    def total_s(self) -> float:
        return self.timeout_s * TOTAL_TIME_FACTOR

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """The response for ``url`` after redirects (a 304 when the validators still match).

        Raises :class:`FetchError` (or its :class:`BlockedAddress`) with the reason.
        """
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        watch = Watch(time.monotonic() + self.total_s)
        timer = threading.Timer(self.total_s, watch.expire)
        timer.daemon = True
        self._local.watch = watch
        timer.start()
        try:
            return self._follow(url, headers, watch)
        except BlockedAddress as exc:
            raise FetchError(str(exc)) from exc
        finally:
            timer.cancel()
            self._local.watch = None

    def _follow(self, url: str, headers: dict[str, str], watch: Watch) -> Response:
        seen: list[str] = []
        current = url
        while True:
            _check_url(current)
            if current in seen:
                raise FetchError(f"a redirect loop ({' -> '.join([*seen, current])})")
            if len(seen) > MAX_REDIRECTS:
                raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
            seen.append(current)
            response = self._with_retries(current, headers, watch)
            location = response.headers.get("Location")
            if response.status in _REDIRECTS and location:
                _discard(response)
                current = urljoin(current, location.strip())
                continue
            return self._read(current, response, watch)

    def _with_retries(self, url: str, headers: dict[str, str], watch: Watch) -> urllib3.BaseHTTPResponse:
        """One request, retried after connection failures and 429/5xx answers, with backoff inside the deadline."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._request(url, headers, watch)
            except (NewConnectionError, ProtocolError, SSLError, ConnectTimeoutError) as exc:
                if last or isinstance(exc, SSLError):
                    raise FetchError(_describe(exc, self.timeout_s)) from exc
                log.info("fetch %s failed (%s); retrying", url, _describe(exc, self.timeout_s))
                self._backoff(attempt, None, watch)
                continue
            if response.status in _RETRY_STATUSES and not last:
                wait = _retry_after(response.headers.get("Retry-After"))
                _discard(response)
                self._backoff(attempt, wait, watch)
                continue
            if response.status >= 400:
                _discard(response)
                message = f"HTTP error {response.status} {response.reason or ''}".rstrip()
                raise FetchError(message, status=response.status)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _backoff(self, attempt: int, retry_after: float | None, watch: Watch) -> None:
        wait = retry_after if retry_after is not None else self.backoff_s * 2**attempt
        if wait >= watch.remaining():
            raise FetchError(f"gave up: the next try (in {wait:g} s) would pass the {self.total_s:g} s limit")
        self._sleep(wait)

    def _request(self, url: str, headers: dict[str, str], watch: Watch) -> urllib3.BaseHTTPResponse:
        self._pace(urlsplit(url).hostname or "")
        per_read = max(0.001, min(self.timeout_s, watch.remaining()))
        try:
            return self._pool.request(
                "GET",
                url,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                timeout=urllib3.Timeout(connect=per_read, read=per_read),
            )
        except DeadlinePassed as exc:
            raise FetchError(f"download took longer than {self.total_s:g} s") from exc
        except ReadTimeoutError as exc:
            raise FetchError(f"timed out after {self.timeout_s:g} s") from exc
        except (ProtocolError, NewConnectionError, ConnectTimeoutError, SSLError):
            if watch.expired:
                raise FetchError(f"download took longer than {self.total_s:g} s") from None
            raise
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(_describe(exc, self.timeout_s)) from exc

    def _pace(self, host: str) -> None:
        """At most one request a second to a host: wait for the gap since the last one."""
        with self._pace_lock:
            last = self._last_request.get(host.lower())
            wait = 0.0 if last is None else last + self.min_interval_s - self._clock()
            self._last_request[host.lower()] = self._clock() + max(0.0, wait)
        if wait > 0:
            self._sleep(wait)

    def _read(self, url: str, response: urllib3.BaseHTTPResponse, watch: Watch) -> Response:
        try:
            declared = response.headers.get("Content-Length")
            if response.status == 304:
                return Response(url, 304, b"", "", response.headers.get("ETag"), response.headers.get("Last-Modified"))
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                size = int(declared) / 2**20
                raise FetchError(f"response too large ({size:.1f} MiB > {self.max_bytes / 2**20:g} MiB cap)")
            body = b"".join(self._chunks(response, watch))
        except (ProtocolError, ReadTimeoutError, urllib3.exceptions.DecodeError, OSError) as exc:
            if watch.expired:
                raise FetchError(f"download took longer than {self.total_s:g} s") from exc
            if isinstance(exc, ReadTimeoutError | TimeoutError):
                raise FetchError(f"timed out after {self.timeout_s:g} s") from exc
            raise FetchError(f"the download broke off ({_describe(exc, self.timeout_s)})") from exc
        finally:
            response.release_conn()
        return Response(
            url,
            response.status,
            body,
            response.headers.get("Content-Type", ""),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )

    def _chunks(self, response: urllib3.BaseHTTPResponse, watch: Watch) -> Iterator[bytes]:
        total = 0
        while chunk := response.read1(_READ_SIZE, decode_content=True):
            if watch.expired or watch.remaining() <= 0:
                raise FetchError(f"download took longer than {self.total_s:g} s")
            total += len(chunk)  # decoded bytes: a small gzip bomb hits the cap too
            if total > self.max_bytes:
                raise FetchError(f"response larger than the {self.max_bytes / 2**20:g} MiB cap; stopped reading")
            yield chunk
        if watch.expired:
            raise FetchError(f"download took longer than {self.total_s:g} s")


def _discard(response: urllib3.BaseHTTPResponse) -> None:
    """Drop a response whose body is not wanted; its connection is closed rather than reused half-read."""
    response.close()
    response.release_conn()


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise FetchError(f"not a fetchable URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise FetchError(f"not a fetchable URL ({shown}); only http and https are fetched")
    if not parts.hostname:
        raise FetchError("not a fetchable URL: it names no host")


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _describe(exc: BaseException, timeout_s: float) -> str:
    """A short reason for a transport failure, for the ingest summary (the most specific cause wins)."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        nxt = cause.__cause__ or cause.__context__ or (cause.args[1] if len(cause.args) > 1 else None)
        cause = nxt if isinstance(nxt, BaseException) else None
    names = {type(c).__name__ for c in chain}
    for found, reason in (
        ("RemoteDisconnected" in names, "the server closed the connection without answering"),  # a reset subclass
        (any(isinstance(c, ConnectionResetError) for c in chain), "the server reset the connection"),
        (any(isinstance(c, ConnectionRefusedError) for c in chain), "connection refused"),
        (bool(names & {"BadStatusLine", "LineTooLong", "UnknownProtocol"}), "the server did not answer in HTTP"),
    ):
        if found:
            return reason
    for c in chain:
        if isinstance(c, ResolveError):
            return str(c)
    if any(isinstance(c, TimeoutError | ConnectTimeoutError) for c in chain[1:]) or isinstance(exc, ReadTimeoutError):
        return f"timed out after {timeout_s:g} s"
    return f"cannot connect: {chain[-1]}"
