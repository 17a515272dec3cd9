"""What a reader may see, for every front end alike (server, CLI, Python API).

A Reader opened at the caller's clearance never loads sources or quotes above it.
Entities carry no sensitivity of their own, so a *proposed* entity (one extraction
added) is shown only when the reader can see a claim about it, and attributes that
point at a source the reader may not read are dropped. Matching follows the same rule:
proposed graph entities the reader may not see never come back as matches.
"""

from __future__ import annotations

from dataclasses import replace

from tollwatch.core.model import Entity, Sensitivity
from tollwatch.store.repository import Reader, Store

SOURCE_REF_ATTRIBUTES = ("proposed_from", "source_id")
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
    "visible_prepared",
]


def entity_visible(reader: Reader, entity: Entity | None) -> bool:
    """Graph entities are public; a proposed one is shown only with a claim the reader may see."""
    if entity is None:
        return False
    if not entity.is_new:
        return True
    if reader.max_sensitivity == Sensitivity.CONFIDENTIAL:
        return True
    return bool(reader.list_claims(entity_id=entity.id))


def get_visible_entity(reader: Reader, entity_id: str) -> Entity | None:
    entity = reader.get_entity(entity_id)
    return redact_entity(reader, entity) if entity is not None and entity_visible(reader, entity) else None


def redact_entity(reader: Reader, entity: Entity) -> Entity:
    """Attributes that point at a source (e.g. `proposed_from`) go when that source may not be read."""
    refs = {k: v for k, v in entity.attributes.items() if k in SOURCE_REF_ATTRIBUTES and v}
    if not refs:
        return entity
    visible = reader.sources_by_id(str(v) for v in refs.values())
    attributes = {k: v for k, v in entity.attributes.items() if k not in refs or str(v) in visible}
    return replace(entity, attributes=attributes)


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
    """A Matcher that never returns the given entities (proposed from evidence the caller may not read)."""

    def __init__(self, inner, hidden: set[str]):
        self.inner, self.hidden = inner, hidden

    def match(self, name, schema=None, *, limit: int = 5, datasets=None, threshold=None):
        found = self.inner.match(name, schema, limit=limit + len(self.hidden), datasets=datasets, threshold=threshold)
        return [m for m in found if m.record.entity_id not in self.hidden][:limit]


class VisiblePrepared:
    """The prepared screening index as one reader may see it; risk is assessed on what remains."""

    def __init__(self, prepared, hidden: set[str]):
        self._prepared, self._hidden = prepared, hidden
        self.index, self.facts, self.lists, self.threshold = prepared.index, prepared.facts, prepared.lists, prepared.threshold

    def matcher(self, threshold: float | None = None, weights: dict[str, float] | None = None):
        return VisibleMatcher(self._prepared.matcher(threshold, weights), self._hidden)


def visible_prepared(store: Store, prepared, clearance: Sensitivity, also_hidden: set[str] | None = None) -> VisiblePrepared:
    """A prepared screening index that matches only what a reader at `clearance` may see."""
    with store.read(max_sensitivity=clearance) as r:
        hidden = hidden_entity_ids(r)
    return VisiblePrepared(prepared, hidden | (also_hidden or set()))
