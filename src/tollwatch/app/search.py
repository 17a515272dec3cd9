"""Search and browse, for the web page and any other front end: names in any script, HS codes,
source texts; facets over the hits; and, for an empty search, what there is to browse.

A hit is an entity the reader may see (`entity_visible`); sources come from a Reader opened at
the reader's clearance, so a confidential testimony is never searched, counted or quoted.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping

from tollwatch.app import search_facets as facets
from tollwatch.app.search_text import hs_query, name_segments, search_sources
from tollwatch.app.visibility import Reader, entity_visible, redact_entity
from tollwatch.core.model import Entity
from tollwatch.store import search_repo

PER_PAGE = 50
MAX_PAGE = 400
UNIVERSES_KEPT = 4  # (store, version, clearance) universes kept in memory
_UNIVERSE: dict[tuple, "Universe"] = {}
_UNIVERSE_LOCK = threading.Lock()


def clean_filters(raw: Mapping[str, str | None]) -> dict[str, str]:
    return {f: str(raw[f]).strip()[:200] for f in facets.FACETS if raw.get(f) and str(raw[f]).strip()}


def faceted_search(reader: Reader, q: str, filters: Mapping[str, str | None] | None = None, page: int = 1) -> dict:
    """The page of hits, its facets and the matching sources; an empty search returns `browse`."""
    q = (q or "").strip()[:500]
    chosen = clean_filters(filters or {})
    page = min(max(1, page), MAX_PAGE)
    if not q and not chosen:
        return {"q": "", "filters": {}, "browse": browse(reader), "entities": [], "facets": [], "sources": [], "total": 0}
    hs = hs_query(reader, q) if q else None
    if q:
        entities, hits, reason = _candidates(reader, q, hs)
        ctx = facets.build_context(reader, [h["id"] for h in hits])
        values = [facets.hit_values(h, ctx) for h in hits]
        index = facets.value_index(values)
    else:
        entities, reason = {}, {}
        hits, values, index, ctx = browse_universe(reader)
    passing = facets.matching(index, chosen)
    shown = [(hits[i], values[i]) for i in (range(len(hits)) if passing is None else sorted(passing))]
    start = (page - 1) * PER_PAGE
    page_hits = shown[start : start + PER_PAGE]
    return {
        "q": q,
        "filters": chosen,
        "browse": None,
        "total": len(shown),
        "page": page,
        "pages": max(1, -(-len(shown) // PER_PAGE)),
        "page_params": {n: facets.link_params(q, chosen) + [("page", str(n))] for n in (page - 1, page + 1)},
        "chosen": [{"name": f, "title": facets.TITLES[f], "label": facets.value_label(f, v, ctx),
                    "params": facets.link_params(q, chosen, f, None)} for f, v in chosen.items()],
        "facets": facets.facet_view(index, chosen, q, ctx),
        "entities": _results(reader, page_hits, entities, q, reason, ctx),
        "hs": hs,
        "sources": search_sources(reader, q) if q and not chosen else [],
    }


def _candidates(reader: Reader, q: str, hs: dict | None) -> tuple[dict[str, Entity], list[dict], dict[str, str]]:
    """(hydrated entities by id, light hits, why each hit matched when not by name)."""
    found = [redact_entity(reader, e) for e in reader.find_entities(q) if entity_visible(reader, e)]
    entities = {e.id: e for e in found}
    reason: dict[str, str] = {}
    if hs:
        for e in _hs_entities(reader, hs["products"]):
            if e.id not in entities:
                entities[e.id] = e
                reason[e.id] = hs["code"]
    ordered = sorted(entities.values(), key=lambda e: (e.dataset != facets.GRAPH_DATASET, e.id not in reason, e.id))
    return entities, [_light(e) for e in ordered], reason


def _hs_entities(reader: Reader, product_ids: list[str]) -> list[Entity]:
    """The products with the HS code, and every visible entity a visible claim links to one of them."""
    wanted = set(product_ids)
    linked = set(wanted)
    for c in reader.list_claims():
        if c.subject_id in wanted and c.object_id:
            linked.add(c.object_id)
        if c.object_id in wanted:
            linked.add(c.subject_id)
    return [redact_entity(reader, e) for e in reader.entities(linked).values() if entity_visible(reader, e)]


def _light(e: Entity) -> dict:
    return {"id": e.id, "kind": e.kind.value, "caption": e.caption, "dataset": e.dataset, "is_new": e.is_new, "attributes": e.attributes}


def _visible_rows(reader: Reader, rows: list[dict]) -> list[dict]:
    """Rows the reader may see: proposals are checked one by one (they are few), records as they are."""
    proposed = [r["id"] for r in rows if r["is_new"]]
    seen = {i for i, e in reader.entities(proposed).items() if entity_visible(reader, e)} if proposed else set()
    kept = [r for r in rows if not r["is_new"] or r["id"] in seen]
    return sorted(kept, key=lambda r: (r["dataset"] != facets.GRAPH_DATASET, r["caption"].casefold(), r["id"]))


Universe = tuple[list[dict], list[dict[str, set[str]]], facets.ValueIndex, facets.FacetContext]


def browse_universe(reader: Reader) -> Universe:
    """Every entity the reader may see, with its facet values: what a search without words filters.

    With the sanctions lists loaded that is about 20,000 records, so it is built once per store
    version and clearance (a write changes the version; the key is read in the reader's own
    transaction) and kept without attributes; result pages hydrate only the 50 they show."""
    key = (str(reader.conn.engine.url), id(reader.conn.engine), search_repo.store_version(reader), reader.max_sensitivity.value)
    with _UNIVERSE_LOCK:
        cached = _UNIVERSE.get(key)
    if cached is not None:
        return cached
    hits = _visible_rows(reader, search_repo.entity_rows(reader))
    ctx = facets.build_context(reader, [h["id"] for h in hits])
    values = [facets.hit_values(h, ctx) for h in hits]
    built = ([{k: v for k, v in h.items() if k != "attributes"} for h in hits], values, facets.value_index(values), ctx)
    with _UNIVERSE_LOCK:
        _UNIVERSE[key] = built
        while len(_UNIVERSE) > UNIVERSES_KEPT:
            _UNIVERSE.pop(next(iter(_UNIVERSE)))
    return built


def _results(reader: Reader, page_hits: list[tuple[dict, dict]], entities: dict[str, Entity], q: str,
             reason: Mapping[str, str], ctx: facets.FacetContext) -> list[dict]:
    missing = [h["id"] for h, _ in page_hits if h["id"] not in entities]
    loaded = {**entities, **{i: redact_entity(reader, e) for i, e in reader.entities(missing).items()}}
    out = []
    for hit, values in page_hits:
        e = loaded.get(hit["id"])
        if e is None:
            continue
        matched, segments = name_segments(e, q) if q and hit["id"] not in reason else (None, [])
        listed = facets.LISTED in values.get("sanctioned", set())
        out.append({
            "id": e.id, "caption": e.caption, "kind": e.kind.value, "dataset": e.dataset,
            "dataset_label": facets.dataset_label(e.dataset), "is_new": e.is_new, "names": e.all_names(),
            "matched_name": matched, "segments": segments, "hs_reason": reason.get(e.id),
            # 개천 marks "Kaechon", 假发 marks "wigs": the page says the match went through a reading or a meaning.
            "by_reading": bool(segments) and not any(p["mark"] and p["text"].casefold() in q.casefold() for p in segments),
            "listed": listed, "listed_via_profile": listed and e.dataset == facets.GRAPH_DATASET,
            "program": _program(e), "facts": _facts(values, ctx, e.id),
        })
    return out


def _program(e: Entity) -> str | None:
    value = e.attributes.get("program") if e.dataset != facets.GRAPH_DATASET else None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return str(value)[:120] if value else None


def _facts(values: Mapping[str, set[str]], ctx: facets.FacetContext, hit_id: str) -> list[str]:
    """A short line of what the facets know about the hit: type, status, country, products."""
    out: list[str] = []
    for f in ("facility_type", "status", "country"):
        out.extend(facets.value_label(f, v, ctx) for v in sorted(values.get(f, ()))[:3])
    products = sorted(values.get("product", set()) - {hit_id})
    out.extend(facets.value_label("product", p, ctx) for p in products[:4])
    return out


def browse(reader: Reader) -> dict:
    """What an empty search offers: entities by kind and by dataset, facilities by type, products."""
    by_kind: Counter = Counter()
    by_dataset: Counter = Counter()
    for kind, dataset, n in search_repo.kind_dataset_counts(reader):
        by_kind[kind] += n
        by_dataset[dataset] += n
    proposed = search_repo.proposed_ids(reader)
    for e in reader.entities(proposed).values():
        if entity_visible(reader, e):
            by_kind[e.kind.value] += 1
            by_dataset[e.dataset] += 1
    ctx = facets.build_context(reader, [])
    facilities = _visible_rows(reader, search_repo.entity_rows(reader, kind="facility"))
    types = Counter(str(r["attributes"].get("facility_type") or "other") for r in facilities)
    products = _visible_rows(reader, search_repo.entity_rows(reader, kind="product", with_attributes=False))
    linked = Counter(p for eid, ps in ctx.product_links.items() for p in ps if eid != p)

    def rows(facet: str, counts: Mapping[str, int], extra: list[tuple[str, str]] | None = None) -> list[dict]:
        return [{"value": v, "label": facets.value_label(facet, v, ctx), "count": n,
                 "params": (extra or []) + [(facet, v)]} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    return {
        "kinds": rows("kind", by_kind),
        "datasets": rows("dataset", by_dataset),
        "facility_types": rows("facility_type", types),
        "products": [{"value": p["id"], "label": p["caption"], "count": linked.get(p["id"], 0) + 1,
                      "params": [("product", p["id"])]} for p in products],
        "hs_example": _common_heading(ctx, linked),
    }



def _common_heading(ctx: facets.FacetContext, linked: Counter) -> str | None:
    """The HS heading most linked entities share, to show what an HS search looks like."""
    headings: Counter = Counter()
    for pid, product in ctx.products.items():
        for code in product["hs"]:
            headings[code[:4]] += linked.get(pid, 0) + 1
    return min(headings, key=lambda c: (-headings[c], c)) if headings else None
