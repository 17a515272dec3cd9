"""The evidence screening risk cites, read once from the store into `core.risk.RiskFacts`.

Only ACCEPTED claims, from sources the reader may see, feed risk: a proposal is a machine's
guess until a reviewer accepts it. Every citation a reason carries names the claim it rests
on, so a reason says which accepted claims make it, never just "a source mentions this".
"""

from __future__ import annotations

from collections.abc import Iterable

from tollwatch.core import catalogue
from tollwatch.core.model import Claim, Entity, EntityKind, FacilityType, Predicate, ReviewStatus, Source
from tollwatch.core.risk import PLACES, Place, RiskFacts

GRAPH_DATASET = "tollwatch"
# What makes a source's mention of a place weigh more: the hair and toll-processing trade.
_TRADE_TERMS = ("wig", "eyelash", "hair", "toll", "processing", "made in china")
_CLAIMS_PER_SOURCE = 3
_SOURCES_PER_PLACE = 5


def risk_facts(reader) -> RiskFacts:
    """Everything the risk rules cite, from one reader (its clearance decides what counts)."""
    claims = reader.list_claims(status=ReviewStatus.ACCEPTED)
    sources = reader.sources_by_id({c.evidence.source_id for c in claims})
    entities = {e.id: e for e in reader.list_entities()}
    facts = RiskFacts()
    _hs_products(facts, claims, sources, entities)
    _entity_claims(facts, claims, sources, entities)
    _place_sources(facts, claims, sources, entities)
    return facts


def citation(c: Claim, sources: dict[str, Source], entities: dict[str, Entity]) -> dict:
    """One accepted claim as a reason cites it: its id, its source and what it says."""
    s = sources.get(c.evidence.source_id)
    subj = entities.get(c.subject_id)
    obj = entities.get(c.object_id) if c.object_id else None
    return {
        "claim_id": c.id,
        "source_id": c.evidence.source_id,
        "title": s.title if s else None,
        "url": s.url if s else None,
        "statement": f"{subj.caption if subj else c.subject_id} {c.predicate.value.replace('_', ' ')} {obj.caption if obj else (c.value or _amount(c))}".strip(),
    }


def _amount(c: Claim) -> str:
    """A quantity as a statement says it: "800 workers", "50-70 prisoners"."""
    q = c.quantity
    if q is None:
        return ""
    low, high = (f"{x:g}" if x is not None else "" for x in (q.low, q.high))
    return f"{low}-{high} {q.unit}" if low and high and low != high else f"{low or high} {q.unit}"


def _hs_products(facts: RiskFacts, claims: list[Claim], sources: dict, entities: dict) -> None:
    for code, pids in catalogue.hs_risk_codes().items():
        entries = []
        for pid in pids:
            cited = [citation(c, sources, entities) for c in claims if c.object_id == pid]
            entries.append({"product_id": pid, "product": catalogue.BY_ID[pid].name, "claims": cited[:20]})
        facts.hs_products[code] = entries


def _in_graph(entities: dict[str, Entity], eid: str | None) -> Entity | None:
    e = entities.get(eid) if eid else None
    return e if e is not None and e.dataset == GRAPH_DATASET else None


def _entity_claims(facts: RiskFacts, claims: list[Claim], sources: dict, entities: dict) -> None:
    """Each graph entity's accepted claims, and which detention facilities they tie it to."""
    for c in claims:
        subj, obj = _in_graph(entities, c.subject_id), _in_graph(entities, c.object_id)
        if subj is not None:
            facts.entity_claims.setdefault(subj.id, []).append(citation(c, sources, entities))
        if obj is not None and obj.kind != EntityKind.PRODUCT:
            facts.entity_claims.setdefault(obj.id, []).append(citation(c, sources, entities))
        if subj is not None and obj is not None:
            _link_to_facility(facts, subj, obj, c)
            _link_to_facility(facts, obj, subj, c)
        if subj is not None and c.predicate == Predicate.EMPLOYS_WORKERS and c.qualifiers.get("nationality") == "kp":
            facts.kp_labor.setdefault(subj.id, []).append(citation(c, sources, entities))


def _link_to_facility(facts: RiskFacts, party: Entity, facility: Entity, c: Claim) -> None:
    """`party` is tied by an accepted claim to a detention facility in North Korea."""
    if facility.kind != EntityKind.FACILITY or party.kind == EntityKind.FACILITY:
        return
    if facility.attributes.get("facility_type") == FacilityType.PLANT.value:  # a plant is never a camp
        return
    countries = {str(c).upper() for c in facility.attributes.get("country") or []}
    if countries and "KP" not in countries:  # a plant abroad is not a North Korean camp
        return
    links = facts.facility_links.setdefault(party.id, [])
    if not any(link["claim_id"] == c.id for link in links):
        links.append({"claim_id": c.id, "facility_id": facility.id, "facility": facility.caption})


def _mentions(place: Place, hay: str) -> bool:
    low = hay.casefold()
    return any((a in low) if a.isascii() else (a in hay) for a in place.aliases if len(a) >= 4 or not a.isascii())


def _place_sources(facts: RiskFacts, claims: list[Claim], sources: dict[str, Source], entities: dict) -> None:
    """Per place: accepted claims whose source mentions it, best-supporting sources first.

    A source whose claims are all still proposed is never cited (its mention is unreviewed)."""
    by_source: dict[str, list[Claim]] = {}
    for c in claims:
        by_source.setdefault(c.evidence.source_id, []).append(c)
    for place in PLACES:
        ranked = []
        for sid, source_claims in by_source.items():
            s = sources.get(sid)
            if s is None or not _mentions(place, f"{s.title}\n{s.text or ''}"):
                continue
            ranked.append((_place_rank(place, s), sid, _place_claims(place, source_claims)))
        cited = [citation(c, sources, entities) for *_, cs in sorted(ranked)[:_SOURCES_PER_PLACE] for c in cs]
        facts.place_sources[place.name] = cited


def _place_rank(place: Place, s: Source) -> int:
    """The CAATSA presumption for an origin, the hair trade for a route; a mere mention last."""
    low = f"{s.title}\n{s.text or ''}".casefold()
    legal = place.role == "origin" and ("caatsa" in low or "321(b)" in low)
    trade = any(t in low for t in _TRADE_TERMS)
    return -(2 * legal + trade)


def _place_claims(place: Place, claims: Iterable[Claim]) -> list[Claim]:
    """A source's accepted claims whose passage names the place first, then the rest."""
    ordered = sorted(claims, key=lambda c: (not _mentions(place, c.evidence.quote or ""), c.id))
    return ordered[:_CLAIMS_PER_SOURCE]


__all__ = ["citation", "risk_facts"]
