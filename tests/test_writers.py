"""The output writers: every format from one result stream, cells inert, HTML escaped."""

from __future__ import annotations

import csv
import json

import pytest

from tollwatch.writers.cells import escape, safe_cell
from tollwatch.writers.screening import PARQUET_COLUMNS, TABLE_COLUMNS, write_all

RESULT = {
    "query_id": "=HYPERLINK(1)",
    "query": {"name": "<script>x</script>"},
    "matches": [
        {"dataset": "us_ofac_sdn", "source_id": "1", "entity_id": "e1", "name": "<b>Kim</b>", "schema": "Person", "score": 0.91, "match": True,
         "query_field": "name", "query_name": "<script>x</script>", "list_date": "2026-01-01",
         "explanation": [{"feature": "tokens", "query": "kim", "candidate": "kim", "value": 1.0}]},
    ],
    "risk": {"level": "high", "reasons": [{"reason": "listed", "text": "-1 on a list", "sources": [{"source_id": "s", "url": "javascript:alert(1)", "title": "t"}], "claims": []}]},
}
LISTS = {"us_ofac_sdn": {"snapshot_date": "2026-01-01", "count": 1, "source_files": ["sdn.csv"]}}


def test_safe_cell_and_escape():
    assert [safe_cell(x) for x in ("=1", "+1", "-1", "@a", "\tx", "ok", None)] == ["'=1", "'+1", "'-1", "'@a", "'\tx", "ok", ""]
    assert escape('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;" and escape(None) == ""


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx", "html", "parquet"])
def test_every_format(tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    counts = write_all([RESULT], out, fmt, LISTS)
    assert counts["high"] == 1 and counts["with_hits"] == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    if fmt == "jsonl":
        assert json.loads(out.read_text(encoding="utf-8")) == RESULT
    elif fmt == "csv":
        rows = list(csv.reader(out.open(encoding="utf-8")))
        assert rows[0] == TABLE_COLUMNS and rows[1][0] == "'=HYPERLINK(1)" and rows[1][4] == "'-1 on a list"
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out).worksheets[0]
        assert ws.cell(2, 1).value == "'=HYPERLINK(1)" and ws.cell(2, 11).value == 0.91
    elif fmt == "html":
        page = out.read_text(encoding="utf-8")
        assert "<script>x" not in page and "&lt;b&gt;Kim&lt;/b&gt;" in page and "javascript:" not in page
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert tuple(table.column_names) == PARQUET_COLUMNS
        assert json.loads(table.column("result")[0].as_py()) == RESULT and table.column("hit")[0].as_py() is True


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(KeyError):
        write_all([RESULT, {"query_id": "x"}], tmp_path / "r.html", "html", LISTS)
    assert list(tmp_path.iterdir()) == []
