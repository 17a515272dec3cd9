"""Trade statistics in the store: one row per (period, reporter, partner, flow, HS code).

The unique key makes a duplicate row impossible to store twice; imports check it first
so the user gets a line number, and write everything in one audited transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Float, Integer, MetaData, String, Table, Text, UniqueConstraint, and_, or_, select

from tollwatch.core.trade import TradeRecord

if TYPE_CHECKING:
    from tollwatch.store.repository import Txn

metadata = MetaData()

trade_records = Table(
    "trade_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False),
    Column("reporter", String(3), nullable=False),
    Column("partner", String(3), nullable=False),
    Column("flow", String(1), nullable=False),
    Column("hs", String(12), nullable=False),
    Column("value_usd", Float, nullable=False),
    Column("net_kg", Float),
    Column("qty", Float),
    Column("description", Text),
    Column("origin", Text, nullable=False),  # file name and line the row came from
    Column("imported_at", String(40), nullable=False),
    UniqueConstraint("period", "reporter", "partner", "flow", "hs", name="uq_trade_records_key"),
)


def create_tables(conn: Connection) -> None:
    metadata.create_all(conn, tables=[trade_records])


def _from_row(row) -> TradeRecord:
    return TradeRecord(
        period=row["period"],
        reporter=row["reporter"],
        partner=row["partner"],
        flow=row["flow"],
        hs=row["hs"],
        value_usd=row["value_usd"],
        net_kg=row["net_kg"],
        qty=row["qty"],
        description=row["description"],
    )


def existing(conn: Connection, keys: Iterable[tuple]) -> dict[tuple, TradeRecord]:
    """Stored records for the given keys, by key."""
    t = trade_records
    keys = list(keys)
    out: dict[tuple, TradeRecord] = {}
    for i in range(0, len(keys), 200):
        chunk = keys[i : i + 200]
        cond = or_(
            *(
                and_(t.c.period == p, t.c.reporter == r, t.c.partner == pa, t.c.flow == f, t.c.hs == h)
                for p, r, pa, f, h in chunk
            )
        )
        for row in conn.execute(select(t).where(cond)).mappings():
            rec = _from_row(row)
            out[rec.key] = rec
    return out


def insert(conn: Connection, rows: list[tuple[TradeRecord, str]], imported_at: str) -> int:
    """Insert (record, origin) pairs; the caller has checked the keys are new."""
    if not rows:
        return 0
    conn.execute(
        trade_records.insert(),
        [
            {
                "period": r.period,
                "reporter": r.reporter,
                "partner": r.partner,
                "flow": r.flow,
                "hs": r.hs,
                "value_usd": r.value_usd,
                "net_kg": r.net_kg,
                "qty": r.qty,
                "description": r.description,
                "origin": origin,
                "imported_at": imported_at,
            }
            for r, origin in rows
        ],
    )
    return len(rows)


def record_import(tx: Txn, rows: list[tuple[TradeRecord, str]], file_name: str, detail: dict) -> int:
    """Insert the new records of one file and audit the import in the same transaction."""
    from tollwatch.store.repository import now

    n = insert(tx.conn, rows, now())
    tx.record_audit("trade_import", "trade", file_name, detail)
    return n


def load(conn: Connection, reporters: Iterable[str] | None = None) -> list[TradeRecord]:
    """Records reported by any of `reporters` (all records when None)."""
    t = trade_records
    q = select(t).order_by(t.c.period, t.c.reporter, t.c.partner, t.c.flow, t.c.hs)
    if reporters is not None:
        q = q.where(t.c.reporter.in_(list(reporters)))
    return [_from_row(row) for row in conn.execute(q).mappings()]


def count(conn: Connection) -> int:
    from sqlalchemy import func

    return conn.execute(select(func.count()).select_from(trade_records)).scalar() or 0


def version(conn: Connection) -> tuple:
    """What changes whenever the stored records do (rows are only ever added): for caches."""
    from sqlalchemy import func

    t = trade_records
    return tuple(conn.execute(select(func.count(), func.max(t.c.id), func.max(t.c.imported_at))).one())
