"""Changes to stored sources besides adding one: metadata edits and deletion, each audited.

The text of a source never changes (claims point into it by offset); a source with
claims cannot be deleted until they are. Each change writes its audit entry in the same
transaction, naming fields, never values.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from tollwatch.store import schema
from tollwatch.store.repository import NotFoundError, StoreError, Txn

EDITABLE = ("title", "publisher", "url", "date", "grade", "sensitivity", "origin", "kind")


def _require(tx: Txn, source_id: str) -> None:
    t = schema.sources
    if not tx.conn.execute(select(t.c.id).where(t.c.id == source_id)).first():
        raise NotFoundError(f"id: no source with id {source_id}")


def update_source(tx: Txn, source_id: str, values: dict) -> None:
    """Write already-checked column values (see app.sources.source_changes)."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise StoreError(f"{unknown[0]}: cannot be changed (editable: {', '.join(EDITABLE)})")
    _require(tx, source_id)
    if values:
        t = schema.sources
        tx.conn.execute(update(t).where(t.c.id == source_id).values(**values))
        tx.record_audit("update", "source", source_id, {"fields": sorted(values)})


def delete_source(tx: Txn, source_id: str) -> None:
    _require(tx, source_id)
    n = tx.conn.execute(
        select(func.count()).select_from(schema.claims).where(schema.claims.c.source_id == source_id)
    ).scalar()
    if n:
        raise StoreError(f"source_id: {n} claim(s) rest on this source; delete or move them first")
    tx.conn.execute(delete(schema.sources).where(schema.sources.c.id == source_id))
    tx.record_audit("delete", "source", source_id)
