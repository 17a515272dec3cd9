"""Entity pages and the review queue against a real uvicorn server and a real SQLite store:
reviewed facts apart from proposals, claims read from both sides, no orphan entities,
and a review queue with notes, context, filters, bulk decisions and undo."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.server_support import LiveServer, add_users, sign_in
from tollwatch.core.model import Sensitivity


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("entity_pages")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        app = create_app(store=store, secret_key="pages-test-secret")
        with LiveServer(app) as live:
            yield {"store": store, "keys": keys, "url": live.url}
        store.close()


@pytest.fixture
def client(env):
    with httpx.Client(base_url=env["url"], timeout=60) as c:
        yield c


def bearer(env, name):
    return {"Authorization": f"Bearer {env['keys'][name]}"}


def facts_part(html: str) -> str:
    """The page without its folded proposals section."""
    return re.sub(r'<section class="proposed-section">.*?</section>', "", html, flags=re.S)


def proposed_part(html: str) -> str:
    m = re.search(r'<section class="proposed-section">(.*?)</section>', html, flags=re.S)
    return m.group(1) if m else ""


def test_viewer_page_shows_accepted_facts_and_folds_proposals(client, env):
    sign_in(client, "viewer")
    page = client.get("/entities/KP-KHS-001").text
    facts = facts_part(page)
    assert "check before accepting" not in facts  # extractor notes never sit among the facts
    assert 'class="badge proposed"' not in facts and "status-proposed" not in facts
    proposed = proposed_part(page)
    assert proposed and "<details" in proposed and "<details open" not in proposed
    assert "check before accepting" in proposed and "status-proposed" in proposed
    # The same subject, predicate and object appear once among the facts.
    assert facts.count('href="/entities/product-wigs"') == 1  # three claims, one fact, its sources listed
    assert "Accepted by tollwatch-reference" in facts


def test_contradictions_among_reviewed_facts_keep_ids_unique(client, env):
    page = client.get("/entities/KP-KLS-015").text
    assert "sources disagree" in facts_part(page)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_incoming_claims_read_from_the_objects_side(client, env):
    wigs = client.get("/entities/product-wigs").text
    facts = facts_part(wigs)
    assert '<div class="claim-group incoming" id="in-produces">' in facts
    assert "<h3>Produced by" in facts
    assert 'href="/entities/KP-KHS-001"' in facts and "Kaechon prison camp" in facts
    assert facts.count('href="/entities/product-wigs"') == 0  # no more "wigs … wigs"
    mss = proposed_part(client.get("/entities/org-kp-ministry-of-social-security").text)
    assert "<h3>Inspects" in mss and 'href="/entities/KP-KHS-001"' in mss
    assert "<h3>Has part" in mss and 'href="/entities/org-kp-mss-corrections-bureau"' in mss


def _entities_without_claims(store) -> list[str]:
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        claimed = {c.subject_id for c in r.list_claims()} | {c.object_id for c in r.list_claims() if c.object_id}
        return [e.id for e in r.list_entities(dataset="tollwatch") if e.is_new and e.id not in claimed]


def test_ingest_then_review_leaves_no_orphans(client, env):
    # The company is named but nothing links it to anything: no entity for it.
    text = "Prisoners at the Kaechon camp made wigs. Dandong Hongxiang Trading Co., Ltd. was named in the report."
    out = client.post("/api/ingest", data={"text": text, "title": "Orphan test"}, headers=bearer(env, "junior")).json()
    assert out["claims"] >= 1 and not any("hongxiang" in e for e in out["new_entities"]), out
    assert _entities_without_claims(env["store"]) == []
    # A company the report links to the camp is kept, and the analyst who ingested it can open it.
    text = "Prisoners at the Kaechon camp made wigs for Dandong Hongxiang Trading Co., Ltd. in 2023."
    out = client.post("/api/ingest", data={"text": text, "title": "Linked test"}, headers=bearer(env, "junior")).json()
    new = [e for e in out["new_entities"] if "hongxiang" in e]
    assert new, out
    assert client.get(f"/api/entities/{new[0]}", headers=bearer(env, "junior")).status_code == 200
    # A company that buys the camp's goods gets a proposal linking it to the camp.
    text = "The source said Qzbuyer Trading Company buys wigs made at the Kaechon labor camp."
    out2 = client.post("/api/ingest", data={"text": text, "title": "Buyer test"}, headers=bearer(env, "junior")).json()
    assert out2["new_entities"] == ["org-new-qzbuyer-trading-company"], out2
    links = client.get("/api/claims", params={"entity_id": "org-new-qzbuyer-trading-company"}, headers=bearer(env, "junior")).json()
    assert any(c["predicate"] == "contracts_with" and c["subject"]["id"] == "KP-KHS-001" for c in links), links
    # Review everything from both reports in bulk: still no orphan.
    csrf = sign_in(client, "junior")
    queue = client.get("/api/review", headers=bearer(env, "junior")).json()
    mine = [c["id"] for c in queue if c["source_id"] == out["source_id"]]
    r = client.post("/review/bulk", data={"claim": mine, "decision": "reject", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "done=rejected" in r.headers["location"]
    assert _entities_without_claims(env["store"]) == []


def test_review_queue_note_context_filters_bulk_undo_and_audit(client, env):
    h = bearer(env, "analyst")
    text = ("An earlier paragraph sets the scene at length. Sources said prisoners at the Kaechon camp produced wigs "
            "and false eyelashes for Chinese buyers in 2023. A later paragraph says more.")
    out = client.post("/api/ingest", data={"text": text, "title": "Queue test", "publisher": "Test wire"}, headers=h).json()
    sid = out["source_id"]
    csrf = sign_in(client, "analyst")
    page = client.get("/review", params={"source": sid}).text
    assert "Alternatives considered" in page and 'href="/entities/KP-KLS-014"' in page  # Kaechon is ambiguous
    assert "check before accepting" in page and 'class="review-context"' in page
    assert "An earlier paragraph" in page and "<mark>" in page
    forged = client.get("/review", params={"done": "Your account is locked, call +1 555"}).text
    assert "call +1 555" not in forged  # only the queue's own outcome messages are shown
    mine = [c for c in client.get("/api/review", headers=h).json() if c["source_id"] == sid]
    wigs = [c for c in mine if (c.get("object") or {}).get("id") == "product-wigs"]
    assert wigs
    only_produces = client.get("/review", params={"source": sid, "predicate": "produces", "confidence": "low"}).text
    assert all(f'id="claim-{c["id"]}"' in only_produces for c in mine if c["predicate"] == "produces" and c["confidence"] < 0.5)
    assert not any(f'id="claim-{c["id"]}"' in only_produces for c in mine if c["predicate"] != "produces")
    ids = [c["id"] for c in mine]
    assert client.post("/review/bulk", data={"claim": ids, "decision": "accept", "csrf_token": "forged"}).status_code == 403
    r = client.post("/review/bulk", data={"claim": ids, "decision": "accept", "csrf_token": csrf, "next": f"/review?source={sid}"}, follow_redirects=False)
    assert r.status_code == 303
    assert all(client.get(f"/api/claims/{i}", headers=h).json()["status"] == "accepted" for i in ids)
    kaechon = client.get("/entities/KP-KHS-001").text
    assert f'id="claim-{wigs[0]["id"]}"' in facts_part(kaechon) and "Accepted by analyst" in facts_part(kaechon)
    # Undo takes back the whole bulk decision, and is audited too.
    r = client.post("/review/undo", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and f"undid+{len(ids)}" in r.headers["location"].replace("%20", "+")
    back = [client.get(f"/api/claims/{i}", headers=h).json() for i in ids]
    assert all(c["status"] == "proposed" and c["reviewed_by"] is None for c in back)
    assert any("check before accepting" in (c["note"] or "") for c in back)
    with env["store"].read(Sensitivity.CONFIDENTIAL) as rd:
        trail = rd.audit(target_id=ids[0])
    assert [e["detail"].get("to") for e in trail if e["action"] == "review"][:2] == ["proposed", "accepted"]
    assert "undo" in trail[0]["detail"]
    again = client.post("/review/undo", data={"csrf_token": csrf}, follow_redirects=False).headers["location"]
    assert "nothing" in again  # this analyst made no earlier decision; an undo is not itself undone


def test_merge_proposed_entity_from_the_web_queue(client, env):
    h = bearer(env, "analyst")
    text = "Prisoners at Kaechon made wigs for the Sinuiju Hongxing Trading Company, a buyer, in 2023."
    out = client.post("/api/ingest", data={"text": text, "title": "Web merge test"}, headers=h).json()
    new_id = [e for e in out["new_entities"] if e.startswith("org-")][0]
    csrf = sign_in(client, "analyst")
    assert f'action="/review/entities/{new_id}/merge"' in client.get("/review").text
    r = client.post(f"/review/entities/{new_id}/merge", data={"into": "KP-KHS-001", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 400  # a facility cannot take a company's claims
    target = client.get("/api/search", params={"q": "Monsheery"}).json()["entities"][0]["id"]
    r = client.post(f"/review/entities/{new_id}/merge", data={"into": target, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/entities/{target}"
    assert _entities_without_claims(env["store"]) == []


def test_review_page_and_api_name_each_proposals_rule(client, env):
    h = bearer(env, "analyst")
    text = "Sources said prisoners at the Kaechon labor camp produced wigs in 2023."
    sid = client.post("/api/ingest", data={"text": text, "title": "Rule test"}, headers=h).json()["source_id"]
    claims = [c for c in client.get("/api/review", headers=h).json() if c["source_id"] == sid]
    assert claims and {c["rule"] for c in claims} == {"products"}
    sign_in(client, "analyst")
    page = client.get("/review", params={"source": sid}).text
    assert 'class="badge rule"' in page and "rule products" in page
