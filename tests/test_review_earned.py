"""Review is earned (#18, finding 4): status, reviewer and time come only from the review use case.

The create and replace paths (API POST/PUT, CLI `claims add`) refuse review fields, naming
the field, and store nothing; the review endpoint sets them from the signed-in user and the
clock, with an audit entry. An FtM/JSONL import of our own export keeps its review, audited.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users
from tollwatch.core.model import Sensitivity

TEXT = "Prisoners at Kaechon made wigs for export in 2023."
FORGED = {"status": "accepted", "reviewed_by": "admin", "reviewed_at": "2020-01-01T00:00:00+00:00"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review_earned")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        app = create_app(store=store, secret_key="test-secret")
        yield {"client": TestClient(app), "store": store, "h": {"Authorization": f"Bearer {keys['junior']}"}}
        store.close()


@pytest.fixture(scope="module")
def source_id(env):
    r = env["client"].post("/api/sources", json={"text": TEXT, "title": "review test"}, headers=env["h"])
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _claim(sid: str) -> dict:
    return {"subject": "KP-KHS-001", "predicate": "produces", "value": "wigs", "source_id": sid, "quote": TEXT, "span": [0, len(TEXT)]}


def _audit(store, target_id: str | None) -> list[dict]:
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.audit(target_id=target_id)


@pytest.mark.parametrize("field", list(FORGED))
def test_api_create_refuses_review_fields_and_stores_nothing(env, source_id, field):
    client, h = env["client"], env["h"]
    before = _audit(env["store"], None)
    r = client.post("/api/claims", json={**_claim(source_id), field: FORGED[field]}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith(f"{field}:"), r.text
    assert client.get("/api/claims", params={"source_id": source_id}, headers=h).json() == []
    assert _audit(env["store"], None) == before


def test_api_replace_refuses_review_fields_and_review_endpoint_earns_it(env, source_id):
    client, h = env["client"], env["h"]
    r = client.post("/api/claims", json={**_claim(source_id), "status": "proposed"}, headers=h)  # the default is harmless
    assert r.status_code == 201 and r.json()["status"] == "proposed", r.text
    cid = r.json()["id"]
    for field, value in FORGED.items():
        r = client.put(f"/api/claims/{cid}", json={**_claim(source_id), field: value}, headers=h)
        assert r.status_code == 400 and r.json()["detail"].startswith(f"{field}:"), r.text
    got = client.get(f"/api/claims/{cid}", headers=h).json()
    assert got["status"] == "proposed" and got["reviewed_by"] is None
    assert not [a for a in _audit(env["store"], cid) if a["action"] == "review"]

    before = datetime.now(UTC) - timedelta(minutes=1)
    r = client.post(f"/api/claims/{cid}/review", json={"status": "accepted"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["reviewed_by"] == "junior"
    with env["store"].read(Sensitivity.CONFIDENTIAL) as rd:
        review = rd.get_claim(cid).review
    assert review.by == "junior" and datetime.fromisoformat(review.at) >= before
    reviews = [a for a in _audit(env["store"], cid) if a["action"] == "review"]
    assert len(reviews) == 1 and reviews[0]["actor"] == "junior"


def test_cli_claims_add_refuses_review_fields(cli, tmp_path, store):
    doc = tmp_path / "r.txt"
    doc.write_text(TEXT, encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json")["source_id"]
    lines = tmp_path / "c.jsonl"
    lines.write_text(json.dumps(_claim(sid)) + "\n" + json.dumps({**_claim(sid), "value": "caps", "status": "accepted"}) + "\n", encoding="utf-8")
    out = cli("claims", "add", str(lines), expect=None)
    assert out.exit_code == 2 and "c.jsonl:2: status: set only by review" in out.output
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.list_claims(source_id=sid) == []  # all or nothing


def test_import_of_our_export_keeps_review_and_audits_it(cli, tmp_path):
    doc = tmp_path / "r.txt"
    doc.write_text(TEXT, encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json")["source_id"]
    (tmp_path / "c.jsonl").write_text(json.dumps(_claim(sid)) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    cid = cli.json("claims", "list", "--source", sid, "--format", "json")[0]["id"]
    cli("claims", "accept", cid)
    exported = tmp_path / "out.ftm.jsonl"
    cli("export", "--format", "ftm", "-o", str(exported))

    from tests.conftest import Cli
    from tollwatch.app.evidence import open_store

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    Cli(other_url)("import", str(exported))
    other = open_store(other_url)
    try:
        with other.read(Sensitivity.CONFIDENTIAL) as r:
            claim = r.get_claim(cid)
            created = [a for a in r.audit(target_id=cid) if a["action"] == "create"]
        assert claim.review.status.value == "accepted" and claim.review.by == "tester"
        assert created and created[0]["detail"]["review"]["status"] == "accepted"
    finally:
        other.close()
