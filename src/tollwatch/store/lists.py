"""Sanctions lists in the store: a whole dataset replaced in one transaction, fast.

A list snapshot is one unit (OFAC publishes the whole list), so an import replaces the
dataset's entities wholesale with bulk inserts and one audit entry, instead of 15,000
single-entity upserts each with its own audit row. List metadata (snapshot date, source
files, count) lives in the `meta` table under `list:<dataset>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, select

from tollwatch.core import names as name_intel
from tollwatch.core.model import Entity
from tollwatch.store import schema
from tollwatch.store.repository import Reader, Txn, now

META_PREFIX = "list:"
BATCH = 2000


def replace_dataset(tx: Txn, dataset: str, entities: Iterable[Entity], meta: dict | None = None) -> int:
    """Delete the dataset's entities and insert these; the caller's transaction makes it atomic.

    Two imports of one dataset wait their turn on the dataset's lock (the same one the
    app takes before its snapshot-date check), instead of one failing on the other's rows."""
    if dataset == "tollwatch":
        raise ValueError("the evidence graph is not a list")
    tx.lock(META_PREFIX + dataset)
    ids = select(schema.entities.c.id).where(schema.entities.c.dataset == dataset)
    for child in (schema.names, schema.name_keys, schema.identifiers, schema.coordinates):
        tx.conn.execute(delete(child).where(child.c.entity_id.in_(ids)))
    tx.conn.execute(delete(schema.entities).where(schema.entities.c.dataset == dataset))
    count = 0
    buf: list[Entity] = []
    seen: set[str] = set()
    for ent in entities:
        if ent.dataset != dataset:
            raise ValueError(f"entity {ent.id} belongs to {ent.dataset}, not {dataset}")
        if ent.id in seen:
            continue  # a list repeating an id keeps its first record
        seen.add(ent.id)
        buf.append(ent)
        if len(buf) >= BATCH:
            _insert(tx, buf)
            count += len(buf)
            buf = []
    if buf:
        _insert(tx, buf)
        count += len(buf)
    if meta is not None:
        tx.set_meta(META_PREFIX + dataset, json.dumps({**meta, "count": count}, ensure_ascii=False))
    tx._audit("replace", "dataset", dataset, {"count": count})
    return count


def _insert(tx: Txn, batch: list[Entity]) -> None:
    at = now()
    tx.conn.execute(
        schema.entities.insert(),
        [
            dict(id=e.id, kind=e.kind.value, caption=e.caption, dataset=e.dataset, attributes=e.attributes, is_new=0, created_at=at, updated_at=at)
            for e in batch
        ],
    )
    names: list[dict[str, object]] = []
    keys: list[dict[str, str]] = []
    idents: list[dict[str, object]] = []
    for e in batch:
        for i, n in enumerate(e.names):
            names.append(dict(entity_id=e.id, position=i, value=n.value, script=n.script.value, system=n.system.value if n.system else None, lang=n.lang))
        ks: set[str] = set()
        for label in e.all_names():
            ks |= name_intel.token_keys(label)
        keys.extend(dict(entity_id=e.id, key=k[:200]) for k in ks)
        idents.extend(dict(entity_id=e.id, position=i, scheme=x.scheme, value=x.value[:200]) for i, x in enumerate(e.identifiers))
    if names:
        tx.conn.execute(schema.names.insert(), names)
    if keys:
        tx.conn.execute(schema.name_keys.insert(), keys)
    if idents:
        tx.conn.execute(schema.identifiers.insert(), idents)


def list_metadata(reader: Reader) -> dict[str, dict]:
    """dataset -> metadata of every list loaded in the store."""
    t = schema.meta
    rows = reader.conn.execute(select(t.c.key, t.c.value).where(t.c.key.like(META_PREFIX + "%"))).all()
    out = {}
    for key, value in rows:
        try:
            out[key[len(META_PREFIX) :]] = json.loads(value)
        except ValueError:
            continue
    return dict(sorted(out.items()))


def dataset_metadata(reader: Reader, dataset: str) -> dict | None:
    """One list's metadata (None when the dataset has none), read inside the caller's transaction."""
    value = reader.conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == META_PREFIX + dataset)).scalar()
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def list_entities(reader: Reader, datasets: list[str] | None = None) -> list[Entity]:
    """Entities of the given list datasets (all lists when None), hydrated in bulk."""
    q = select(schema.entities).where(schema.entities.c.dataset != "tollwatch").order_by(schema.entities.c.id)
    if datasets is not None:
        q = q.where(schema.entities.c.dataset.in_(datasets))
    return reader._hydrate(reader.conn.execute(q).mappings().all())
