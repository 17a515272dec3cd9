"""What a query row says besides its name, compared with a listed entity. Pure: no I/O.

- the schema, read from the name when no column gives it: a legal form makes a company,
  a person's name shape (a Korean surname and given name in Hangul, a Chinese surname and
  one or two given characters in Han) a person;
- the country: the row's country column, or a country the name itself names
  ("Foreign Trade Bank of Iran"), against the entity's nationality and address countries.
Each is a feature in the match explanation with the values it compared (core.features).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tollwatch.core import countries
from tollwatch.core.name_tokens import is_legal, tokens
from tollwatch.core.names import chinese, korean

_BRACKETS = re.compile(r"[(（]([^()（）]{2,40})[)）]")


@lru_cache(maxsize=65536)
def infer_schema(name: str) -> tuple[str, str] | None:
    """(schema, why) read from the name, or None when the name does not tell."""
    text = name.strip()
    latin = [t for t in tokens(text) if not chinese.has_han(t) and not korean.has_hangul(t)]
    legal = [t for t in latin if is_legal(t)]
    if legal:
        return "Company", f"legal form {' '.join(legal)}"
    if chinese.has_han(text) and any(kind == "term" and eng in ("Co., Ltd.", "Co.", "Group") for kind, _, eng in chinese.segment(chinese.HAN_RE.findall(text)[0])):
        return "Company", "legal form in Han"
    compact = text.replace(" ", "")
    if korean.has_hangul(compact) and korean.looks_like_person(compact) and all(eng is None for _, eng in korean.segment_terms(compact)):
        return "Person", "a Korean surname and given name"
    if chinese.looks_like_person(compact):
        return "Person", "a Chinese surname and given name"
    return None


def schema_feature(name: str, inferred: tuple[str, str]) -> dict[str, Any]:
    return {"feature": "schema_inferred", "query": name, "candidate": None, "value": inferred[0], "because": inferred[1]}


@lru_cache(maxsize=65536)
def query_countries(name: str, country: str | None) -> frozenset[str]:
    """The row's country column; failing that, countries the name itself names."""
    given = countries.codes(country) if country else frozenset()
    if given:
        return given
    # "Yamahdi (UK) Limited": a country code or name in brackets is where the company is.
    bracketed = frozenset(code for inner in _BRACKETS.findall(name) if countries.is_country_name(inner) for code in countries.codes(inner))
    return bracketed or countries.country_in_words(tokens(name))


def country_penalty(q_codes: frozenset[str], info: Mapping[str, Any], country: str | None, weights: Mapping[str, float]) -> dict[str, Any] | None:
    """The country_mismatch feature when the query's and the entity's countries share none."""
    if not q_codes:
        return None
    rec_codes = countries.codes_of(info.get("country") or [])
    if not rec_codes or countries.same_area(q_codes, rec_codes):
        return None
    return {"feature": "country_mismatch", "query": country or " ".join(sorted(q_codes)), "candidate": list(info.get("country") or []),
            "query_codes": sorted(q_codes), "candidate_codes": sorted(rec_codes), "value": -weights["country_mismatch"]}
