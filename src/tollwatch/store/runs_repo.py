"""Saved screening runs and analysts' decisions on their hits.

A run NAME has versions: version 1 is a full screening; each `rescreen` adds a version that
stores only the rows whose result changed, over its parent (reading a version walks the
chain, newest first). Row results are zlib-compressed JSON. Decisions are append-only rows
(the latest per run, row and entity counts) and every write audits itself.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Column, Connection, Float, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint, select

if TYPE_CHECKING:
    from tollwatch.store.repository import Txn

metadata = MetaData()

runs = Table(
    "screening_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("parent_id", Integer),
    Column("created_at", String(40), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("meta", JSON, nullable=False),  # input hash, lists, graph version, threshold, counts
    Column("records", LargeBinary),  # compressed snapshot of the index's records (rescreen's baseline)
    Column("diff", LargeBinary),  # compressed diff against the parent version
    UniqueConstraint("name", "version", name="uq_screening_runs_version"),
)

run_rows = Table(
    "screening_run_rows",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("query_id", String(200), nullable=False),
    Column("names", Text, nullable=False),  # the row's names, \x1f-joined: what rescreen checks first
    Column("near", Float, nullable=False),  # best candidate score, also under the report floor
    Column("row", LargeBinary, nullable=False),
    Column("result", LargeBinary, nullable=False),
)

decisions = Table(
    "screening_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_name", String(120), nullable=False),
    Column("run_version", Integer, nullable=False),
    Column("query_id", String(200), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("note", Text),
    Column("actor", String(120), nullable=False),
    Column("at", String(40), nullable=False),
    Column("basis", JSON, nullable=False),  # the profile and query row decided on (what a change is measured against)
)

BATCH = 5000


def create_tables(conn: Connection) -> None:
    metadata.create_all(conn)


def pack(obj: Any) -> bytes:
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode(), 3)


def unpack(blob: bytes | None) -> Any:
    return None if blob is None else json.loads(zlib.decompress(blob))


def add_version(tx: Txn, name: str, version: int, parent_id: int | None, meta: dict, records: Any, diff: Any, at: str) -> int:
    """A new version row of run NAME (parent_id: the version whose rows it overlays); returns its id."""
    res = tx.conn.execute(
        runs.insert().values(name=name, version=version, parent_id=parent_id, created_at=at, actor=tx.actor,
                             meta=meta, records=pack(records), diff=pack(diff) if diff is not None else None)
    )
    run_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    tx.record_audit("run.save" if parent_id is None else "run.rescreen", "run", f"{name}@{version}",
                    {"input_sha256": meta.get("input_sha256"), "lists": {k: v.get("content_sha256") for k, v in (meta.get("lists") or {}).items()},
                     "graph_version": meta.get("graph_version")})
    return run_id


def set_meta(conn: Connection, run_id: int, meta: dict) -> None:
    """The counts known once the rows are in (same transaction as the version row)."""
    conn.execute(runs.update().where(runs.c.id == run_id).values(meta=meta))


def add_rows(conn: Connection, run_id: int, rows: Iterable[tuple[int, str, str, float, dict, dict]]) -> int:
    """(seq, query_id, names, near, row, result) tuples, in batches; returns how many."""
    batch: list[dict] = []
    n = 0
    for seq, qid, names, near, row, result in rows:
        batch.append({"run_id": run_id, "seq": seq, "query_id": qid, "names": names, "near": near, "row": pack(row), "result": pack(result)})
        if len(batch) >= BATCH:
            conn.execute(run_rows.insert(), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(run_rows.insert(), batch)
        n += len(batch)
    return n


def _version_dict(r) -> dict:
    return {"id": r.id, "name": r.name, "version": r.version, "parent_id": r.parent_id, "created_at": r.created_at, "actor": r.actor, "meta": r.meta}


def get_version(conn: Connection, name: str, version: int | None = None) -> dict | None:
    q = select(runs.c.id, runs.c.name, runs.c.version, runs.c.parent_id, runs.c.created_at, runs.c.actor, runs.c.meta).where(runs.c.name == name)
    q = q.where(runs.c.version == version) if version is not None else q.order_by(runs.c.version.desc()).limit(1)
    r = conn.execute(q).first()
    return _version_dict(r) if r else None


def list_versions(conn: Connection, name: str | None = None) -> list[dict]:
    q = select(runs.c.id, runs.c.name, runs.c.version, runs.c.parent_id, runs.c.created_at, runs.c.actor, runs.c.meta).order_by(runs.c.name, runs.c.version)
    if name is not None:
        q = q.where(runs.c.name == name)
    return [_version_dict(r) for r in conn.execute(q)]


def version_blob(conn: Connection, run_id: int, column: str) -> Any:
    return unpack(conn.execute(select(runs.c[column]).where(runs.c.id == run_id)).scalar())


def chain(conn: Connection, run_id: int) -> list[int]:
    """The version's id and its ancestors', newest first."""
    out: list[int] = []
    current: int | None = run_id
    while current is not None:
        out.append(current)
        current = conn.execute(select(runs.c.parent_id).where(runs.c.id == current)).scalar()
    return out


def row_index(conn: Connection, run_id: int) -> Iterator[tuple[int, str, str, float, int]]:
    """(seq, query_id, names, near, holder run id) of every row of a version, in order, without the blobs."""
    ids = chain(conn, run_id)
    overlay: dict[int, tuple[str, str, float, int]] = {}
    for rid in ids[:-1]:
        for seq, qid, names, near in conn.execute(select(run_rows.c.seq, run_rows.c.query_id, run_rows.c.names, run_rows.c.near).where(run_rows.c.run_id == rid)):
            overlay.setdefault(seq, (qid, names, near, rid))
    q = select(run_rows.c.seq, run_rows.c.query_id, run_rows.c.names, run_rows.c.near).where(run_rows.c.run_id == ids[-1]).order_by(run_rows.c.seq)
    for seq, qid, names, near in conn.execution_options(yield_per=BATCH).execute(q):
        hit = overlay.get(seq)
        yield (seq, *hit) if hit else (seq, qid, names, near, ids[-1])


def iter_rows(conn: Connection, run_id: int, seqs: set[int] | None = None) -> Iterator[tuple[int, dict, dict]]:
    """(seq, row, result) of a version (or only `seqs`), in order; each from the newest version holding it."""
    ids = chain(conn, run_id)
    overlay: dict[int, tuple[bytes, bytes]] = {}
    for rid in ids[:-1]:
        q = select(run_rows.c.seq, run_rows.c.row, run_rows.c.result).where(run_rows.c.run_id == rid)
        for seq, row, result in conn.execute(q):
            if seqs is None or seq in seqs:
                overlay.setdefault(seq, (row, result))
    q = select(run_rows.c.seq, run_rows.c.row, run_rows.c.result).where(run_rows.c.run_id == ids[-1]).order_by(run_rows.c.seq)
    if seqs is not None and len(seqs) < 900:
        q = q.where(run_rows.c.seq.in_(sorted(seqs)))
    for seq, row, result in conn.execution_options(yield_per=BATCH).execute(q):
        if seqs is not None and seq not in seqs:
            continue
        row, result = overlay.get(seq, (row, result))
        yield seq, unpack(row), unpack(result)


def add_decision(tx: Txn, values: dict) -> int:
    res = tx.conn.execute(decisions.insert().values(**values, actor=tx.actor))
    detail = {k: values[k] for k in ("run_version", "query_id", "entity_id", "decision", "note")}
    tx.record_audit("run.decide", "run", values["run_name"], detail)
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def list_decisions(conn: Connection, run_name: str | None = None, since: str | None = None, until: str | None = None) -> list[dict]:
    """Every decision, oldest first (the latest per row and entity is the one that holds)."""
    q = select(decisions).order_by(decisions.c.id)
    if run_name is not None:
        q = q.where(decisions.c.run_name == run_name)
    if since is not None:
        q = q.where(decisions.c.at >= since)
    if until is not None:
        q = q.where(decisions.c.at < until)
    return [dict(r._mapping) for r in conn.execute(q)]
