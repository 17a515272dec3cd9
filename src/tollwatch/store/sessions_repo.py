"""Server-side sign-in sessions: the cookie carries a random id, the store decides if it still holds.

Only the SHA-256 of a session id is stored, so reading the table gives no cookie. A
session ends when its row is deleted (sign-out, a password change, disabling the
account, "sign out everywhere") or when it expires; every request looks its row up,
so a saved cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Float, ForeignKey, Index, MetaData, String, Table, delete, select

from tollwatch.core.model import Sensitivity
from tollwatch.store.users_repo import User, users

if TYPE_CHECKING:
    from tollwatch.store.repository import Reader

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user_name", String(120), ForeignKey(users.c.name, ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("ix_sessions_user", "user_name"),
    Index("ix_sessions_expires", "expires_at"),
)


def create_tables(conn: Connection) -> None:
    """Called by the store migration that introduces server-side sessions."""
    metadata.create_all(conn, tables=[sessions])


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(conn: Connection, name: str, now: float, max_age_s: float) -> str:
    """A new session for the user; returns its id (for the cookie, shown nowhere else)."""
    conn.execute(delete(sessions).where(sessions.c.expires_at <= now))
    session_id = secrets.token_urlsafe(32)
    conn.execute(sessions.insert().values(id_sha256=_digest(session_id), user_name=name, created_at=now,
                                          expires_at=now + max_age_s))
    return session_id


def session_user(db: Connection | Reader, session_id: str, now: float) -> User | None:
    """The enabled user whose live session this is; None when it ended, expired or never was."""
    conn = db if isinstance(db, Connection) else db.conn
    q = (
        select(users)
        .join(sessions, sessions.c.user_name == users.c.name)
        .where(sessions.c.id_sha256 == _digest(session_id), sessions.c.expires_at > now)
    )
    r = conn.execute(q).mappings().first()
    if not r or r["disabled"]:
        return None
    return User(r["name"], r["role"], Sensitivity(r["clearance"]), False)


def end_session(conn: Connection, session_id: str) -> bool:
    return bool(conn.execute(delete(sessions).where(sessions.c.id_sha256 == _digest(session_id))).rowcount)


def end_user_sessions(conn: Connection, name: str) -> int:
    """End every session of the user; returns how many there were."""
    return int(conn.execute(delete(sessions).where(sessions.c.user_name == name)).rowcount or 0)


def count_user_sessions(db: Connection | Reader, name: str, now: float) -> int:
    conn = db if isinstance(db, Connection) else db.conn
    q = select(sessions.c.id_sha256).where(sessions.c.user_name == name, sessions.c.expires_at > now)
    return len(conn.execute(q).all())
