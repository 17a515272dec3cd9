"""What a reader may see, for every front end alike (server, CLI, Python API).

A Reader opened at the caller's clearance never loads sources or quotes above it.
Entities carry no sensitivity of their own, so a *proposed* entity (one extraction
added) is shown only when the reader can see the source it was proposed from or a claim
about it (an entity proposed only from sources the reader cannot see does not exist for
that reader), and attributes that point at a source the reader may not read are
dropped. Matching follows the same rule:
proposed graph entities the reader may not see never come back as matches.
"""

from __future__ import annotations

from dataclasses import replace

from tollwatch.core.matching import pair_score
from tollwatch.core.model import Claim, Entity, Sensitivity
from tollwatch.store.repository import Reader, Store

PROPOSED_FROM = "proposed_from"
SOURCE_REF_ATTRIBUTES = (PROPOSED_FROM, "source_id")
GRAPH_DATASET = "tollwatch"

__all__ = [
    "Reader",
    "Store",
    "VisibleMatcher",
    "VisiblePrepared",
    "entity_visible",
    "get_visible_entity",
    "hidden_entity_ids",
    "redact_entity",
    "visible_entities",
    "visible_prepared",
]


def entity_visible(reader: Reader, entity: Entity | None) -> bool:
    """Graph entities are public; a proposed one is shown only when the reader may see the source
    it was proposed from, or a claim about it."""
    if entity is None:
        return False
    if not entity.is_new:
        return True
    if reader.max_sensitivity == Sensitivity.CONFIDENTIAL:
        return True
    proposed_from = entity.attributes.get(PROPOSED_FROM)
    if proposed_from and reader.sources_by_id([str(proposed_from)]):
        return True
    return bool(reader.list_claims(entity_id=entity.id))


def get_visible_entity(reader: Reader, entity_id: str) -> Entity | None:
    entity = reader.get_entity(entity_id)
    return redact_entity(reader, entity) if entity is not None and entity_visible(reader, entity) else None


def redact_entity(reader: Reader, entity: Entity) -> Entity:
    """Attributes that point at a source (e.g. `proposed_from`) go when that source may not be read."""
    refs = _source_refs(entity)
    if not refs:
        return entity
    return _without_unseen_refs(entity, set(reader.sources_by_id(refs)))


def visible_entities(reader: Reader, entities: list[Entity], claims: list[Claim]) -> list[Entity]:
    """The bulk form of `get_visible_entity`, for exports: the same rule, in one query, not one per entity.

    `claims` are the claims this reader may see (`reader.list_claims()`); a proposed entity
    that none of them mentions, proposed from a source the reader may not see, does not
    exist for the reader.
    """
    refs = {ref for e in entities for ref in _source_refs(e)}
    seen = set(reader.sources_by_id(refs)) if refs else set()
    if reader.max_sensitivity != Sensitivity.CONFIDENTIAL:
        claimed = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id}
        entities = [e for e in entities if not e.is_new or e.id in claimed or str(e.attributes.get(PROPOSED_FROM)) in seen]
    return [_without_unseen_refs(e, seen) for e in entities]


def _source_refs(entity: Entity) -> list[str]:
    return [str(v) for k, v in entity.attributes.items() if k in SOURCE_REF_ATTRIBUTES and v]


def _without_unseen_refs(entity: Entity, seen_sources: set[str]) -> Entity:
    unseen = {k for k, v in entity.attributes.items() if k in SOURCE_REF_ATTRIBUTES and v and str(v) not in seen_sources}
    if not unseen:
        return entity
    return replace(entity, attributes={k: v for k, v in entity.attributes.items() if k not in unseen})


def find_visible_entity(reader: Reader, ref: str) -> tuple[Entity | None, int]:
    """The entity an id or exact name means, among those the reader may see; with the count of name matches."""
    ref = ref.strip()
    entity = get_visible_entity(reader, ref)
    if entity is not None:
        return entity, 1
    found = [e for e in reader.find_entities(ref) if entity_visible(reader, e)]
    return (found[0] if len(found) == 1 else None), len(found)


def hidden_entity_ids(reader: Reader) -> set[str]:
    """Proposed graph entities this reader may not see (their evidence is above its clearance)."""
    if reader.max_sensitivity == Sensitivity.CONFIDENTIAL:
        return set()
    return {e.id for e in reader.list_entities(dataset=GRAPH_DATASET) if e.is_new and not entity_visible(reader, e)}


class VisibleMatcher:
    """A Matcher that never returns the given entities (proposed from evidence the caller may not read),
    and never matches on a name above the caller's clearance (a merge's confidential alias)."""

    def __init__(self, inner, hidden: set[str], clearance: Sensitivity = Sensitivity.PUBLIC):
        self.inner, self.hidden, self.clearance = inner, hidden, clearance

    def match(self, name, schema=None, *, limit: int = 5, datasets=None, threshold=None, country=None, facts=None):
        found = self.inner.match(name, schema, limit=limit + len(self.hidden) + 5, datasets=datasets, threshold=threshold, country=country, facts=facts)
        cut = self.inner.threshold if threshold is None else threshold
        kept = [visible_match(m, name, schema, self.clearance, cut) for m in found if m.record.entity_id not in self.hidden]
        shown = [m for m in kept if m is not None]
        shown.sort(key=lambda m: (-m.score, m.record.dataset, m.record.source_id))
        return shown[:limit]


def hidden_names(record, clearance: Sensitivity) -> set[str]:
    """The names of an index record above `clearance` (marked when the index was built)."""
    marked = record.info.get("name_sensitivity") or {}
    return {label for label, level in marked.items() if Sensitivity(level).rank > clearance.rank}


def visible_match(m, query: str, schema, clearance: Sensitivity, threshold: float):
    """The match as the reader may see it: scored again on its visible names when it matched on
    a hidden one, and None when no visible name matches at all."""
    hidden = hidden_names(m.record, clearance)
    if not hidden:
        return m
    names = [n for n in m.record.names if n not in hidden]
    shown_record = replace(m.record, names=tuple(names), info={k: v for k, v in m.record.info.items() if k != "name_sensitivity"})
    if m.matched_name not in hidden:
        return replace(m, record=shown_record)
    scored = [(pair_score(query, n, schema), n) for n in names]
    best = max(scored, key=lambda x: x[0].score, default=None)
    if best is None or best[0].score <= 0.0:
        return None
    ps, label = best
    feats = [{"feature": "name", "query": query, "candidate": label, "value": round(ps.score, 4)}, *ps.features]
    return replace(m, record=shown_record, score=ps.score, is_match=ps.score >= threshold, explanation=feats, matched_name=label)


class VisiblePrepared:
    """The prepared screening index as one reader may see it; risk is assessed on what remains."""

    def __init__(self, prepared, hidden: set[str], clearance: Sensitivity = Sensitivity.PUBLIC):
        self._prepared, self._hidden, self._clearance = prepared, hidden, clearance
        self.index, self.facts, self.lists, self.threshold = prepared.index, prepared.facts, prepared.lists, prepared.threshold
        self.profiles: dict[str, str] = getattr(prepared, "profiles", None) or {}

    def matcher(self, threshold: float | None = None, weights: dict[str, float] | None = None):
        return VisibleMatcher(self._prepared.matcher(threshold, weights), self._hidden, self._clearance)


def visible_prepared(store: Store, prepared, clearance: Sensitivity, also_hidden: set[str] | None = None) -> VisiblePrepared:
    """A prepared screening index that matches only what a reader at `clearance` may see."""
    with store.read(max_sensitivity=clearance) as r:
        hidden = hidden_entity_ids(r)
    return VisiblePrepared(prepared, hidden | (also_hidden or set()), clearance)
