"""A merge never makes restricted names public (issue 18, finding 2).

An analyst cleared for confidential sources merges an entity proposed from a confidential
testimony into a public one. The proposed entity's names keep the testimony's sensitivity:
anonymous visitors and a restricted analyst find them on no page, API answer, search,
/match result, screening download or export; the cleared analyst does (the positive control).
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, csrf_from, sign_in, wait_job
from tollwatch.core.model import Sensitivity

RUN = uuid.uuid4().hex[:8].upper()
ALIAS = f"Qzmergealias{RUN}"
PUBLIC_ID = "org-public-buyer-" + RUN.lower()
PUBLIC_NAME = "Pyoljin Holdings"
PROPOSED_ID = "org-proposed-" + RUN.lower()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("merge_sensitivity")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import make_source, open_store
        from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        text = f"The witness said the wigs went to {ALIAS}, a buyer in Dandong."
        conf = make_source(text, title="Testimony", kind="testimony", sensitivity="confidential", grade="B")
        quote = f"the wigs went to {ALIAS}"
        start = text.index(quote)
        with store.begin("tester") as tx:
            tx.add_source(conf)
            tx.upsert_entity(Entity(PUBLIC_ID, EntityKind.ORGANIZATION, PUBLIC_NAME, names=[Name.of(PUBLIC_NAME)]))
            tx.upsert_entity(Entity(PROPOSED_ID, EntityKind.ORGANIZATION, ALIAS, names=[Name.of(ALIAS)],
                                    attributes={"proposed_from": conf.id, "roles": ["buyer"]}, is_new=True))
            tx.add_claim(Claim("c-merge-buyer", PROPOSED_ID, Predicate.REPORTED_ROLE,
                               Evidence(conf.id, quote, (start, start + len(quote)), Method.HUMAN, 1.0), value="buyer"))
        app = create_app(store=store, secret_key="merge-test-secret")
        analyst = TestClient(app)
        sign_in(analyst, "analyst")
        csrf = csrf_from(analyst.get("/").text)
        r = analyst.post(f"/api/entities/{PROPOSED_ID}/merge", json={"into": PUBLIC_ID}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        yield {"app": app, "store": store, "keys": keys}
        store.close()


def _client(world, who: str) -> TestClient:
    client = TestClient(world["app"])
    if who != "anonymous":
        sign_in(client, who)
    return client


def _csrf(client: TestClient) -> dict[str, str]:
    """A signed-in browser sends its CSRF token; an anonymous caller has none to send."""
    page = client.get("/").text
    return {"X-CSRF-Token": csrf_from(page)} if 'name="csrf_token"' in page else {}


def _match_results(client: TestClient, name: str) -> list[dict]:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}}
    r = client.post("/match/default", json=body, headers=_csrf(client))
    assert r.status_code == 200, r.text
    return r.json()["responses"]["q"]["results"]


def _screening_download(client: TestClient, name: str) -> str:
    headers = _csrf(client)
    r = client.post("/api/screen", files={"file": ("n.csv", f"name\n{name}\n".encode(), "text/csv")}, headers=headers)
    assert r.status_code == 202, r.text
    st = wait_job(client, r.json()["status_url"], headers=headers)
    assert st["status"] == "done", st
    return client.get(f"/api/screen/{st['id']}/download?format=jsonl", headers=headers).text


def _surfaces(client: TestClient) -> dict[str, bool]:
    """Where the alias shows for this client (True: the alias, or the entity by it, is there)."""
    matches = _match_results(client, ALIAS)
    screened = _screening_download(client, ALIAS)
    searched = client.get(f"/api/search?q={ALIAS}").json()
    return {
        "page": ALIAS in client.get(f"/entities/{PUBLIC_ID}").text,
        "api": ALIAS in client.get(f"/api/entities/{PUBLIC_ID}").text,
        "export": ALIAS in client.get(f"/api/export/entity/{PUBLIC_ID}").text,
        "search": PUBLIC_ID in repr(searched),
        "match": any(m["id"] == PUBLIC_ID and m["match"] for m in matches),
        "match names": ALIAS in repr([{k: v for k, v in m.items() if k != "explanations"} for m in matches])
        + repr([e.get("candidate") for m in matches for e in m["explanations"].values()]),
        "screening": PUBLIC_ID in screened and screened.count(ALIAS) > 1,  # the query echoes it once
    }


def test_the_merged_alias_is_on_every_surface_for_the_cleared_analyst(world):
    seen = _surfaces(_client(world, "analyst"))
    assert all(seen.values()), seen


@pytest.mark.parametrize("who", ["anonymous", "junior", "viewer"])
def test_the_merged_alias_is_on_no_surface_without_clearance(world, who):
    client = _client(world, who)
    seen = _surfaces(client)
    assert not any(seen.values()), seen
    # Positive control on the same surfaces: the public entity itself is there, by its public name.
    assert PUBLIC_NAME in client.get(f"/entities/{PUBLIC_ID}").text
    assert any(m["id"] == PUBLIC_ID and m["match"] for m in _match_results(client, PUBLIC_NAME))
    assert PUBLIC_ID in client.get(f"/api/search?q={PUBLIC_NAME}").text


def test_exports_and_store_readers_follow_the_names_clearance(world, tmp_path):
    from tollwatch.app.export import export_graph, export_lines

    store = world["store"]
    out = tmp_path / "graph.ftm.json"
    export_graph(store, out, "ftm")
    assert PUBLIC_NAME in out.read_text() and ALIAS not in out.read_text()
    export_graph(store, out, "jsonl", include_restricted=True)
    assert ALIAS not in out.read_text()
    assert ALIAS in "\n".join(export_lines(store, "jsonl", Sensitivity.CONFIDENTIAL))
    for clearance, shown in ((Sensitivity.PUBLIC, False), (Sensitivity.RESTRICTED, False), (Sensitivity.CONFIDENTIAL, True)):
        with store.read(clearance) as r:
            names = [n.value for n in r.get_entity(PUBLIC_ID).names]
            assert (ALIAS in names) is shown and PUBLIC_NAME in names
            assert bool(r.find_entities(ALIAS)) is shown
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        [alias] = [n for n in r.get_entity(PUBLIC_ID).names if n.value == ALIAS]
    assert alias.sensitivity == Sensitivity.CONFIDENTIAL and alias.source_id is not None


def test_a_later_update_keeps_the_names_sensitivity(world):
    """Writing the entity again (a curation edit) must not launder the alias into a public name."""
    store = world["store"]
    with store.begin("tester") as tx:
        tx.upsert_entity(tx.get_entity(PUBLIC_ID))
    with store.read(Sensitivity.PUBLIC) as r:
        assert ALIAS not in [n.value for n in r.get_entity(PUBLIC_ID).names]
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert ALIAS in [n.value for n in r.get_entity(PUBLIC_ID).names]
