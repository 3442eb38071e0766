"""Which network addresses chipbot may fetch from: public ones only, unless the operator allows private ones.

Links in feeds and ``/ingest`` URLs come from outside. Fetched blindly, they would let anyone make
the bot read its own machine (loopback), the private network, or a cloud metadata service
(169.254.169.254). The check runs on the addresses a host name *resolves to*, at connection time,
so it holds for every redirect and for names that resolve to a private address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

from corpus.errors import CorpusError

Resolver = Callable[[str, int], Sequence[str]]  # (host, port) -> IP addresses as text

ALLOW_PRIVATE_HINT = "set CHIPBOT_ALLOW_PRIVATE_FETCH=1 to allow private addresses"
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddress(CorpusError):
    """A URL whose host resolves to an address chipbot does not fetch from."""


class ResolveError(CorpusError):
    """A host name that does not resolve."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6), in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveError(f"cannot resolve host {host!r} ({exc})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_blocked(address: str) -> str | None:
    """Why an IP address is not public ("loopback", "private", ...), or None when it may be fetched."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return why_blocked(str(embedded))
    if ip in _METADATA:
        return "cloud metadata"
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


class AddressGuard:
    """Resolves a host and returns the addresses that may be connected to, or raises :class:`BlockedAddress`.

    A host with any blocked address is refused outright: picking its public address would still let
    a DNS answer that changes between lookups steer the bot inside.
    """

    def __init__(self, *, resolver: Resolver = system_resolver, allow_private: bool = False) -> None:
        self._resolver = resolver
        self.allow_private = allow_private

    def addresses(self, host: str, port: int) -> list[str]:
        host = host.strip("[]")
        try:
            found = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
        except ValueError:
            found = list(self._resolver(host, port))
        if not found:
            raise ResolveError(f"host {host!r} has no address")
        if not self.allow_private:
            for address in found:
                if kind := why_blocked(address):
                    shown = host if host == address else f"{host} ({address})"
                    raise BlockedAddress(
                        f"refused to fetch from {shown}: not a public address ({kind}); {ALLOW_PRIVATE_HINT}"
                    )
        return found
