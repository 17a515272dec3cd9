"""FollowTheMoney export → import → export is lossless; exports never leak or run formulas."""

import csv
import json

from tollwatch.writers.cells import safe_cell


def test_export_import_export_is_identical(cli, tmp_path, db_url):
    doc = tmp_path / "r.txt"
    doc.write_text("Kaechon makes knitted caps.", encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json", "--grade", "C")["source_id"]
    claim = {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-knitted-caps", "source_id": sid, "quote": "knitted caps", "span": [14, 26], "period": {"start": "2021-12", "end": None}}
    (tmp_path / "c.jsonl").write_text(json.dumps(claim) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    first = tmp_path / "one.ftm.jsonl"
    cli("export", "--format", "ftm", "-o", str(first))

    from tests.conftest import Cli

    other = Cli(f"sqlite:///{tmp_path / 'empty.db'}")
    other("import", str(first))
    second = tmp_path / "two.ftm.jsonl"
    other("export", "--format", "ftm", "-o", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")

    records = [json.loads(x) for x in first.read_text(encoding="utf-8").splitlines()]
    schemas = {r["schema"] for r in records}
    assert {"PublicBody", "Asset", "UnknownLink", "Note", "PlainText"} <= schemas
    for r in records:
        assert set(r) >= {"id", "schema", "properties", "datasets"}
        assert all(isinstance(v, list) for v in r["properties"].values())


def test_native_jsonl_export_roundtrips(cli, tmp_path):
    first = tmp_path / "a.jsonl"
    cli("export", "--format", "jsonl", "-o", str(first))
    from tests.conftest import Cli

    other = Cli(f"sqlite:///{tmp_path / 'b.db'}")
    other("import", str(first))
    second = tmp_path / "b.jsonl"
    other("export", "--format", "jsonl", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_confidential_never_exported(cli, tmp_path):
    doc = tmp_path / "t.txt"
    doc.write_text("CONF-MARKER-9 the guard said", encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--sensitivity", "confidential", "--kind", "testimony", "--format", "json")["source_id"]
    (tmp_path / "c.jsonl").write_text(json.dumps({"subject": "KP-KHS-001", "predicate": "produces", "value": "shoes", "source_id": sid, "quote": "CONF-MARKER-9", "span": [0, 13]}) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    for fmt in ("ftm", "jsonl", "csv"):
        out = tmp_path / f"e.{fmt}"
        cli("export", "--format", fmt, "-o", str(out), "--include-restricted")
        assert "CONF-MARKER-9" not in out.read_text(encoding="utf-8")
        assert sid not in out.read_text(encoding="utf-8")


def test_csv_export_defuses_formulas(cli, tmp_path):
    doc = tmp_path / "t.txt"
    doc.write_text('=HYPERLINK("http://evil","x") makes wigs', encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json")["source_id"]
    quote = '=HYPERLINK("http://evil","x")'
    (tmp_path / "c.jsonl").write_text(json.dumps({"subject": "KP-KHS-001", "predicate": "produces", "value": "@SUM(A1)", "source_id": sid, "quote": quote, "span": [0, len(quote)]}) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    out = tmp_path / "claims.csv"
    cli("export", "--format", "csv", "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    mine = [r for r in rows if r["source_id"] == sid][0]
    assert mine["quote"].startswith("'=") and mine["value"].startswith("'@")
    for r in rows:
        for v in r.values():
            assert not v or v[0] not in "=+-@"
    assert safe_cell("-1") == "'-1" and safe_cell("ok") == "ok" and safe_cell(None) == ""


def test_failed_export_leaves_no_file(cli, tmp_path, monkeypatch):
    from tollwatch.importers import ftm

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ftm, "export_lines", boom)
    out = tmp_path / "x.jsonl"
    import pytest

    with pytest.raises(RuntimeError):
        cli("export", "--format", "ftm", "-o", str(out))
    assert not out.exists() and not list(tmp_path.glob(".tollwatch-export-*"))
