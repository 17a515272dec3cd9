"""Facets of a search: what each hit is (kind, dataset, listed or not, country, product, HS code,
facility type and status), and how many hits share each value.

Everything here is computed from what the reader may see: hits are visible entities, and the
product links and facility statuses come from the claims the reader's clearance loads, so a
confidential claim can neither add a count nor change a status. Counts are over the current
result (every chosen filter applied), the way Aleph counts them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from tollwatch.app import resolution
from tollwatch.app.visibility import Reader
from tollwatch.core import countries
from tollwatch.core.model import Predicate, ReviewStatus
from tollwatch.core.names.terms import read_lines
from tollwatch.core.schema import load as load_schema
from tollwatch.store import search_repo

GRAPH_DATASET = "tollwatch"
FACETS = ("kind", "dataset", "sanctioned", "country", "product", "hs", "facility_type", "status")
TITLES = {
    "kind": "Kind", "dataset": "Dataset", "sanctioned": "Sanctions", "country": "Country", "product": "Product",
    "hs": "HS code", "facility_type": "Facility type", "status": "Facility status",
}
LISTED, NOT_LISTED = "listed", "not_listed"
SHOWN_VALUES = 12  # a facet shows its most common values (and the chosen one)


@lru_cache(maxsize=1)
def list_labels() -> dict[str, str]:
    """dataset -> the short name readers know the list by (core/data/list_labels.tsv)."""
    out = {}
    for lineno, fields in read_lines("list_labels.tsv"):
        if len(fields) != 2:
            raise ValueError(f"list_labels.tsv, line {lineno}: expected 'dataset<TAB>label'")
        out[fields[0]] = fields[1]
    return out


def dataset_label(dataset: str) -> str:
    return list_labels().get(dataset) or dataset


@lru_cache(maxsize=1)
def facility_type_labels() -> dict[str, str]:
    values = load_schema().types["facility_type"].values
    return {k: f"{k} · {v.split(';')[0].split(' (')[0]}" for k, v in values.items()}


@dataclass
class FacetContext:
    """What the hits are linked to, from the reader's visible claims."""

    products: dict[str, dict] = field(default_factory=dict)  # product id -> {caption, hs}
    product_links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    statuses: dict[str, str] = field(default_factory=dict)  # facility id -> status
    listed_profiles: set[str] = field(default_factory=set)  # graph entities merged with a list record
    country_names: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


def build_context(reader: Reader, hit_ids: Iterable[str]) -> FacetContext:
    ctx = FacetContext()
    for row in search_repo.entity_rows(reader, kind="product"):
        codes = [str(c.get("code", "")) for c in row["attributes"].get("hs_codes") or [] if isinstance(c, dict)]
        ctx.products[row["id"]] = {"caption": row["caption"], "hs": [c for c in codes if c]}
    status_values: dict[str, set[str]] = defaultdict(set)
    for c in reader.list_claims():
        if c.review.status == ReviewStatus.REJECTED:
            continue
        if c.predicate == Predicate.HAS_STATUS and c.value:
            status_values[c.subject_id].add(str(c.value))
        if c.object_id and c.subject_id in ctx.products:
            ctx.product_links[c.object_id].add(c.subject_id)
        if c.object_id in ctx.products:
            ctx.product_links[c.subject_id].add(c.object_id)
    for pid in ctx.products:
        ctx.product_links[pid].add(pid)
    for eid, values in status_values.items():
        ctx.statuses[eid] = next(iter(values)) if len(values) == 1 else "contested"
    ctx.listed_profiles = _listed_profiles(reader, set(hit_ids))
    return ctx


def _listed_profiles(reader: Reader, ids: set[str]) -> set[str]:
    """Graph entities among `ids` whose (visible) profile includes a sanctions-list record."""
    profiles = resolution.profile_map(reader)
    members: dict[str, set[str]] = defaultdict(set)
    for member, canon in profiles.items():
        members[canon].add(member)
    wanted = {m for i in ids if i in profiles for m in members[profiles[i]]}
    if not wanted:
        return set()
    datasets = {r["id"]: r["dataset"] for r in search_repo.entity_rows(reader, ids=wanted, with_attributes=False)}
    listed_canons = {profiles[m] for m, d in datasets.items() if d != GRAPH_DATASET}
    return {i for i in ids if i in profiles and profiles[i] in listed_canons}


def hit_values(hit: Mapping, ctx: FacetContext, with_attributes: bool = True) -> dict[str, set[str]]:
    """facet -> the values this hit has (a hit may have several countries or products)."""
    listed = hit["dataset"] != GRAPH_DATASET or hit["id"] in ctx.listed_profiles
    out: dict[str, set[str]] = {"kind": {hit["kind"]}, "dataset": {hit["dataset"]}, "sanctioned": {LISTED if listed else NOT_LISTED}}
    products = ctx.product_links.get(hit["id"], set())
    if products:
        out["product"] = set(products)
        out["hs"] = {code[:4] for p in products for code in ctx.products.get(p, {}).get("hs", [])}
    if hit["kind"] == "facility":
        out["status"] = {ctx.statuses.get(hit["id"], "unknown")}
    attrs = hit.get("attributes")
    if not with_attributes or attrs is None:
        return out
    if hit["kind"] == "facility":
        out["facility_type"] = {str(attrs.get("facility_type") or "other")}
    out["country"] = _countries(attrs.get("country") or [], ctx)
    return out


def _countries(values: Iterable, ctx: FacetContext) -> set[str]:
    out: set[str] = set()
    for raw in values:
        text = str(raw).strip()
        found = countries.codes(text) if text else frozenset()
        for code in found or ({text[:40]} if text else set()):
            out.add(code)
            ctx.country_names[code][text] += 1
    return out


def passes(values: Mapping[str, set[str]], filters: Mapping[str, str]) -> bool:
    return all(v in values.get(k, ()) for k, v in filters.items())


ValueIndex = dict[str, dict[str, set[int]]]


def value_index(values: list[dict[str, set[str]]]) -> ValueIndex:
    """facet -> value -> the positions of the hits having it (set intersections do the counting)."""
    index: ValueIndex = {f: {} for f in FACETS}
    for i, vals in enumerate(values):
        for f, vs in vals.items():
            for v in vs:
                index[f].setdefault(v, set()).add(i)
    return index


def matching(index: ValueIndex, filters: Mapping[str, str]) -> set[int] | None:
    """Positions of the hits passing every filter; None means all of them (no filter)."""
    found: set[int] | None = None
    for f, v in filters.items():
        having = index.get(f, {}).get(v, set())
        found = set(having) if found is None else found & having
    return found


def facet_view(index: ValueIndex, filters: Mapping[str, str], q: str, ctx: FacetContext,
               skipped: Iterable[str] = ()) -> list[dict]:
    """Each facet with its values and the link parameters that choose (or, for the chosen value,
    drop) it. A facet counts the hits that pass every *other* chosen filter, so its other values
    stay offered with the counts choosing them would give; facets with no value are left out."""
    by_facet: dict[str, Counter] = {}
    for f in FACETS:
        others = matching(index, {k: v for k, v in filters.items() if k != f})
        by_facet[f] = Counter({v: len(ids) if others is None else len(ids & others) for v, ids in index[f].items()})
        by_facet[f] = +by_facet[f]  # drop values no remaining hit has
    out = []
    for f in FACETS:
        if f in skipped:
            continue
        counts = by_facet[f]
        top = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN_VALUES]]
        chosen = filters.get(f)
        if chosen and chosen not in top:
            top.insert(0, chosen)
        if not top:
            continue
        items = [
            {"value": v, "label": value_label(f, v, ctx), "count": counts.get(v, 0), "selected": v == chosen,
             "params": link_params(q, filters, f, None if v == chosen else v)}
            for v in top
        ]
        out.append({"name": f, "title": TITLES[f], "options": items, "more": max(0, len(counts) - len(top))})
    return out


def value_label(facet: str, value: str, ctx: FacetContext) -> str:
    if facet == "dataset":
        return dataset_label(value)
    if facet == "sanctioned":
        return "On a sanctions list" if value == LISTED else "Not on a list"
    if facet == "product":
        return ctx.products.get(value, {}).get("caption") or value
    if facet == "facility_type":
        return facility_type_labels().get(value, value)
    if facet == "country":
        names = ctx.country_names.get(value)
        spelled = names.most_common(1)[0][0] if names else ""
        if not spelled or spelled.casefold() == value.casefold():
            spelled = country_names().get(value, "")
        return f"{value} · {spelled}" if spelled else value
    if facet == "hs":
        return hs_label(value)
    return value


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO code -> the first name core/data/countries.tsv gives it, capitalised ("KP" -> "North Korea")."""
    out: dict[str, str] = {}
    for _, fields in read_lines("countries.tsv"):
        if len(fields) == 2:
            out.setdefault(fields[0], fields[1].split("|")[0].title())
    return out


@lru_cache(maxsize=512)
def hs_label(code: str) -> str:
    """"6704 · Wigs, false beards": the code and the first words of its HS 2022 description."""
    from tollwatch.importers.reference import hs_table

    entry = hs_table().get(code)
    if not entry:
        return code
    words = entry["description"].split(";")[0].split(",")
    short = ",".join(words[:2]) if len(words[0]) < 14 else words[0]
    return f"{code} · {short[:48]}"


def link_params(q: str, filters: Mapping[str, str], facet: str | None = None, value: str | None = None) -> list[tuple[str, str]]:
    """The GET parameters of the search with `facet` set to `value` (dropped when value is None)."""
    chosen = dict(filters)
    if facet:
        chosen.pop(facet, None)
        if value is not None:
            chosen[facet] = value
    params = [("q", q)] if q else []
    return params + [(f, chosen[f]) for f in FACETS if chosen.get(f)]
