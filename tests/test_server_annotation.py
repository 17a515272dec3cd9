"""The annotation form and its suggestions over real HTTP (uvicorn, SQLite): only analysts and
admins see or may post it, the form and the JSON call are CSRF-checked, the claim lands in the
review queue with its exact span, and a confidential source's passage never reaches a reader
without clearance (the cleared analyst is the positive control)."""

from __future__ import annotations

import httpx
import pytest

from tests.server_support import LiveServer, add_users, csrf_from, sign_in
from tollwatch.app import sources

TEXT = "Written for the tests.\nPrisoners at Kyo-hwa-so No. 1 make wigs for export, a witness said.\n"
SECRET = "Testimony of Ylvaine Quorth: the camp ships crocheted caps."
PASSAGE = "Prisoners at Kyo-hwa-so No. 1 make wigs for export"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annotation")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        add_users(store)
        public = sources.add_source(store, sources.make_source(TEXT, title="annotation note"), "tester").id
        secret = sources.add_source(store, sources.make_source(SECRET, title="testimony", sensitivity="confidential"), "tester").id
        app = create_app(store=store, secret_key="annotation-test-secret")
        with LiveServer(app) as live:
            yield {"store": store, "url": live.url, "public": public, "secret": secret}
        store.close()


@pytest.fixture
def client(env):
    with httpx.Client(base_url=env["url"], timeout=60) as c:
        yield c


def _form(env, token: str, passage: str = PASSAGE, text: str = TEXT, **extra) -> dict:
    start = text.index(passage)
    return {"csrf_token": token, "start": start, "end": start + len(passage), "quote": passage,
            "subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", **extra}


def test_viewers_neither_see_nor_post_the_form(client, env):
    page = client.get(f"/sources/{env['public']}").text
    assert 'id="annotate"' not in page and "annotate.js" not in page
    token = sign_in(client, "viewer")
    assert 'id="annotate"' not in client.get(f"/sources/{env['public']}").text
    r = client.post(f"/sources/{env['public']}/claims", data=_form(env, token), follow_redirects=False)
    assert r.status_code == 403
    r = client.post(f"/api/sources/{env['public']}/suggest", json={"start": 0, "end": 4, "quote": "Writ"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403


def test_analyst_makes_a_claim_that_waits_in_the_queue(client, env):
    token = sign_in(client, "junior")
    page = client.get(f"/sources/{env['public']}").text
    assert 'id="annotate"' in page and "Make a claim from selection" in page
    assert client.post(f"/sources/{env['public']}/claims", data=_form(env, "wrong"), follow_redirects=False).status_code == 403
    start = TEXT.index(PASSAGE)
    body = {"start": start, "end": start + len(PASSAGE), "quote": PASSAGE}
    assert client.post(f"/api/sources/{env['public']}/suggest", json=body).status_code == 403  # no CSRF header
    out = client.post(f"/api/sources/{env['public']}/suggest", json=body, headers={"X-CSRF-Token": token})
    assert out.status_code == 200 and out.json()["guess"]["predicate"] == "produces"
    bad = client.post(f"/sources/{env['public']}/claims", data={**_form(env, token), "quote": PASSAGE.upper()}, follow_redirects=False)
    assert bad.status_code in (400, 422) and "not the selected text" in bad.text
    r = client.post(f"/sources/{env['public']}/claims", data=_form(env, token), follow_redirects=False)
    assert r.status_code == 303 and "?made=c-" in r.headers["location"]
    claim_id = r.headers["location"].split("made=", 1)[1].split("#", 1)[0]
    shown = client.get(r.headers["location"]).text
    assert "Claim saved as proposed" in shown and f'id="claim-{claim_id}"' in shown
    claim = client.get(f"/api/claims/{claim_id}").json()
    assert (claim["status"], claim["method"], claim["quote"], claim["span"]) == ("proposed", "human", PASSAGE, [start, start + len(PASSAGE)])
    queue = client.get("/review").text
    assert f'id="claim-{claim_id}"' in queue


def test_confidential_passage_stays_with_the_cleared(client, env):
    body = {"start": 0, "end": len(SECRET), "quote": SECRET}
    form = {**_form(env, "", SECRET, SECRET), "predicate": "produces", "object": "product-crocheted-caps"}
    token = sign_in(client, "junior")  # an analyst without clearance for testimony
    for r in (client.get(f"/sources/{env['secret']}"),
              client.post(f"/api/sources/{env['secret']}/suggest", json=body, headers={"X-CSRF-Token": token}),
              client.post(f"/sources/{env['secret']}/claims", data={**form, "csrf_token": token}, follow_redirects=False)):
        assert r.status_code == 404 and "Ylvaine" not in r.text
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    token = sign_in(client, "analyst")  # the positive control: cleared, the same calls work
    assert "Ylvaine" in client.get(f"/sources/{env['secret']}").text
    out = client.post(f"/api/sources/{env['secret']}/suggest", json=body, headers={"X-CSRF-Token": token})
    assert out.status_code == 200 and out.json()["quote"] == SECRET
    r = client.post(f"/sources/{env['secret']}/claims", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303


def test_predicate_kinds_endpoint(client, env):
    sign_in(client, "junior")
    out = client.get("/api/predicates/supplies/kinds").json()
    assert out["subject"] == ["organization", "facility"] and out["object"] == ["organization", "product"]
