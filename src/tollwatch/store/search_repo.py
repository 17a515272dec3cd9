"""Light reads for search and browsing: entity rows without names, and counts by kind and dataset.

Browsing a store that holds the sanctions lists (about 20,000 records) must not hydrate every
record's names and identifiers just to count them; these reads take only the entities table.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, inspect, select

from tollwatch.store import schema
from tollwatch.store.repository import Reader
from tollwatch.store.trade_repo import trade_records

GRAPH_DATASET = "tollwatch"


def entity_rows(
    reader: Reader,
    *,
    kind: str | None = None,
    dataset: str | None = None,
    listed: bool | None = None,
    ids: Iterable[str] | None = None,
    with_attributes: bool = True,
) -> list[dict]:
    """id, kind, caption, dataset, is_new (and attributes) of the entities matching every filter given."""
    t = schema.entities
    cols = [t.c.id, t.c.kind, t.c.caption, t.c.dataset, t.c.is_new] + ([t.c.attributes] if with_attributes else [])
    q = select(*cols)
    if kind:
        q = q.where(t.c.kind == kind)
    if dataset:
        q = q.where(t.c.dataset == dataset)
    if listed is not None:
        q = q.where(t.c.dataset != GRAPH_DATASET if listed else t.c.dataset == GRAPH_DATASET)
    if ids is None:
        return [_row(r, with_attributes) for r in reader.conn.execute(q.order_by(t.c.id)).mappings()]
    wanted = sorted(set(ids))
    out: list[dict] = []
    for i in range(0, len(wanted), 500):
        out.extend(_row(r, with_attributes) for r in reader.conn.execute(q.where(t.c.id.in_(wanted[i : i + 500]))).mappings())
    return sorted(out, key=lambda r: r["id"])


def _row(r, with_attributes: bool) -> dict:
    return {
        "id": r["id"],
        "kind": r["kind"],
        "caption": r["caption"],
        "dataset": r["dataset"],
        "is_new": bool(r["is_new"]),
        "attributes": dict(r["attributes"] or {}) if with_attributes else None,  # None: not read
    }


def kind_dataset_counts(reader: Reader) -> list[tuple[str, str, int]]:
    """(kind, dataset, count) of the entities that are not proposals (proposals need a visibility check each)."""
    t = schema.entities
    q = select(t.c.kind, t.c.dataset, func.count()).where(t.c.is_new == 0).group_by(t.c.kind, t.c.dataset)
    return [(k, d, int(n)) for k, d, n in reader.conn.execute(q).all()]


def proposed_ids(reader: Reader) -> list[str]:
    t = schema.entities
    return list(reader.conn.execute(select(t.c.id).where(t.c.is_new != 0).order_by(t.c.id)).scalars())


def trade_line_count(reader: Reader, hs_prefix: str) -> int:
    """Stored trade rows whose HS code starts with the prefix (0 when no trade data was ever imported)."""
    if not inspect(reader.conn).has_table(trade_records.name):
        return 0
    t = trade_records
    return int(reader.conn.execute(select(func.count()).select_from(t).where(t.c.hs.like(hs_prefix + "%"))).scalar() or 0)


def store_version(reader: Reader) -> int:
    """The store's write counter, read in the reader's own transaction (see Store.version)."""
    return int(reader.conn.exec_driver_sql("SELECT value FROM store_version WHERE id = 1").scalar() or 0)
