"""What a principal may see, shaped for pages and API alike.

Every function takes a Reader opened at the principal's ceiling, so sources and
quotes above it are never loaded in the first place; entities (which carry no
sensitivity of their own) are hidden when they exist only through unseen evidence.
"""

from __future__ import annotations

from collections import defaultdict

from tollwatch.app.entity_page import SCRIPT_LABELS, entity_page as entity_page_view  # noqa: F401
from tollwatch.app.evidence import entity_to_dict, source_to_dict
from tollwatch.app.visibility import Reader, entity_visible, get_visible_entity, redact_entity
from tollwatch.core.model import Claim, Entity, EntityKind, Predicate, ReviewStatus, Source
from tollwatch.core.schema import predicate_label



def entity_summary(entity: Entity) -> dict:
    return {
        "id": entity.id,
        "caption": entity.caption,
        "kind": entity.kind.value,
        "dataset": entity.dataset,
        "names": entity.all_names(),
        "is_new": entity.is_new,
    }


def search(reader: Reader, q: str, limit: int = 50) -> dict:
    q = (q or "").strip()
    if not q:
        return {"q": q, "entities": [], "sources": []}
    from tollwatch.app.search_text import search_sources  # titles and texts, in any script

    entities = [e for e in reader.find_entities(q) if entity_visible(reader, e)]
    return {
        "q": q,
        "entities": [entity_summary(e) for e in entities[:limit]],
        "sources": search_sources(reader, q, limit),
    }


def entity_page(reader: Reader, entity: Entity) -> dict:
    return entity_page_view(reader, entity)


def label(predicate: str) -> str:
    return predicate_label(predicate)


def facility_rows(reader: Reader) -> list[dict]:
    """Facilities with type, status (from visible status claims) and every cited point."""
    rows = []
    facilities = [e for e in reader.list_entities(kind=EntityKind.FACILITY) if entity_visible(reader, e)]
    status_claims: dict[str, set[str]] = defaultdict(set)
    for c in reader.list_claims():
        if c.predicate == Predicate.HAS_STATUS and c.review.status != ReviewStatus.REJECTED and c.value:
            status_claims[c.subject_id].add(c.value)
    for e in facilities:
        statuses = sorted(status_claims.get(e.id, set()))
        if not statuses:
            status = "unknown"
        elif len(statuses) == 1:
            status = statuses[0]
        else:
            status = "contested"
        rows.append(
            {
                "id": e.id,
                "caption": e.caption,
                "names": e.all_names(),
                "type": e.attributes.get("facility_type") or "other",
                "type_note": e.attributes.get("type_note"),
                "status": status,
                "statuses": statuses,
                "province": e.attributes.get("province"),
                "locality": e.attributes.get("locality"),
                "points": [
                    {"lat": c.lat, "lon": c.lon, "source": c.source, "confidence": c.confidence} for c in e.coordinates
                ],
            }
        )
    return rows


def source_segments(text: str, claims: list[Claim]) -> list[dict]:
    """Cut the text at every claim boundary so each piece knows which claims quote it."""
    spans: list[tuple[int, int, str]] = []
    for c in claims:
        ev = c.evidence
        if ev.span and 0 <= ev.span[0] < ev.span[1] <= len(text):
            spans.append((ev.span[0], ev.span[1], c.id))
        elif ev.quote:
            at = text.find(ev.quote)
            if at >= 0:
                spans.append((at, at + len(ev.quote), c.id))
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [cid for s, e, cid in spans if s <= a and b <= e]
        out.append({"text": text[a:b], "claims": covering})
    return out


def source_view(reader: Reader, source: Source) -> dict:
    claims = reader.list_claims(source_id=source.id)
    from tollwatch.app.evidence import claims_as_dicts

    from tollwatch.app.citations import url_is_mirror

    data = source_to_dict(source, with_text=True)
    data["url_mirror"] = url_is_mirror(source.url)
    data["claims"] = claims_as_dicts(reader, claims)
    for d in data["claims"]:
        d["label"] = label(d["predicate"])
    data["segments"] = source_segments(source.text or "", claims)
    return data


def review_queue(reader: Reader, limit: int = 500) -> list[dict]:
    from tollwatch.app.review_queue import review_queue as queue

    return queue(reader, limit=limit)["items"]


def proposed_entities(reader: Reader) -> list[dict]:
    """Entities proposed by extraction (not yet in the graph) that this reader may see."""
    out = []
    for e in reader.list_entities(dataset="tollwatch"):
        if e.is_new and entity_visible(reader, e):
            out.append(entity_summary(e))
    return out


__all__ = [
    "entity_visible",
    "get_visible_entity",
    "redact_entity",
    "entity_summary",
    "entity_to_dict",
    "search",
    "entity_page",
    "facility_rows",
    "source_segments",
    "source_view",
    "review_queue",
]
