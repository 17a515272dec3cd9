"""The server over PostgreSQL: accounts (migration 3), sign-in, a write, review and the leak rule."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, sign_in
from tests.store_support import drop_pg_schema, new_schema_name, pg_schema_url, require_pg

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(tmp_path, monkeypatch):
    require_pg()
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    schema = new_schema_name()
    store = open_store(pg_schema_url(schema))
    try:
        keys = add_users(store)
        yield create_app(store=store, secret_key="pg-secret"), keys
    finally:
        store.close()
        drop_pg_schema(schema)


def test_server_on_postgres(pg_app):
    app, keys = pg_app
    client = TestClient(app)
    analyst = {"Authorization": f"Bearer {keys['analyst']}"}
    secret = "Testimony QZPGMARKER: Kaechon made wigs."
    r = client.post("/api/sources", json={"text": secret, "title": "PG testimony", "sensitivity": "confidential"}, headers=analyst)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    q = "Kaechon made wigs."
    start = secret.index(q)
    cid = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "wigs", "source_id": sid, "quote": q, "span": [start, start + len(q)]}, headers=analyst).json()["id"]
    assert client.post(f"/api/claims/{cid}/review", json={"status": "accepted"}, headers=analyst).json()["status"] == "accepted"
    viewer = TestClient(app)
    sign_in(viewer, "viewer")
    assert viewer.get(f"/sources/{sid}").status_code == 404
    assert "QZPGMARKER" not in viewer.get("/entities/KP-KHS-001").text
    assert "QZPGMARKER" in client.get(f"/api/sources/{sid}", headers=analyst).text
