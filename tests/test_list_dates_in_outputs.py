"""Every screening output names each list's snapshot date and flags old ones (issue 14, item 2).

The bundled OFAC snapshot is of 2024-05-03, so today it is stale under the default 30 days,
and not stale with --max-list-age 100000: each output is checked both ways.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from screening_support import fresh_db

from tests.server_support import wait_job

OFAC = "us_ofac_sdn"
ROWS = "name\nKorea Kwangson Banking Corp\nAcme Garden Furniture GmbH\n"


def screen(tmp_path, fmt: str, *extra: str) -> tuple:
    from tollwatch.cli.main import cli

    db = tmp_path / "tollwatch.db"
    if not db.exists():
        fresh_db(tmp_path)
    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{db}", "screen", str(src), "--list", OFAC, "--format", fmt, "-o", str(out), *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.stderr


def test_jsonl_rows_each_name_the_lists_and_their_age(tmp_path):
    out, _ = screen(tmp_path, "jsonl")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2
    for row in rows:  # the row without a match names its lists too
        assert list(row["lists"]) == [OFAC]
        entry = row["lists"][OFAC]
        assert entry["snapshot_date"] == "2024-05-03" and entry["stale"] is True and entry["age_days"] > 900
    out, _ = screen(tmp_path, "jsonl", "--max-list-age", "100000")
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["lists"][OFAC]["stale"] is False


def test_csv_has_a_lists_column_on_every_row(tmp_path):
    out, _ = screen(tmp_path, "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and all(r["lists_screened"].startswith(f"{OFAC} 2024-05-03 (STALE: ") for r in rows)
    out, _ = screen(tmp_path, "csv", "--max-list-age", "100000")
    assert {r["lists_screened"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))} == {f"{OFAC} 2024-05-03"}


def test_xlsx_lists_sheet_gives_date_age_and_staleness(tmp_path):
    out, _ = screen(tmp_path, "xlsx")
    sheet = load_workbook(out)["lists"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["dataset", "snapshot_date", "age_days", "stale"]
    assert rows[0][:2] == [OFAC, "2024-05-03"] and rows[0][2] > 900 and rows[0][3] == "STALE"
    out, _ = screen(tmp_path, "xlsx", "--max-list-age", "100000")
    assert [r for r in load_workbook(out)["lists"].iter_rows(values_only=True)][1][3] == "current"


def test_html_report_warns_on_stale_lists(tmp_path):
    out, _ = screen(tmp_path, "html")
    html = out.read_text(encoding="utf-8")
    assert "snapshot 2024-05-03" in html and 'class="warning" role="alert"' in html and "STALE: older than 30 days" in html
    out, _ = screen(tmp_path, "html", "--max-list-age", "100000")
    html = out.read_text(encoding="utf-8")
    assert "snapshot 2024-05-03" in html and "STALE" not in html and 'class="warning"' not in html


def test_cli_summary_names_dates_and_warns(tmp_path):
    _, err = screen(tmp_path, "jsonl")
    assert f"lists: {OFAC} 2024-05-03" in err and f"warning: list {OFAC} is a snapshot of 2024-05-03" in err


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    tmp = tmp_path_factory.mktemp("list_dates")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        store = open_store(fresh_db(tmp))
        app = create_app(store=store, secret_key="test-secret")
        yield TestClient(app)
        store.close()


def test_api_catalog_and_screen_results_name_list_dates(client):
    catalog = client.get("/catalog").json()
    ofac = next(d for d in catalog["datasets"] if d["name"] == OFAC)
    assert ofac["snapshot_date"] == "2024-05-03" and ofac["stale"] is True and OFAC in catalog["stale_lists"]
    assert "tollwatch" not in catalog["stale_lists"]
    r = client.post("/api/screen", files={"file": ("suppliers.csv", ROWS.encode(), "text/csv")})
    st = wait_job(client, r.json()["status_url"])
    body = client.get(r.json()["results_url"]).json()
    assert body["lists"][OFAC]["snapshot_date"] == "2024-05-03" and body["lists"][OFAC]["stale"] is True
    assert all(res["lists"][OFAC]["stale"] for res in body["results"])
    page = client.get(f"/screen/jobs/{st['id']}").text
    assert "Lists screened" in page and "snapshot of 2024-05-03" in page and 'class="warning" role="alert"' in page
    warning = page.split('class="warning" role="alert">', 1)[1].split("</p>", 1)[0]
    assert warning.startswith("Warning: ") and OFAC in warning and "older than 30 days" in warning
