"""/trade is computed once per trade-data version (issue 18, finding 8): a second request is
served from the cache, and an import, here or by another process, makes the next one fresh."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.server_support import LiveServer


def _csv(path, rows):
    path.write_text("\n".join(["period,reporter,partner,flow,hs,value_usd", *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def live(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}", load_reference=False)
    with LiveServer(create_app(store=store, secret_key="trade", load_reference=False)) as server:
        yield server, store, tmp_path
    store.close()


def test_the_second_request_is_cached_and_an_import_invalidates_it(live):
    from tollwatch.app.trade import import_file

    server, store, tmp = live
    import_file(store, "tester", _csv(tmp / "a.csv", ["2023-01,CN,KP,M,6704,1000", "2023-02,CN,KP,M,6704,1200"]), "csv")
    with httpx.Client(base_url=server.url, timeout=120) as c:
        first = c.get("/trade")
        started = time.perf_counter()
        second = c.get("/trade")
        cached_s = time.perf_counter() - started
        assert first.status_code == second.status_code == 200
        assert first.headers["X-Tollwatch-Cache"] == "miss" and second.headers["X-Tollwatch-Cache"] == "hit"
        assert second.text == first.text and cached_s < 1.0
        assert c.get("/trade", params={"reporter": "RU"}).headers["X-Tollwatch-Cache"] == "miss"  # another pair

        import_file(store, "tester", _csv(tmp / "b.csv", ["2023-03,CN,KP,M,6704,987654"]), "csv")
        third = c.get("/trade")
        assert third.headers["X-Tollwatch-Cache"] == "miss" and third.text != first.text
        assert c.get("/trade").headers["X-Tollwatch-Cache"] == "hit"
