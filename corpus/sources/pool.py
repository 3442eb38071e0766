"""urllib3 connections that connect only to allowed addresses and obey a fetch's wall-clock deadline.

The address check runs in ``_new_conn``, on the addresses the host resolves to, so it holds for
every connection urllib3 opens, redirects included. The deadline is a :class:`Watch`: when it
passes, a timer shuts every socket the fetch uses, so a blocked read returns at once however
slowly the server sends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from corpus.sources.addresses import AddressGuard, ResolveError


class DeadlinePassed(Exception):
    """Raised inside urllib3 when a fetch's deadline has passed (not an OSError: urllib3 lets it through)."""


@dataclass
class Watch:
    """One fetch's deadline; when it passes, every connection the fetch uses is shut."""

    deadline: float
    expired: bool = False
    connections: list[HTTPConnection] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def attach(self, connection: HTTPConnection) -> None:
        with self.lock:
            if self.expired or self.remaining() <= 0:
                raise DeadlinePassed
            self.connections.append(connection)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for connection in self.connections:
                sock = connection.sock
                if sock is not None:  # the base-class call also works on a TLS socket's descriptor
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class GuardedConnection(HTTPConnection):
    """Connects only to addresses the guard allows, and puts itself under the current fetch's watch."""

    guard: AddressGuard
    current_watch: Callable[[], Watch | None]

    def _new_conn(self) -> socket.socket:
        try:
            addresses = self.guard.addresses(self._dns_host, self.port)
        except ResolveError as exc:
            raise NewConnectionError(self, str(exc)) from exc
        error: OSError | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, self.source_address, self.socket_options
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from exc
            except OSError as exc:
                error = exc
        raise NewConnectionError(self, f"cannot connect to {self.host}: {error}") from error

    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = self.current_watch()
        if watch is not None:
            watch.attach(self)
        super().request(*args, **kwargs)


def guarded_pool_manager(guard: AddressGuard, current_watch: Callable[[], Watch | None]) -> urllib3.PoolManager:
    """A PoolManager whose connections check addresses with ``guard`` and join ``current_watch()``."""
    attributes = {"guard": guard, "current_watch": staticmethod(current_watch)}
    http_conn = type("GuardedHTTPConnection", (GuardedConnection,), attributes)
    https_conn = type("GuardedHTTPSConnection", (GuardedConnection, HTTPSConnection), attributes)
    manager = urllib3.PoolManager(num_pools=32, maxsize=2, retries=False)
    manager.pool_classes_by_scheme = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }
    return manager
