"""Versioned migrations, applied in order on every open; each runs in its own transaction.

A migration never changes once released: later shapes come as new steps, so a store
made by any earlier tollwatch upgrades in place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select, text

from tollwatch.store import schema
from tollwatch.store.engine import write_connection

Migration = tuple[int, str, Callable[[Connection], None]]


def _v1_initial(conn: Connection) -> None:
    tables = [
        schema.sources,
        schema.entities,
        schema.names,
        schema.name_keys,
        schema.identifiers,
        schema.coordinates,
        schema.claims,
        schema.audit_log,
        schema.meta,
    ]
    schema.metadata.create_all(conn, tables=tables)


def _v2_append_only_audit(conn: Connection) -> None:
    """The audit log is evidence too: the database itself refuses edits and deletions."""
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.execute(
                text(
                    f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                )
            )
    elif conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION tollwatch_audit_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION tollwatch_audit_append_only()"
            )
        )


def _v3_users_and_api_keys(conn: Connection) -> None:
    """Server accounts: roles, clearances, argon2 password hashes and API key digests."""
    from tollwatch.store.users_repo import create_tables

    create_tables(conn)


def _v4_trade_records(conn: Connection) -> None:
    """Trade statistics (UN Comtrade and similar), one row per period, pair, flow and HS code."""
    from tollwatch.store.trade_repo import create_tables

    create_tables(conn)


def _v5_sessions_and_sign_in_attempts(conn: Connection) -> None:
    """Server-side sessions (revocable at once) and sign-in attempts shared by every worker."""
    from tollwatch.store import sessions_repo, throttle_repo

    sessions_repo.create_tables(conn)
    throttle_repo.create_tables(conn)


def _v6_evidence_kind(conn: Connection) -> None:
    """Evidence says what it is (verbatim, paraphrase, compiled) and which pages its fact cites.

    Existing rows get a derived kind: the bundled gazetteer and company rows are compiled,
    the bundled article index is our paraphrase, everything else is the document's own text.
    """
    have = {
        table: {c["name"] for c in inspect(conn).get_columns(table)} for table in ("sources", "claims")
    }
    if "text_kind" not in have["sources"]:
        conn.execute(text("ALTER TABLE sources ADD COLUMN text_kind VARCHAR(12) NOT NULL DEFAULT 'verbatim'"))
    if "evidence_kind" not in have["claims"]:
        conn.execute(text("ALTER TABLE claims ADD COLUMN evidence_kind VARCHAR(12) NOT NULL DEFAULT 'verbatim'"))
    if "cites" not in have["claims"]:
        conn.execute(text("ALTER TABLE claims ADD COLUMN cites JSON"))
    conn.execute(
        text(
            "UPDATE sources SET text_kind = 'compiled' WHERE kind = 'reference' "
            "AND (id LIKE 'gazetteer-%' OR id LIKE 'companies-%')"
        )
    )
    conn.execute(
        text("UPDATE sources SET text_kind = 'paraphrase' WHERE id LIKE 'article-%' AND text IS NOT NULL")
    )
    conn.execute(
        text(
            "UPDATE claims SET evidence_kind = (SELECT s.text_kind FROM sources s WHERE s.id = claims.source_id) "
            "WHERE source_id IN (SELECT id FROM sources WHERE text_kind <> 'verbatim')"
        )
    )


def _v7_name_sensitivity(conn: Connection) -> None:
    """A name carries the sensitivity and source of its evidence (a merge must not publish it)."""
    have = {c["name"] for c in inspect(conn).get_columns("names")}
    if "sensitivity" not in have:
        conn.execute(text("ALTER TABLE names ADD COLUMN sensitivity VARCHAR(12) NOT NULL DEFAULT 'public'"))
    if "source_id" not in have:
        conn.execute(text("ALTER TABLE names ADD COLUMN source_id VARCHAR(120)"))


def _v8_judgements(conn: Connection) -> None:
    """Entity-resolution judgements: a pair of entity ids judged same, different or unsure."""
    from tollwatch.store.judgements_repo import create_tables

    create_tables(conn)


def _v9_screening_runs(conn: Connection) -> None:
    """Saved screening runs (versioned by rescreen), their rows, and analysts' decisions on hits."""
    from tollwatch.store.runs_repo import create_tables

    create_tables(conn)


def _v11_claim_qualifiers(conn: Connection) -> None:
    """A claim carries the qualifiers its predicate declares (workers' nationality, a suspended supply)."""
    if "qualifiers" not in {c["name"] for c in inspect(conn).get_columns("claims")}:
        conn.execute(text("ALTER TABLE claims ADD COLUMN qualifiers JSON"))


def _v12_claim_rule(conn: Connection) -> None:
    """A rule-proposed claim names the extraction rule that proposed it (`extraction report` counts by it)."""
    if "rule" not in {c["name"] for c in inspect(conn).get_columns("claims")}:
        conn.execute(text("ALTER TABLE claims ADD COLUMN rule VARCHAR(40)"))


def _v13_store_version(conn: Connection) -> None:
    """The store's write counter (schema.store_version), one row starting at 0; and indexes on
    identifiers' and coordinates' entity_id (reading a few entities scanned every identifier)."""
    schema.metadata.create_all(conn, tables=[schema.store_version])
    if conn.execute(select(schema.store_version.c.id)).first() is None:
        conn.execute(schema.store_version.insert().values(id=1, value=0))
    for table in ("identifiers", "coordinates"):
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_entity ON {table} (entity_id)"))


MIGRATIONS: list[Migration] = [
    (1, "initial evidence graph", _v1_initial),
    (2, "append-only audit log", _v2_append_only_audit),
    (3, "users and api keys", _v3_users_and_api_keys),
    (4, "trade records", _v4_trade_records),
    (5, "sessions and sign-in attempts", _v5_sessions_and_sign_in_attempts),
    (6, "evidence kind and per-fact citations", _v6_evidence_kind),
    (7, "name sensitivity", _v7_name_sensitivity),
    (8, "entity-resolution judgements", _v8_judgements),
    (9, "screening runs and decisions", _v9_screening_runs),
    (11, "claim qualifiers", _v11_claim_qualifiers),
    (12, "extraction rule of a claim", _v12_claim_rule),
    (13, "store write counter", _v13_store_version),
]

LATEST = MIGRATIONS[-1][0]


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        rows = conn.execute(select(schema.schema_version.c.version)).scalars().all()
    return max(rows, default=0)


def migrate(engine: Engine, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations; returns the versions applied. Safe when several processes open at once."""
    steps = migrations if migrations is not None else MIGRATIONS
    if _applied_versions(engine) >= {v for v, _, _ in steps}:
        return []  # the common case: nothing to do, and no write lock taken
    with write_connection(engine) as conn:
        _serialize(conn)
        schema.metadata.create_all(conn, tables=[schema.schema_version])
    applied = []
    for version, name, step in steps:
        with write_connection(engine) as conn:
            _serialize(conn)
            done = conn.execute(
                select(schema.schema_version.c.version).where(schema.schema_version.c.version == version)
            ).first()
            if done:
                continue
            step(conn)
            conn.execute(
                schema.schema_version.insert().values(
                    version=version, name=name, applied_at=datetime.now(UTC).isoformat(timespec="seconds")
                )
            )
            applied.append(version)
    return applied


def _applied_versions(engine: Engine) -> set[int]:
    if not inspect(engine).has_table("schema_version"):
        return set()
    with engine.connect() as conn:
        return set(conn.execute(select(schema.schema_version.c.version)).scalars())


def _serialize(conn: Connection) -> None:
    # Two processes opening a fresh store at once must not both migrate. On SQLite the
    # IMMEDIATE transaction already holds the write lock; PostgreSQL needs an explicit one.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7420915)"))
