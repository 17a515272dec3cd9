"""The feature registry: every feature an explanation names is registered and described,
weights change scores, unknown weights are refused by name, and /match takes yente's `weights`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tollwatch.core.errors import InputError
from tollwatch.core.features import ADJUSTABLE, DEFAULT_WEIGHTS, FEATURES, describe, resolve_weights
from tollwatch.core.matching import pair_score

CORE = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "core"
PAIRS = [
    ("Olaf Scholze", "Olaf Scholz", None),
    ("Octavian Olaf", "Olaf Scholz", "Person"),
    ("Fund 8 Holdings", "Fund 9 Holdings", "Company"),
    ("Company 23 Trading", "Company Trading", "Company"),
    ("Daedong Credit Bank", "DCB", "Company"),
    ("Korea Kwangson Banking Co Ltd", "Korea Kwangson Banking GmbH", "Company"),
    ("Jinping Xi", "Jin Ping Xi", "Person"),
    ("김정은", "Kim Jong Un", "Person"),
    ("KOREA MINING DEVELOPMENT TRADIN", "Korea Mining Development Trading Corporation", "Company"),
    ("麥克維爾工業貿易有限公司", "MAKEWELL INDUSTRIAL TRADING CO., LIMITED", "Company"),
]


def test_every_feature_the_scorer_names_is_registered():
    emitted = set()
    for path in ("scoring.py", "matching.py"):
        emitted |= set(re.findall(r'"feature": "(\w+)"', (CORE / path).read_text(encoding="utf-8")))
        emitted |= set(re.findall(r'name = "(\w+)" if', (CORE / path).read_text(encoding="utf-8")))
    emitted |= {"number_missing"}
    assert emitted <= set(FEATURES), emitted - set(FEATURES)
    for a, b, schema in PAIRS:
        for f in pair_score(a, b, schema).features:
            assert f["feature"] in FEATURES
    for f in FEATURES.values():
        assert f.description and f.doc and describe(f.name) == f.description
    assert set(ADJUSTABLE) == {n for n, f in FEATURES.items() if f.weight is not None}


def test_default_weights_are_the_scores():
    for a, b, schema in PAIRS:
        assert pair_score(a, b, schema).score == pair_score(a, b, schema, resolve_weights({})).score
        assert pair_score(a, b, schema).score == pair_score(a, b, schema, resolve_weights(dict(DEFAULT_WEIGHTS))).score


def test_weights_change_the_score():
    base = pair_score("Octavian Olaf", "Olaf Scholz", "Person").score
    assert pair_score("Octavian Olaf", "Olaf Scholz", "Person", resolve_weights({"conflicting_tokens": 0.0})).score > base
    assert pair_score("Olaf Scholze", "Olaf Scholz", None, resolve_weights({"characters": 0.0})).score < pair_score("Olaf Scholze", "Olaf Scholz").score
    as_company = pair_score("Olaf Scholz", "Olaf Scholz", "Person").score
    assert as_company == pair_score("Olaf Scholz", "Olaf Scholz", "Person", resolve_weights({"schema_mismatch": 0.9})).score  # same schema: no effect
    numbered = pair_score("Fund 8 Holdings", "Fund 9 Holdings", "Company")
    assert any(f["feature"] == "numbers_differ" for f in numbered.features)
    assert pair_score("Fund 8 Holdings", "Fund 9 Holdings", "Company", resolve_weights({"numbers_differ": 0.5})).score < numbered.score
    loan = pair_score("麥克維爾工業貿易有限公司", "MAKEWELL INDUSTRIAL TRADING CO., LIMITED", "Company")
    assert any(f["feature"] == "phonetic_loan" for f in loan.features)
    off = pair_score("麥克維爾工業貿易有限公司", "MAKEWELL INDUSTRIAL TRADING CO., LIMITED", "Company", resolve_weights({"phonetic_loan": 0.0}))
    assert off.score < 0.7 <= loan.score and not any(f["feature"] == "phonetic_loan" for f in off.features)


@pytest.mark.parametrize("bad, words", [({"nope": 1.0}, ["'nope'", "is not a feature", "coverage"]), ({"name": 1.0}, ["'name'", "reported, not weighed"]), ({"tokens": float("nan")}, ["'tokens'", "0 to 10"])])
def test_bad_weights_are_refused_by_name(bad, words):
    with pytest.raises(InputError) as err:
        resolve_weights(bad)
    assert err.value.field == "weights" and all(w in str(err.value) for w in words)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("features")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        app = create_app(store=store, secret_key="test-secret")
        yield TestClient(app)
        store.close()


QUERY = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corporation Ltd"]}}}}


def test_match_weights_change_scores_and_explanations_are_described(client):
    plain = client.post("/match/default", json=QUERY).json()["responses"]["q"]["results"]
    assert plain
    for res in plain:
        for name, expl in res["explanations"].items():
            assert expl["description"] == FEATURES[name].description
    heavy = client.post("/match/default", json={**QUERY, "weights": {"characters": 0.0, "coverage": 0.2}}).json()["responses"]["q"]["results"]
    by_id = {r["id"]: r["score"] for r in heavy}
    assert any(by_id.get(r["id"]) is not None and by_id[r["id"]] < r["score"] for r in plain)


def test_match_unknown_weight_is_a_clear_400(client):
    r = client.post("/match/default", json={**QUERY, "weights": {"name_literal_match": 1.0}})
    assert r.status_code == 400
    assert "name_literal_match" in r.text and "weights" in r.text


def test_docs_list_the_accepted_weights():
    doc = (CORE.parents[2] / "docs" / "server.md").read_text(encoding="utf-8")
    table = doc[doc.index("<!-- features:start"):doc.index("<!-- features:end")]
    listed = dict(re.findall(r"^\| `(\w+)` \| ([\d.—]+) \|", table, flags=re.M))
    assert set(listed) == set(FEATURES)
    assert {n for n, w in listed.items() if w != "—"} == set(ADJUSTABLE)
    assert all(float(listed[n]) == DEFAULT_WEIGHTS[n] for n in ADJUSTABLE)
