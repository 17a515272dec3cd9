"""The screening and trade pages in real Chromium (Playwright, Debian's chromium, uvicorn on 127.0.0.1):
upload → choose columns and lists → screen → filter → download, checking the files; and a trade
import. Both pages pass axe (no serious or critical violation) and fit a 390 px phone; screenshots
at 1366 and 390 px go to $TOLLWATCH_SCREENSHOTS."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from tests.test_browser_flows import chromium, live, pytestmark, sign_in, tab  # noqa: F401  (fixtures)
from tests.test_browser_pages import _check

FIXTURE = Path(__file__).parent / "fixtures" / "trade_comtrade_cn_kp_synthetic.csv"
# Headings the reader cannot guess: the user says which column is the name and which the country.
UPLOAD = "Firm,Land,Memo\nKOMID,kp,first supplier\nJang Pom Su,kp,개천 공장\nAcme Garden Furniture,de,=2+3\n"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = Path(os.environ.get("TOLLWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _page_checks(chromium, live, url: str, name: str, shots: Path, state) -> list[str]:  # noqa: F811
    return [p for width in (1366, 390) for p in _check(chromium, live, url, name, width, shots, state)]


def test_upload_choose_columns_and_lists_screen_and_download(tab, chromium, live, shots, tmp_path):  # noqa: F811
    page = tab
    page.set_default_timeout(180_000)  # the first upload page loads the bundled lists; a shared machine is slow
    upload = tmp_path / "firms.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.goto("/screen")
    page.set_input_files("input[type=file]", str(upload))
    page.click("form[action='/screen'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/screen/uploads/"))
    assert "Jang Pom Su" in page.inner_text("table.column-map")  # the header and first rows, previewed
    # Nothing guessed: screening now names the missing choice in words, not a CLI option.
    page.click("form.screen-map button[type=submit]")
    assert "choose at least one column as the name" in page.inner_text("p.error")
    page.select_option("select[name=col-0]", "name")
    page.select_option("select[name=col-1]", "country")
    page.uncheck("input[name=lists][value=gb_hmt_sanctions]")
    map_url = page.url
    problems = _page_checks(chromium, live, map_url.split(live.url, 1)[1], "screen-map", shots, page.context.storage_state())
    page.click("form.screen-map button[type=submit]")
    page.wait_for_url(re.compile(r".*/screen/jobs/"))
    page.wait_for_selector("text=rows screened", timeout=120_000)

    summary = page.inner_text("section.screen-summary")
    assert "3 rows screened" in summary and "not a legal determination" in summary
    assert "OFAC SDN" in summary and "snapshot of" in summary and "UK OFSI" not in summary
    table = page.inner_text("table.results-table")
    assert 'alias "KOMID"' in table and "country KP" in table and "tokens:" not in table
    rows = page.locator("table.results-table tbody tr")
    assert rows.count() == 3
    # 12 rows used to take ~6000 px; a row is now a few lines.
    assert page.evaluate("document.querySelector('table.results-table tbody tr').getBoundingClientRect().height") < 200
    page.select_option("select[name=risk]", "none")  # in place, no reload
    assert page.locator("table.results-table tbody tr:visible").count() == 1
    assert "risk=none" in page.url and "1 of 3 rows shown" in page.inner_text("form.screen-filters")
    page.select_option("select[name=risk]", "")
    page.select_option("select[name=sort]", "score")
    assert page.locator("table.results-table tbody tr").last.get_attribute("data-level") == "none"

    with page.expect_download() as info:
        page.click("section.exports button[type=submit]")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read Hangul
    table_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table_rows[0][:3] == ["Firm", "Land", "Memo"] and "risk_level" in table_rows[0]
    assert any("개천 공장" in r for r in table_rows) and any("'=2+3" in r for r in table_rows)
    assert not any(cell.startswith("=") for r in table_rows for cell in r)
    assert not any(r[table_rows[0].index("dataset")] == "gb_hmt_sanctions" for r in table_rows[1:])

    from openpyxl import load_workbook

    with page.expect_download() as info:
        page.click("a[href$='format=xlsx']")
    xlsx = tmp_path / "out.xlsx"
    info.value.save_as(xlsx)
    ws = load_workbook(xlsx)["screening"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]][:3] == ["Firm", "Land", "Memo"] and ws.column_dimensions["A"].width >= 8

    problems += _page_checks(chromium, live, page.url.split(live.url, 1)[1].split("?")[0], "screen-results-mapped", shots, page.context.storage_state())
    assert not problems, "\n".join(problems)


def test_trade_import_in_the_browser(tab, chromium, live, shots):  # noqa: F811
    page = tab
    page.set_default_timeout(120_000)
    sign_in(page, "analyst")
    page.goto("/trade")
    before = page.locator("figure.chart img").count()
    page.set_input_files("details.trade-import input[type=file]", str(FIXTURE))
    page.select_option("details.trade-import select[name=layout]", "comtrade")
    page.click("details.trade-import button[type=submit]")
    page.wait_for_selector("p.notice")
    assert "40 new records" in page.inner_text("p.notice")
    assert page.locator("figure.chart img").count() == 5 > before
    alts = [page.locator("figure.chart img").nth(i).get_attribute("alt") for i in range(5)]
    assert any(a.startswith("Chart: Monthly values") and "surge" in a for a in alts)  # each chart's alt says what it shows
    assert "9 of 12 months" in page.inner_text("main") and "re-export exposure" in page.inner_text("section.chart-gaps")
    problems = _page_checks(chromium, live, "/trade", "trade-imported", shots, page.context.storage_state())
    assert not problems, "\n".join(problems)
