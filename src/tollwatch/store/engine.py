"""Engines for SQLite and PostgreSQL, set up so that several writers can share one store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url


def _normalize_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# Marks a connection whose transaction will write; SQLite then takes the write lock up front.
_WRITE_OPTION = "tollwatch_write"

_SEARCH_PATH = re.compile(r"(?:-c\s*|--)search_path=(\S+)")


def search_path_schema(url: str) -> str | None:
    """The first schema named by `?options=-csearch_path=...`, the one our tables live in."""
    options = make_url(_normalize_url(url)).query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    match = _SEARCH_PATH.search(options or "")
    if not match:
        return None
    first = match.group(1).split(",")[0].strip()
    if first.startswith('"'):
        # A quoted name keeps its case; one cut short by a space (libpq needs "\\ ") is not ours to guess.
        if len(first) < 3 or not first.endswith('"'):
            return None
        first = first[1:-1]
    return first if first and first != "$user" else None


def make_engine(url: str) -> Engine:
    url = _normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # We issue BEGIN ourselves (below): pysqlite's implicit one is always DEFERRED.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A write takes the lock when it begins, so two writers queue on the busy timeout
            # instead of one failing when its read snapshot turns out stale (SQLITE_BUSY_SNAPSHOT).
            immediate = conn.get_execution_options().get(_WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: IMMEDIATE on SQLite, plain on PostgreSQL."""
    with engine.connect().execution_options(**{_WRITE_OPTION: True}) as conn:
        with conn.begin():
            yield conn


def ensure_schema(engine: Engine, schema_name: str | None) -> None:
    """Create the search_path schema a PostgreSQL URL asks for, so a fresh schema just works."""
    if not schema_name or engine.dialect.name != "postgresql":
        return
    quoted = engine.dialect.identifier_preparer.quote_identifier(schema_name)
    with engine.begin() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": schema_name}
        ).first()
        if exists:
            return
        # Two processes creating the same schema at once: the second waits, then finds it.
        conn.execute(text("SELECT pg_advisory_xact_lock(7420914)"))
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))
