"""Sign-in attempts, kept in the store so every worker and every restart shares one count.

A sign-in first *reserves* an attempt in one write transaction: it counts the recent
attempts that still hold against the account, the (address, account) pair and the
address, refuses when a limit is reached, and otherwise inserts a `pending` row. Only
then is the password checked, outside the transaction. A pending row counts as a
failure until it is resolved, so however many requests arrive at once, no more than
the limit are ever checked. Writers queue on SQLite's write lock and on a PostgreSQL
advisory lock, so the count and the insert are one atomic step.

Rows: `failed` and `pending` count for the account, the pair and the address;
`cleared` (a failure later followed by the right password) counts for the address
only; `ok` rows remember that an account signed in from an address (a known pair).
Account names are stored as SHA-256 digests: a password typed into the name field is
never kept.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Float, Index, Integer, MetaData, String, Table, delete, func, select, text, update

if TYPE_CHECKING:
    from tollwatch.store.repository import Store

metadata = MetaData()

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("state", String(10), nullable=False),
    Index("ix_sign_in_attempts_account", "account", "at"),
    Index("ix_sign_in_attempts_address", "address", "at"),
)

_LOCK_KEY = 7420917
COUNTING = ("pending", "failed")


@dataclass(frozen=True)
class Limits:
    """Failures allowed per window: per account, per (address, account), per address."""

    per_account: int = 5
    per_pair: int = 5
    per_address: int = 50
    window_s: float = 300.0
    known_s: float = 30 * 24 * 3600.0  # how long a successful sign-in makes an address known


def create_tables(conn: Connection) -> None:
    """Called by the store migration that moves sign-in throttling into the store."""
    metadata.create_all(conn, tables=[sign_in_attempts])


def account_key(name: str) -> str:
    return hashlib.sha256((name or "").strip().casefold().encode("utf-8")).hexdigest()


def _wait(conn: Connection, since: float, window_s: float, now: float, limit: int, states: tuple[str, ...],
          **where: str) -> float:
    """Seconds until fewer than `limit` matching attempts remain in the window; 0 when fewer now."""
    t = sign_in_attempts
    cond = [t.c.at > since, t.c.state.in_(states)] + [t.c[k] == v for k, v in where.items()]
    # The limit-th newest attempt is the one whose leaving the window frees a slot.
    at = conn.execute(select(t.c.at).where(*cond).order_by(t.c.at.desc()).offset(limit - 1).limit(1)).scalar()
    return 0.0 if at is None else max(at + window_s - now, 0.001)


def _known_pair(conn: Connection, account: str, address: str, now: float, limits: Limits) -> bool:
    t = sign_in_attempts
    q = select(func.count()).select_from(t).where(
        t.c.account == account, t.c.address == address, t.c.state == "ok", t.c.at > now - limits.known_s
    )
    return bool(conn.execute(q).scalar())


def _refusal(conn: Connection, account: str, address: str, now: float, limits: Limits) -> float:
    since = now - limits.window_s
    waits = [_wait(conn, since, limits.window_s, now, limits.per_account, COUNTING, account=account)]
    if address:
        waits.append(_wait(conn, since, limits.window_s, now, limits.per_pair, COUNTING, account=account, address=address))
        by_address = _wait(conn, since, limits.window_s, now, limits.per_address, (*COUNTING, "cleared"), address=address)
        # A busy shared address (an office, a NAT) does not lock out an account that has
        # signed in from it before: that account's own limits still apply to it.
        if by_address and not _known_pair(conn, account, address, now, limits):
            waits.append(by_address)
    return max(waits)


def reserve(store: Store, name: str, address: str | None, now: float, limits: Limits) -> tuple[int | None, int]:
    """(attempt id, 0) when the password may be checked; (None, seconds to wait) when refused."""
    account, addr = account_key(name), (address or "")[:64]
    with store.begin("sign-in") as tx:
        conn = tx.conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        wait = _refusal(conn, account, addr, now, limits)
        if wait:
            return None, math.ceil(wait)
        _prune(conn, now, limits)
        row = conn.execute(
            sign_in_attempts.insert().values(account=account, address=addr, at=now, state="pending")
            .returning(sign_in_attempts.c.id)
        ).scalar_one()
        return int(row), 0


def resolve(store: Store, attempt_id: int, ok: bool) -> None:
    """Record the outcome of a reserved attempt. The right password clears the account's
    failures (they still count for the address) and marks the address known for it."""
    t = sign_in_attempts
    with store.begin("sign-in") as tx:
        conn = tx.conn
        row = conn.execute(select(t.c.account, t.c.address).where(t.c.id == attempt_id)).first()
        if row is None:
            return
        if not ok:
            conn.execute(update(t).where(t.c.id == attempt_id).values(state="failed"))
            return
        conn.execute(update(t).where(t.c.account == row.account, t.c.state.in_(COUNTING), t.c.id != attempt_id)
                     .values(state="cleared"))
        conn.execute(delete(t).where(t.c.account == row.account, t.c.address == row.address, t.c.state == "ok"))
        conn.execute(update(t).where(t.c.id == attempt_id).values(state="ok"))


def _prune(conn: Connection, now: float, limits: Limits) -> None:
    t = sign_in_attempts
    conn.execute(delete(t).where(t.c.state != "ok", t.c.at <= now - limits.window_s))
    conn.execute(delete(t).where(t.c.state == "ok", t.c.at <= now - limits.known_s))
