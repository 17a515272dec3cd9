"""The one place table (core/data/places.tsv), read by screening and by claim extraction.

Screening matches trade rows against the origin and gateway places; extraction builds its
city lists and its Hangul-to-English names from the same rows, so the two cannot disagree.
Package data, read once; a malformed line is an error naming the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tollwatch.core.names.terms import read_lines

FILE = "places.tsv"
LISTS = frozenset({"china_city", "border", "border_ko", "company_city_ko", "nk_city"})


@dataclass(frozen=True)
class PlaceRow:
    name: str
    country: str
    risk_role: str | None
    latin_regex: str
    korean: tuple[str, ...]
    risk_aliases: tuple[str, ...]
    lists: frozenset[str]


def _field(value: str) -> str:
    return "" if value == "-" else value


@lru_cache(maxsize=1)
def place_rows() -> tuple[PlaceRow, ...]:
    rows = []
    for lineno, f in read_lines(FILE):
        if len(f) != 7:
            raise ValueError(f"{FILE}, line {lineno}: expected 7 tab-separated fields, got {len(f)}")
        lists = frozenset(x for x in _field(f[6]).split(",") if x)
        if lists - LISTS:
            raise ValueError(f"{FILE}, line {lineno}, field lists: unknown {sorted(lists - LISTS)}")
        rows.append(PlaceRow(f[0], f[1], _field(f[2]) or None, _field(f[3]) or f[0], tuple(_field(f[4]).split()),
                             tuple(a for a in _field(f[5]).split("|") if a), lists))
    return tuple(rows)


def latin_alternatives(list_name: str) -> str:
    """The regex alternation of a list's places, in table order ("Dandong|Hunchun|Ji'?an")."""
    return "|".join(r.latin_regex for r in place_rows() if list_name in r.lists)


def korean_alternatives(list_name: str) -> str:
    return "|".join(k for r in place_rows() if list_name in r.lists for k in r.korean)


def english_of_korean() -> dict[str, str]:
    """단둥 → Dandong: a claim names a place in English whatever the report's script."""
    return {k: r.name for r in place_rows() for k in r.korean}


def chinese_side() -> frozenset[str]:
    """Chinese border gateways, as reports write them (Ji'an and Jian)."""
    names = [r.name for r in place_rows() if r.country == "cn" and r.risk_role == "gateway"]
    return frozenset(names + [n.replace("'", "") for n in names])


def city_names() -> frozenset[str]:
    """North Korean border cities in every script the table gives ("Hoeryong", "회령"): where sources
    live and goods cross, so a bare one in a text that never calls it a camp is the city, not its camp.
    (A camp known by its village's name, Chongori or Yodok, is not a border city.)"""
    rows = [r for r in place_rows() if r.country == "kp" and "border" in r.lists]
    return frozenset([r.name for r in rows] + [k for r in rows for k in r.korean])
