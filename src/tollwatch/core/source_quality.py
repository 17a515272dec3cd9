"""Source quality: is a cited URL a mirror or document-scrape copy rather than the publisher's page?

Pure: the host list is given as text (src/tollwatch/core/data/mirror_hosts.txt, read by the
caller), and a bare IP address counts as a mirror without being listed.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def parse_hosts(text: str) -> frozenset[str]:
    """One host a line; blank lines and # comments are skipped."""
    hosts = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().casefold().rstrip(".")
        if line:
            hosts.add(line)
    return frozenset(hosts)


def url_host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").casefold().rstrip(".")
    except ValueError:
        return ""


def is_ip_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_mirror(url: str | None, hosts: frozenset[str]) -> bool:
    """True for a listed host or any subdomain of one, and for a bare IPv4 or IPv6 address."""
    if not url:
        return False
    host = url_host(url)
    if not host:
        return False
    if is_ip_host(host):
        return True
    return any(host == h or host.endswith("." + h) for h in hosts)


def citation(url: str, hosts: frozenset[str]) -> dict[str, object]:
    """A cited URL as shown everywhere: the URL and whether it is a mirror."""
    return {"url": url, "mirror": is_mirror(url, hosts)}
