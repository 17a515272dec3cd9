"""Only real calendar dates enter, at any ISO precision, whatever the way in:
the model, claims, sources (CLI and API), FtM import, sanctions lists and trade periods."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users
from tollwatch.core.model import ModelError, parse_date
from tollwatch.core.trade import TradeDataError, parse_period

BAD = ["2024-13-01", "2024-02-30", "2023-02-29", "2024-00", "2024-04-31", "0000-00-00"]
GOOD = ["2024", "2024-02", "2024-02-29", "2000-02-29", "1999-12-31"]


@pytest.mark.parametrize("value", BAD)
def test_parse_date_refuses_impossible_dates(value):
    with pytest.raises(ModelError, match="date"):
        parse_date(value)


@pytest.mark.parametrize("value", GOOD)
def test_parse_date_keeps_real_dates_at_their_precision(value):
    assert parse_date(value) == value


@pytest.mark.parametrize("value", ["2024-13", "202400", "2024-00"])
def test_trade_periods_are_real_months(value):
    with pytest.raises(TradeDataError):
        parse_period(value)


def _note(tmp_path, text="A note about Kaechon, for the date tests."):
    p = tmp_path / "note.txt"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30"])
def test_cli_sources_add_and_edit_refuse_impossible_dates(cli, tmp_path, value):
    r = cli("sources", "add", str(_note(tmp_path)), "--date", value, expect=None)
    assert r.exit_code != 0 and "date" in r.output and len(r.output.strip().splitlines()) == 1
    sid = cli.json("sources", "add", str(_note(tmp_path)), "--date", "2024-02-29", "--format", "json")["source_id"]
    r = cli("sources", "edit", sid, "--date", value, expect=None)
    assert r.exit_code != 0 and "date" in r.output


def test_cli_claim_period_refuses_impossible_dates(cli, tmp_path):
    sid = cli.json("sources", "add", str(_note(tmp_path)), "--format", "json")["source_id"]
    line = {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid,
            "period": {"start": "2024-02-30", "end": None}}
    (tmp_path / "c.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    r = cli("claims", "add", str(tmp_path / "c.jsonl"), expect=None)
    assert r.exit_code != 0 and "period.start" in r.output and ":1" in r.output


def test_ftm_import_refuses_a_source_with_an_impossible_date(cli, tmp_path):
    record = {"id": "s-bad-date", "schema": "PlainText", "properties": {"title": ["t"]},
              "tollwatch": {"record": "source", "id": "s-bad-date", "title": "t", "kind": "news", "date": "2024-13-01",
                            "sensitivity": "public", "text": "some text"}}
    path = tmp_path / "in.ftm.json"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    r = cli("import", str(path), expect=None)
    assert r.exit_code != 0 and "date" in r.output and "in.ftm.json" in r.output
    assert "s-bad-date" not in cli("sources", "list").output


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30"])
def test_list_import_refuses_an_impossible_snapshot_date(cli, tmp_path, value):
    path = tmp_path / "list.csv"
    path.write_text("name,country\nKorea Example Trading Co,kp\n", encoding="utf-8")
    r = cli("lists", "import", "--format", "csv", "--snapshot-date", value, str(path), expect=None)
    assert r.exit_code != 0 and "snapshot" in r.output and "calendar" in r.output and len(r.output.strip().splitlines()) == 1


def test_ofac_xml_dated_on_no_real_day_is_refused(cli, tmp_path):
    path = tmp_path / "sdn.xml"
    path.write_text(
        '<?xml version="1.0"?><sdnList><publshInformation><Publish_Date>02/30/2025</Publish_Date></publshInformation>'
        "<sdnEntry><uid>1</uid><lastName>KOREA EXAMPLE CORP</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>",
        encoding="utf-8",
    )
    r = cli("lists", "import", "--format", "ofac-xml", str(path), expect=None)
    assert r.exit_code != 0 and "snapshot_date" in r.output and "sdn.xml" in r.output


def test_api_refuses_impossible_source_dates(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(cli.db_url)
    try:
        keys = add_users(store)
        client = TestClient(create_app(store=store, secret_key="test-secret"))
        auth = {"Authorization": f"Bearer {keys['analyst']}"}
        for value in ("2024-13-01", "2024-02-30"):
            r = client.post("/api/sources", json={"text": f"Date test {value}.", "title": "t", "date": value}, headers=auth)
            assert r.status_code in (400, 422), r.text
            assert "date" in r.text
        r = client.post("/api/sources", json={"text": "Date test ok.", "title": "t", "date": "2024-02-29"}, headers=auth)
        assert r.status_code == 201, r.text
        sid = r.json()["source_id"] if "source_id" in r.json() else r.json()["id"]
        r = client.patch(f"/api/sources/{sid}", json={"date": "2024-02-30"}, headers=auth)
        assert r.status_code in (400, 422) and "date" in r.text
    finally:
        store.close()
