"""One claims-CSV writer: `tollwatch export --format csv` and `/api/export/claims?format=csv`
give the same bytes for the same store and reader."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users
from tollwatch.writers.claims import CLAIM_COLUMNS, quantity_text


def _add_source(cli, tmp_path, name: str, text: str, sensitivity: str) -> str:
    doc = tmp_path / f"{name}.txt"
    doc.write_text(text, encoding="utf-8")
    return cli.json("sources", "add", str(doc), "--sensitivity", sensitivity, "--kind", "testimony", "--format", "json")["source_id"]


@pytest.fixture
def seeded(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    text = "Kaechon held 30 to 70 prisoners who made wigs. =1+1 was in the ledger."
    claims, sids = [], []
    for sensitivity in ("public", "restricted", "confidential"):
        sid = _add_source(cli, tmp_path, sensitivity, f"{text} ({sensitivity})", sensitivity)
        sids.append(sid)
        claims += [
            {"subject": "KP-KHS-001", "predicate": "holds_prisoners", "quantity": {"low": 30, "high": 70, "unit": "prisoners"}, "source_id": sid, "quote": "30 to 70 prisoners", "span": [13, 31], "period": {"start": "2019", "end": None}},
            {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid, "quote": "wigs", "span": [41, 45]},
            {"subject": "KP-KHS-001", "predicate": "produces", "value": "=1+1", "source_id": sid, "quote": "=1+1", "span": [47, 51]},
        ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(cli.db_url)
    keys = add_users(store)
    yield TestClient(create_app(store=store, secret_key="test-secret")), keys, sids
    store.close()


@pytest.mark.parametrize("reader", ["anonymous", "junior"])
def test_cli_and_web_claims_csv_are_byte_identical(cli, tmp_path, seeded, reader):
    client, keys, sids = seeded
    out = tmp_path / "claims.csv"
    headers = {}
    if reader == "anonymous":
        cli("export", "--format", "csv", "-o", str(out))
    else:  # a restricted-clearance analyst on the web, --include-restricted on the command line
        cli("export", "--format", "csv", "-o", str(out), "--include-restricted")
        headers = {"Authorization": f"Bearer {keys['junior']}"}
    web = client.get("/api/export/claims", params={"format": "csv"}, headers=headers)
    assert web.status_code == 200
    assert web.content == out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(web.text)))
    assert list(rows[0]) == CLAIM_COLUMNS
    mine = [r for r in rows if r["source_id"] in sids]
    assert len(mine) == (3 if reader == "anonymous" else 6)
    assert {r["quantity"] for r in mine} == {"", "30-70 prisoners"}
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all(not v or v[0] not in "=+-@" for r in rows for v in r.values())
    assert sids[2] not in web.text


def test_quantities_have_no_spurious_decimals():
    assert quantity_text({"low": 30.0, "high": 70.0, "unit": "prisoners"}) == "30-70 prisoners"
    assert quantity_text({"low": 2.5, "high": None, "unit": "tonnes"}) == "2.5 tonnes"
    assert quantity_text({"low": 1500000.0, "high": None, "unit": "wigs"}) == "1500000 wigs"
    assert quantity_text(None) is None


def test_csv_says_each_claims_evidence_kind_citations_and_mirrors(cli, tmp_path, seeded):
    out = tmp_path / "claims.csv"
    cli("export", "--format", "csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    by = {(r["subject_id"], r["predicate"], r["quote"]): r for r in rows}
    status = by[("KP-KHS-001", "has_status", "active (production reported 2021-2023)")]
    assert status["evidence_kind"] == "compiled"
    assert status["citations"] == "https://www.dailynk.com/english/kaechon-prison-camp-works-inmates-death/"
    assert status["mirror_citations"] == ""
    hrnk = by[("KP-KHS-004", "has_status", "operational (HRNK 2019)")]
    assert "dokumen.tips" in hrnk["mirror_citations"]
    held = [r for r in rows if r["predicate"] == "holds_prisoners" and r["source_id"].startswith("gazetteer-")]
    assert held and {r["citations"] for r in held} == {"source not given"}
    assert {r["evidence_kind"] for r in rows if r["source_id"].startswith("article-")} == {"paraphrase"}
    assert {r["evidence_kind"] for r in rows if r["source_id"].startswith("src-") and r["quote"] == "wigs"} == {"verbatim"}
