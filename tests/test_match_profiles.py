"""The yente-compatible `/match` gives one result per profile (issue 13), over real HTTP.

A real uvicorn server on a real SQLite store holding the bundled OFAC and UN lists: before the
judgement, KOREA RYONBONG GENERAL CORPORATION takes two result slots (OFAC's and the UN's
record); once the pair is judged `same`, one result with the profile's canonical id, both lists
in `datasets` and `memberships` (with list id and dates), and the other record in `referents`.
"""

from __future__ import annotations

import httpx
import pytest

from tests.server_support import LiveServer

UN_ID, OFAC_ID = "un_sc_sanctions-KPe.002", "us_ofac_sdn-9347"
QUERY = {"queries": {"q": {"schema": "Company", "properties": {"name": ["KOREA RYONBONG GENERAL CORPORATION"]}}}}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("match_profiles")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        app = create_app(store=store, secret_key="test-secret")
        app.state.tw.prepared.get()  # load the bundled lists, as `serve` does at start
        with LiveServer(app) as server:
            yield store, server
        store.close()


def _ryonbong(server) -> list[dict]:
    r = httpx.post(f"{server.url}/match/default", params={"limit": 5}, json=QUERY, timeout=120)
    assert r.status_code == 200, r.text
    return [x for x in r.json()["responses"]["q"]["results"] if x["caption"].upper().startswith("KOREA RYONBONG")]


def test_match_folds_a_judged_profile_into_one_result(live):
    from tollwatch.app.resolution import judge_pair

    store, server = live
    before = _ryonbong(server)
    assert {UN_ID, OFAC_ID} <= {x["id"] for x in before}  # two records, two slots
    assert all(x["referents"] == [] and len(x["datasets"]) == 1 for x in before)

    judge_pair(store, "ana", UN_ID, OFAC_ID, "same", note="same name, both DPRK")
    [hit] = [x for x in _ryonbong(server) if x["id"] in (UN_ID, OFAC_ID)]
    assert hit["id"] == UN_ID and hit["referents"] == [OFAC_ID]
    assert set(hit["datasets"]) == {"un_sc_sanctions", "us_ofac_sdn"}
    by_list = {m["dataset"]: m for m in hit["memberships"]}
    assert by_list["un_sc_sanctions"]["list_id"] == "KPe.002" and by_list["us_ofac_sdn"]["list_id"] == "9347"
    assert by_list["un_sc_sanctions"]["listed_on"] == "2009-04-24"
    assert all(m["snapshot_date"] for m in hit["memberships"])
    assert by_list["us_ofac_sdn"]["program"] == ["NPWMD"]
    assert hit["score"] >= 0.99 and hit["match"] is True

    # yente's exclude_entity_ids names the profile by any member id.
    r = httpx.post(f"{server.url}/match/default", params={"exclude_entity_ids": OFAC_ID}, json=QUERY, timeout=120)
    assert UN_ID not in {x["id"] for x in r.json()["responses"]["q"]["results"]}
