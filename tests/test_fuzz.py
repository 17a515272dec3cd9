"""Fuzz suite: every importer and parser (tests/fuzz_targets.py) on mutated seeds and garbage.

The only allowed failure is the one-line user error; a traceback, a message over one line,
or an input over 5 s fails the test. CI runs a few derandomized examples per target;
benchmarks/fuzz.py runs 10,000+ per target and records the result in docs/benchmarks.md.
Also: the crash sites fuzzing found, each as a fixed case through the CLI, and the server's
upload endpoints on a real server.
"""

from __future__ import annotations

import gc
import io
import json
import re
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_inputs as fi
import fuzz_targets as ft

EXAMPLES = 8
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(folder / "cache"))
        c = ft.Context(folder)
        yield c
        c.close()


def _no_crash(target, ctx, data: bytes, variant: int) -> None:
    out = ft.check(target, ctx, data, variant)
    assert out.kind != "crash", f"{target.name}: {out.site}\n{out.detail}"


@pytest.mark.parametrize("target", ft.TARGETS, ids=lambda t: t.name)
def test_app_layer_never_crashes(target, ctx):
    ctx.warm(target)

    @FUZZ
    @given(data=target.inputs(), variant=st.integers(0, 59))
    def run(data, variant):
        _no_crash(target, ctx, data, variant)

    run()


@pytest.mark.parametrize("target", [t for t in ft.TARGETS if t.cli and t.store != "screen"], ids=lambda t: t.name)
def test_cli_exit_is_zero_or_one_line(target, ctx):
    @settings(FUZZ, max_examples=3)
    @given(data=target.inputs(), variant=st.integers(0, 59))
    def run(data, variant):
        code, err = ft.check_cli(target, ctx.folder, data, variant)
        _one_line_or_success(code, err)

    run()


def _one_line_or_success(code: int, err: str) -> None:
    assert code in (0, 2), err
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("skipped", "  "))]
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err


# --- the crash sites fuzzing found, as fixed cases ----------------------------------------------

FTM = fi.FTM_LINES[0]
TRADE_HUGE_CELL = b"period,reporter,partner,flow,hs,value_usd\n2024-01,CN,KP,M,6704,\"" + b"1" * 200_000 + b"\"\n"
FIXED_CASE_LIMIT_S = 30.0  # these cases assert the error, not the speed; a loaded CI box may be slow
FIXED = [
    # A malformed FtM entity is skipped with its reason (tests/test_ftm_import.py); a list left
    # with no records is then refused in one line.
    ("list-ftm", json.dumps(dict(FTM, properties="d")).encode(), None),
    ("list-ftm", json.dumps(dict(FTM, datasets=["tollwatch"])).encode(), "dataset"),
    ("list-ftm", json.dumps(dict(FTM, schema={"a": 1})).encode(), None),
    ("list-ftm", json.dumps(dict(FTM, properties={"name": ["x"], "country": {"a": 1}})).encode(), None),
    ("list-ftm", json.dumps(dict(FTM, datasets=[None])).encode(), None),
    ("ftm-import", json.dumps(dict(FTM, properties="d")).encode(), None),
    ("ftm-import", json.dumps(dict(FTM, properties={"name": ["x"], "idNumber": True})).encode(), None),
    ("ofac-xml", fi.OFAC_XML.replace(b'standalone="yes"', b'encoding="zUTF-8"'), "encoding"),
    ("un-xml", fi.un_xml_seeds()[0].replace(b"<?xml", b'<?xml version="1.0" encoding="shift_jis"?><?x', 1), "encoding"),
    ("un-xml", b"\x1f\x8b\x09" + b"\x00" * 40, "gzip"),
    ("trade-csv", b"period,reporter,partner,flow,hs,value_usd\r2024-01,CN,KP,M,6704,1000\r", None),
    ("trade-csv", TRADE_HUGE_CELL, "row"),
    ("screen-jsonl", b'{"name": "a\\ud800"}\n', "name"),
    ("screen-xlsx", b"", None),
    ("screen-xlsx", b"PK\x05\x06" + b"\x00" * 18, "format"),
]


def _workbook_without_sheets(raw: bytes) -> bytes:
    """A workbook whose xl/workbook.xml lists no sheet (openpyxl opens it; `worksheets` is empty)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info.filename, re.sub(rb"<sheet [^>]*/>", b"", body) if info.filename == "xl/workbook.xml" else body)
    return buf.getvalue()


def _parquet_with_a_broken_page() -> bytes:
    """A footer that reads, a first page header that does not: the error comes while iterating, not at open."""
    raw = bytearray(fi.parquet_bytes({"name": ["KOREA KWANGSON BANKING CORP", "Fuzz Co"], "country": ["KP", "CN"]}))
    raw[4] = 0xFF
    return bytes(raw)


def _parquet_with_a_name_not_utf8() -> bytes:
    """A string column holding bytes that are not UTF-8 (the writer does not check; the reader fails at to_pylist)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = pa.BufferOutputStream()
    pq.write_table(pa.table({"name": pa.array([b"KOREA", b"\xe5\x01"], type=pa.binary()).view(pa.string())}), buf)
    return bytes(buf.getvalue().to_pybytes())


FIXED += [
    ("ingest-html", b"<html><head><meta charset='utf\x08-8'></head><body><p>Fuzz caf\xe9 in Sinuiju.</p></body></html>", "encoding"),
    ("ftm-import", b'{"id": "fz-1", "schema": "Company", "properties": {"name": ["a\\ud800"]}}\n', "name"),  # the field names the key the surrogate sits under
    ("list-ftm", b'{"id": "fz-1", "schema": "Company", "properties": {"name": ["a\\ud800"]}}\n', "name"),
    ("screen-xlsx", _workbook_without_sheets(fi.screen_seeds()["xlsx"][0]), "format"),
    ("screen-parquet", _parquet_with_a_name_not_utf8(), "format"),
    ("au-dfat", _workbook_without_sheets(fi.au_dfat_seeds()[0]), "xlsx"),
    ("uk-ofsi-xlsx", _workbook_without_sheets(fi.uk_ofsi_xlsx_seeds()[0]), "xlsx"),
    ("screen-parquet", _parquet_with_a_broken_page(), "format"),
]


@pytest.mark.parametrize(("name", "data", "field"), FIXED, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(FIXED)])
def test_fixed_crash_sites_give_the_one_line_error(name, data, field, ctx):
    ctx.warm(ft.BY_NAME[name])
    out = ft.check(ft.BY_NAME[name], ctx, data, limit=FIXED_CASE_LIMIT_S)
    assert out.kind in ("user", "ok"), f"{out.site}\n{out.detail}"
    if field:
        assert out.kind == "user" and f": {field}:" in out.detail, out.detail


def _docx_with_bad_xml() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(fi.ingest_seeds()["docx"][0])) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info.filename, b"<w:document><unclosed>" if info.filename == "word/document.xml" else body)
    return buf.getvalue()


def test_docx_with_an_xml_error_is_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(_docx_with_bad_xml())
    result = cli("ingest", str(path), expect=2)
    _one_line_or_success(result.exit_code, result.stderr)
    assert "broken.docx: content: unreadable DOCX" in result.stderr


def test_lists_import_refuses_the_graphs_dataset_name(cli, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(fi.LIST_CSV)
    result = cli("lists", "import", "--format", "csv", "--dataset", "tollwatch", str(path), expect=2)
    _one_line_or_success(result.exit_code, result.stderr)
    assert "dataset: dataset name 'tollwatch' is the evidence graph's" in result.stderr


def test_control_characters_in_names_survive_an_xlsx_report(ctx, tmp_path):
    from openpyxl import load_workbook

    from tollwatch.engines.local import run

    src = tmp_path / "names.csv"
    src.write_bytes("name,country\nKOREA\x01KWANGSON BANKING CORP,KP\n=cmd\x0b,CN\nODD\ufffeCO\uffff,CN\n".encode())
    out = tmp_path / "out.xlsx"
    run(ctx.prepared(), src, out, "xlsx", progress=False)
    cells = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("KOREA\ufffdKWANGSON" in c for c in cells) and any(c.startswith("'=cmd") for c in cells), cells[:40]
    assert any(c == "ODD\ufffdCO\ufffd" for c in cells), cells[:40]  # XML non-characters, refused by lxml mid-stream


def test_trade_cell_limit_holds_whatever_the_process_wide_csv_limit(ctx):
    """Another reader may leave csv.field_size_limit raised; the trade importer's own limit still holds."""
    import csv

    old = csv.field_size_limit(10 * 1024 * 1024)
    try:
        out = ft.check(ft.BY_NAME["trade-csv"], ctx, TRADE_HUGE_CELL, limit=FIXED_CASE_LIMIT_S)
    finally:
        csv.field_size_limit(old)
    assert out.kind == "user" and ": row:" in out.detail and "65536-character limit" in out.detail, out.detail


def test_an_xlsx_report_cut_short_by_bad_input_prints_no_traceback(ctx, tmp_path, monkeypatch):
    """Line 2 is refused after line 1 went into the write-only sheet; discarding it must end its XML stream cleanly."""
    from tollwatch.app.errors import USER_ERRORS
    from tollwatch.engines.local import run

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    src = tmp_path / "names.jsonl"
    src.write_bytes(b'{"name": "KOREA KWANGSON BANKING CORP"}\n{"name": "a\\ud800"}\n')
    with pytest.raises(USER_ERRORS, match="lone surrogate"):
        run(ctx.prepared(), src, tmp_path / "out.xlsx", "xlsx", progress=False)
    gc.collect()
    assert not unraisable, [str(u.exc_value) for u in unraisable]
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".tollwatch-*"))
