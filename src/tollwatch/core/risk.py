"""Risk beyond names: why a supplier or shipment row may be tied to North Korean forced labor.

A row gets a level (high / medium / low / none) and reasons; each reason cites the
claims and sources behind it. Reasons come from the HS code and description (the
product catalogue), origin and route places, and matches to sanctions lists and to
camps and companies in the evidence graph. Companies named in reporting are
allegations, never "sanctioned". Pure: the facts are prepared by the caller (only
ACCEPTED claims, only sources the reader may see).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tollwatch.core import catalogue
from tollwatch.core.names import normalize
from tollwatch.core.places import place_rows

LEVELS = ("none", "low", "medium", "high")

# HS headings beyond the catalogue that compliance teams ask about (apparel, not knitted).
EXTRA_HS = {"62": "apparel and clothing accessories, not knitted (HS chapter 62)"}


@dataclass(frozen=True)
class Place:
    name: str
    role: str  # origin: inside North Korea; gateway: Chinese border city of toll processing
    aliases: tuple[str, ...]


# From the one place table (core/data/places.tsv), shared with claim extraction.
PLACES: tuple[Place, ...] = tuple(
    Place(row.name, row.risk_role, row.risk_aliases) for row in place_rows() if row.risk_role is not None
)
COUNTRY_CODES_NK = frozenset({"kp", "prk", "kor dpr", "408"})


@dataclass
class RiskFacts:
    """Evidence the risk rules cite, prepared once from the store (picklable)."""

    # HS prefix -> [{"product_id", "product", "claims": [citation...]}]
    hs_products: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # place name -> [citation...] (accepted claims from sources that mention the place)
    place_sources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # evidence-graph entity id -> [citation...] (its accepted claims)
    entity_claims: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # graph entity id -> [{"claim_id", "facility_id", "facility"}]: accepted claims tying it to a camp
    facility_links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # graph entity id -> [citation...]: accepted employs_workers claims with nationality kp
    kp_labor: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def hs_digits(code: object) -> str:
    return re.sub(r"\D", "", str(code or ""))


def hs_reasons(code: object, facts: RiskFacts) -> list[dict[str, Any]]:
    digits = hs_digits(code)
    if len(digits) < 2:
        return []
    out = []
    for prefix, products in sorted(catalogue.hs_risk_codes().items(), key=lambda x: -len(x[0])):
        if digits.startswith(prefix):
            for pid in products:
                p = catalogue.BY_ID[pid]
                cited = next((x for x in facts.hs_products.get(prefix, []) if x["product_id"] == pid), None)
                claims = (cited or {}).get("claims", [])
                what = "made in North Korean prison camps" if p.role == "output" else "shipped into North Korea for toll processing"
                text = f"HS {digits} falls under {prefix} ({p.name}): reporting ties {p.name} to forced labor ({what})"
                if claims:
                    text += f"; {len(claims)} accepted claim(s) in the evidence graph"
                out.append(_reason("hs_code", text, str(code), claims, strength="low"))
            break
    if not out:
        for prefix, label in EXTRA_HS.items():
            if digits.startswith(prefix):
                out.append(_reason("hs_code", f"HS {digits} is {label}, a category of North Korean toll-processed exports", str(code), [], strength="low"))
    return out


def description_reasons(text: str, facts: RiskFacts) -> list[dict[str, Any]]:
    low = (text or "").casefold()
    if not low.strip():
        return []
    out = []
    for p in catalogue.PRODUCTS:
        for term in sorted(p.terms, key=len, reverse=True):
            t = term.casefold()
            hit = (t in low) if not t.isascii() else re.search(r"(?<![\w-])" + re.escape(t) + r"(?!\w)", low)
            if hit and len(t) >= 3:
                claims = [c for prefix in p.hs_codes for x in facts.hs_products.get(prefix, []) if x["product_id"] == p.id for c in x["claims"]]
                out.append(_reason("product", f"description names {p.name} (HS {', '.join(p.hs_codes)}), a product tied to North Korean forced labor", term, claims, strength="low"))
                break
    return out


def place_reasons(fields: dict[str, Any], facts: RiskFacts) -> list[dict[str, Any]]:
    """Origin/route places in country, address and description fields."""
    out, seen = [], set()
    for fname, value in fields.items():
        if not value:
            continue
        norm = " " + normalize(str(value)) + " "
        raw = str(value)
        if fname == "country" and norm.strip() in COUNTRY_CODES_NK:
            hits = [PLACES[0]]
        else:
            hits = []
            for place in PLACES:
                for alias in place.aliases:
                    if (alias.isascii() and f" {alias} " in norm) or (not alias.isascii() and alias in raw):
                        hits.append(place)
                        break
        for place in hits:
            if place.name in seen:
                continue
            seen.add(place.name)
            cites = facts.place_sources.get(place.name, [])
            if place.role == "origin":
                text = f"{fname} names {place.name}: goods made wholly or in part by North Korean labor are presumed forced-labor goods (CAATSA §321(b))"
                out.append(_reason("origin_place", text, raw, cites, strength="high"))
            else:
                text = f"{fname} names {place.name}, a Chinese border city through which North Korean toll-processed goods are reported to pass"
                out.append(_reason("route_place", text, raw, cites, strength="low"))
    return out


def match_reasons(matches: list[dict[str, Any]], facts: RiskFacts) -> list[dict[str, Any]]:
    out = []
    for m in matches:
        if not m.get("match"):
            continue
        info = m.get("info") or {}
        claims = facts.entity_claims.get(m["entity_id"], [])
        if m["dataset"] == "tollwatch":
            if m["entity_id"] in facts.kp_labor:
                out.append(_kp_labor_reason(m, facts))
            elif info.get("kind") == "facility" and info.get("facility_type") != "plant":
                text = f"name matches {m['name']}, a North Korean detention facility in the evidence graph (score {m['score']:.2f})"
                out.append(_reason("camp_match", text, m.get("query_name"), claims, strength="high", entity_id=m["entity_id"]))
            elif m["entity_id"] in facts.facility_links:
                out.append(_facility_link_reason(m, facts))
            elif info.get("allegation"):
                text = f"name matches {m['name']}, a company named in reporting (an allegation, not a sanctions listing; score {m['score']:.2f})"
                out.append(_reason("reported_company_match", text, m.get("query_name"), claims, strength="medium", entity_id=m["entity_id"]))
            else:
                text = f"name matches {m['name']} in the evidence graph (score {m['score']:.2f})"
                out.append(_reason("graph_match", text, m.get("query_name"), claims, strength="medium", entity_id=m["entity_id"]))
        else:
            programs = ", ".join(info.get("program") or []) or "no program given"
            text = f"name matches {m['name']} on {m['dataset']} (id {m['source_id']}, programs: {programs}; score {m['score']:.2f})"
            cite = [{"source_id": f"{m['dataset']}:{m['source_id']}", "title": f"{m['dataset']} entry {m['source_id']}", "snapshot_date": info.get("snapshot_date")}]
            out.append(_reason("sanctions_match", text, m.get("query_name"), cite, strength="high", entity_id=m["entity_id"]))
    return out


def _kp_labor_reason(m: dict[str, Any], facts: RiskFacts) -> dict[str, Any]:
    """A graph entity that accepted claims say employs North Korean workers: high risk (CAATSA §321(b))."""
    cited = facts.kp_labor[m["entity_id"]]
    ids = ", ".join(sorted({c["claim_id"] for c in cited}))
    text = (f"name matches {m['name']} in the evidence graph (score {m['score']:.2f}), which accepted claims ({ids}) say "
            "employs North Korean workers: goods made wholly or in part by North Korean nationals are presumed "
            "forced-labor goods (CAATSA §321(b)); an allegation, not a sanctions listing")
    return _reason("kp_labor_match", text, m.get("query_name"), cited, strength="high", entity_id=m["entity_id"])


def _facility_link_reason(m: dict[str, Any], facts: RiskFacts) -> dict[str, Any]:
    """A graph entity that accepted claims tie to a North Korean detention facility: high risk."""
    links = facts.facility_links[m["entity_id"]]
    camps = ", ".join(dict.fromkeys(link["facility"] for link in links))
    linked = {link["claim_id"] for link in links}
    cited = [c for c in facts.entity_claims.get(m["entity_id"], []) if c.get("claim_id") in linked]
    text = (f"name matches {m['name']} in the evidence graph (score {m['score']:.2f}), which accepted claims "
            f"({', '.join(sorted(linked))}) tie to {camps}, a North Korean detention facility; an allegation, not a sanctions listing")
    return _reason("facility_link_match", text, m.get("query_name"), cited, strength="high", entity_id=m["entity_id"])


def assess(row: dict[str, Any], matches: list[dict[str, Any]], facts: RiskFacts) -> dict[str, Any]:
    """Risk level and reasons for one screened row; `row` holds the detected fields."""
    reasons = []
    reasons += match_reasons(matches, facts)
    reasons += place_reasons({k: row.get(k) for k in ("country", "origin", "address", "route", "port", "description") if row.get(k)}, facts)
    hs = hs_reasons(row.get("hs_code"), facts) if row.get("hs_code") else []
    reasons += hs
    if not hs:
        reasons += description_reasons(row.get("description") or "", facts)
    level = _level(reasons)
    return {"level": level, "reasons": reasons}


def _level(reasons: list[dict[str, Any]]) -> str:
    kinds = {r["reason"] for r in reasons}
    strengths = [r["strength"] for r in reasons]
    if "high" in strengths:
        return "high"
    goods = bool(kinds & {"hs_code", "product"})
    if "medium" in strengths or (goods and "route_place" in kinds):
        return "medium"
    if strengths:
        return "low"
    return "none"


def _reason(kind: str, text: str, query_value: object, citations: list[dict[str, Any]], *, strength: str, entity_id: str | None = None) -> dict[str, Any]:
    r = {
        "reason": kind,
        "strength": strength,
        "text": text,
        "query_value": query_value,
        "claims": sorted({c["claim_id"] for c in citations if c.get("claim_id")}),
        "sources": _dedupe_sources(citations),
    }
    if entity_id:
        r["entity_id"] = entity_id
    return r


def _dedupe_sources(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for c in citations:
        sid = c.get("source_id")
        if not sid or sid in seen:
            continue
        seen.add(sid)
        out.append({k: c.get(k) for k in ("source_id", "title", "url", "snapshot_date") if c.get(k)})
    return out[:10]
