"""The evidence CLI end to end on a real SQLite store, including every kind of bad input."""

import json

import pytest

from tests.conftest import SEED
from tollwatch.core.model import Sensitivity


def test_init_loads_reference_once(cli):
    out = cli("init").stdout
    assert "entities" in out
    again = cli("init").stdout
    assert out.splitlines()[1] == again.splitlines()[1]  # counts unchanged: loaded once


@pytest.mark.parametrize("query", ["Kaechon", "Gaecheon", "개천"])
def test_entities_show_finds_both_kaechon_camps(cli, query):
    reports = cli.json("entities", "show", query, "--format", "json")
    ids = {r["id"] for r in reports}
    assert {"KP-KHS-001", "KP-KLS-014"} <= ids
    for r in reports:
        if r["id"] in ("KP-KHS-001", "KP-KLS-014"):
            systems = {(n["script"], n["system"]) for n in r["names"]}
            assert ("hangul", None) in systems and ("latin", "rr") in systems and ("latin", "mr") in systems
            assert r["claims"], "each camp carries cited claims"
            for c in r["claims"]:
                assert c["quote"] and (c["citations"] or c["source_not_given"])


def test_entities_show_table_and_unknown(cli):
    out = cli("entities", "show", "Yodok").stdout
    assert "CONTRADICTION on has_status" in out and "closed" in out and "active" in out
    res = cli("entities", "show", "no-such-camp-xyz", expect=1)
    assert "no entity matches" in res.stderr


def test_paekto_has_no_invented_location(cli):
    (rep,) = [r for r in cli.json("entities", "show", "Paekto", "--format", "json") if r["id"] == "KP-LTC-PAEKTO"]
    assert rep["coordinates"] == []
    # Hangul names only where our research cites a page for them (scripts/data/facility_names.tsv)
    cited = {"백토", "토성리 교화소"}
    assert {n["value"] for n in rep["names"] if n["script"] == "hangul"} == cited


def test_sources_add_and_claims_roundtrip(cli, tmp_path):
    doc = tmp_path / "report.txt"
    doc.write_text("Witness says the Kaechon camp makes wigs for export.", encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--title", "Interview 7", "--grade", "B", "--format", "json")["source_id"]
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        json.dumps({"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid, "quote": "wigs", "span": [36, 40]}) + "\n",
        encoding="utf-8",
    )
    assert "stored 1 claims" in cli("claims", "add", str(claims)).stdout
    lines = [json.loads(x) for x in cli("claims", "list", "--source", sid, "--format", "jsonl").stdout.splitlines()]
    assert len(lines) == 1
    c = lines[0]
    assert set(c) >= {"id", "subject", "predicate", "object", "quantity", "period", "quote", "span", "source_id", "confidence", "status"}
    assert c["subject"]["id"] == "KP-KHS-001" and "Gaecheon" in c["subject"]["aliases"]
    assert c["object"] == {"id": "product-wigs", "name": "wigs", "kind": "product"}
    assert c["span"] == [36, 40] and c["status"] == "proposed"
    cli("claims", "accept", c["id"], "--note", "matches interview notes")
    audit = cli.json("audit", "--target", c["id"], "--format", "json")
    assert audit[0]["action"] == "review" and audit[0]["actor"] == "tester"
    assert audit[0]["detail"]["to"] == "accepted"


def test_confidential_text_not_in_audit_log(cli, tmp_path, store):
    doc = tmp_path / "t.txt"
    doc.write_text("MARKER-SECRET-42 testimony", encoding="utf-8")
    cli("sources", "add", str(doc), "--title", "TITLE-SECRET-42", "--kind", "testimony", "--sensitivity", "confidential")
    dump = json.dumps(cli.json("audit", "--format", "json", "--limit", "5000")).casefold()
    assert "secret-42" not in dump and "secret" not in dump


# --- bad input: one line naming file/line/field, non-zero exit, nothing half-written -----


def _count_claims(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.counts()["claims"]


def test_duplicate_source_is_refused(cli, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("same words", encoding="utf-8")
    b.write_text("same words", encoding="utf-8")
    cli("sources", "add", str(a))
    res = cli("sources", "add", str(b), expect=2)
    assert res.stderr.startswith("error: ") and str(b) in res.stderr and "duplicate source" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "file is empty"),
        (b"\xff\xfe\x00\x00junk\x00\x01", "binary"),
        (b"caf\xe9 latin-1 text", "not valid UTF-8"),
    ],
)
def test_unreadable_sources(cli, tmp_path, content, expected):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    res = cli("sources", "add", str(f), expect=2)
    assert expected in res.stderr and str(f) in res.stderr


def test_missing_file(cli, tmp_path):
    res = cli("sources", "add", str(tmp_path / "nope.txt"), expect=2)
    assert "nope.txt" in res.stderr


def test_bad_option_values_name_the_field(cli, tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("text", encoding="utf-8")
    assert "grade" in cli("sources", "add", str(f), "--grade", "Z", expect=2).stderr
    assert "sensitivity" in cli("sources", "add", str(f), "--sensitivity", "secret", expect=2).stderr
    assert "date" in cli("sources", "add", str(f), "--date", "last May", expect=2).stderr


def _source(cli, tmp_path, text="The camp makes wigs."):
    doc = tmp_path / "src.txt"
    doc.write_text(text, encoding="utf-8")
    return cli.json("sources", "add", str(doc), "--format", "json")["source_id"]


@pytest.mark.parametrize(
    "record, line_no, field",
    [
        ({"subject": "KP-KHS-001", "predicate": "manufactures", "value": "x"}, 2, "predicate"),
        ({"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "quote": "wigs", "span": [14, 18]}, 2, "span"),
        ({"subject": "NOPE", "predicate": "produces", "object": "product-wigs"}, 2, "subject"),
        ({"subject": "KP-KHS-001", "predicate": "produces"}, 2, "object"),
    ],
)
def test_bad_claims_store_nothing(cli, tmp_path, store, record, line_no, field):
    sid = _source(cli, tmp_path)
    good = {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid, "quote": "wigs", "span": [15, 19]}
    f = tmp_path / "claims.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps({"source_id": sid, **record}) + "\n", encoding="utf-8")
    before = _count_claims(store)
    res = cli("claims", "add", str(f), expect=2)
    assert f"{f}:{line_no}: {field}:" in res.stderr, res.stderr
    assert _count_claims(store) == before


def test_malformed_json_line(cli, tmp_path, store):
    f = tmp_path / "claims.jsonl"
    f.write_text('{"subject": "KP-KHS-001"}\n{not json\n', encoding="utf-8")
    res = cli("claims", "add", str(f), expect=2)
    assert f"{f}:1: predicate: missing" in res.stderr  # the first bad line is reported
    f.write_text('\n{not json\n', encoding="utf-8")
    assert f"{f}:2: json:" in cli("claims", "add", str(f), expect=2).stderr


def test_import_rejects_malformed_ftm_atomically(cli, tmp_path, store):
    out = tmp_path / "export.jsonl"
    cli("export", "--format", "ftm", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    new_entity = {"id": "new-org-1", "schema": "Company", "properties": {"name": ["Brand New Trading Co"]}}
    bad.write_text(json.dumps(new_entity) + "\n" + lines[0] + "\n" + '{"id": "x", "schema": "Company", "properties": {"name": ["X"]\n', encoding="utf-8")
    res = cli("import", str(bad), expect=2)
    assert f"{bad}:3: json: malformed JSON" in res.stderr
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("new-org-1") is None
    # A foreign entity we cannot use (no name) is skipped and reported; the rest is kept.
    bad.write_text(json.dumps(new_entity) + "\n" + '{"id": "x", "schema": "Company", "properties": {}}\n', encoding="utf-8")
    res = cli("import", str(bad))
    assert "1 entities" in res.stdout and "bad.jsonl:2: Company x: no name (properties.name)" in res.stderr
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("new-org-1") is not None and r.get_entity("x") is None


@pytest.mark.skipif(not SEED.exists(), reason="../shared seed report not present")
def test_seed_source_can_be_stored(cli):
    out = cli.json("sources", "add", str(SEED), "--title", "Daily NK seed", "--publisher", "Daily NK", "--format", "json")
    assert out["source_id"].startswith("src-")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("not a url", "Could not parse"),
        ("sqlite:////nonexistent-dir-tollwatch/x.db", "unable to open database file"),
        ("postgresql://nobody:s3cret-pw@127.0.0.1:1/x", "127.0.0.1"),
    ],
)
def test_unusable_store_url_is_one_line_without_the_password(url, expected):
    from click.testing import CliRunner

    from tollwatch.cli.main import cli as tollwatch

    res = CliRunner().invoke(tollwatch, ["--db", url, "init"])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: db: cannot open the store") and expected in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "s3cret-pw" not in res.stderr
