"""Upload limits are checked while a file is read, each refusal one line naming the file and
the limit (issue 18, finding 6 and deliverable 5). The hostile files are real, built here."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.hostile_files import billion_laughs_docx, docx_text, pdf_sharing_one_stream, xlsx_with_shared_strings, zip_bomb_docx
from tollwatch.app.ingest import read_document
from tollwatch.app.screen import read_upload
from tollwatch.core.errors import InputError
from tollwatch.core.limits import NAMES, UploadLimits, limits_from, parse_options

DEFAULTS = UploadLimits()
SRC = Path(__file__).resolve().parents[1] / "src"


def _refusal(read, *args, **kwargs) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        read(*args, **kwargs)
    message = str(err.value)
    assert "\n" not in message
    return message, time.perf_counter() - started


def test_a_pdf_whose_pages_share_one_huge_stream_is_refused_before_extraction(tmp_path):
    # 60 pages x 1M characters in 10 KB: it used to be extracted page by page for over 200 s
    f = pdf_sharing_one_stream(tmp_path / "shared.pdf")
    assert f.stat().st_size < 20_000
    message, seconds = _refusal(read_document, f)
    assert str(f) in message and "max_zip_ratio" in message and "TOLLWATCH_MAX_ZIP_RATIO" in message
    assert seconds < 10


def test_pdf_pages_and_text_are_limited_page_by_page(tmp_path):
    f = pdf_sharing_one_stream(tmp_path / "pages.pdf", pages=12, chars=2_000)
    message, _ = _refusal(read_document, f, limits=replace(DEFAULTS, max_pages=10))
    assert "12 pages" in message and "max_pages limit of 10" in message
    message, _ = _refusal(read_document, f, limits=replace(DEFAULTS, max_text_chars=5_000))
    assert "by page 3" in message and "max_text_chars" in message  # stopped at the third page, not after the twelfth
    assert len(read_document(f).text) > 12 * 2_000


def test_a_billion_laughs_docx_is_refused_in_one_line(tmp_path):
    f = billion_laughs_docx(tmp_path / "laughs.docx")
    message, seconds = _refusal(read_document, f)
    assert str(f) in message and "XML entities" in message
    assert seconds < 5


def test_a_zip_bomb_docx_is_refused_for_its_ratio_and_for_its_size(tmp_path):
    f = zip_bomb_docx(tmp_path / "bomb.docx")
    assert f.stat().st_size < 200_000
    message, _ = _refusal(read_document, f)
    assert "fold" in message and "max_zip_ratio limit of 100" in message
    message, _ = _refusal(read_document, f, limits=replace(DEFAULTS, max_zip_ratio=10**6, max_unzipped_bytes=10**6))
    assert "unpacks to" in message and "max_unzipped_bytes" in message


def test_an_ordinary_docx_still_reads(tmp_path):
    assert read_document(docx_text(tmp_path / "ok.docx", "Camp 14 makes wigs.")).text.strip() == "Camp 14 makes wigs."


def test_an_xlsx_of_millions_of_shared_strings_is_refused_before_openpyxl_loads_them(tmp_path):
    f = xlsx_with_shared_strings(tmp_path / "strings.xlsx", 8_000_000)  # ~400 KB
    message, seconds = _refusal(read_upload, f, "strings.xlsx", DEFAULTS)
    assert message.startswith("strings.xlsx: ") and ("max_unzipped_bytes" in message or "max_zip_ratio" in message)
    assert seconds < 10
    loose = replace(DEFAULTS, max_unzipped_bytes=10**9, max_zip_ratio=10**6, max_shared_strings=200_000)
    message, seconds = _refusal(read_upload, f, "strings.xlsx", loose)
    assert "more than 200,000 shared strings" in message and "max_shared_strings" in message
    assert seconds < 10


def test_xlsx_cells_and_rows_are_counted_while_reading(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["name", "country", "a", "b", "c"])
    for i in range(200):
        ws.append([f"Name {i}", "KP", "x", "y", "z"])
    f = tmp_path / "cells.xlsx"
    wb.save(f)
    message, _ = _refusal(read_upload, f, "cells.xlsx", replace(DEFAULTS, max_cells=500))
    assert "max_cells limit of 500" in message and "by row 101" in message
    message, _ = _refusal(read_upload, f, "cells.xlsx", replace(DEFAULTS, max_rows=50))
    assert "more than 50 rows" in message and "max_rows" in message
    assert len(read_upload(f, "cells.xlsx", DEFAULTS)) == 200


def test_limits_come_from_defaults_then_environment_then_options():
    assert limits_from({}) == DEFAULTS
    env = {"TOLLWATCH_MAX_PAGES": "300", "TOLLWATCH_MAX_ROWS": "1_000"}
    assert limits_from(env).max_pages == 300 and limits_from(env).max_rows == 1000
    assert limits_from(env, parse_options(["max-pages=20"])).max_pages == 20
    for bad_env, bad_opts in [({"TOLLWATCH_MAX_PAGES": "many"}, None), ({}, {"max_pages": "0"}), ({}, {"max_laughs": "1"})]:
        with pytest.raises(InputError):
            limits_from(bad_env, bad_opts)
    with pytest.raises(InputError):
        parse_options(["max_pages"])
    assert len(NAMES) == 9


def test_documented_defaults_match_the_code():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "server.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}`" in docs and f"TOLLWATCH_{name.upper()}" in docs
        assert f"{getattr(DEFAULTS, name):,}" in docs, name


def test_serve_refuses_a_malformed_limit_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tollwatch.cli.main", "--db", f"sqlite:///{tmp_path / 'x.db'}", "serve", "--limit", "max_pages=lots"],
        capture_output=True, text=True, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert result.returncode == 2 and "--limit" in result.stderr and "max_pages" in result.stderr
