"""Every line `tollwatch export --format ftm` writes validates with the followthemoney library:
the bundled data, a report ingested on top, restricted material too; what FtM has no property
for (our SHA-256, a note's period, an Address's identifiers) stays in the `tollwatch` block."""

from __future__ import annotations

import json

from tests.ftm_support import ftm_problems, read_lines

REPORT = (
    "Kaechon prison camp No. 1 in South Pyongan Province produces wigs and false eyelashes. "
    "Inmates there also knit caps under a contract with a Chinese trading company."
)


def _export(cli, tmp_path, *extra: str) -> list[dict]:
    out = tmp_path / f"export{len(extra)}.ftm.jsonl"
    cli("export", "--format", "ftm", "-o", str(out), *extra)
    return read_lines(out)


def test_bundled_and_ingested_export_validates(cli, tmp_path):
    doc = tmp_path / "report.txt"
    doc.write_text(REPORT, encoding="utf-8")
    cli("ingest", str(doc), "--title", "A report", "--date", "2024-03")
    restricted = tmp_path / "restricted.txt"
    restricted.write_text("Kaechon makes knitted caps.", encoding="utf-8")
    cli("ingest", str(restricted), "--title", "Restricted report", "--sensitivity", "restricted")
    for extra in ((), ("--include-restricted",)):
        records = _export(cli, tmp_path, *extra)
        assert len(records) > 150 and ftm_problems(records) == []
        schemas = {r["schema"] for r in records}
        assert {"PublicBody", "Organization", "Asset", "UnknownLink", "Note", "PlainText"} <= schemas
    ingested = [r for r in records if r["schema"] == "PlainText" and r["properties"]["title"] == ["A report"]]
    assert ingested and "contentHash" not in ingested[0]["properties"]
    assert len(ingested[0]["tollwatch"]["sha256"]) == 64  # FtM wants SHA-1 of a file; ours stays with us
    assert any(r["tollwatch"]["record"] == "claim" and r["tollwatch"]["source_id"] == ingested[0]["id"] for r in records)


def test_what_ftm_has_no_property_for_stays_in_the_tollwatch_block(cli, tmp_path):
    doc = tmp_path / "r.txt"
    doc.write_text("Kaechon was active in 2021.", encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json")["source_id"]
    claim = {"subject": "KP-KHS-001", "predicate": "has_status", "value": "active", "source_id": sid, "quote": "active", "span": [12, 18], "period": {"start": "2021", "end": "2021-12"}}
    (tmp_path / "c.jsonl").write_text(json.dumps(claim) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    records = _export(cli, tmp_path)
    assert ftm_problems(records) == []
    wigs = next(r for r in records if r["id"] == "product-wigs")
    assert "registrationNumber" not in wigs["properties"]
    codes = [i["value"] for i in wigs["tollwatch"]["identifiers"] if i["scheme"] == "hs2022"]
    assert codes and wigs["properties"]["keywords"] == [f"HS {c}" for c in codes]
    notes = [r for r in records if r["schema"] == "Note"]
    assert notes and all("role" not in r["properties"] and "startDate" not in r["properties"] for r in notes)
    assert all(r["properties"]["keywords"] == [r["tollwatch"]["predicate"]] for r in notes)
    dated = [r for r in notes if r["tollwatch"].get("period")]
    assert [r["tollwatch"]["period"]["start"] for r in dated if r["tollwatch"]["source_id"] == sid] == ["2021"]
    links = [r for r in records if r["schema"] == "UnknownLink"]
    assert all(r["properties"]["role"] == [r["tollwatch"]["predicate"]] for r in links)


def test_the_validator_catches_what_ftm_refuses(cli, tmp_path):
    """Positive control: the export as it was before (SHA-256 contentHash, Note.role,
    Asset.registrationNumber, a dangling reference) fails the check."""
    records = _export(cli, tmp_path)
    broken = json.loads(json.dumps(records))
    source = next(r for r in broken if r["schema"] == "PlainText")
    source["properties"]["contentHash"] = ["ab" * 32]
    note = next(r for r in broken if r["schema"] == "Note")
    note["properties"]["role"] = ["produces"]
    asset = next(r for r in broken if r["schema"] == "Asset")
    asset["properties"]["registrationNumber"] = ["6704"]
    link = next(r for r in broken if r["schema"] == "UnknownLink")
    link["properties"]["object"] = ["no-such-entity"]
    del next(r for r in broken if r["schema"] == "Organization")["properties"]["name"]
    problems = "\n".join(ftm_problems(broken))
    for expected in ("contentHash", "role: not a property of Note", "registrationNumber: not a property of Asset", "no-such-entity", "name: required"):
        assert expected in problems, problems


def test_yente_match_results_are_valid_ftm(db_url, cli, tmp_path, monkeypatch):
    """`POST /match/default` answers with FtM entities: a list's countries as written
    ("Korea, North") are not FtM country codes, so they go in notes and only codes in country."""
    from fastapi.testclient import TestClient

    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    cli("lists")  # the store, with the bundled lists
    store = open_store(db_url)
    try:
        app = create_app(store=store, secret_key="test-secret")
        queries = {"a": {"schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corp"]}},
                   "b": {"schema": "Person", "properties": {"name": ["Jang Pom Su"]}},
                   "c": {"schema": "Organization", "properties": {"name": ["Kaechon prison camp"]}}}
        body = TestClient(app).post("/match/default", params={"limit": 10}, json={"queries": queries}).json()
    finally:
        store.close()
    results = [{"id": r["id"], "schema": r["schema"], "properties": r["properties"]} for q in body["responses"].values() for r in q["results"]]
    assert len(results) > 10 and ftm_problems(results) == []
    ofac = next(r for r in results if r["id"].startswith("us_ofac_sdn-") and "notes" in r["properties"])
    assert ofac["properties"]["notes"][0].startswith("country as listed: ")
