"""Country names and codes as lists and supplier files write them, as ISO alpha-2. Pure.

The table is data (core/data/countries.tsv). A list's country field may hold several
("(1) Russia (2) Finland", "China, Hong Kong Special Administrative Region"): every
country named in it is returned. China, Hong Kong and Macau count as one area when
compared (front companies of one owner register in all three); North and South Korea
never do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from tollwatch.core.names.terms import read_lines

_AREA = {"HK": "CN", "MO": "CN"}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str]]:
    names: dict[str, str] = {}
    for lineno, fields in read_lines("countries.tsv"):
        if len(fields) != 2 or not re.fullmatch(r"[A-Z]{2}", fields[0]):
            raise ValueError(f"countries.tsv, line {lineno}: expected 'CODE<TAB>name|name...'")
        for name in fields[1].split("|"):
            names[_clean(name)] = fields[0]
    # Longest names first, so "south korea" wins over "korea" and "hong kong" over "china".
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")
    return names, pattern


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


@lru_cache(maxsize=65536)
def codes(value: str) -> frozenset[str]:
    """Every country a field names, as alpha-2 codes; empty when none is recognized."""
    names, pattern = _table()
    text = _clean(value or "")
    if not text:
        return frozenset()
    if text in names:
        return frozenset({names[text]})
    if len(text) <= 3:  # a short code must be the whole field ("in", "no" are words too)
        return frozenset()
    return frozenset(names[m] for m in pattern.findall(text) if len(m) > 3)


def codes_of(values: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for v in values:
        out |= codes(v)
    return frozenset(out)


def same_area(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of countries share one (China, Hong Kong and Macau as one)."""
    return not {_AREA.get(c, c) for c in a}.isdisjoint({_AREA.get(c, c) for c in b})


def country_in_words(words: Iterable[str]) -> frozenset[str]:
    """Countries a name's own words name ("Foreign Trade Bank of Iran" → IR); whole words only."""
    names, _ = _table()
    words = list(words)
    found: set[str] = set()
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i:i + n])
            if len(phrase) > 3 and phrase in names:
                found.add(names[phrase])
    return frozenset(found)


def is_country_name(text: str) -> bool:
    """The whole text is a country's name or code ("UK", "Singapore")."""
    return _clean(text or "") in _table()[0]
