"""`/match` answers what it answered before the request path was made faster (issue 19).

The bodies in tests/data/match_golden.json were recorded with the code before that work
(`TOLLWATCH_WRITE_GOLDEN=1` rewrites them): the bundled lists, a proposed company the public
may not see, and a judged profile (two records, one result), asked in single and batched
requests with yente's query parameters, a query without a name, and an anonymous caller.
Scores are compared to 4 decimals (what issue 19 promises the index keeps); everything
else, keys and order included, must be equal. The headers an API client gets are checked too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from screening_support import fresh_db

from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Name, Predicate, Review, ReviewStatus, Source
from tollwatch.store.repository import Store

GOLDEN = Path(__file__).parent / "data" / "match_golden.json"
NAMES = ["Korea Kwangson Banking Corp", "KOREA RYONBONG GENERAL CORPORATION", "Jang Pom Su", "Liaoning Goldleaf",
         "조선광업무역회사", "Korea Kwangson Bankng Corp", "Kim Jong Un"]
CASES: list[tuple[str, dict, dict]] = [
    ("single", {}, {"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [NAMES[0]]}}}}),
    ("batch", {"limit": 3}, {"queries": {f"q{i}": {"schema": "LegalEntity", "properties": {"name": [n]}} for i, n in enumerate(NAMES)}}),
    ("profile", {"limit": 5}, {"queries": {"q": {"schema": "Company", "properties": {"name": [NAMES[1]], "alias": ["Ryonbong"]}}}}),
    ("params", {"threshold": 0.5, "cutoff": 0.6, "exclude_schema": ["Vessel"], "include_dataset": ["un_sc_sanctions", "gb_hmt_sanctions"],
                "exclude_entity_ids": ["gb_hmt_sanctions-10893"]},
     {"queries": {"a": {"schema": "Thing", "properties": {"name": "Korea Ryonbong"}}, "b": {"schema": "Person", "properties": {"firstName": ["Pom Su"], "lastName": ["Jang"]}}}}),
    ("no-name", {}, {"queries": {"x": {"schema": "Person", "properties": {"country": ["kp"]}}, "y": {"properties": {"name": [NAMES[2]], "birthDate": ["1960"]}}}}),
    ("weights", {"algorithm": "logic-v1"}, {"queries": {"q": {"properties": {"name": [NAMES[5]]}}}, "weights": {}}),
]
SOURCE_TEXT = "Kaechon placed orders with Liaoning Goldleaf for wigs in 2019 (a seeded test sentence)."


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from tollwatch.app.resolution import judge_pair

    store = Store(fresh_db(tmp_path_factory.mktemp("match_golden")))
    with store.begin("analyst") as tx:
        tx.add_source(Source(id="src-goldleaf", title="Orders", text=SOURCE_TEXT, url="https://example.org/goldleaf"))
        tx.upsert_entity(Entity(id="org-new-goldleaf", kind=EntityKind.ORGANIZATION, caption="Liaoning Goldleaf",
                                names=[Name.of("Liaoning Goldleaf")], attributes={"proposed_from": "src-goldleaf"}, is_new=True))
        tx.add_claim(Claim(id="cl-goldleaf", subject_id="org-new-goldleaf", predicate=Predicate.CONTRACTS_WITH, object_id="org-new-goldleaf",
                           evidence=Evidence("src-goldleaf", SOURCE_TEXT[:7], (0, 7)), review=Review(ReviewStatus.PROPOSED)))
    judge_pair(store, "ana", "un_sc_sanctions-KPe.002", "us_ofac_sdn-9347", "same", note="same name, both DPRK")
    from tollwatch.server.app import create_app

    yield TestClient(create_app(store=store, secret_key="golden-secret"))
    store.close()


def _rounded(x):
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def _ask(client, params: dict, body: dict):
    r = client.post("/match/default", params=params, json=body)
    assert r.status_code == 200, r.text
    return r


def test_match_bodies_are_the_recorded_ones(client):
    got = {name: _ask(client, params, body).json() for name, params, body in CASES}
    if os.environ.get("TOLLWATCH_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert any(r["results"] for r in want["batch"]["responses"].values()), "positive control: the lists match"
    for name, _, _ in CASES:
        assert json.dumps(_rounded(got[name]), ensure_ascii=False) == json.dumps(_rounded(want[name]), ensure_ascii=False), name


def test_match_headers_for_an_api_client(client):
    r = _ask(client, *CASES[0][1:])
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
    assert "set-cookie" not in r.headers and "content-security-policy" not in r.headers
    assert int(r.headers["content-length"]) == len(r.content)


def test_match_refuses_what_it_refused(client):
    assert client.post("/match/default", params={"algorithm": "nope"}, json={"queries": {}}).status_code == 400
    assert client.post("/match/nowhere", json={"queries": {}}).status_code == 404
    assert client.post("/match/default", params={"limit": 0}, json={"queries": {}}).status_code == 422
    assert client.post("/match/default", json={"queries": {"q": {"properties": {"name": 5}}}}).status_code == 422
    bad = client.post("/match/default", headers={"Authorization": "Bearer tw_not-a-key"}, json={"queries": {}})
    assert bad.status_code == 401 and bad.json() == {"detail": "invalid API key"}
