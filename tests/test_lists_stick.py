"""Imported lists stick: no command puts the bundled snapshot back over a newer import.

Issue 14: on a fresh store, the first `lists` or `screen` run replaced an imported OFAC
list with the bundled 2024-05-03 snapshot, and a name only the newer list has screened
as "none". Each test imports a small, real-format list with a made-up marker name into a
fresh store, runs one command, and checks the import is still the list in the store and
the marker still screens as a hit.
"""

from __future__ import annotations

import http.server
import json
import threading
from datetime import date
from functools import partial

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users

MARKER = "QUILLMARK VORENTHAL SHIPPING LLC"
MARKER_ID = "99901"
NEWER = "2026-11-20"
OFAC_ROWS = (
    f'{MARKER_ID},"{MARKER}",-0- ,"DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    '11581,"KOREA KWANGSON BANKING CORP",-0- ,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
)
UN_MARKER = "ZELTHAR ORUNMIR MINING COMPANY"
UN_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-11-25T00:00:00.000Z">
  <ENTITIES><ENTITY><DATAID>990001</DATAID><FIRST_NAME>{UN_MARKER}</FIRST_NAME>
    <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPe.990</REFERENCE_NUMBER></ENTITY></ENTITIES>
</CONSOLIDATED_LIST>
"""


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))


def write_ofac(folder, rows: str = OFAC_ROWS):
    path = folder / "sdn.csv"
    path.write_bytes(rows.encode("latin-1"))
    return path


def import_newer_ofac(cli, tmp_path):
    res = cli("lists", "import", "--format", "ofac-csv", "--snapshot-date", NEWER, str(write_ofac(tmp_path)))
    assert f"imported 2 records into us_ofac_sdn (snapshot {NEWER})" in res.output


def stored_lists(db_url: str) -> dict[str, dict]:
    """The list metadata as stored, read without any use case that could (re)load a list."""
    from tollwatch.core.model import Sensitivity
    from tollwatch.store import lists as store_lists
    from tollwatch.store.repository import Store

    store = Store(db_url)
    try:
        with store.read(Sensitivity.PUBLIC) as r:
            return store_lists.list_metadata(r)
    finally:
        store.close()


def assert_import_kept(db_url: str) -> None:
    ofac = stored_lists(db_url)["us_ofac_sdn"]
    assert (ofac["snapshot_date"], ofac["count"], ofac.get("bundled")) == (NEWER, 2, None), ofac


def screen_marker(cli, tmp_path, name: str = MARKER) -> dict:
    src = tmp_path / "suppliers.csv"
    src.write_text(f"name\n{name}\n", encoding="utf-8")
    out = tmp_path / "screened.jsonl"
    cli("screen", str(src), "-o", str(out))
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return row


def assert_marker_hit(cli, tmp_path) -> None:
    row = screen_marker(cli, tmp_path)
    top = row["matches"][0]
    assert (top["dataset"], top["source_id"], top["match"]) == ("us_ofac_sdn", MARKER_ID, True), row
    assert row["risk"]["level"] != "none"


def _run_init(cli, tmp_path):
    cli("init")


def _run_lists(cli, tmp_path):
    rows = {r["dataset"]: r for r in cli.json("lists", "--format", "json")}
    assert rows["us_ofac_sdn"]["snapshot_date"] == NEWER and rows["us_ofac_sdn"]["count"] == 2
    assert rows["us_ofac_sdn"]["source"] == "sdn.csv"
    assert rows["un_sc_sanctions"]["source"] == "bundled"  # no UN list was imported: the bundled one fills in
    assert rows["gb_hmt_sanctions"]["source"] == "bundled" and rows["gb_hmt_sanctions"]["count"] == 4688


def _run_screen(cli, tmp_path):
    row = screen_marker(cli, tmp_path, "Korea Kwangson Banking Corp")
    assert row["matches"][0]["list_date"] in (NEWER, "2026-01-28", "2025-04-14")


def _run_demo(cli, tmp_path):
    cli("demo", "-o", str(tmp_path / "demo"))


@pytest.mark.parametrize("command", [_run_init, _run_lists, _run_screen, _run_demo], ids=["init", "lists", "screen", "demo"])
def test_imported_list_survives_command(cli, tmp_path, command):
    import_newer_ofac(cli, tmp_path)
    command(cli, tmp_path)
    assert_import_kept(cli.db_url)
    assert_marker_hit(cli, tmp_path)
    assert_import_kept(cli.db_url)


def test_imported_list_survives_init_before_import(cli, tmp_path):
    cli("init")
    import_newer_ofac(cli, tmp_path)
    cli("lists")
    assert_import_kept(cli.db_url)
    assert_marker_hit(cli, tmp_path)


def test_imported_list_survives_serve(cli, tmp_path):
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    import_newer_ofac(cli, tmp_path)
    store = open_store(cli.db_url)
    try:
        keys = add_users(store)
        app = create_app(store=store, secret_key="test-secret")
        app.state.tw.prepared.get()  # what `serve` does at start
        query = {"queries": {"q": {"schema": "Company", "properties": {"name": [MARKER.title()]}}}}
        r = TestClient(app).post("/match/default", json=query, headers={"Authorization": f"Bearer {keys['analyst']}"})
        assert r.status_code == 200, r.text
        results = r.json()["responses"]["q"]["results"]
        assert results and results[0]["id"] == f"us_ofac_sdn-{MARKER_ID}" and results[0]["match"], results
    finally:
        store.close()
    assert_import_kept(cli.db_url)


def test_bundle_reload_never_replaces_an_import(cli, tmp_path, monkeypatch):
    """A new bundle or reference loader version reloads bundled data only, never an imported list."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import BUNDLE_META_KEY, ensure_default_lists
    from tollwatch.importers import reference

    import_newer_ofac(cli, tmp_path)
    cli("lists")
    monkeypatch.setattr(reference, "LOADER_VERSION", reference.LOADER_VERSION + "-next")
    store = open_store(cli.db_url)  # re-reads the reference data for the "new" loader version
    try:
        with store.begin("tester") as tx:
            tx.set_meta(BUNDLE_META_KEY, "an-older-bundle")
        ensure_default_lists(store)
    finally:
        store.close()
    assert_import_kept(cli.db_url)
    assert stored_lists(cli.db_url)["un_sc_sanctions"]["bundled"] is True


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_updated_list_survives_screen(cli, tmp_path):
    """`lists update` (from a local HTTP server) on a fresh store: the fetched UN list stays; the bundled OFAC fills in."""
    served = tmp_path / "served"
    served.mkdir()
    (served / "consolidated.xml").write_text(UN_XML, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"un_sc_sanctions=http://127.0.0.1:{server.server_address[1]}/consolidated.xml"
        res = cli("lists", "update", "--only", "un_sc_sanctions", "--url", url)
    finally:
        server.shutdown()
        server.server_close()
    assert "updated un_sc_sanctions: 1 records (snapshot 2026-11-25)" in res.output
    row = screen_marker(cli, tmp_path, UN_MARKER.title())
    assert row["matches"][0]["source_id"] == "KPe.990" and row["matches"][0]["match"], row
    stored = stored_lists(cli.db_url)
    assert stored["un_sc_sanctions"]["snapshot_date"] == "2026-11-25" and stored["un_sc_sanctions"]["count"] == 1
    assert stored["us_ofac_sdn"]["bundled"] is True


# --- an older snapshot over a newer one ---------------------------------------------------


def test_older_import_over_newer_is_refused_without_force(cli, tmp_path):
    import_newer_ofac(cli, tmp_path)
    older = tmp_path / "old"
    older.mkdir()
    res = cli("lists", "import", "--format", "ofac-csv", "--snapshot-date", "2025-01-31", str(write_ofac(older)), expect=2)
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "2025-01-31" in res.stderr and NEWER in res.stderr and "--force" in res.stderr
    assert_import_kept(cli.db_url)
    res = cli("lists", "import", "--force", "--format", "ofac-csv", "--snapshot-date", "2025-01-31", str(write_ofac(older)))
    assert "imported 2 records into us_ofac_sdn (snapshot 2025-01-31)" in res.output
    assert stored_lists(cli.db_url)["us_ofac_sdn"]["snapshot_date"] == "2025-01-31"


def test_older_update_over_newer_is_refused_without_force(cli, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    write_ofac(served)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    import_newer_ofac(cli, tmp_path)
    try:
        url = f"us_ofac_sdn=http://127.0.0.1:{server.server_address[1]}/sdn.csv"
        # The served file is dated by its Last-Modified header: today, so not older. Make the stored one newer.
        _set_stored_date(cli.db_url, "2999-01-01")
        res = cli("lists", "update", "--only", "us_ofac_sdn", "--url", url, expect=2)
        assert len(res.stderr.strip().splitlines()) == 1 and "--force" in res.stderr and "2999-01-01" in res.stderr
        assert stored_lists(cli.db_url)["us_ofac_sdn"]["snapshot_date"] == "2999-01-01"
        res = cli("lists", "update", "--force", "--only", "us_ofac_sdn", "--url", url)
        assert "updated us_ofac_sdn: 2 records" in res.output
    finally:
        server.shutdown()
        server.server_close()
    assert stored_lists(cli.db_url)["us_ofac_sdn"]["snapshot_date"] <= date.today().isoformat()


def _set_stored_date(db_url: str, snapshot: str) -> None:
    from tollwatch.store import lists as store_lists
    from tollwatch.store.repository import Store

    meta = stored_lists(db_url)["us_ofac_sdn"]
    store = Store(db_url)
    try:
        with store.begin("tester") as tx:
            tx.set_meta(store_lists.META_PREFIX + "us_ofac_sdn", json.dumps({**meta, "snapshot_date": snapshot}))
    finally:
        store.close()


def test_same_or_newer_import_needs_no_force(cli, tmp_path):
    import_newer_ofac(cli, tmp_path)
    import_newer_ofac(cli, tmp_path)  # the same date again
    newer = tmp_path / "newer"
    newer.mkdir()
    cli("lists", "import", "--format", "ofac-csv", "--snapshot-date", "2026-12-01", str(write_ofac(newer)))
    assert stored_lists(cli.db_url)["us_ofac_sdn"]["snapshot_date"] == "2026-12-01"
