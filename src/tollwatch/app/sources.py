"""Edits to stored sources besides adding one: metadata changes and deletion.

The text of a source never changes (claims point into it by offset); a source with
claims cannot be deleted until they are. Each edit writes its audit entry in the same
transaction, naming fields, never values.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from tollwatch.core.model import (
    ModelError,
    Sensitivity,
    SourceKind,
    parse_date,
    parse_enum,
    parse_grade,
)
from tollwatch.store import schema
from tollwatch.store.repository import NotFoundError, StoreError, Txn

EDITABLE = ("title", "publisher", "url", "date", "grade", "sensitivity", "origin", "kind")


def update_source(tx: Txn, source_id: str, changes: dict) -> None:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ModelError(unknown[0], "cannot be changed (editable: " + ", ".join(EDITABLE) + ")")
    values: dict = {}
    for key, value in changes.items():
        if key == "title":
            if not isinstance(value, str) or not value.strip():
                raise ModelError("title", "must be a non-empty string")
            values[key] = value.strip()
        elif key == "date":
            values[key] = parse_date(value)
        elif key == "grade":
            values[key] = parse_grade(value)
        elif key == "sensitivity":
            values[key] = parse_enum(Sensitivity, str(value), "sensitivity").value
        elif key == "kind":
            values[key] = parse_enum(SourceKind, str(value), "kind").value
        else:
            if value is not None and not isinstance(value, str):
                raise ModelError(key, "must be a string or null")
            values[key] = value
    t = schema.sources
    if not tx.conn.execute(select(t.c.id).where(t.c.id == source_id)).first():
        raise NotFoundError(f"id: no source with id {source_id}")
    if values:
        tx.conn.execute(update(t).where(t.c.id == source_id).values(**values))
        tx._audit("update", "source", source_id, {"fields": sorted(values)})


def delete_source(tx: Txn, source_id: str) -> None:
    t = schema.sources
    if not tx.conn.execute(select(t.c.id).where(t.c.id == source_id)).first():
        raise NotFoundError(f"id: no source with id {source_id}")
    n = tx.conn.execute(
        select(func.count()).select_from(schema.claims).where(schema.claims.c.source_id == source_id)
    ).scalar()
    if n:
        raise StoreError(f"source_id: {n} claim(s) rest on this source; delete or move them first")
    tx.conn.execute(delete(t).where(t.c.id == source_id))
    tx._audit("delete", "source", source_id)
