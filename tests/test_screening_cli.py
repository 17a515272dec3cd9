"""`tollwatch screen` and `tollwatch lists` end to end: every input format, every output format, bad input."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from screening_support import SANCTIONS, fresh_db, template_db

ROWS = [
    {"query_id": "q1", "supplier": "Korea Kwangson Banking Corp", "country": "CN", "hs_code": "6704.90", "description": "wigs"},
    {"query_id": "q2", "supplier": "Jang Pom Su", "country": "", "hs_code": "", "description": ""},
    {"query_id": "q3", "supplier": "Acme Widgets Inc", "country": "US", "hs_code": "8471", "description": "laptops"},
    {"query_id": "q4", "supplier": '=HYPERLINK("http://evil.example","click")', "country": "KP", "hs_code": "", "description": "<script>alert(1)</script>"},
]


def invoke(db: str, *args, expect: int = 0):
    from tollwatch.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", db, "--actor", "tester", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
    return result


@pytest.fixture(scope="module")
def db() -> str:
    return f"sqlite:///{template_db()}"


def write_input(path: Path, rows=ROWS) -> Path:
    fmt = path.suffix.lstrip(".")
    cols = list(rows[0].keys())
    if fmt in ("csv", "tsv"):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, cols, delimiter="," if fmt == "csv" else "\t")
            w.writeheader()
            w.writerows(rows)
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(cols)
        for r in rows:
            ws.append([r[c] for c in cols])
        wb.save(path)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "parquet", "jsonl"])
def test_screen_each_input_format(tmp_path, db, fmt):
    src = write_input(tmp_path / f"in.{fmt}")
    out = tmp_path / "out.jsonl"
    res = invoke(db, "screen", src, "-o", out)
    assert "us_ofac_sdn 2024-05-03" in res.stderr and "un_sc_sanctions 2026-01-28" in res.stderr and "gb_hmt_sanctions 2025-04-14" in res.stderr
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["query_id"] for r in results] == ["q1", "q2", "q3", "q4"]
    first = results[0]
    assert set(first) >= {"query_id", "query", "matches", "risk"}
    m = first["matches"][0]
    assert set(m) >= {"dataset", "source_id", "entity_id", "name", "schema", "score", "match", "explanation"}
    top3 = {(x["dataset"], x["source_id"], x["match"]) for x in first["matches"][:3]}
    # The same bank on the three bundled lists (UK OFSI's Group ID 12452 is KKBC).
    assert top3 == {("us_ofac_sdn", "11581", True), ("un_sc_sanctions", "KPe.025", True), ("gb_hmt_sanctions", "12452", True)}
    assert first["risk"]["level"] == "high"
    assert [s["score"] for s in first["matches"]] == sorted((s["score"] for s in first["matches"]), reverse=True)
    assert any(x["source_id"] in ("18556", "KPi.016") and x["match"] for x in results[1]["matches"])
    assert results[2]["risk"]["level"] == "none" and not any(x["match"] for x in results[2]["matches"])
    assert results[3]["risk"]["level"] == "high"  # country KP


def test_hs_code_reason_cites_claims_and_sources(tmp_path, db):
    src = write_input(tmp_path / "in.csv", [{"id": "1", "company": "Nobody Special Ltd", "hs_code": "670490", "country": "China", "address": "Dandong, Liaoning"}])
    out = tmp_path / "o.jsonl"
    invoke(db, "screen", src, "-o", out)
    [r] = [json.loads(x) for x in out.read_text().splitlines()]
    reasons = {x["reason"]: x for x in r["risk"]["reasons"]}
    assert r["risk"]["level"] == "medium"  # wig HS code routed through Dandong
    assert reasons["hs_code"]["claims"] and reasons["hs_code"]["sources"]
    assert "route_place" in reasons


def test_limit_list_and_threshold(tmp_path, db):
    src = write_input(tmp_path / "in.csv")
    out = tmp_path / "o.jsonl"
    invoke(db, "screen", src, "--list", "un_sc_sanctions", "--limit", "1", "--threshold", "0.99", "-o", out)
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert all(len(r["matches"]) <= 1 for r in results)
    assert all(m["dataset"] == "un_sc_sanctions" for r in results for m in r["matches"])
    assert not any(m["match"] for m in results[3]["matches"])
    res = invoke(db, "screen", src, "--list", "no_such_list", "-o", tmp_path / "x.jsonl", expect=2)
    assert "unknown list" in res.stderr


def test_map_option(tmp_path, db):
    src = tmp_path / "in.csv"
    src.write_text("Ref,Exporter Name,Origin\nA7,Jang Pom Su,Rason\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    invoke(db, "screen", src, "--map", "Ref=query_id", "--map", "Exporter Name=name", "--map", "Origin=country", "-o", out)
    [r] = [json.loads(x) for x in out.read_text().splitlines()]
    assert r["query_id"] == "A7" and r["matches"][0]["match"]
    assert any(x["reason"] == "origin_place" for x in r["risk"]["reasons"])


def test_csv_and_xlsx_outputs_never_hold_formulas(tmp_path, db):
    src = write_input(tmp_path / "in.csv")
    out_csv = tmp_path / "o.csv"
    invoke(db, "screen", src, "--format", "csv", "-o", out_csv)
    cells = [c for row in csv.reader(out_csv.open(encoding="utf-8")) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    out_x = tmp_path / "o.xlsx"
    invoke(db, "screen", src, "--format", "xlsx", "-o", out_x)
    from openpyxl import load_workbook

    wb = load_workbook(out_x)
    ws = wb["screening"]
    values = [c for row in ws.iter_rows() for c in row]
    assert any("HYPERLINK" in str(c.value) for c in values)
    assert all(c.data_type != "f" for c in values)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in values)
    lists = {r[0].value: r[1].value for r in wb["lists"].iter_rows(min_row=2)}
    assert lists["us_ofac_sdn"] == "2024-05-03"


def test_html_report_escapes_everything_and_shows_dates(tmp_path, db):
    src = write_input(tmp_path / "in.csv")
    out = tmp_path / "report.html"
    invoke(db, "screen", src, "--format", "html", "-o", out)
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2024-05-03" in page and "2026-01-28" in page
    assert "KOREA KWANGSON BANKING CORP" in page and "Summary" in page
    assert page.count("<script>") == 1  # only the sorting script
    assert 'href="http://evil.example' not in page


def test_xlsx_and_html_need_an_output_file(tmp_path, db):
    src = write_input(tmp_path / "in.csv")
    res = invoke(db, "screen", src, "--format", "html", expect=2)
    assert "-o" in res.stderr


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("nocol.csv", b"id,city\n1,Pyongyang\n", "name"),
        ("latin.csv", b"id,name\n1,ok\n2,caf\xe9 corp\n", ":3: encoding"),
        ("empty.csv", b"", "empty"),
        ("blank.jsonl", b"\n\n", "empty"),
        ("broken.jsonl", b'{"name": "a"}\n{nope\n', ":2: json"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "XLSX"),
        ("broken.parquet", b"PAR1 nope", "Parquet"),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_output(tmp_path, db, name, content, needle):
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "out.jsonl"
    res = invoke(db, "screen", src, "-o", out, expect=2)
    assert res.stderr.startswith("error: ") and needle in res.stderr and str(src) in res.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tollwatch-")]


def test_50_mb_cell_is_refused(tmp_path, db):
    src = tmp_path / "huge.csv"
    with open(src, "w") as fh:
        fh.write("id,name\n1,ok\n2,")
        fh.write("x" * (50 * 1024 * 1024))
        fh.write("\n")
    out = tmp_path / "out.jsonl"
    res = invoke(db, "screen", src, "-o", out, expect=2)
    assert ":3: cell" in res.stderr and not out.exists()


def test_50_mb_cell_in_jsonl_is_refused(tmp_path, db):
    src = tmp_path / "huge.jsonl"
    src.write_text(json.dumps({"name": "x" * (50 * 1024 * 1024)}) + "\n")
    res = invoke(db, "screen", src, "-o", tmp_path / "o.jsonl", expect=2)
    assert "huge.jsonl:1" in res.stderr


def test_lists_command_shows_dates(db):
    res = invoke(db, "lists", "--format", "json")
    rows = {r["dataset"]: r for r in json.loads(res.stdout)}
    assert rows["us_ofac_sdn"]["snapshot_date"] == "2024-05-03" and rows["us_ofac_sdn"]["count"] == 14965
    assert rows["un_sc_sanctions"]["snapshot_date"] == "2026-01-28"
    assert rows["gb_hmt_sanctions"]["snapshot_date"] == "2025-04-14" and rows["gb_hmt_sanctions"]["count"] == 4688


def test_lists_import_and_screen_against_it(tmp_path):
    db = fresh_db(tmp_path)
    lst = tmp_path / "watch.csv"
    lst.write_text("id,name,schema\nW1,Pyongyang Hair Works,Company\n", encoding="utf-8")
    res = invoke(db, "lists", "import", "--format", "csv", "--dataset", "my_watchlist", "--snapshot-date", "2026-11-01", lst)
    assert "imported 1 records into my_watchlist" in res.output
    src = tmp_path / "in.csv"
    src.write_text("name\nPyongyang Hair Works\n")
    out = tmp_path / "o.jsonl"
    invoke(db, "screen", src, "--list", "my_watchlist", "-o", out)
    [r] = [json.loads(x) for x in out.read_text().splitlines()]
    assert r["matches"][0]["source_id"] == "W1" and r["matches"][0]["list_date"] == "2026-11-01"


def test_lists_import_ofac_reports_orphan_aliases(tmp_path):
    db = fresh_db(tmp_path)
    res = invoke(db, "lists", "import", "--format", "ofac-csv", SANCTIONS / "ofac_sdn_2024-05-03.csv", SANCTIONS / "ofac_alt_2026-06-02.csv")
    assert "imported 14965 records into us_ofac_sdn" in res.stdout
    assert "has no main record" in res.stderr


def test_lists_import_refuses_xml_bomb(tmp_path):
    db = fresh_db(tmp_path)
    bomb = tmp_path / "un.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&b;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>')
    res = invoke(db, "lists", "import", "--format", "un-xml", bomb, expect=2)
    assert "refused" in res.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_lists_update_fetches_from_configured_urls(tmp_path):
    db = fresh_db(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(SANCTIONS)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        res = invoke(
            db,
            "lists",
            "update",
            "--only",
            "us_ofac_sdn",
            "--only",
            "un_sc_sanctions",
            "--url",
            f"us_ofac_sdn={base}/ofac_sdn_2024-05-03.csv,{base}/ofac_alt_2026-06-02.csv,{base}/ofac_add_2026-06-02.csv",
            "--url",
            f"un_sc_sanctions={base}/un_sc_consolidated_2026-01-28.xml",
        )
        assert "updated us_ofac_sdn: 14965 records" in res.output and "updated un_sc_sanctions: 999 records" in res.output
        res = invoke(db, "lists", "update", "--only", "un_sc_sanctions", "--url", f"un_sc_sanctions={base}/missing.xml", expect=2)
        assert "404" in res.stderr
        rows = {r["dataset"]: r for r in json.loads(invoke(db, "lists", "--format", "json").stdout)}
        assert rows["un_sc_sanctions"]["count"] == 999  # the failed update left the list in place
    finally:
        server.shutdown()
        server.server_close()


def test_python_api(tmp_path, monkeypatch):
    import tollwatch

    db = f"sqlite:///{template_db()}"
    ms = tollwatch.match("Korea Kwangson Banking Corp", db=db)
    assert {m["source_id"] for m in ms[:3]} == {"11581", "KPe.025", "12452"} and ms[0]["match"]  # OFAC, UN, UK
    src = write_input(tmp_path / "in.csv")
    results = tollwatch.screen(src, db=db)
    assert results[0]["risk"]["level"] == "high"
    counts = tollwatch.screen(src, tmp_path / "o.html", format="html", db=db)
    assert counts["high"] >= 2 and (tmp_path / "o.html").exists()


def test_lists_import_ftm_takes_the_dataset_from_the_file(tmp_path):
    db = fresh_db(tmp_path)
    f = tmp_path / "os.jsonl"
    f.write_text(
        json.dumps({"id": "NK-1", "schema": "Company", "properties": {"name": ["Korea Ryonbong General Corporation"]}, "datasets": ["os_dprk"]}) + "\n"
        + json.dumps({"id": "NK-2", "schema": "Person", "properties": {"name": ["Jang Pom Su"]}, "datasets": ["other"]}) + "\n",
        encoding="utf-8",
    )
    res = invoke(db, "lists", "import", "--format", "ftm", f)
    assert "imported 2 records into os_dprk" in res.output
    rows = {r["dataset"]: r for r in json.loads(invoke(db, "lists", "--format", "json").stdout)}
    assert rows["os_dprk"]["count"] == 2 and "other" not in rows
