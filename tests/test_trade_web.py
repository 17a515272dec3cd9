"""Trade statistics imported in the web app (real app, real SQLite, TestClient): the CLI's
layouts, analysts only, a one-line error that stores nothing, charts drawn only with data."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, csrf_from, sign_in

FIXTURE = Path(__file__).parent / "fixtures" / "trade_comtrade_cn_kp_synthetic.csv"


@pytest.fixture()
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    add_users(store)
    yield TestClient(create_app(store=store, secret_key="test-secret"))
    store.close()


def _post(client, name: str, data: bytes, layout: str = "auto"):
    token = csrf_from(client.get("/screen").text)  # the session's token (an anonymous /trade has no form)
    return client.post("/trade/import", data={"csrf_token": token, "layout": layout, "reporter": "CN", "partner": "KP"},
                       files={"file": (name, data, "text/csv")})


def test_empty_page_draws_no_empty_chart_and_says_what_to_import(client):
    html = client.get("/trade").text
    assert html.count("data:image/svg+xml;base64,") == 1  # only the bundled reference figures
    assert "Charts not drawn: no data yet" in html and "Import monthly statistics for CN-KP" in html
    assert "action=\"/trade/import\"" not in html and "signing in" in html  # anonymous: no import form


def test_analyst_imports_a_comtrade_file_and_the_charts_appear(client):
    assert _post(client, "x.csv", FIXTURE.read_bytes()).status_code in (401, 403)
    sign_in(client, "analyst")
    r = _post(client, FIXTURE.name, FIXTURE.read_bytes())
    assert r.status_code == 200
    html = r.text
    assert "Imported trade_comtrade_cn_kp_synthetic.csv (comtrade layout): 40 new records" in html
    assert html.count("data:image/svg+xml;base64,") == 5  # exposure has no data: not drawn
    assert "re-export exposure" in html and "2023-08" in html  # the gap's sentence; the surge
    assert "9 of 12 months" in html and "11 of 12 months" in html and "this month imported" in html  # 2022 from April, 2023 to November
    assert "nothing imported" in html  # reference figures of years not imported
    again = _post(client, FIXTURE.name, FIXTURE.read_bytes())
    assert "0 new records, 40 already stored" in again.text


def test_a_bad_row_stops_the_import_with_its_line_and_nothing_stored(client):
    sign_in(client, "analyst")
    bad = b"period,reporter,partner,flow,hs,value_usd\n2023-01,CN,KP,M,6704,100\n2023-02,CN,KP,M,6704,ten\n"
    r = _post(client, "mine.csv", bad)
    assert r.status_code == 400
    assert "mine.csv:3: value_usd:" in r.text and "nothing was stored" in r.text and "/tmp" not in r.text
    assert "0 imported records" in client.get("/trade").text
