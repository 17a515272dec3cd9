"""The store behaves the same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from store_support import (  # noqa: F401  (backend_url is a fixture)
    backend_url,
    drop_pg_schema,
    new_schema_name,
    pg_schema_exists,
    pg_schema_url,
    require_pg,
)

from tollwatch.core.model import claim_id
from tollwatch.core.model import (
    Claim,
    Coordinates,
    Entity,
    EntityKind,
    Evidence,
    Identifier,
    Method,
    ModelError,
    Name,
    Period,
    Predicate,
    Quantity,
    ReviewStatus,
    Romanization,
    Script,
    Sensitivity,
    Source,
    SourceKind,
    sha256_text,
)
from tollwatch.store import schema
from tollwatch.store.engine import search_path_schema
from tollwatch.store.migrations import LATEST, MIGRATIONS, migrate
from tollwatch.store.repository import DuplicateSourceError, Store

TEXT = "Workers at the Kaechon camp sewed wigs and eyelashes for export, about 300 of them, in 2019."
QUOTE = "sewed wigs and eyelashes"


@pytest.fixture
def store(backend_url):
    s = Store(backend_url)
    yield s
    s.close()


def make_source(text_body: str = TEXT, sid: str = "src-test", sensitivity=Sensitivity.PUBLIC) -> Source:
    return Source(
        id=sid, title=f"title of {sid}", kind=SourceKind.NEWS, publisher="Pub", url="https://example.org/a",
        date="2019-05", grade="B", sensitivity=sensitivity, text=text_body, sha256=sha256_text(text_body),
        origin="an informant",
    )


def make_camp(eid: str = "KP-TEST-001") -> Entity:
    return Entity(
        id=eid,
        kind=EntityKind.FACILITY,
        caption="Kaechon prison camp",
        names=[
            Name("Kaechon prison camp", Script.LATIN, None, "en"),
            Name("개천 교화소", Script.HANGUL, None, "ko"),
            Name("Gaecheon Gyohwaso", Script.LATIN, Romanization.RR, "ko"),
        ],
        identifiers=[Identifier("tollwatch_facility", eid)],
        coordinates=[Coordinates(39.7, 125.9, "satellite", "medium")],
        attributes={"facility_type": "kyohwaso", "province": "South Pyongan"},
    )


def make_product(eid: str = "P-WIGS") -> Entity:
    return Entity(id=eid, kind=EntityKind.PRODUCT, caption="wigs", names=[Name("wigs", lang="en")])


def make_claim(source_id: str = "src-test", subject: str = "KP-TEST-001", obj: str = "P-WIGS") -> Claim:
    start = TEXT.index(QUOTE)
    span = (start, start + len(QUOTE))
    return Claim(
        id=claim_id(subject, Predicate.PRODUCES.value, "entity:" + obj, source_id, span),
        subject_id=subject,
        predicate=Predicate.PRODUCES,
        object_id=obj,
        period=Period("2019", "2019"),
        quantity=Quantity(300.0, 300.0, "workers"),
        evidence=Evidence(source_id=source_id, quote=QUOTE, span=span, method=Method.HUMAN, confidence=0.9),
        note="from the test",
    )


def seed(store: Store, sensitivity=Sensitivity.PUBLIC) -> Claim:
    claim = make_claim()
    with store.begin("tester") as tx:
        tx.add_source(make_source(sensitivity=sensitivity))
        tx.upsert_entity(make_camp())
        tx.upsert_entity(make_product())
        tx.add_claim(claim)
    return claim


def audit_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log")).scalar()


# --- migrations ---------------------------------------------------------------------------


def test_migrations_applied_and_idempotent_on_reopen(backend_url):
    first = Store(backend_url)
    with first.engine.connect() as conn:
        versions = sorted(conn.execute(select(schema.schema_version.c.version)).scalars())
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert versions[-1] == LATEST
    seed(first)
    first.close()

    again = Store(backend_url)  # reopening applies nothing and keeps the data
    assert migrate(again.engine) == []
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_version")).scalar() == len(MIGRATIONS)
    with again.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.counts() == {"sources": 1, "entities": 2, "claims": 1}
    again.close()


def test_postgres_url_creates_missing_search_path_schema():
    require_pg()
    name = new_schema_name()
    assert not pg_schema_exists(name)
    try:
        store = Store(pg_schema_url(name))
        seed(store)
        store.close()
        assert pg_schema_exists(name)
        import psycopg

        from store_support import PG_BASE

        with psycopg.connect(PG_BASE) as conn:
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (name,)
                )
            }
            assert {"sources", "entities", "claims", "audit_log", "schema_version"} <= tables
            assert conn.execute(f'SELECT count(*) FROM "{name}".claims').fetchone()[0] == 1
    finally:
        drop_pg_schema(name)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://u@h/db?options=-csearch_path%3Dteam_a", "team_a"),
        ("postgresql://u@h/db?options=-c%20search_path%3Dteam_b,public", "team_b"),
        ("postgresql://u@h/db?options=--search_path%3D%22Team%20C%22", None),  # quoted with a space: not ours to guess
        ("postgresql://u@h/db?options=-csearch_path%3D%22TeamC%22", "TeamC"),
        ("postgresql://u@h/db?options=-cstatement_timeout%3D5000%20-csearch_path%3Dteam_d", "team_d"),
        ("postgresql://u@h/db?options=-csearch_path%3D%24user,public", None),
        ("postgresql://u@h/db", None),
        ("sqlite:////tmp/x.db", None),
    ],
)
def test_search_path_schema_is_read_from_options(url, expected):
    assert search_path_schema(url) == expected


# --- transactions and the audit log ---------------------------------------------------------


def test_failing_multi_record_write_leaves_nothing(store):
    before = audit_count(store)
    bad = make_claim(subject="KP-NO-SUCH-ENTITY")
    with pytest.raises(ModelError, match="subject"):
        with store.begin("tester") as tx:
            tx.add_source(make_source())
            tx.upsert_entity(make_camp())
            tx.upsert_entity(make_product())
            tx.add_claim(make_claim())
            tx.add_claim(bad)  # fails after four good writes
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.counts() == {"sources": 0, "entities": 0, "claims": 0}
    assert audit_count(store) == before

    with pytest.raises(RuntimeError):
        with store.begin("tester") as tx:
            tx.add_source(make_source())
            raise RuntimeError("the caller fails half-way")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.counts()["sources"] == 0


def test_every_write_is_audited_with_its_actor(store):
    claim = seed(store)
    with store.begin("reviewer-1") as tx:
        tx.review_claim(claim.id, ReviewStatus.ACCEPTED, "checked")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entries = r.audit()
    actions = sorted((e["action"], e["target_kind"], e["target_id"], e["actor"]) for e in entries)
    assert actions == sorted(
        [
            ("create", "source", "src-test", "tester"),
            ("create", "entity", "KP-TEST-001", "tester"),
            ("create", "entity", "P-WIGS", "tester"),
            ("create", "claim", claim.id, "tester"),
            ("review", "claim", claim.id, "reviewer-1"),
        ]
    )
    review = next(e for e in entries if e["action"] == "review")
    # the prior reviewer travels with the entry, so the web queue can undo the decision
    assert review["detail"] == {"from": "proposed", "to": "accepted", "note": "checked", "prior": {"by": None, "at": None}}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"])
def test_audit_log_is_append_only_in_the_database(store, statement):
    seed(store)
    before = audit_count(store)
    assert before > 0
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text(statement))
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert len(r.audit()) == before
        assert {e["actor"] for e in r.audit()} == {"tester"}


def test_duplicate_source_is_refused_and_nothing_else_written(store):
    seed(store)
    with pytest.raises(DuplicateSourceError, match="src-test"):
        with store.begin("tester") as tx:
            tx.upsert_entity(make_product("P-OTHER"))
            tx.add_source(make_source(sid="src-copy"))  # same text, new id
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("P-OTHER") is None
        assert [s.id for s in r.list_sources()] == ["src-test"]


# --- round trips and reads ----------------------------------------------------------------


def test_source_entity_claim_round_trip(store):
    claim = seed(store)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_source("src-test") == make_source()
        assert r.get_entity("KP-TEST-001") == make_camp()
        assert r.get_claim(claim.id) == claim
        assert r.list_claims(entity_id="P-WIGS") == [claim]


def test_upsert_replaces_names_and_children(store):
    seed(store)
    changed = make_camp()
    changed.caption = "Kaechon Kyohwaso No. 1"
    changed.names = [Name("Kaechon Kyohwaso No. 1")]
    changed.coordinates = []
    changed.attributes = {"facility_type": "kyohwaso"}
    with store.begin("tester") as tx:
        tx.upsert_entity(changed)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("KP-TEST-001") == changed
        assert [e.id for e in r.find_entities("Kaechon Kyohwaso")] == ["KP-TEST-001"]
        assert r.find_entities("prison camp") == []  # the old names' keys went with them


def test_find_entities_in_any_script(store):
    seed(store)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        for query in ("개천", "Kaechon", "kaechon prison camp", "Gaecheon", "KP-TEST-001"):
            assert [e.id for e in r.find_entities(query)] == ["KP-TEST-001"], query
        assert r.find_entities("Kaechon wigs") == []  # every key of the query must match one entity
        assert r.find_entities("Hoeryong") == []


@pytest.mark.parametrize(
    "ceiling, visible",
    [(Sensitivity.PUBLIC, False), (Sensitivity.RESTRICTED, False), (Sensitivity.CONFIDENTIAL, True)],
)
def test_sensitivity_ceiling_hides_confidential_sources_and_their_claims(store, ceiling, visible):
    claim = seed(store, sensitivity=Sensitivity.CONFIDENTIAL)
    with store.read(max_sensitivity=ceiling) as r:
        assert (r.get_source("src-test") is not None) == visible
        assert bool(r.list_sources()) == visible
        assert bool(r.sources_by_id(["src-test"])) == visible
        assert bool(r.list_claims()) == visible
        assert bool(r.list_claims(entity_id="KP-TEST-001")) == visible
        assert (r.get_claim(claim.id) is not None) == visible


def test_restricted_source_visible_from_restricted_ceiling(store):
    seed(store, sensitivity=Sensitivity.RESTRICTED)
    with store.read(max_sensitivity=Sensitivity.PUBLIC) as r:
        assert r.list_claims() == []
    with store.read(max_sensitivity=Sensitivity.RESTRICTED) as r:
        assert len(r.list_claims()) == 1


# --- the CLI on both backends ---------------------------------------------------------------


def test_cli_init_and_entities_show(backend_url):
    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    runner = CliRunner()
    for _ in range(2):  # a second init finds everything in place
        result = runner.invoke(cli, ["--db", backend_url, "init"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "entities" in result.output
    result = runner.invoke(cli, ["--db", backend_url, "entities", "show", "Kaechon"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "KP-KHS-001" in result.output
    result = runner.invoke(cli, ["--db", backend_url, "entities", "show", "개천"], catch_exceptions=False)
    assert result.exit_code == 0 and "KP-KHS-001" in result.output


def test_cli_demo_runs_on_both_backends(backend_url, tmp_path):
    import json

    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    if "demo" not in cli.commands:
        pytest.skip("`tollwatch demo` is not in this build")
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["--db", backend_url, "demo", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reports = json.loads((out / "kaechon.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in reports} >= {"KP-KHS-001"}
    assert all(r["claims"] for r in reports)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serve_on_both_backends(backend_url, tmp_path):
    """`tollwatch serve` on the store URL: a real server process, real HTTP, an API key made by the CLI."""
    import json
    import os
    import subprocess
    import sys
    import time

    import httpx
    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    if "serve" not in cli.commands:
        pytest.skip("`tollwatch serve` is not in this build")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", backend_url, "users", "add", "alice", "--role", "analyst", "--no-password"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", backend_url, "users", "key", "alice", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    key = json.loads(result.stdout)["key"]

    port = _free_port()
    env = {**os.environ, "TOLLWATCH_CACHE": str(tmp_path / "cache")}
    server = subprocess.Popen(
        [sys.executable, "-c", "from tollwatch.cli.main import main; main()", "--db", backend_url, "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.3)
        found = httpx.get(f"{base}/api/search", params={"q": "Kaechon"}, timeout=30)
        assert found.status_code == 200 and "KP-KHS-001" in found.text
        entity = httpx.get(f"{base}/api/entities/KP-KHS-001", timeout=30)
        assert entity.status_code == 200 and entity.json()["claims"]
        me = httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
        assert (me["name"], me["role"], me["via"]) == ("alice", "analyst", "api_key")
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
