"""Which evidence stands behind a name, so a name never shows above its sources' clearance.

A merge folds a proposed entity's names into another entity. Those names came from the
sources that proposed the entity; they keep the least sensitivity at which that entity
itself was visible (its proposing source, or a claim about it), and the proposing source.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from tollwatch.core.model import Entity, Name, Sensitivity
from tollwatch.store import schema

PROPOSED_FROM = "proposed_from"


def evidence_sensitivity(conn, entity: Entity) -> tuple[Sensitivity, str | None]:
    """The sensitivity of the evidence behind a proposed entity's names, and its proposing source.

    A graph or list entity is public record; a proposed one is as sensitive as the least
    sensitive source that shows it, and confidential when no source does."""
    source_id = entity.attributes.get(PROPOSED_FROM)
    if not entity.is_new:
        return Sensitivity.PUBLIC, None
    c, s = schema.claims, schema.sources
    about = (c.c.subject_id == entity.id) | (c.c.object_id == entity.id)
    sources = select(c.c.source_id).where(about)
    cond = s.c.id.in_(sources) | (s.c.id == str(source_id)) if source_id else s.c.id.in_(sources)
    levels = [Sensitivity(v) for v in conn.execute(select(s.c.sensitivity).where(cond)).scalars()]
    level = min(levels, key=lambda x: x.rank) if levels else Sensitivity.CONFIDENTIAL
    return level, str(source_id) if source_id else None


def names_carried_by_merge(src: Entity, dst: Entity, level: Sensitivity, source_id: str | None) -> list[Name]:
    """dst's names plus src's names it lacks, each at least as sensitive as `level`.

    A name dst already has keeps dst's sensitivity: the same spelling was public before."""
    out = list(dst.names)
    have = {n.value for n in out}
    moved = [*src.names, *([] if src.caption in have or any(n.value == src.caption for n in src.names) else [Name.of(src.caption)])]
    for n in moved:
        if n.value in have:
            continue
        have.add(n.value)
        if n.sensitivity.rank < level.rank:
            n = replace(n, sensitivity=level, source_id=n.source_id or source_id)
        out.append(n)
    return out


def visible_names(names: list[Name], clearance: Sensitivity) -> list[Name]:
    """The names a reader at `clearance` may see (the rule is Name.visible_at)."""
    return [n for n in names if n.visible_at(clearance)]
