"""What each claim cites, and whether a cited page is a mirror: one rule for API, CSV and pages.

A claim cites the pages its evidence names (Evidence.cites: a compiled row's citations for
that fact) or, failing that, its source's URL. An empty Evidence.cites means the row gives
no source for the fact: the claim says "source not given" and borrows no other page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from tollwatch.core.model import Claim, Source
from tollwatch.core.source_quality import citation, is_mirror, parse_hosts
from tollwatch.store.repository import Reader

SOURCE_NOT_GIVEN = "source not given"


@cache
def mirror_hosts() -> frozenset[str]:
    """The known mirror and document-scrape hosts (core/data/mirror_hosts.txt)."""
    text = (resources.files("tollwatch.core") / "data" / "mirror_hosts.txt").read_text(encoding="utf-8")
    return parse_hosts(text)


def url_is_mirror(url: str | None) -> bool:
    return is_mirror(url, mirror_hosts())


def claim_citations(claim: Claim, source: Source | None) -> list[dict[str, object]]:
    if claim.evidence.cites is not None:
        urls = list(claim.evidence.cites)
    else:
        urls = [source.url] if source is not None and source.url else []
    return [citation(u, mirror_hosts()) for u in urls]


def add_citations(reader: Reader, claims: list[Claim], dicts: list[dict]) -> list[dict]:
    """Give each claim dict its `citations` ([{url, mirror}]) and `source_not_given`."""
    sources = reader.sources_by_id(c.evidence.source_id for c in claims)
    for c, d in zip(claims, dicts, strict=True):
        d["citations"] = claim_citations(c, sources.get(c.evidence.source_id))
        d["source_not_given"] = c.evidence.cites == ()
    return dicts
