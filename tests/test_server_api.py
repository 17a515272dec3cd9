"""The HTTP API against a real SQLite store: yente-style matching, auth, CRUD, review,
screening jobs, ingestion, exports, and the pages' key content."""

from __future__ import annotations

import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.server_support import LiveServer, add_users, csrf_from, sign_in, wait_job
from tollwatch.core.model import Sensitivity


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server_api")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        app = create_app(store=store, secret_key="test-secret")
        app.state.tw.prepared.get()  # load the bundled lists, as `serve` does at start
        yield {"app": app, "store": store, "keys": keys}
        store.close()


@pytest.fixture
def client(env):
    return TestClient(env["app"])


def bearer(env, name):
    return {"Authorization": f"Bearer {env['keys'][name]}"}


# --- yente compatibility -------------------------------------------------------------------

YENTE_REQUEST = {
    "queries": {
        "kkbc": {"schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corp"], "jurisdiction": ["kp"]}},
        "jang": {"schema": "Person", "properties": {"name": ["Jang Pom Su"], "nationality": ["kp"]}},
        "nobody": {"schema": "Company", "properties": {"name": ["Acme Garden Furniture GmbH"]}},
    }
}


def test_yente_match_request_gets_yente_response(client):
    r = client.post("/match/default", params={"algorithm": "best", "threshold": 0.7, "limit": 3}, json=YENTE_REQUEST)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"responses", "limit"} and body["limit"] == 3
    assert set(body["responses"]) == {"kkbc", "jang", "nobody"}
    for key, resp in body["responses"].items():
        assert resp["status"] == 200
        assert set(resp) >= {"status", "results", "total", "query"}
        assert resp["total"]["value"] == len(resp["results"]) <= 3
        for res in resp["results"]:
            assert set(res) >= {"id", "caption", "schema", "properties", "datasets", "score", "match", "explanations"}
            assert isinstance(res["properties"]["name"], list) and isinstance(res["datasets"], list)
            assert 0.0 <= res["score"] <= 1.0
    kkbc = body["responses"]["kkbc"]["results"][0]
    assert kkbc["match"] is True and "KWANGSON BANKING" in kkbc["caption"].upper()
    assert kkbc["datasets"][0] in ("us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions")
    assert kkbc["explanations"]["name"]["coefficient"] == pytest.approx(kkbc["score"], abs=0.01)
    jang = body["responses"]["jang"]["results"][0]
    assert jang["match"] is True and jang["schema"] == "Person"
    assert "JANG" in jang["caption"].upper()
    assert not any(x["match"] for x in body["responses"]["nobody"]["results"])


def test_yente_match_over_the_network_with_a_plain_http_client(env):
    """What a yente client does: POST JSON to a real server, no cookies, no CSRF."""
    import httpx

    with LiveServer(env["app"]) as live:
        r = httpx.post(f"{live.url}/match/default?limit=1", json={"queries": {"q": YENTE_REQUEST["queries"]["jang"]}}, timeout=60)
    assert r.status_code == 200
    assert "set-cookie" not in r.headers
    res = r.json()["responses"]["q"]["results"]
    assert len(res) == 1 and res[0]["match"] is True


def test_yente_search_and_catalog(client):
    cat = client.get("/catalog").json()
    names = [d["name"] for d in cat["datasets"]]
    assert {"us_ofac_sdn", "un_sc_sanctions", "tollwatch", "default"} <= set(names)
    r = client.get("/search/default", params={"q": "Kwangson Banking", "limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 2 and len(body["results"]) == 2
    assert all("KWANGSON" in x["caption"].upper() for x in body["results"])
    assert client.get("/search/nope", params={"q": "x"}).status_code == 404
    # A client configured with another service's key still reads public material.
    assert client.post("/match/default", json=YENTE_REQUEST, headers={"Authorization": "ApiKey 0123456789abcdef"}).status_code == 200


def test_match_one_dataset_and_errors(client):
    r = client.post("/match/us_ofac_sdn", json=YENTE_REQUEST)
    assert r.status_code == 200
    for resp in r.json()["responses"].values():
        assert all(x["datasets"] == ["us_ofac_sdn"] for x in resp["results"])
    assert client.post("/match/no_such_list", json=YENTE_REQUEST).status_code == 404
    assert client.post("/match/default?algorithm=nonsense", json=YENTE_REQUEST).status_code == 400
    r = client.post("/match/default", json={"queries": {"x": {"schema": "Person", "properties": {"country": ["kp"]}}}})
    assert r.status_code == 200 and r.json()["responses"]["x"]["status"] == 400
    assert client.post("/match/default", json={"nonsense": 1}).status_code == 422


def test_health_and_docs(client):
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    for path in ("/match/{dataset}", "/api/search", "/api/entities/{entity_id}", "/api/screen", "/api/sources", "/api/claims/{claim_id}/review"):
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert '<html lang="en">' in docs.text and '"deepLinking": false' in docs.text  # axe: page language, no links in buttons


def test_docs_without_swagger_package_never_use_a_cdn(client, monkeypatch):
    from tollwatch.server.routes import meta

    monkeypatch.setattr(meta, "swagger_ui_dir", lambda: None)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "http" not in docs.text.replace('href="/openapi.json"', "") and "/openapi.json" in docs.text


def test_map_uses_online_tiles_only_when_configured(env):
    from tollwatch.server.app import create_app

    plain = TestClient(env["app"]).get("/map").text
    assert "data-tiles" not in plain and "tile." not in plain
    tiled = TestClient(create_app(store=env["store"], secret_key="x", tiles_url="https://tile.example.org/{z}/{x}/{y}.png")).get("/map").text
    assert 'data-tiles="https://tile.example.org/{z}/{x}/{y}.png"' in tiled
    assert 'id="row-KP-KHS-001"' in tiled


def test_tollwatch_serve_runs_uvicorn(db_url, tmp_path):
    import os
    import subprocess
    import sys
    import time

    import httpx

    from tests.server_support import free_port

    port = free_port()
    env = {**os.environ, "TOLLWATCH_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tollwatch.cli.main import main; main()", "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.3)
        assert r.json()["status"] == "ok"
        assert "Kaechon" in httpx.get(f"http://127.0.0.1:{port}/search?q=Kaechon", timeout=10).text
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert b"no accounts yet" in err


# --- accounts, sessions, CSRF, API keys ----------------------------------------------------


def test_sign_in_requires_right_password_and_csrf(client):
    page = client.get("/login")
    token = csrf_from(page.text)
    assert client.post("/login", data={"name": "admin", "password": "wrong password", "csrf_token": token}).status_code == 401
    assert client.post("/login", data={"name": "nobody", "password": "wrong password", "csrf_token": token}).status_code == 401
    assert client.post("/login", data={"name": "admin", "password": "correct horse battery", "csrf_token": "forged"}).status_code == 403
    assert client.get("/api/me").json()["role"] == "viewer"
    sign_in(client, "admin")
    assert client.get("/api/me").json() == {"name": "admin", "role": "admin", "clearance": "confidential", "via": "session"}


def test_login_next_never_redirects_off_site(client):
    token = csrf_from(client.get("/login").text)
    r = client.post("/login", data={"name": "viewer", "password": "correct horse battery", "csrf_token": token, "next": "//evil.example/x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_session_writes_need_csrf_token(client):
    csrf = sign_in(client, "analyst")
    body = {"text": "A note about nothing in particular, for the CSRF test.", "title": "CSRF test note"}
    assert client.post("/api/sources", json=body).status_code == 403
    r = client.post("/api/sources", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text


def test_roles_and_api_keys(client, env):
    body = {"text": "Role test text, stored once.", "title": "Role test"}
    assert client.post("/api/sources", json=body).status_code == 401  # anonymous
    assert client.post("/api/sources", json=body, headers=bearer(env, "viewer")).status_code == 403
    assert client.post("/api/sources", json=body, headers={"Authorization": "Bearer tw_nope_nope"}).status_code == 401
    r = client.post("/api/sources", json=body, headers=bearer(env, "analyst"))
    assert r.status_code == 201
    assert "set-cookie" not in r.headers
    # An analyst without confidential clearance cannot file something they could not read.
    conf = {"text": "Another text, confidential.", "title": "Too secret", "sensitivity": "confidential"}
    assert client.post("/api/sources", json=conf, headers=bearer(env, "junior")).status_code == 403
    assert client.get("/review", headers=bearer(env, "viewer")).status_code == 403


def test_revoked_key_stops_working(client, env):
    from tollwatch.store import users_repo

    with env["store"].engine.begin() as conn:
        key = users_repo.create_api_key(conn, "viewer", "short-lived")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {key}"}).json()["name"] == "viewer"
    with env["store"].engine.begin() as conn:
        assert users_repo.revoke_api_key(conn, users_repo.split_api_key(key)[0])
    assert client.get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


# --- sources and claims: CRUD and review ---------------------------------------------------

TEXT = "Prisoners at Kaechon made wigs for export in 2023. The camp was described as active."


def test_source_and_claim_crud_and_review(client, env):
    h = bearer(env, "analyst")
    r = client.post("/api/sources", json={"text": TEXT, "title": "CRUD test report", "publisher": "Test desk", "grade": "B"}, headers=h)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert client.post("/api/sources", json={"text": TEXT, "title": "again"}, headers=h).status_code == 409
    got = client.get(f"/api/sources/{sid}").json()
    assert got["text"] == TEXT and got["claims"] == []

    quote = "Prisoners at Kaechon made wigs for export in 2023."
    claim = {"subject": "KP-KHS-001", "predicate": "produces", "value": "wigs", "source_id": sid, "quote": quote, "span": [0, len(quote)], "method": "human"}
    bad = dict(claim, span=[1, len(quote)])
    r = client.post("/api/claims", json=bad, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith("span:")
    assert client.post("/api/claims", json=dict(claim, predicate="eats"), headers=h).json()["detail"].startswith("predicate:")
    r = client.post("/api/claims", json=claim, headers=h)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["status"] == "proposed"
    assert any(c["id"] == cid for c in client.get("/api/review", headers=h).json())

    r = client.put(f"/api/claims/{cid}", json=dict(claim, note="checked against the PDF"), headers=h)
    assert r.status_code == 200 and r.json()["note"] == "checked against the PDF"
    r = client.post(f"/api/claims/{cid}/review", json={"status": "accepted", "note": "ok"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["reviewed_by"] == "analyst"
    assert client.post(f"/api/claims/{cid}/review", json={"status": "maybe"}, headers=h).status_code == 400

    assert client.delete(f"/api/sources/{sid}", headers=h).status_code == 409  # a claim rests on it
    r = client.patch(f"/api/sources/{sid}", json={"title": "CRUD test report (corrected)", "grade": "A"}, headers=h)
    assert r.status_code == 200 and r.json()["title"].endswith("(corrected)") and r.json()["grade"] == "A"
    assert client.patch(f"/api/sources/{sid}", json={"text": "rewrite"}, headers=h).status_code == 400
    assert client.delete(f"/api/claims/{cid}", headers=h).status_code == 204
    assert client.get(f"/api/claims/{cid}").status_code == 404
    assert client.delete(f"/api/sources/{sid}", headers=h).status_code == 204
    assert client.get(f"/api/sources/{sid}").status_code == 404
    with env["store"].read(Sensitivity.CONFIDENTIAL) as r:
        audit = [a["action"] for a in r.audit(target_id=sid)]
    assert {"create", "update", "delete"} <= set(audit)


def test_review_queue_page_accepts_with_csrf(client, env):
    h = bearer(env, "analyst")
    text = "Kaechon prisoners were reported knitting sweaters in 2022."
    sid = client.post("/api/sources", json={"text": text, "title": "Review page test"}, headers=h).json()["id"]
    q = "Kaechon prisoners were reported knitting sweaters in 2022."
    cid = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "sweaters", "source_id": sid, "quote": q, "span": [0, len(q)], "method": "rule", "confidence": 0.6}, headers=h).json()["id"]
    csrf = sign_in(client, "analyst")
    page = client.get("/review")
    assert page.status_code == 200 and f'id="claim-{cid}"' in page.text
    assert client.post(f"/review/{cid}", data={"decision": "accept", "csrf_token": "forged"}).status_code == 403
    r = client.post(f"/review/{cid}", data={"decision": "accept", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/claims/{cid}").json()["status"] == "accepted"
    assert f'id="claim-{cid}"' not in client.get("/review").text


def test_ingest_proposes_claims_for_review(client, env):
    h = bearer(env, "analyst")
    text = "Sources said prisoners at the Kaechon camp produced wigs and false eyelashes for Chinese buyers in 2023."
    r = client.post("/api/ingest", data={"text": text, "title": "Ingest API test", "publisher": "Test wire", "sensitivity": "public"}, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["claims"] >= 1
    queue = client.get("/api/review", headers=h).json()
    mine = [c for c in queue if c["source_id"] == out["source_id"]]
    assert mine and all(text[c["span"][0] : c["span"][1]] == c["quote"] for c in mine if c["span"])
    again = client.post("/api/ingest", data={"text": text, "title": "dup"}, headers=h)
    assert again.status_code == 409
    assert client.post("/api/ingest", data={"text": text + " x", "sensitivity": "confidential"}, headers=bearer(env, "junior")).status_code == 403


# --- screening jobs --------------------------------------------------------------------------


def test_screen_upload_progress_and_downloads(client):
    csv_text = "name,country\nKorea Kwangson Banking Corp,kp\n=HYPERLINK(\"http://x\"),us\n<script>alert(1)</script>,us\n"
    r = client.post("/api/screen", files={"file": ("suppliers.csv", csv_text.encode(), "text/csv")})
    assert r.status_code == 202
    st = wait_job(client, r.json()["status_url"])
    assert st["status"] == "done" and st["done"] == st["total"] == 3 and st["percent"] == 100.0
    results = client.get(r.json()["results_url"]).json()["results"]
    assert results[0]["matches"][0]["match"] is True
    job = st["id"]
    csv_out = client.get(f"/api/screen/{job}/download?format=csv")
    assert csv_out.status_code == 200 and "attachment" in csv_out.headers["content-disposition"]
    assert "'=HYPERLINK" in csv_out.text and '\n=HYPERLINK' not in csv_out.text
    lines = client.get(f"/api/screen/{job}/download?format=jsonl").text.splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["matches"][0]["match"] is True
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/api/screen/{job}/download?format=xlsx").content))
    assert wb["screening"].max_row >= 2
    html = client.get(f"/api/screen/{job}/download?format=html").text
    assert "<script>alert(1)</script>" not in html
    page = client.get(f"/screen/jobs/{job}")
    assert "KWANGSON" in page.text.upper() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    # Someone else's job id answers like no job at all.
    other = TestClient(client.app)
    sign_in(other, "viewer")
    assert other.get(f"/api/screen/{job}").status_code == 404
    assert client.get("/api/screen/not-a-job").status_code == 404


def test_screen_rejects_bad_upload(client):
    r = client.post("/api/screen", files={"file": ("list.exe", b"MZ\x00\x00", "application/octet-stream")})
    assert r.status_code == 400 and r.json()["detail"].startswith("file:")
    r = client.post("/api/screen", files={"file": ("empty.csv", b"", "text/csv")})
    st = wait_job(client, r.json()["status_url"])
    assert st["status"] == "failed" and "empty.csv" in st["error"] and "/tmp" not in st["error"]


# --- pages -------------------------------------------------------------------------------------


def test_search_finds_names_in_any_script(client):
    for q in ("Kaechon", "개천"):
        r = client.get("/api/search", params={"q": q})
        assert "KP-KHS-001" in [e["id"] for e in r.json()["entities"]], q
    page = client.get("/search", params={"q": "개천"})
    assert page.status_code == 200 and "/entities/KP-KHS-001" in page.text


def test_search_suggests_similar_names_when_no_exact_match(client):
    body = client.get("/api/search", params={"q": "Kaechun camp"}).json()
    assert body["entities"] == [] and "KP-KHS-001" in [m["id"] for m in body["similar"]]
    assert "Similar names" in client.get("/search", params={"q": "Kaechun camp"}).text


def test_entity_page_names_claims_contradictions(client):
    page = client.get("/entities/KP-KLS-015").text
    assert "Contradictions" in page and "sources disagree" in page
    assert "closed" in page and "active" in page
    page = client.get("/entities/KP-KHS-001").text
    assert "개천" in page and "Hangul" in page
    assert re.search(r'<h3>Produces <span class="count">\d+</span></h3>', page)
    assert 'href="/sources/gazetteer-kp-khs-001#claim-' in page
    report = client.get("/api/entities/KP-KHS-001").json()
    assert report["claims"] and all(c["source"] for c in report["claims"])
    assert client.get("/entities/KP-NOPE").status_code == 404
    listed = client.get("/entities/us_ofac_sdn-11581").text
    assert "KOREA KWANGSON BANKING CORP" in listed and "NPWMD" in listed and "Listing" in listed


def test_map_draws_located_facilities_and_lists_unknown_ones(client):
    page = client.get("/map").text
    assert 'id="map"' in page and "/static/vendor/leaflet/leaflet.js" in page
    assert 'id="row-KP-KHS-001"' in page
    unknown = page.split("Location unknown", 1)[1].split("All facilities shown", 1)[0]
    assert "Paekto" in unknown
    geo = client.get("/api/facilities.geojson").json()
    placed = {f["properties"]["id"] for f in geo["features"]}
    assert "KP-KHS-001" in placed and "KP-LTC-PAEKTO" not in placed  # never placed without coordinates
    kwalliso = client.get("/map", params={"type": "kwalliso"}).text  # without script: rows hidden server-side
    assert re.search(r'id="row-KP-KHS-001"[^>]*hidden', kwalliso) and not re.search(r'id="row-KP-KLS-014"[^>]*hidden', kwalliso)
    assert {f["properties"]["type"] for f in client.get("/api/facilities.geojson", params={"type": "kwalliso"}).json()["features"]} == {"kwalliso"}
    closed = client.get("/api/facilities", params={"status": "contested"}).json()
    assert "KP-KLS-015" in [f["id"] for f in closed]


def test_map_geojson_joins_conflicting_points_and_grades_confidence(client):
    geo = client.get("/api/facilities.geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    spread = [f for f in features if f["properties"]["role"] == "spread"]
    assert "KP-KLS-014" in {f["properties"]["id"] for f in spread}
    assert {f["properties"]["level"] for f in features if f["properties"]["role"] == "point"} <= {"high", "medium", "low", "not stated"}


def test_vendored_map_scripts_record_their_licence(client):
    import json
    from importlib import resources

    vendor = json.loads((resources.files("tollwatch.server") / "static" / "vendor" / "VENDOR.json").read_text("utf-8"))
    assert {v["name"]: v["license"] for v in vendor} == {"leaflet": "BSD-2-Clause", "leaflet.markercluster": "MIT"}
    for v in vendor:
        assert client.get(f"/static/{v['folder']}/" + ("LICENSE" if v["name"] == "leaflet" else "MIT-LICENCE.txt")).status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200


def test_source_page_highlights_quotes_escaped(client, env):
    h = bearer(env, "analyst")
    text = "Intro. <script>alert('x')</script> Kaechon made wigs. End."
    sid = client.post("/api/sources", json={"text": text, "title": "Escaping test"}, headers=h).json()["id"]
    quote = "<script>alert('x')</script> Kaechon made wigs."
    start = text.index(quote)
    cid = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "wigs", "source_id": sid, "quote": quote, "span": [start, start + len(quote)]}, headers=h).json()["id"]
    page = client.get(f"/sources/{sid}").text
    assert "<script>alert" not in page
    assert f'<mark data-claims="{cid}"' in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Kaechon made wigs.</mark>" in page
    assert client.get("/sources/no-such-source").status_code == 404


def test_exports_escape_formulas(client, env):
    h = bearer(env, "analyst")
    text = "=cmd|' /C calc'!A0 was written in the ledger of Kaechon."
    sid = client.post("/api/sources", json={"text": text, "title": "Formula test"}, headers=h).json()["id"]
    client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "=1+1", "source_id": sid, "quote": text, "span": [0, len(text)]}, headers=h)
    out = client.get("/api/export/claims", params={"source_id": sid, "format": "csv"}).text
    assert "'=cmd" in out and "'=1+1" in out and ",=cmd" not in out


def test_users_cli(db_url):
    from click.testing import CliRunner

    from tollwatch.cli.main import cli
    from tollwatch.store import users_repo

    run = CliRunner()
    r = run.invoke(cli, ["--db", db_url, "users", "add", "ana", "--role", "analyst", "--password-stdin"], input="long enough pw\n")
    assert r.exit_code == 0, r.output
    assert "reads up to restricted" in r.output
    r = run.invoke(cli, ["--db", db_url, "users", "add", "ana", "--role", "analyst", "--password-stdin"], input="long enough pw\n")
    assert r.exit_code != 0 and "already exists" in r.output
    r = run.invoke(cli, ["--db", db_url, "users", "add", "bob", "--role", "boss", "--no-password"])
    assert r.exit_code != 0
    r = run.invoke(cli, ["--db", db_url, "users", "key", "ana", "--format", "json"])
    key = json.loads(r.stdout)["key"]
    assert key.startswith("tw_")
    listed = run.invoke(cli, ["--db", db_url, "users", "keys", "--format", "json"]).stdout
    key_id, secret = users_repo.split_api_key(key)
    assert key_id in listed and secret not in listed  # the secret is never stored or shown again
    r = run.invoke(cli, ["--db", db_url, "users", "set", "ana", "--clearance", "confidential"])
    assert "reads up to confidential" in r.output
    from tollwatch.app.evidence import open_store

    store = open_store(db_url, load_reference=False)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        actions = {(a["action"], a["target_kind"]) for a in r.audit()}
    assert {("create", "user"), ("update", "user"), ("create", "api_key")} <= actions
    with store.engine.connect() as conn:
        assert users_repo.user_for_api_key(conn, key).name == "ana"
        assert users_repo.verify_password(conn, "ana", "long enough pw").role == "analyst"
        assert users_repo.verify_password(conn, "ana", "wrong") is None
        row = conn.execute(users_repo.users.select()).mappings().first()
        assert row["password_hash"].startswith("$argon2")
    store.close()


def test_merge_proposed_entity_into_graph(client, env):
    h = bearer(env, "analyst")
    text = "Prisoners at Kaechon made wigs for the Sinuiju Hongxing Trading Company, a buyer, in 2023."
    out = client.post("/api/ingest", data={"text": text, "title": "Merge test"}, headers=h).json()
    proposed = [e for e in out["new_entities"] if e.startswith("org-")]
    assert proposed, out
    new_id = proposed[0]
    assert client.post(f"/api/entities/{new_id}/merge", json={"into": "no such thing at all"}, headers=h).status_code == 400
    assert client.post("/api/entities/org-nope/merge", json={"into": "KP-KHS-001"}, headers=h).status_code == 404
    assert client.post(f"/api/entities/{new_id}/merge", json={"into": "org-dandong-huayang-textiles-and-garments"}, headers=bearer(env, "viewer")).status_code == 403
    csrf = sign_in(client, "analyst")
    assert f'id="entity-{new_id}"' in client.get("/review").text
    target = [e["id"] for e in client.get("/api/search", params={"q": "Monsheery"}).json()["entities"]][0]
    r = client.post(f"/review/entities/{new_id}/merge", data={"into": target, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/entities/{target}"
    assert client.get(f"/api/entities/{new_id}").status_code == 404
    merged = client.get(f"/api/entities/{target}").json()
    assert any("Hongxing" in n["value"] for n in merged["names"])


def test_edit_claim_stores_correction_and_rejects_proposal(client, env):
    h = bearer(env, "analyst")
    text = "Kaechon prisoners were said to sew caps in 2021."
    sid = client.post("/api/sources", json={"text": text, "title": "Edit test"}, headers=h).json()["id"]
    cid = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "receives_input", "value": "caps", "source_id": sid, "quote": text, "span": [0, len(text)], "method": "rule", "confidence": 0.5}, headers=h).json()["id"]
    assert client.post(f"/api/claims/{cid}/edit", json={"object": "nothing matches this"}, headers=h).status_code == 400
    csrf = sign_in(client, "analyst")
    assert f'action="/review/{cid}/edit"' in client.get("/review").text
    r = client.post(f"/review/{cid}/edit", data={"predicate": "produces", "value": "knitted caps", "note": "it is an output", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/claims/{cid}").json()["status"] == "rejected"
    fixed = [c for c in client.get("/api/claims", params={"source_id": sid}).json() if c["id"] != cid]
    assert len(fixed) == 1 and fixed[0]["predicate"] == "produces" and fixed[0]["value"] == "knitted caps"
    assert fixed[0]["status"] == "accepted" and fixed[0]["reviewed_by"] == "analyst" and fixed[0]["quote"] == text


def test_api_key_secret_may_hold_the_separator(store):
    """Keys issued with url-safe secrets can contain `_`; they must still authenticate."""
    import hashlib

    from tollwatch.store import users_repo

    with store.engine.begin() as conn:
        users_repo.add_user(conn, "legacy", "viewer")
        conn.execute(
            users_repo.api_keys.insert().values(
                key_id="abc123", user_name="legacy", label=None, created_at=users_repo._now(),
                secret_sha256=hashlib.sha256(b"_x_y-z").hexdigest(),
            )
        )
    with store.engine.connect() as conn:
        assert users_repo.split_api_key("tw_abc123__x_y-z") == ("abc123", "_x_y-z")
        assert users_repo.user_for_api_key(conn, "tw_abc123__x_y-z").name == "legacy"
        assert users_repo.user_for_api_key(conn, "tw_abc123__x_y") is None
        assert users_repo.split_api_key("tw_abc123_") is None
        key = users_repo.create_api_key(conn, "legacy")
        assert "_" not in users_repo.split_api_key(key)[1]
