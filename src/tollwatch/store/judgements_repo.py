"""Judgements in the store: one row per unordered pair of entity ids, every change audited.

The row holds the pair's current judgement; the audit log (written in the same
transaction) holds its history, so an undone merge can still be traced.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Index, String, Table, Text, delete, select

from tollwatch.core.resolution import Judgement, JudgementRecord, pair_key
from tollwatch.store import schema
from tollwatch.store.repository import NotFoundError, Reader, Txn, now

judgements = Table(
    "judgements",
    schema.metadata,
    Column("left_id", String(120), primary_key=True),
    Column("right_id", String(120), primary_key=True),
    Column("judgement", String(10), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("at", String(40), nullable=False),
    Column("rule", String(80)),
    Column("note", Text),
    Index("ix_judgements_right", "right_id"),
)


def create_tables(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[judgements])


def judge(tx: Txn, a: str, b: str, judgement: Judgement, *, rule: str | None = None, note: str | None = None) -> JudgementRecord:
    """Record (or replace) the judgement of a pair; both ids must name stored entities."""
    left, right = pair_key(a, b)
    known = set(tx.conn.execute(select(schema.entities.c.id).where(schema.entities.c.id.in_([left, right]))).scalars())
    for entity_id in (left, right):
        if entity_id not in known:
            raise NotFoundError(f"id: no entity with id {entity_id}")
    previous = get(tx, left, right)
    if previous and previous.judgement == judgement and previous.rule == rule and previous.note == note:
        return previous
    tx.conn.execute(delete(judgements).where(judgements.c.left_id == left, judgements.c.right_id == right))
    record = JudgementRecord(left, right, judgement, tx.actor, now(), rule, note)
    tx.conn.execute(judgements.insert().values(**record.as_dict()))
    detail = {"with": right, "judgement": judgement.value, "from": previous.judgement.value if previous else None}
    if rule:
        detail["rule"] = rule
    tx.record_audit("judge", "entity", left, detail)
    return record


def remove(tx: Txn, a: str, b: str) -> JudgementRecord:
    """Undo: the pair goes back to unjudged (and may be proposed again)."""
    left, right = pair_key(a, b)
    previous = get(tx, left, right)
    if previous is None:
        raise NotFoundError(f"id: no judgement between {left} and {right}")
    tx.conn.execute(delete(judgements).where(judgements.c.left_id == left, judgements.c.right_id == right))
    tx.record_audit("unjudge", "entity", left, {"with": right, "from": previous.judgement.value})
    return previous


def get(reader: Reader, a: str, b: str) -> JudgementRecord | None:
    left, right = pair_key(a, b)
    row = reader.conn.execute(select(judgements).where(judgements.c.left_id == left, judgements.c.right_id == right)).mappings().first()
    return _from_row(row) if row else None


def all_judgements(reader: Reader) -> list[JudgementRecord]:
    rows = reader.conn.execute(select(judgements).order_by(judgements.c.left_id, judgements.c.right_id)).mappings()
    return [_from_row(r) for r in rows]


def _from_row(r) -> JudgementRecord:
    return JudgementRecord(r["left_id"], r["right_id"], Judgement(r["judgement"]), r["actor"], r["at"], r["rule"], r["note"])
