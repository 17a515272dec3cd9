"""The server's upload endpoints on fuzzed files, over a real HTTP server.

`/api/screen` (a job) and `/api/ingest` get the fuzz suite's inputs: never a 500, and a
failed job reports the one-line user error, never a bare exception name.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_targets as ft
from tests.server_support import LiveServer, add_users, wait_job

FEW = settings(max_examples=2, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
BARE_EXCEPTION = re.compile(r"^[A-Z][A-Za-z]*(Error|Exception)?$")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz_server")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        keys = add_users(store)
        app = create_app(store=store, secret_key="test-secret")
        app.state.tw.prepared.get()
        with LiveServer(app) as server:
            yield server, keys
        store.close()


@pytest.mark.parametrize("name", ["screen-csv", "screen-jsonl", "screen-xlsx", "screen-parquet"])
def test_screen_upload_never_500(live, name):
    import httpx

    server, _ = live
    target = ft.BY_NAME[name]

    @FEW
    @given(data=target.inputs())
    def run(data):
        with httpx.Client(base_url=server.url, timeout=30) as client:
            r = client.post("/api/screen", files={"file": ("upload" + target.suffix, data)})
            assert r.status_code < 500, r.text
            if r.status_code == 202:
                job = wait_job(client, r.json()["status_url"], timeout=60)
                if job["status"] == "failed":
                    assert job["error"] and not BARE_EXCEPTION.match(job["error"]), job

    run()


@pytest.mark.parametrize("name", ["ingest-txt", "ingest-html", "ingest-pdf", "ingest-docx"])
def test_ingest_upload_never_500(live, name):
    import httpx

    server, keys = live
    target = ft.BY_NAME[name]
    headers = {"Authorization": f"Bearer {keys['analyst']}"}

    @FEW
    @given(data=target.inputs(), title=st.sampled_from(["", "fuzz", "\x01"]))
    def run(data, title):
        with httpx.Client(base_url=server.url, timeout=30, headers=headers) as client:
            r = client.post("/api/ingest", files={"file": ("upload" + target.suffix, data)}, data={"title": title})
            assert r.status_code < 500, r.text
            if r.status_code >= 400:
                assert "\n" not in r.text and "Traceback" not in r.text, r.text

    run()
