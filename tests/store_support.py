"""Store test support: one fresh database per test on SQLite and on PostgreSQL.

PostgreSQL tests get their own schema through `?options=-csearch_path=...` (the store
creates it), and the schema is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_BASE = os.environ.get("TOLLWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pg_reachable() -> str | None:
    """None when the server answers, else why not (for the skip message)."""
    try:
        import psycopg

        with psycopg.connect(PG_BASE, connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no server to test against here
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


_PG_STATUS: list[str | None] = []


def require_pg() -> None:
    if not _PG_STATUS:
        _PG_STATUS.append(pg_reachable())
    if _PG_STATUS[0] is not None:
        pytest.skip(f"no PostgreSQL server reachable at {PG_BASE} ({_PG_STATUS[0]}); start one to run this test")


def pg_schema_url(schema: str) -> str:
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '20s'")
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def pg_schema_exists(schema: str) -> bool:
    import psycopg

    with psycopg.connect(PG_BASE) as conn:
        return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None


def new_schema_name() -> str:
    return f"tw_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path):
    """A URL of an empty store: SQLite in tmp_path, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tollwatch.db'}"
        return
    require_pg()
    schema = new_schema_name()
    try:
        yield pg_schema_url(schema)
    finally:
        drop_pg_schema(schema)


# --- concurrent writers (run in separate processes; must be importable by spawn) ----------

SHARED_BUYER = "org-test-shared-buyer"
WORKER_QUOTE = "supplied wigs"


def worker_text(worker: int, k: int) -> str:
    return f"Report {k} from desk {worker}: the Kaechon camp supplied wigs to a buyer in Dandong."


def concurrent_worker(url: str, worker: int, n_sources: int, shared_claim_ids: list[str], barrier, errors) -> None:
    """Ingest n sources (each with a claim about a shared new entity) and review every shared claim."""
    try:
        from tollwatch.app import evidence as ev
        from tollwatch.core.model import claim_id
        from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Name, Predicate, ReviewStatus

        store = ev.open_store(url)
        actor = f"desk-{worker}"
        verdict = ReviewStatus.ACCEPTED if worker == 0 else ReviewStatus.REJECTED
        order = list(shared_claim_ids)  # same order on both desks: every review races the other
        barrier.wait(timeout=60)
        for k in range(max(n_sources, len(order))):
            if k < n_sources:
                text = worker_text(worker, k)
                source = ev.make_source(text, title=f"desk {worker} report {k}", kind="news")
                start = text.index(WORKER_QUOTE)
                span = (start, start + len(WORKER_QUOTE))
                with store.begin(actor) as tx:
                    tx.add_source(source)
                    # Both desks propose the same new buyer: neither may fail on the other's insert.
                    tx.upsert_entity(
                        Entity(SHARED_BUYER, EntityKind.ORGANIZATION, "Shared buyer", [Name("Shared buyer")], is_new=True)
                    )
                    tx.add_claim(
                        Claim(
                            id=claim_id("KP-KHS-001", "supplies", "entity:" + SHARED_BUYER, source.id, span),
                            subject_id="KP-KHS-001",
                            predicate=Predicate.SUPPLIES,
                            object_id=SHARED_BUYER,
                            evidence=Evidence(source.id, WORKER_QUOTE, span),
                        )
                    )
            if k < len(order):
                with store.begin(actor) as tx:
                    tx.review_claim(order[k], verdict, f"desk {worker}")
        store.close()
    except BaseException:
        import traceback

        errors.put(f"worker {worker}: {traceback.format_exc()}")
