"""Which address a request comes from: the peer's, unless the peer is a trusted proxy.

`X-Forwarded-For` is honoured only when `tollwatch serve --trusted-proxy ADDR` names the
peer (an address or a network such as 10.0.0.0/8). The header is then read from the
right, skipping trusted proxies, and the first other valid address is the client's. From
any other peer the header is ignored, so rotating it changes nothing. uvicorn's own proxy
handling is turned off (`UVICORN_OPTIONS`) so the peer seen here is the real one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

# What `tollwatch serve` (and the tests' live server) give uvicorn: it must not rewrite
# the peer address from headers itself (by default it trusts them from 127.0.0.1).
UVICORN_OPTIONS = {"proxy_headers": False, "forwarded_allow_ips": ""}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(values: Iterable[str] | None) -> tuple[Network, ...]:
    """Networks from `--trusted-proxy` values; a bad value is a one-line ValueError."""
    nets = []
    for value in values or ():
        try:
            nets.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"trusted-proxy: {value!r} is not an IP address or network") from None
    return tuple(nets)


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(ip, nets: tuple[Network, ...]) -> bool:
    return ip is not None and any(ip.version == n.version and ip in n for n in nets)


def client_address(peer: str | None, forwarded_for: list[str], trusted: tuple[Network, ...]) -> str | None:
    """The client's address: the peer's, or the one its trusted proxy reports."""
    if not peer or not trusted or not _trusted(_ip(peer), trusted):
        return peer
    hops = [h for header in forwarded_for for h in header.split(",")]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break  # a hop we cannot read: stop at the last address we can vouch for
        if not _trusted(ip, trusted):
            return str(ip)
        peer = str(ip)
    return peer
