"""The screening pages over real HTTP (TestClient on the real app, real SQLite, the bundled lists):
upload, choose columns and lists, read the results as the report shows them, download."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, csrf_from, wait_job

SUPPLIERS = "supplier,origin,note,dob\nKOMID,kp,=1+1,\nJang Pom Su,kp,개천 제1호,1958-02-22\nAcme Garden Furniture,de,y,\n"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("screen_pages")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        add_users(store)
        app = create_app(store=store, secret_key="test-secret")
        app.state.tw.prepared.get()
        yield TestClient(app)
        store.close()


def _upload(client, text: str, name: str = "suppliers.csv"):
    token = csrf_from(client.get("/screen").text)
    return client.post("/screen", data={"csrf_token": token}, files={"file": (name, text.encode(), "text/csv")}, follow_redirects=False)


def _job_id(client, location: str) -> str:
    job = location.rsplit("/", 1)[1]
    assert wait_job(client, f"/api/screen/{job}")["status"] == "done"
    return job


def test_upload_map_columns_pick_lists_and_read_results(client):
    r = _upload(client, SUPPLIERS)
    assert r.status_code == 303 and r.headers["location"].startswith("/screen/uploads/")
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    for col in ("supplier", "origin", "note", "dob"):
        assert f">{col}</label>" in page.text
    assert "Jang Pom Su" in page.text and "개천 제1호" in page.text  # the preview of the first rows
    assert 'value="name" selected' in page.text  # supplier guessed as the name
    form = {"csrf_token": csrf_from(page.text), "col-0": "name", "col-1": "country", "col-2": "", "col-3": "dob",
            "lists": ["un_sc_sanctions", "tollwatch"]}
    r = client.post(r.headers["location"], data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    job = _job_id(client, r.headers["location"])
    results = client.get(f"/api/screen/{job}/results").json()
    assert set(results["lists"]) == {"un_sc_sanctions"}
    datasets = {m["dataset"] for res in results["results"] for m in res["matches"]}
    assert datasets <= {"un_sc_sanctions", "tollwatch"} and "un_sc_sanctions" in datasets
    html = client.get(f"/screen/jobs/{job}").text
    assert "3 rows screened" in html and "not a legal determination" in html
    assert "the UN Security Council list" in html and "snapshot of" in html
    assert 'alias &#34;KOMID&#34; of the UN Security Council list' in html or "alias &quot;KOMID&quot;" in html
    assert "country KP does not conflict" in html and "tokens:" not in html  # a sentence, not the feature dump
    only_high = client.get(f"/screen/jobs/{job}", params={"risk": "high", "sort": "score"}).text
    assert only_high.count("<tr data-level=") == 3 and only_high.count(" hidden>") >= 1

    csv_bytes = client.get(f"/api/screen/{job}/download", params={"format": "csv"}).content
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:4] == ["supplier", "origin", "note", "dob"] and "risk_level" in header and "tollwatch_name" not in header
    assert "'=1+1" in text and "\n=1" not in text and ",=1" not in text and "개천 제1호" in text
    plain = client.get(f"/api/screen/{job}/download", params={"format": "csv", "bom": "false"}).content
    assert not plain.startswith(b"\xef\xbb\xbf")

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/api/screen/{job}/download", params={"format": "xlsx"}).content))
    ws = wb["screening"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]][:4] == ["supplier", "origin", "note", "dob"]
    assert ws.column_dimensions["A"].width >= 8 and "lists" in wb.sheetnames


def test_upload_errors_are_web_words(client):
    r = _upload(client, "a,b\nx,y\n")
    page = client.get(r.headers["location"])
    r2 = client.post(r.headers["location"], data={"csrf_token": csrf_from(page.text), "col-0": "", "col-1": "", "lists": ["tollwatch"]})
    assert r2.status_code == 400 and "choose at least one column as the name" in r2.text and "--map" not in r2.text
    r3 = client.post(r.headers["location"], data={"csrf_token": csrf_from(page.text), "col-0": "name", "col-1": "country"})
    assert r3.status_code == 400 and "choose at least one list" in r3.text
    bad = _upload(client, "", "empty.csv")
    assert bad.status_code == 400 and "empty.csv" in bad.text and "/tmp" not in bad.text
    # Row 6 is past the preview: the screening job names the file and the row, in words.
    r = client.post("/screen", data={"csrf_token": csrf_from(client.get("/screen").text)},
                    files={"file": ("suppliers.csv", b"name,country\na,kp\nb,kp\nc,kp\nd,kp\n\xff\xfe bad,kp\n", "text/csv")}, follow_redirects=False)
    page = client.get(r.headers["location"])
    r = client.post(r.headers["location"], data={"csrf_token": csrf_from(page.text), "col-0": "name", "col-1": "country", "lists": ["tollwatch"]}, follow_redirects=False)
    st = wait_job(client, f"/api/screen/{r.headers['location'].rsplit('/', 1)[1]}")
    assert st["status"] == "failed" and st["error"].startswith("suppliers.csv, row 6"), st["error"]
    assert "--" not in st["error"] and "/tmp" not in st["error"]


def test_someone_elses_staged_upload_is_not_found(client):
    r = _upload(client, SUPPLIERS)
    other = TestClient(client.app)
    assert other.get(r.headers["location"]).status_code == 404
