"""Sanctions lists in the store: a whole dataset replaced in one transaction, fast.

A list snapshot is one unit (OFAC publishes the whole list), so an import replaces the
dataset's entities wholesale with bulk inserts and one audit entry, instead of 15,000
single-entity upserts each with its own audit row. List metadata (snapshot date, source
files, count) lives in the `meta` table under `list:<dataset>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

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
    _clear_dataset(tx, dataset)
    count = 0
    buf: list[Entity] = []
    for ent in unique_entities(dataset, entities):
        buf.append(ent)
        if len(buf) >= BATCH:
            insert_rows(tx, entity_rows(buf))
            count += len(buf)
            buf = []
    if buf:
        insert_rows(tx, entity_rows(buf))
        count += len(buf)
    _finish(tx, dataset, count, meta)
    return count


def unique_entities(dataset: str, entities: Iterable[Entity]) -> Iterator[Entity]:
    """The dataset's entities as stored: a list repeating an id keeps its first record."""
    seen: set[str] = set()
    for ent in entities:
        if ent.dataset != dataset:
            raise ValueError(f"entity {ent.id} belongs to {ent.dataset}, not {dataset}")
        if ent.id not in seen:
            seen.add(ent.id)
            yield ent


def replace_dataset_grouped(tx: Txn, dataset: str, grouped: list[list]) -> int:
    """`replace_dataset` for rows `entity_rows` made earlier, in `grouped_rows` form (the
    pre-parsed bundled lists): the same rows, without reading files or analysing names again."""
    _clear_dataset(tx, dataset)
    at = now()
    if tx.conn.dialect.name == "sqlite":
        _insert_grouped_sqlite(tx, dataset, grouped, at)
    else:
        insert_rows(tx, rows_of(grouped, dataset))
    _finish(tx, dataset, len(grouped), None)
    return len(grouped)


def grouped_rows(rows: dict[str, list[dict]]) -> list[list]:
    """`entity_rows` per entity, compact: [id, kind, caption, attributes, is_new, names, keys,
    identifiers], with positions given by list order."""
    out: dict[str, list] = {e["id"]: [e["id"], e["kind"], e["caption"], e["attributes"], e["is_new"], [], [], []] for e in rows["entities"]}
    for n in rows["names"]:
        assert n["position"] == len(out[n["entity_id"]][5])
        out[n["entity_id"]][5].append([n["value"], n["script"], n["system"], n["lang"]])
    for k in rows["name_keys"]:
        out[k["entity_id"]][6].append(k["key"])
    for i in rows["identifiers"]:
        assert i["position"] == len(out[i["entity_id"]][7])
        out[i["entity_id"]][7].append([i["scheme"], i["value"]])
    return list(out.values())


def rows_of(grouped: list[list], dataset: str) -> dict[str, list[dict]]:
    """`entity_rows` back from `grouped_rows`."""
    rows: dict[str, list[dict]] = {"entities": [], "names": [], "name_keys": [], "identifiers": []}
    for eid, kind, caption, attributes, is_new, names, keys, idents in grouped:
        rows["entities"].append({"id": eid, "kind": kind, "caption": caption, "dataset": dataset, "attributes": attributes, "is_new": is_new})
        rows["names"].extend({"entity_id": eid, "position": i, "value": v, "script": s, "system": y, "lang": g} for i, (v, s, y, g) in enumerate(names))
        rows["name_keys"].extend({"entity_id": eid, "key": k} for k in keys)
        rows["identifiers"].extend({"entity_id": eid, "position": i, "scheme": sc, "value": v} for i, (sc, v) in enumerate(idents))
    return rows


def _insert_grouped_sqlite(tx: Txn, dataset: str, grouped: list[list], at: str) -> None:
    """Plain executemany of tuples: SQLAlchemy's per-row parameter handling cost more than SQLite's insert."""
    dumps = tx.conn.dialect._json_serializer or json.dumps  # what the JSON column type would write

    def run(sql: str, params: list[tuple]) -> None:
        if params:
            tx.conn.exec_driver_sql(sql, params)

    run("INSERT INTO entities (id, kind, caption, dataset, attributes, is_new, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(g[0], g[1], g[2], dataset, dumps(g[3]), g[4], at, at) for g in grouped])
    run("INSERT INTO names (entity_id, position, value, script, system, lang) VALUES (?, ?, ?, ?, ?, ?)",
        [(g[0], i, *n) for g in grouped for i, n in enumerate(g[5])])
    run("INSERT INTO name_keys (entity_id, key) VALUES (?, ?)", [(g[0], k) for g in grouped for k in g[6]])
    run("INSERT INTO identifiers (entity_id, position, scheme, value) VALUES (?, ?, ?, ?)",
        [(g[0], i, *x) for g in grouped for i, x in enumerate(g[7])])


def _clear_dataset(tx: Txn, dataset: str) -> None:
    if dataset == "tollwatch":
        raise ValueError("the evidence graph is not a list")
    tx.lock(META_PREFIX + dataset)
    ids = select(schema.entities.c.id).where(schema.entities.c.dataset == dataset)
    for child in (schema.names, schema.name_keys, schema.identifiers, schema.coordinates):
        tx.conn.execute(delete(child).where(child.c.entity_id.in_(ids)))
    tx.conn.execute(delete(schema.entities).where(schema.entities.c.dataset == dataset))


def _finish(tx: Txn, dataset: str, count: int, meta: dict | None) -> None:
    if meta is not None:
        tx.set_meta(META_PREFIX + dataset, json.dumps({**meta, "count": count}, ensure_ascii=False))
    tx._audit("replace", "dataset", dataset, {"count": count})


def entity_rows(batch: list[Entity]) -> dict[str, list[dict]]:
    """The table rows of these entities (no timestamps: `insert_rows` stamps them)."""
    ents = [dict(id=e.id, kind=e.kind.value, caption=e.caption, dataset=e.dataset, attributes=e.attributes, is_new=0) for e in batch]
    names: list[dict] = []
    keys: list[dict] = []
    idents: list[dict] = []
    for e in batch:
        for i, n in enumerate(e.names):
            names.append(dict(entity_id=e.id, position=i, value=n.value, script=n.script.value, system=n.system.value if n.system else None, lang=n.lang))
        ks: set[str] = set()
        for label in e.all_names():
            ks |= name_intel.token_keys(label)
        keys.extend(dict(entity_id=e.id, key=k[:200]) for k in sorted(ks))  # sorted: the same rows in the same order every run
        idents.extend(dict(entity_id=e.id, position=i, scheme=x.scheme, value=x.value[:200]) for i, x in enumerate(e.identifiers))
    return {"entities": ents, "names": names, "name_keys": keys, "identifiers": idents}


def insert_rows(tx: Txn, rows: dict[str, list[dict]]) -> None:
    """Bulk inserts (one executemany per table), entities first."""
    at = now()
    tx.conn.execute(schema.entities.insert(), [{**r, "created_at": at, "updated_at": at} for r in rows["entities"]])
    for table in (schema.names, schema.name_keys, schema.identifiers):
        if rows[table.name]:
            tx.conn.execute(table.insert(), rows[table.name])


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
