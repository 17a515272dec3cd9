"""Confidential testimony must not leak: unique markers go into a confidential source (text,
title, publisher, origin), a claim quoting it, an entity proposed from it, a restricted source,
and a report ingested through the app; then every route reachable by anonymous visitors,
viewers (session and API key) and an analyst without confidential clearance is crawled, ids are
guessed, writes are probed, and no response body, header or log record may carry a marker."""

from __future__ import annotations

import logging
import re
import uuid
from collections import deque
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, csrf_from, sign_in, wait_job
from tollwatch.core.model import Sensitivity

RUN = uuid.uuid4().hex[:8].upper()
TEXT_MARKER = f"QZTEXTMARK{RUN}"
TITLE_MARKER = f"QZTITLEMARK{RUN}"
PUB_MARKER = f"QZPUBMARK{RUN}"
ORIGIN_MARKER = f"QZORIGINMARK{RUN}"
ENTITY_MARKER = f"Qzentitymark{RUN}"
INGEST_MARKER = f"Qzingestmark{RUN}"
RESTRICTED_MARKER = f"QZRESTRMARK{RUN}"
CONFIDENTIAL_MARKERS = [TEXT_MARKER, TITLE_MARKER, PUB_MARKER, ORIGIN_MARKER, ENTITY_MARKER, INGEST_MARKER]
ALL_MARKERS = CONFIDENTIAL_MARKERS + [RESTRICTED_MARKER]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server_leak")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import make_source, open_store
        from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        conf_text = (
            f"Witness account recorded in 2024. The witness {TEXT_MARKER} said prisoners at Kaechon made wigs. "
            f"The Paekto camp was closed, the witness said. Goods went to Trading Co {ENTITY_MARKER}."
        )
        conf = make_source(
            conf_text, title=f"Testimony {TITLE_MARKER}", publisher=f"Desk {PUB_MARKER}", kind="testimony",
            sensitivity="confidential", origin=f"informant {ORIGIN_MARKER}", grade="B",
        )
        restr_text = f"Internal memo {RESTRICTED_MARKER}: Kaechon wig orders doubled."
        restr = make_source(restr_text, title="Memo on orders", sensitivity="restricted", kind="ngo_report")
        new_id = "org-proposed-" + RUN.lower()
        # Proposed from the testimony, but also named in a public note: visible, its pointer to the testimony not.
        partly_id = "org-partly-" + RUN.lower()
        public_text = "Public note: Partly Trading buys wigs from Sinuiju."
        public = make_source(public_text, title="Public note on Partly Trading", kind="news")

        def quote(text, fragment):
            start = text.index(fragment)
            return Evidence(conf.id if text is conf_text else restr.id, fragment, (start, start + len(fragment)), Method.HUMAN, 1.0)

        claims = [
            Claim("c-leak-wigs", "KP-KHS-001", Predicate.PRODUCES, quote(conf_text, f"The witness {TEXT_MARKER} said prisoners at Kaechon made wigs."), value="wigs", note=f"from {TEXT_MARKER}"),
            Claim("c-leak-paekto", "KP-LTC-PAEKTO", Predicate.HAS_STATUS, quote(conf_text, "The Paekto camp was closed"), value="closed"),
            Claim("c-leak-newco", new_id, Predicate.REPORTED_ROLE, quote(conf_text, f"Goods went to Trading Co {ENTITY_MARKER}."), value="buyer"),
            Claim("c-leak-restr", "KP-KHS-001", Predicate.PRODUCES, quote(restr_text, "Kaechon wig orders doubled."), value="wigs"),
        ]
        with store.begin("tester") as tx:
            tx.add_source(conf)
            tx.add_source(restr)
            tx.upsert_entity(
                Entity(new_id, EntityKind.ORGANIZATION, f"Trading Co {ENTITY_MARKER}", names=[Name.of(f"Trading Co {ENTITY_MARKER}")],
                       attributes={"proposed_from": conf.id, "roles": ["other"]}, is_new=True)
            )
            for c in claims:
                tx.add_claim(c)
            tx.add_source(public)
            tx.upsert_entity(
                Entity(partly_id, EntityKind.ORGANIZATION, "Partly Trading", names=[Name.of("Partly Trading")],
                       attributes={"proposed_from": conf.id, "roles": ["buyer"]}, is_new=True)
            )
            q = "Partly Trading buys wigs from Sinuiju."
            start = public_text.index(q)
            tx.add_claim(Claim("c-leak-partly", partly_id, Predicate.REPORTED_ROLE, Evidence(public.id, q, (start, start + len(q)), Method.HUMAN, 1.0), value="buyer"))
        app = create_app(store=store, secret_key="leak-test-secret")
        client = TestClient(app)
        ingest_text = f"Sources said prisoners at the Kaechon camp produced wigs for {INGEST_MARKER} Trading Company in 2023."
        r = client.post(
            "/api/ingest",
            data={"text": ingest_text, "title": f"Interview {TITLE_MARKER} two", "sensitivity": "confidential", "publisher": PUB_MARKER},
            headers={"Authorization": f"Bearer {keys['analyst']}"},
        )
        assert r.status_code == 201, r.text
        ingested = r.json()
        with store.read(Sensitivity.CONFIDENTIAL) as rd:
            ids = {
                "sources": [s.id for s in rd.list_sources()],
                "claims": [c.id for c in rd.list_claims()],
                "entities": [e.id for e in rd.list_entities(dataset="tollwatch")],
                "conf_sources": [conf.id, ingested["source_id"]],
                "restricted_sources": [restr.id],
                "conf_claims": [c.id for c in rd.list_claims(source_id=conf.id)] + [c.id for c in rd.list_claims(source_id=ingested["source_id"])],
                "hidden_entities": [new_id] + ingested["new_entities"],
                "partly": partly_id,
            }
        yield {"app": app, "store": store, "keys": keys, "ids": ids, "conf_text": conf_text, "ingest_text": ingest_text}
        store.close()


def _forbidden(who: str) -> list[str]:
    return CONFIDENTIAL_MARKERS if who == "junior" else ALL_MARKERS


def _scrub(body: str, echoed: list[str]) -> str:
    """Remove what the request itself carried (an id typed into a URL is not a leak)."""
    for e in sorted(set(echoed), key=len, reverse=True):
        if e:
            body = body.replace(e, "")
    return body


def _check(who: str, method: str, url: str, response, echoed: list[str] = ()) -> None:
    parts = [unquote(url), url, *echoed]
    parts += [p for p in re.split(r"[/?&=]", unquote(url)) if len(p) > 6]
    body = _scrub(response.text, parts)
    headers = _scrub(" ".join(f"{k}: {v}" for k, v in response.headers.items()), parts)
    for marker in _forbidden(who):
        for hay, where in ((body, "body"), (headers, "headers")):
            assert marker.casefold() not in hay.casefold(), f"{who}: {marker} leaked in the {where} of {method} {url} ({response.status_code})"


_LINK = re.compile(r'(?:href|src|action)="([^"]+)"')


def _links(html: str) -> list[str]:
    out = []
    for raw in _LINK.findall(html):
        url = raw.replace("&amp;", "&").split("#", 1)[0]
        if url.startswith("/") and not url.startswith("//") and not url.startswith("/logout"):
            out.append(url)
    return out


def _seed_urls(world, spec: dict) -> list[str]:
    ids = world["ids"]
    public_sources = [s for s in ids["sources"] if s not in ids["conf_sources"] + ids["restricted_sources"]][:4]
    sources = ids["conf_sources"] + ids["restricted_sources"] + public_sources
    claims = ids["conf_claims"] + ["c-leak-restr"] + [c for c in ids["claims"] if c not in ids["conf_claims"]][:4]
    entities = ids["entities"]
    urls = ["/", "/map", "/sources", "/review", "/ingest", "/screen", "/login", "/docs", "/openapi.json", "/healthz", "/api/me",
            "/api/sources", "/api/claims", "/api/review", "/api/facilities", "/map?status=closed", "/map?status=contested", "/api/facilities?status=closed"]
    for q in ["Kaechon", "Paekto", "Trading", "Testimony", "Witness", "informant", "Desk", "Memo", *ALL_MARKERS]:
        urls += [f"/search?q={q}", f"/api/search?q={q}", f"/search/default?q={q}", f"/search/tollwatch?q={q}"]
    urls += ["/catalog", f"/search/default?q=Trading Co {ENTITY_MARKER}", f"/api/search?q=Trading Co {ENTITY_MARKER}"]
    for path, ops in spec["paths"].items():
        if "get" not in ops or "{" not in path:
            continue
        if "{entity_id}" in path:
            urls += [path.replace("{entity_id}", e) for e in entities]
        elif "{source_id}" in path:
            urls += [path.replace("{source_id}", s) for s in sources]
        elif "{claim_id}" in path:
            urls += [path.replace("{claim_id}", c) for c in claims]
    urls += [f"/entities/{e}" for e in entities] + [f"/sources/{s}" for s in sources]
    for s in sources:
        urls += [f"/api/claims?source_id={s}", f"/api/export/claims?source_id={s}&format=csv", f"/api/export/claims?source_id={s}&format=jsonl"]
    for e in entities:
        urls += [f"/api/claims?entity_id={e}", f"/api/export/claims?entity_id={e}&format=csv"]
    urls += ["/api/export/claims?format=jsonl", "/api/export/claims?format=csv", "/api/claims?status=proposed", "/review?source=" + ids["conf_sources"][0]]
    return urls


def _client(world, who: str) -> tuple[TestClient, dict]:
    client = TestClient(world["app"])
    headers = {}
    if who == "viewer-key":
        headers = {"Authorization": f"Bearer {world['keys']['viewer']}"}
    elif who in ("viewer", "junior"):
        sign_in(client, who)
    elif who == "anonymous-browser":
        client.get("/")
    return client, headers


SEARCH_PAGES_CRAWLED = 120
PRINCIPALS = ["anonymous", "anonymous-browser", "viewer", "viewer-key", "junior"]


@pytest.mark.parametrize("who", PRINCIPALS)
def test_crawl_never_shows_markers(world, who, caplog):
    caplog.set_level(logging.DEBUG)
    client, headers = _client(world, who)
    forbidden_who = "junior" if who == "junior" else "viewer"
    spec = client.get("/openapi.json").json()
    queue = deque(_seed_urls(world, spec))
    seen: set[str] = set()
    searches = 0
    while queue and len(seen) < 2500:
        url = queue.popleft()
        if url in seen:
            continue
        if url.startswith("/search?"):
            # facet links combine without end; every facet and snippet has its own leak test with a
            # positive control (tests/test_search_facets.py), so the crawl samples the first of them
            searches += 1
            if searches > SEARCH_PAGES_CRAWLED:
                continue
        seen.add(url)
        r = client.get(url, headers=headers, follow_redirects=True)
        _check(forbidden_who, "GET", url, r)
        if r.headers.get("content-type", "").startswith("text/html"):
            queue.extend(u for u in _links(r.text) if u not in seen)
    assert len(seen) > 150  # the crawl really went places
    for rec in caplog.records:
        if rec.name.startswith(("httpx", "httpcore")):
            continue  # the test client's own log of the URLs it typed
        msg = rec.getMessage()
        for m in _forbidden(forbidden_who):
            assert m.casefold() not in msg.casefold(), f"log record leaked {m}: {msg[:200]}"


@pytest.mark.parametrize("who", ["anonymous", "viewer", "junior"])
def test_guessed_urls_answer_like_missing_ones(world, who):
    client, headers = _client(world, who)
    ids = world["ids"]
    hidden_sources = ids["conf_sources"] + ([] if who == "junior" else ids["restricted_sources"])
    hidden_claims = ids["conf_claims"] + ([] if who == "junior" else ["c-leak-restr"])
    cases = [(t, s, "src-made-up-0123456789") for s in hidden_sources for t in ("/sources/{}", "/api/sources/{}", "/api/export/claims?source_id={}&format=csv")]
    cases += [(t, c, "c-0000000000000000") for c in hidden_claims for t in ("/api/claims/{}",)]
    cases += [(t, e, "org-made-up-entity") for e in ids["hidden_entities"] for t in ("/entities/{}", "/api/entities/{}", "/api/export/entity/{}", "/api/claims?entity_id={}")]
    for template, real, fake in cases:
        got = client.get(template.format(real), headers=headers)
        missing = client.get(template.format(fake), headers=headers)
        if template.startswith("/api/export/claims"):
            assert got.status_code == 200 and got.text == missing.text, template.format(real)
            continue
        assert got.status_code == missing.status_code == 404, (template.format(real), got.status_code)
        assert got.text.replace(real, "ID") == missing.text.replace(fake, "ID"), template.format(real)


def test_writes_without_clearance_reveal_nothing(world):
    """An analyst cleared for restricted material probes confidential ids through every write."""
    client, _ = _client(world, "junior")
    csrf = csrf_from(client.get("/").text)
    h = {"X-CSRF-Token": csrf}
    ids = world["ids"]
    conf_id = ids["conf_sources"][0]
    conf_claim = "c-leak-wigs"
    hidden_ids = ids["hidden_entities"]
    probes = []

    def probe(method, url, **kw):
        r = client.request(method, url, headers=h, **kw)
        probes.append((method, url, r))
        _check("junior", method, url, r, echoed=[conf_id, conf_claim, hidden_ids[0]])
        return r

    # A claim pointing into the confidential text, with a wrong span, would echo that text.
    r = probe("POST", "/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "x", "source_id": conf_id, "quote": "x", "span": [0, 40]})
    assert r.status_code == 400
    r = probe("POST", "/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "x", "source_id": "src-made-up-0123456789", "quote": "x", "span": [0, 40]})
    assert r.status_code == 400
    # Re-filing the same text must not name the stored source (its id carries its title).
    assert probe("POST", "/api/sources", json={"text": world["conf_text"], "title": "again"}).status_code == 409
    assert probe("POST", "/api/ingest", data={"text": world["ingest_text"], "title": "again"}).status_code == 409
    assert probe("PATCH", f"/api/sources/{conf_id}", json={"sensitivity": "public"}).status_code == 404
    assert probe("DELETE", f"/api/sources/{conf_id}").status_code == 404
    assert probe("PUT", f"/api/claims/{conf_claim}", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "x", "source_id": conf_id}).status_code == 404
    assert probe("DELETE", f"/api/claims/{conf_claim}").status_code == 404
    assert probe("POST", f"/api/claims/{conf_claim}/review", json={"status": "rejected"}).status_code == 404
    assert probe("POST", f"/review/{conf_claim}", data={"decision": "reject", "csrf_token": csrf}).status_code == 404
    hidden = ids["hidden_entities"][0]
    assert probe("POST", f"/api/entities/{hidden}/merge", json={"into": "KP-KHS-001"}).status_code == 404
    assert probe("POST", f"/review/entities/{hidden}/merge", data={"into": "KP-KHS-001", "csrf_token": csrf}).status_code == 404
    assert probe("POST", f"/api/claims/{conf_claim}/edit", json={"value": "x"}).status_code == 404
    # Pointing a public claim at a hidden entity would make that entity visible.
    assert probe("POST", "/api/claims/c-leak-partly/edit", json={"object": hidden}).status_code == 400
    assert probe("POST", f"/api/entities/{ids['partly']}/merge", json={"into": hidden}).status_code == 400
    with world["store"].read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_claim(conf_claim).review.status.value == "proposed"  # nothing changed
        assert r.get_source(conf_id).sensitivity.value == "confidential"
        assert r.get_entity(hidden) is not None
        assert r.get_claim("c-leak-partly").review.status.value == "proposed"
        assert r.get_entity(ids["partly"]) is not None


@pytest.mark.parametrize("who", ["anonymous", "viewer-key", "junior"])
def test_matching_and_screening_hide_entities_proposed_from_hidden_evidence(world, who):
    client, headers = _client(world, who)
    if who == "junior":
        headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    forbidden_who = "junior" if who == "junior" else "viewer"
    names = [f"Trading Co {ENTITY_MARKER}", f"{INGEST_MARKER} Trading Company", "Kaechon prison camp"]
    body = {"queries": {f"q{i}": {"schema": "Company", "properties": {"name": [n]}} for i, n in enumerate(names)}}
    r = client.post("/match/default", json=body, headers=headers)
    assert r.status_code == 200
    results = [res for resp in r.json()["responses"].values() for res in resp["results"]]
    assert all(res["id"] not in world["ids"]["hidden_entities"] for res in results)
    for res in results:  # the query is echoed back in explanations by design; the candidates must not carry a marker
        candidate = repr({k: v for k, v in res.items() if k != "explanations"}) + repr([e.get("candidate") for e in res["explanations"].values()])
        for m in _forbidden(forbidden_who):
            assert m.casefold() not in candidate.casefold(), res["id"]
    csv_text = "name\n" + "\n".join(names) + "\n"
    r = client.post("/api/screen", files={"file": ("names.csv", csv_text.encode(), "text/csv")}, headers=headers)
    assert r.status_code == 202
    st = wait_job(client, r.json()["status_url"], headers=headers)
    assert st["status"] == "done"
    for fmt in ("jsonl", "csv", "html"):
        out = client.get(f"/api/screen/{st['id']}/download?format={fmt}", headers=headers)
        assert out.status_code == 200
        text = out.text
        for n in names:  # the uploaded names come back as the query, in any case
            text = re.sub(re.escape(n), "", text, flags=re.I)
        leaked = [e for e in world["ids"]["hidden_entities"] if e in text]
        assert not leaked, (fmt, leaked)
        for m in _forbidden(forbidden_who):
            assert m.casefold() not in text.casefold(), (fmt, m)


def test_map_status_ignores_hidden_claims(world):
    """The confidential claim that Paekto closed must not turn its public status into 'contested'."""
    client = TestClient(world["app"])
    paekto = [f for f in client.get("/api/facilities").json() if f["id"] == "KP-LTC-PAEKTO"][0]
    assert paekto["status"] == "active" and paekto["points"] == []
    admin = TestClient(world["app"])
    sign_in(admin, "admin")
    paekto = [f for f in admin.get("/api/facilities").json() if f["id"] == "KP-LTC-PAEKTO"][0]
    assert paekto["status"] == "contested"  # the cleared reader does see both sides


def test_cleared_analyst_sees_the_testimony(world):
    """The other side of the rule: with clearance, the same routes do show it (so the crawl tests can fail)."""
    client = TestClient(world["app"])
    sign_in(client, "analyst")
    conf_id = world["ids"]["conf_sources"][0]
    page = client.get(f"/sources/{conf_id}").text
    assert TEXT_MARKER in page and TITLE_MARKER in page
    assert TEXT_MARKER in client.get("/entities/KP-KHS-001").text
    assert ENTITY_MARKER in client.get(f"/api/search?q=Trading Co {ENTITY_MARKER}").text
    assert client.get(f"/entities/{world['ids']['hidden_entities'][0]}").status_code == 200


def test_unexpected_errors_answer_500_and_log_no_text(world, caplog, monkeypatch):
    """An exception whose message quotes stored text must reach neither the caller nor the logs."""
    from tollwatch.app import search as app_search
    from tollwatch.server import views

    def broken(*args, **kwargs):
        raise ValueError(f"source text at [0, 9] is {world['conf_text']!r}")

    monkeypatch.setattr(views, "search", broken)
    monkeypatch.setattr(app_search, "faceted_search", broken)  # the search page's use case
    caplog.set_level(logging.DEBUG)
    client = TestClient(world["app"])
    for url in ("/api/search?q=x", "/search?q=x"):
        r = client.get(url)
        assert r.status_code == 500 and "internal error" in r.text
        _check("viewer", "GET", url, r)
    logged = " ".join(rec.getMessage() + " " + (rec.exc_text or "") for rec in caplog.records)
    assert "ValueError" in logged
    for m in ALL_MARKERS:
        assert m not in logged


def test_visible_proposed_entity_does_not_point_at_hidden_source(world):
    client = TestClient(world["app"])
    partly = world["ids"]["partly"]
    body = client.get(f"/api/entities/{partly}").json()
    assert body["caption"] == "Partly Trading" and "proposed_from" not in body["attributes"]
    admin = TestClient(world["app"])
    sign_in(admin, "admin")
    assert admin.get(f"/api/entities/{partly}").json()["attributes"]["proposed_from"] == world["ids"]["conf_sources"][0]
