"""Dates of birth, identifiers and IMO numbers of a query row, compared with a listed entity.

Pure: no I/O. A name match is only a lead; an analyst clears or confirms it with these:
- birth dates agree exactly, by year only (one side knows only the year, or the list gives a
  range "1960-1962" or "circa 1958"), or with day and month swapped (03/07 against 07/03, the
  usual US/European slip): birth_date_match, a small boost (half for year-only and swapped);
  they disagree on the year (outside any listed range), or on day/month in the same year:
  birth_date_mismatch, a penalty for people only (half when only day/month differ);
- an identifier (passport, national id, registration number), normalized by dropping spaces,
  punctuation and case, equals one the list gives: identifier_match, a strong boost;
- an IMO number, checksum validated (the 7th digit is the sum of the first six times 7..2,
  mod 10), equals the listed ship's: imo_match; both sides have valid, different IMO numbers:
  imo_mismatch; a query IMO failing its checksum is reported (imo_invalid), never used.
Each is a feature in the explanation with the values it compared (core.features).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
IMO_SCHEMES = frozenset({"imoNumber", "imo"})
MIN_ID_LENGTH = 5  # shorter numbers collide by chance ("123", "A1")


@dataclass(frozen=True)
class QueryFacts:
    """What a query row gives besides names (hashable: it is part of the matcher's cache key)."""

    birth_dates: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    imo: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.birth_dates or self.identifiers or self.imo)


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [p.strip() for v in items if isinstance(v, str) for p in re.split(r"[;|]", v) if p.strip()]


def query_facts(birth_dates: Any = None, identifiers: Any = None, imo: Any = None) -> QueryFacts | None:
    """The facts of one query (cells may hold several values separated by ; or |), None when it has none."""
    facts = QueryFacts(tuple(_split(birth_dates))[:5], tuple(_split(identifiers))[:10], tuple(_split(imo))[:5])
    return facts or None


# --- dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BirthDate:
    """A date as precise as its text: a year range (from == to for one year), month and day when known."""

    text: str
    year_from: int
    year_to: int
    month: int | None = None
    day: int | None = None


def parse_birth_date(text: str) -> BirthDate | None:
    """ISO (1968-07-30, 1968-07, 1968), dd/mm/yyyy, '30 Jul 1968', 'circa 1958', '1960 to 1962', '1960-1962'."""
    raw = " ".join(str(text).split())
    t = raw.casefold()
    if m := re.search(r"\b(\d{4})\s*(?:-|to|–)\s*(\d{4})\b", t):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return BirthDate(raw, a, b)
    if m := re.search(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b", t):
        return _checked(raw, int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    if m := re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", t):
        return _checked(raw, int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := re.search(r"\b(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{4})\b", t):
        return _checked(raw, int(m.group(3)), MONTHS.get(m.group(2)), int(m.group(1)))
    if m := re.search(r"\b([a-z]{3})[a-z]*\.?\s+(\d{4})\b", t):
        if m.group(1) in MONTHS:
            return _checked(raw, int(m.group(2)), MONTHS[m.group(1)], None)
    if m := re.search(r"\b(1[89]\d\d|20\d\d)\b", t):
        year = int(m.group(1))
        return BirthDate(raw, year - 1, year + 1) if re.search(r"\b(circa|approx|about|c\.)", t) else BirthDate(raw, year, year)
    return None


def _checked(raw: str, year: int, month: int | None, day: int | None) -> BirthDate | None:
    """00 days and months mean unknown (OFSI's 00/00/1994); an impossible month keeps the year only."""
    month = month if month and 1 <= month <= 12 else None
    day = day if month and day and 1 <= day <= 31 else None
    if not 1800 <= year <= 2100:
        return None
    return BirthDate(raw, year, year, month, day)


def _compare(q: BirthDate, c: BirthDate) -> tuple[int, str]:
    """(rank, kind): 3 exact, 2 swapped, 1 year, -1 day differs, -2 year differs."""
    if q.year_to < c.year_from or c.year_to < q.year_from:
        return -2, "year"
    if q.year_from != q.year_to or c.year_from != c.year_to or None in (q.month, c.month):
        return 1, "year"
    if (q.month, q.day) == (c.month, c.day) or (q.day is None or c.day is None) and q.month == c.month:
        return (3, "exact") if q.day is not None and c.day is not None else (1, "month")
    if q.day is not None and (q.month, q.day) == (c.day, c.month):
        return 2, "swapped"
    return -1, "day"


def birth_date_feature(query: Iterable[str], listed: Iterable[str], schema: str, weights: Mapping[str, float]) -> dict[str, Any] | None:
    """The best agreement over every pair of dates; a disagreement counts against people only."""
    qs = [d for d in (parse_birth_date(x) for x in query) if d]
    cs = [d for d in (parse_birth_date(x) for x in listed) if d]
    if not qs or not cs:
        return None
    rank, kind, qd, cd = max(((*_compare(q, c), q, c) for q in qs for c in cs), key=lambda x: x[0])
    base = {"query": qd.text, "candidate": cd.text, "kind": kind}
    if rank > 0:
        return {"feature": "birth_date_match", **base, "value": round(weights["birth_date_match"] * (1.0 if rank == 3 else 0.5), 4)}
    if schema != "Person":
        return None
    return {"feature": "birth_date_mismatch", **base, "value": -round(weights["birth_date_mismatch"] * (1.0 if rank == -2 else 0.5), 4)}


# --- identifiers and IMO numbers -----------------------------------------------------------


def normalize_identifier(value: str) -> str:
    return re.sub(r"[\W_]+", "", value).upper()


def imo_number(value: str) -> str | None:
    """The 7 digits of 'IMO 9123456' or '9123456' when its checksum holds, else None."""
    digits = re.sub(r"(?i)^\s*imo[\s:.#-]*", "", value).strip()
    if not re.fullmatch(r"\d{7}", digits):
        return None
    check = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10
    return digits if check == int(digits[6]) else None


def identifier_feature(query: Iterable[str], listed: Iterable[tuple[str, str]], weights: Mapping[str, float]) -> dict[str, Any] | None:
    """identifier_match when a normalized query identifier equals one the list gives (any document type)."""
    by_norm = {normalize_identifier(v): (s, v) for s, v in listed if s not in IMO_SCHEMES}
    for q in query:
        n = normalize_identifier(q)
        if len(n) >= MIN_ID_LENGTH and any(ch.isdigit() for ch in n) and n in by_norm:
            scheme, value = by_norm[n]
            return {"feature": "identifier_match", "query": q, "candidate": value, "scheme": scheme, "value": weights["identifier_match"]}
    return None


def imo_feature(query: Iterable[str], listed: Iterable[str], weights: Mapping[str, float]) -> dict[str, Any] | None:
    """imo_match, imo_mismatch (both valid, none equal) or imo_invalid (the query's fails its checksum)."""
    query = list(query)
    valid = {n: q for q in query if (n := imo_number(q))}
    if not valid:
        return {"feature": "imo_invalid", "query": query[0], "candidate": None, "value": None} if query else None
    theirs = [(n, c) for c in listed if (n := imo_number(c) or (c if re.fullmatch(r"\d{7}", c) else None))]
    if not theirs:
        return None
    for n, c in theirs:
        if n in valid:
            return {"feature": "imo_match", "query": valid[n], "candidate": c, "value": weights["imo_match"]}
    return {"feature": "imo_mismatch", "query": next(iter(valid.values())), "candidate": [c for _, c in theirs], "value": -weights["imo_mismatch"]}


def fact_features(facts: QueryFacts | None, info: Mapping[str, Any], schema: str, weights: Mapping[str, float]) -> list[dict[str, Any]]:
    """Every fact feature for one candidate; each `value` is what it adds to the score (None: reported only)."""
    if not facts:
        return []
    found = [
        birth_date_feature(facts.birth_dates, info.get("birth_date") or [], schema, weights) if facts.birth_dates else None,
        identifier_feature(facts.identifiers, [tuple(x) for x in info.get("ids") or []], weights) if facts.identifiers else None,
        imo_feature(facts.imo, info.get("imo") or [], weights) if facts.imo else None,
    ]
    return [f for f in found if f]


def apply_facts(score: float, feats: list[dict[str, Any]]) -> float:
    """The name score moved by the fact features, kept within 0..1."""
    delta = sum(float(f["value"]) for f in feats if isinstance(f.get("value"), int | float))
    return min(1.0, max(0.0, score + delta))


def record_facts(attributes: Mapping[str, Any], identifiers: Iterable[tuple[str, str]], dataset: str) -> dict[str, Any]:
    """What a screening record keeps of an entity for these features (list ids excluded)."""
    ids = [(s, v) for s, v in identifiers if s != dataset]
    births = attributes.get("birthDate") or []
    return {
        "birth_date": list(births if isinstance(births, list) else [births])[:10],
        "ids": [list(x) for x in ids if x[0] not in IMO_SCHEMES][:20],
        "imo": [v for s, v in ids if s in IMO_SCHEMES][:5],
    }


def with_facts(score: float, feats: list[dict[str, Any]], facts: QueryFacts | None, info: Mapping[str, Any], schema: str, weights: Mapping[str, float]) -> tuple[float, list[dict[str, Any]]]:
    """The matcher's one call: the score moved by the fact features, and the features appended."""
    found = fact_features(facts, info, schema, weights)
    return (apply_facts(score, found), [*feats, *found]) if found else (score, feats)
