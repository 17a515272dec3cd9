"""Watch (with a webhook on a real local HTTP server), the audit export's leak test, and the Monitoring page."""

from __future__ import annotations

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from runs_support import delta, generate_book, generate_list, mark_bundle_handled, write_book, write_list

from tollwatch.app.audit_export import entries, export
from tollwatch.app.evidence import open_store
from tollwatch.app.lists import import_files
from tollwatch.app.runs import decide, run_results, save_screening
from tollwatch.app.watch import watch_once
from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Name, Predicate, Review, ReviewStatus, Sensitivity, Source

MARKER = "ZZQX-MARKER-7731"
PORT = 8651


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def setup(tmp_path, db_url):
    store = open_store(db_url)
    mark_bundle_handled(store)
    text = f"Kumsong Marker Trading ships wigs for the camp. {MARKER} testimony."
    with store.begin("analyst") as tx:
        tx.add_source(Source(id="src-open", title="An open report", text="Kumsong Marker Trading ships wigs.", url="https://example.org/open"))
        tx.add_source(Source(id="src-secret", title=f"Witness {MARKER}", text=text, sensitivity=Sensitivity.CONFIDENTIAL))
        tx.upsert_entity(Entity(id="org-marker", kind=EntityKind.ORGANIZATION, caption="Kumsong Marker Trading", names=[Name.of("Kumsong Marker Trading")]))
        tx.add_claim(Claim(id="cl-open", subject_id="org-marker", predicate=Predicate.SUPPLIES, value="wigs",
                           evidence=Evidence("src-open", "Kumsong Marker Trading ships wigs.", (0, 34)), review=Review(ReviewStatus.ACCEPTED)))
        tx.add_claim(Claim(id="cl-secret", subject_id="org-marker", predicate=Predicate.SUPPLIES, value="wigs",
                           evidence=Evidence("src-secret", text[:47], (0, 47)), review=Review(ReviewStatus.ACCEPTED)))
    rng = random.Random(5)
    entries_ = generate_list(rng, 120)
    import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", entries_)], "gen_list", "2026-01-01")
    book = generate_book(rng, entries_, 80) + [{"id": "M1", "supplier": "Kumsong Marker Trading", "country": "CN", "hs_code": "670411"}]
    write_book(tmp_path / "book.csv", book)
    save_screening(store, "tester", "book", tmp_path / "book.csv", tmp_path / "v1.jsonl")
    yield store, entries_, tmp_path
    store.close()


def test_audit_export_has_every_decision_and_no_confidential_text(setup, tmp_path):
    store, _, _ = setup
    decide(store, "analyst", "book", "M1", "org-marker", "escalated", "named in two reports")
    _, results = run_results(store, "book")
    other = next((r, m) for r in results for m in r["matches"] if m["match"] and r["query_id"] != "M1")
    decide(store, "analyst", "book", other[0]["query_id"], other[1]["entity_id"], "cleared", "other address")
    for fmt in ("csv", "jsonl"):
        n, text = export(store, "2020-01-01", "2099-12-31", fmt)
        assert MARKER not in text and "src-secret" not in text and "cl-secret" not in text
        assert "named in two reports" in text and "other address" in text and "cl-open" in text
    rows = entries(store, "2020-01-01", "2099-12-31")
    decided = [r for r in rows if r["action"].startswith("decide.")]
    assert {(r["row"], r["decision"]) for r in decided} == {("M1", "escalated"), (other[0]["query_id"], "cleared")}
    assert all(r["list_sha256"] or r["dataset"] == "tollwatch" for r in decided)
    assert any(r["action"] == "run.save" for r in rows)
    # Positive control: without the guard (reading at confidential clearance) the marker shows.
    unguarded = json.dumps(entries(store, "2020-01-01", "2099-12-31", clearance=Sensitivity.CONFIDENTIAL))
    assert MARKER in unguarded and "cl-secret" in unguarded
    export(store, "2020-01-01", "2099-12-31", "csv", tmp_path / "audit.csv")
    assert MARKER not in (tmp_path / "audit.csv").read_text()


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["content-length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def test_watch_updates_rescreens_and_posts_the_diff(setup, tmp_path):
    store, entries_, _ = setup
    server = HTTPServer(("127.0.0.1", PORT), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        new = delta(random.Random(9), entries_, adds=3, removes=3, renames=3, add_names=["Kumsong Mirim Shipping Group"])

        def update():
            import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", new)], "gen_list", "2026-02-01")

        diff = watch_once(store, "cron", "book", update=update, out_dir=tmp_path / "diffs", webhook=f"http://127.0.0.1:{PORT}/hook")
    finally:
        server.shutdown()
    [posted] = _Hook.received
    assert posted["run"] == "book" and posted["to_version"] == 2 and posted["lists"]["gen_list"]["after"]["snapshot_date"] == "2026-02-01"
    assert posted["new_hits"] == diff["new_hits"] and MARKER not in json.dumps(posted)
    assert json.loads((tmp_path / "diffs" / "book-v2.diff.json").read_text())["gone_hits"] == diff["gone_hits"]


def test_a_webhook_that_is_down_is_one_error_and_the_diff_is_kept(setup, cli):
    res = cli("watch", "book", "--once", "--no-update", "--webhook", f"http://127.0.0.1:{PORT + 1}/down", expect=None)
    assert res.exit_code != 0 and "webhook failed" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert cli.json("runs", "--format", "json")[-1]["version"] == 2


def test_monitoring_page_for_analysts_with_decisions(setup):
    from fastapi.testclient import TestClient
    from server_support import add_users, sign_in

    from tollwatch.server.app import create_app

    store, _, _ = setup
    add_users(store)
    client = TestClient(create_app(store=store, secret_key="monitoring-test", load_reference=False))
    assert client.get("/monitoring", follow_redirects=False).status_code == 303
    sign_in(client, "viewer")
    assert client.get("/monitoring").status_code == 403
    client = TestClient(create_app(store=store, secret_key="monitoring-test", load_reference=False))
    token = sign_in(client, "analyst")
    page = client.get("/monitoring")
    assert page.status_code == 200 and "book" in page.text and "M1" in page.text and MARKER not in page.text
    r = client.post("/monitoring/decide", data={"run": "book", "row": "M1", "entity": "org-marker", "decision": "confirmed", "note": "seen", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.post("/monitoring/decide", data={"run": "book", "row": "M1", "entity": "org-marker", "decision": "confirmed", "note": "seen", "csrf_token": "bad"}).status_code == 403
    _, results = run_results(store, "book")
    assert next(m for r in results if r["query_id"] == "M1" for m in r["matches"] if m["entity_id"] == "org-marker")["decision"]["decision"] == "confirmed"
