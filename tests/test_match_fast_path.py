"""The fast /match path (issue 19): the store's write counter decides freshness in one integer
comparison, hidden-entity sets are kept per store version, and the batched, orjson-serialized
/match answers exactly what the matcher itself scores, to 4 decimals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_graph_in_screening import seeded

from tollwatch.app import screen as app_screen
from tollwatch.app import visibility
from tollwatch.app.screen import PreparedCache
from tollwatch.core.model import ReviewStatus, Sensitivity
from tollwatch.server.app import create_app

NAMES = ["Korea Kwangson Banking Corp", "Jang Pom Su", "Kaechon", "Liaoning Goldleaf", "조선광업무역회사", "Korea Mining Development"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = seeded(tmp_path_factory.mktemp("fast_match"))
    yield s
    s.close()


def test_every_write_transaction_bumps_the_counter_and_a_read_does_not(store):
    before = store.version()
    with store.read(Sensitivity.PUBLIC) as r:
        r.list_entities(dataset="tollwatch")
    assert store.version() == before
    with store.begin("tester") as tx:
        tx.record_audit("touch", "test", "x")
    assert store.version() == before + 1


def test_the_cache_digests_only_after_a_write_and_rebuilds_only_when_the_index_inputs_change(store, monkeypatch):
    cache = PreparedCache(store)
    first = cache.get()
    calls = []
    real = app_screen._fingerprint
    monkeypatch.setattr(app_screen, "_fingerprint", lambda s: calls.append(1) or real(s))
    assert cache.get() is first and calls == [], "no write: one integer comparison, no digest"
    with store.begin("tester") as tx:  # a write outside what the index reads (like a proposal upload)
        tx.record_audit("touch", "test", "y")
    assert cache.get() is first and len(calls) == 1, "a write: digested once, the index kept"
    assert cache.get() is first and len(calls) == 1
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-goldleaf", ReviewStatus.ACCEPTED)
    assert cache.get() is not first, "an accepted claim changes what the index reads: rebuilt"


def test_hidden_ids_are_kept_per_version_and_follow_a_write(store, monkeypatch):
    cache = PreparedCache(store)
    cache.hidden(Sensitivity.PUBLIC)
    calls = []
    real = visibility.hidden_entity_ids
    monkeypatch.setattr(visibility, "hidden_entity_ids", lambda r: calls.append(1) or real(r))
    cache.hidden(Sensitivity.PUBLIC)
    assert calls == []
    with store.begin("tester") as tx:
        tx.record_audit("touch", "test", "z")
    assert cache.hidden(Sensitivity.PUBLIC) == frozenset(_real_ids(store, real)) and calls == [1]


def _real_ids(store, hidden_entity_ids) -> set[str]:
    with store.read(Sensitivity.PUBLIC) as r:
        return hidden_entity_ids(r)


def _reference(store, name: str, limit: int = 5, threshold: float = 0.7) -> list[tuple[str, float]]:
    """What the matcher itself finds for `name`, through the uncached visibility path."""
    from tollwatch.app.screening import prepare

    prepared = visibility.visible_prepared(store, prepare(store), Sensitivity.PUBLIC)
    found = prepared.matcher(threshold).match(name, None, limit=limit + 5, datasets=frozenset(prepared.index.datasets), threshold=threshold)
    best: dict[str, float] = {}
    for m in found:
        d = m.as_dict()
        best[d["entity_id"]] = max(best.get(d["entity_id"], -1.0), d["score"])
    return sorted(((i, round(s, 4)) for i, s in best.items()), key=lambda x: (-x[1], x[0]))[:limit]


def test_a_batched_match_answers_what_the_matcher_scores_to_4_decimals(store):
    client = TestClient(create_app(store=store))
    queries = {f"q{i}": {"schema": "LegalEntity", "properties": {"name": [n]}} for i, n in enumerate(NAMES)}
    batched = client.post("/match/default", json={"queries": queries})
    assert batched.status_code == 200 and batched.headers["content-type"].startswith("application/json")
    responses = batched.json()["responses"]
    assert any(responses[k]["results"] for k in responses), "positive control: some query matches"
    for i, name in enumerate(NAMES):
        got = sorted(((r["id"], round(r["score"], 4)) for r in responses[f"q{i}"]["results"]), key=lambda x: (-x[1], x[0]))
        assert got == _reference(store, name), name
        alone = client.post("/match/default", json={"queries": {"q": queries[f"q{i}"]}}).json()["responses"]["q"]
        assert alone["results"] == responses[f"q{i}"]["results"], "batching changes nothing"
