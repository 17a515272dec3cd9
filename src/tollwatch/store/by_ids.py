"""The statements that read entities by id, built once (`Reader.entities` and `_hydrate`).

`/match` hydrates its hits on every request; building `select(...).where(col.in_(chunk))`
anew each time cost about a sixth of that read (benchmarks/match_profile.py). An expanding
parameter gives the same SQL and rows, and SQLAlchemy's compiled cache keeps one entry."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from tollwatch.store import schema

IDS = "ids"
ENTITIES = select(schema.entities).where(schema.entities.c.id.in_(bindparam(IDS, expanding=True)))
NAMES = select(schema.names).where(schema.names.c.entity_id.in_(bindparam(IDS, expanding=True))).order_by(schema.names.c.position)
IDENTIFIERS = (
    select(schema.identifiers)
    .where(schema.identifiers.c.entity_id.in_(bindparam(IDS, expanding=True)))
    .order_by(schema.identifiers.c.position)
)
COORDINATES = (
    select(schema.coordinates)
    .where(schema.coordinates.c.entity_id.in_(bindparam(IDS, expanding=True)))
    .order_by(schema.coordinates.c.position)
)
