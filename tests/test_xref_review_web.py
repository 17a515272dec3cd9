"""The web review queue for xref candidate pairs, against a real uvicorn server and SQLite:
analysts see the pairs and judge them (the same use case as `tollwatch xref review`);
viewers and anonymous readers cannot."""

from __future__ import annotations

import httpx
import pytest

from tests.server_support import LiveServer, add_users, csrf_from, sign_in
from tests.test_resolution import _list_records
from tollwatch.core.model import Sensitivity


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xref_web")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        _list_records(store)
        keys = add_users(store)
        app = create_app(store=store, secret_key="xref-web-secret")
        with LiveServer(app) as live:
            yield {"store": store, "keys": keys, "url": live.url}
        store.close()


def _client(env):
    return httpx.Client(base_url=env["url"], timeout=120)


def test_anonymous_and_viewer_are_refused(env):
    with _client(env) as c:
        assert c.get("/review/pairs", follow_redirects=False).headers["location"].startswith("/login")
        csrf = sign_in(c, "viewer")
        assert c.get("/review/pairs").status_code == 403
        r = c.post("/review/pairs/judge", data={"left_id": "us_ofac_sdn-99", "right_id": "un_sc_sanctions-KPi.022", "judgement": "same", "csrf_token": csrf})
        assert r.status_code == 403
    from tollwatch.app.resolution import list_judgements

    with env["store"].read(Sensitivity.PUBLIC) as r:
        assert list_judgements(r) == []


def test_analyst_judges_a_pair_from_the_queue(env):
    from tollwatch.app.resolution import list_judgements, resolve_id

    with _client(env) as c:
        sign_in(c, "analyst")
        page = c.get("/review/pairs").text
        # The pending pair is shown with its evidence; the UN-ref pair an automatic rule decides is not.
        assert "KIM, Kyu Chol" in page and "birth_date differs" in page
        assert page.count('class="claim review-pair"') == 1
        csrf = csrf_from(page)
        bad = c.post("/review/pairs/judge", data={"left_id": "un_sc_sanctions-KPi.022", "right_id": "us_ofac_sdn-99", "judgement": "same", "csrf_token": "forged"})
        assert bad.status_code == 403
        r = c.post("/review/pairs/judge", data={"left_id": "un_sc_sanctions-KPi.022", "right_id": "us_ofac_sdn-99", "judgement": "different", "note": "other DOB", "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/review/pairs?done=different"
        after = c.get(r.headers["location"]).text
        assert "Judged different." in after and "KIM, Kyu Chol" not in after
    with env["store"].read(Sensitivity.PUBLIC) as r:
        [j] = list_judgements(r)
        assert (j.judgement.value, j.actor, j.note) == ("different", "analyst", "other DOB")
        assert resolve_id(r, "us_ofac_sdn-99") == "us_ofac_sdn-99"


def test_the_pair_queue_is_computed_once_per_store_version_in_the_background(tmp_path):
    """Computing the queue takes minutes on the bundled lists, so the page asks a cache: the
    first answer comes back at once saying it is being computed; later answers for the same
    store version are the same queue, not a new computation; a judgement (a write) starts a new
    one, and the pair judged is never shown again, whether the new queue is ready or not."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.pairs_queue import PairsQueue
    from tollwatch.app.resolution import judge_pair

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    _list_records(store)
    queue = PairsQueue(store, limit=50)
    first = queue.answer(Sensitivity.PUBLIC, None, wait_s=0)
    assert first.result is None and first.computing_since is not None
    ready = queue.answer(Sensitivity.PUBLIC, None, wait_s=120)
    assert ready.result is not None and not ready.provisional
    pair = {(c["left_id"], c["right_id"]) for c in ready.result["candidates"]}
    assert ("un_sc_sanctions-KPi.022", "us_ofac_sdn-99") in pair or ("us_ofac_sdn-99", "un_sc_sanctions-KPi.022") in pair
    assert queue.answer(Sensitivity.PUBLIC, None, wait_s=0).result is ready.result  # cached, not recomputed
    judge_pair(store, "analyst", "us_ofac_sdn-99", "un_sc_sanctions-KPi.022", "different")
    queue.judged("us_ofac_sdn-99", "un_sc_sanctions-KPi.022")
    after = queue.answer(Sensitivity.PUBLIC, None, wait_s=0)
    assert after.result is not ready.result
    assert not any({c["left_id"], c["right_id"]} == {"us_ofac_sdn-99", "un_sc_sanctions-KPi.022"} for c in after.result["candidates"])
    settled = queue.answer(Sensitivity.PUBLIC, None, wait_s=120)
    assert not settled.provisional and settled.result["pending"] == ready.result["pending"] - 1
    store.close()


def test_the_pair_page_keeps_to_the_lists_asked_for(env):
    """`?dataset=` (repeatable) keeps the pairs between those lists: asking for a list the pair is
    not on shows none (the parameter was once read as a request body and silently ignored)."""
    with _client(env) as c:
        sign_in(c, "analyst")
        both = c.get("/review/pairs?dataset=us_ofac_sdn&dataset=un_sc_sanctions").text
        other = c.get("/review/pairs?dataset=gb_hmt_sanctions&dataset=us_ofac_sdn").text
    assert "No pair waits for review." in other and 'class="claim review-pair"' not in other
    assert "No pair waits for review." in both or 'class="claim review-pair"' in both


def test_the_pair_queue_keeps_few_list_choices_and_reads_them_in_any_order(tmp_path):
    """Each choice of lists costs a scan, so only MAX_KEYS are kept; the same lists in another
    order or repeated are the same queue, not another scan."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.pairs_queue import MAX_KEYS, PairsQueue

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    _list_records(store)
    queue = PairsQueue(store, limit=50)
    first = queue.answer(Sensitivity.PUBLIC, ["us_ofac_sdn", "un_sc_sanctions"], wait_s=120)
    again = queue.answer(Sensitivity.PUBLIC, ["un_sc_sanctions", "us_ofac_sdn", "un_sc_sanctions"], wait_s=0)
    assert again.result is first.result
    for i in range(MAX_KEYS + 3):
        queue.answer(Sensitivity.PUBLIC, [f"list_{i}"], wait_s=120)
    assert len(queue._entries) <= MAX_KEYS and len(queue._shown) <= MAX_KEYS
    store.close()
