"""`tollwatch trade` end to end on a built table: JSON answers, charts, the HTML report."""

from __future__ import annotations

import json

import pytest
from defusedxml import ElementTree

from tollwatch.importers.reference import trade_figures

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
EVIL_CSV = '"' + EVIL.replace('"', '""') + '"'


def table_csv(tmp_path):
    """Two years of a CN-KP hair trade with hand-known answers.

    Inputs (6703, CN exports to KP) follow a pattern; outputs (6704, CN imports from KP) are
    4 x the inputs one month later, except 2023-06, raised to 2000 (trailing median 4 x 60 = 240
    or so -> the one monthly surge). A T-shirt import from KP in 2023-05 is the one textile flag.
    """
    pattern = [50, 70, 40, 60, 80, 55, 65, 45, 75, 50, 60, 70]
    lines = ["period,reporter,partner,flow,hs,value_usd,net_kg,description"]
    for year in (2022, 2023):
        for m in range(1, 13):
            v = pattern[m - 1]
            lines.append(f"{year}-{m:02d},CN,KP,X,6703,{v},{v / 10},processed hair")
            out_month = m + 1
            out_year = year + (out_month > 12)
            out_month = (out_month - 1) % 12 + 1
            if out_year == 2024:
                continue
            out = 2000 if (out_year, out_month) == (2023, 6) else 4 * v
            lines.append(f"{out_year}-{out_month:02d},CN,KP,M,6704,{out},{out / 100},{EVIL_CSV}")
    lines.append("2023-05,CN,KP,M,6109,35,1,knitted shirts")
    lines.append("2023,CN,VN,M,6704,1000,,")
    lines.append("2023,CN,US,X,6704,800,,")
    lines.append("2023,CN,JP,X,6704,200,,")
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(cli, tmp_path):
    path = table_csv(tmp_path)
    out = cli("trade", "import", str(path), "--format", "csv")
    assert "records imported" in out.stdout
    return cli


def test_analyze_json_answers(loaded):
    rep = loaded.json("trade", "analyze", "--reporter", "CN", "--partner", "KP", "--format", "json")
    for key in ("flows", "ratios", "unit_values", "surges", "sanction_flags", "exposure"):
        assert key in rep
    assert [(s["period"], s["hs"], s["value"]) for s in rep["surges"]] == [("2023-06", "6704", 2000.0)]
    assert set(rep["surges"][0]) >= {"period", "hs", "value", "baseline"}
    assert [(f["period"], f["hs"], f["value"]) for f in rep["sanction_flags"]] == [("2023-05", "6109", 35.0)]
    assert set(rep["sanction_flags"][0]) >= {"period", "hs", "value", "rule"}
    assert rep["lag"]["best_lag_months"] == 1
    # 2023 outputs from KP: 4 x (sum of Dec 2022 .. Nov 2023 inputs) with June raised to 2000.
    pattern = [50, 70, 40, 60, 80, 55, 65, 45, 75, 50, 60, 70]
    kp_2023 = 4 * (pattern[11] + sum(pattern[:11])) - 4 * pattern[4] + 2000
    share = kp_2023 / (kp_2023 + 1000)
    us = next(e for e in rep["exposure"] if e["destination"] == "US")
    assert us["exposure_usd"] == pytest.approx(800 * share, abs=0.01)


def test_analyze_table_output(loaded):
    out = loaded("trade", "analyze").stdout
    assert "2023-06" in out and "UNSCR 2375" in out


def test_charts_and_html_report_are_written(loaded, tmp_path):
    out_dir = tmp_path / "report"
    loaded("trade", "analyze", "-o", str(out_dir))
    names = ("reference", "flows", "unit_values", "surges", "seasonality", "exposure")
    for name in names:
        svg = out_dir / f"trade_{name}.svg"
        assert svg.stat().st_size > 1000
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg")
    html = (out_dir / "trade_report.html").read_text(encoding="utf-8")
    assert html.count("data:image/svg+xml;base64,") == len(names)
    # The bundled reference figures with their citations.
    for fig in trade_figures():
        assert fig["source_url"].replace("&", "&amp;") in html
    assert "Straits Times" in html and "167,000,000" in html
    # The malicious label in the imported data is escaped, never live.
    assert "<script>" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert json.loads((out_dir / "trade_report.json").read_text())["surges"][0]["period"] == "2023-06"


def test_png_charts(loaded, tmp_path):
    out_dir = tmp_path / "png"
    loaded("trade", "analyze", "-o", str(out_dir), "--charts", "png", "--format", "json")
    for name in ("flows", "surges", "exposure"):
        assert (out_dir / f"trade_{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_charts_and_report_for_an_empty_store(cli, tmp_path):
    cli("trade", "analyze", "-o", str(tmp_path / "empty"))
    html = (tmp_path / "empty" / "trade_report.html").read_text(encoding="utf-8")
    assert "Reuters" in html and (tmp_path / "empty" / "trade_flows.svg").exists()


def test_figures_command_shows_the_bundled_figures_with_citations(cli):
    figures = cli.json("trade", "figures", "--format", "json")
    assert len(figures) == len(trade_figures()) >= 10
    assert all(f["source_url"].startswith("http") for f in figures)
    table = cli("trade", "figures").stdout
    assert "167000000" in table and "Reuters" in table
    for fig in figures:  # every citation in full, never cut to the column width
        assert fig["source_url"] in table


def test_bad_file_exits_non_zero_with_one_line(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("period,reporter,partner,flow,hs,value_usd\n2023-01,CN,KP,M,6704,ten\n", encoding="utf-8")
    result = cli("trade", "import", str(bad), expect=2)
    assert "bad.csv:2: value_usd:" in result.output
    rep = cli.json("trade", "analyze", "--format", "json")
    assert rep["records"] == 0


def test_web_functions(store, tmp_path):
    from tollwatch.app.trade import charts_svg, report
    from tollwatch.importers.trade import import_trade_file

    import_trade_file(store, table_csv(tmp_path))
    rep = report(store, "CN", "KP")
    assert rep["surges"][0]["period"] == "2023-06"
    svgs = charts_svg(rep)
    assert set(svgs) == {"reference", "flows", "unit_values", "surges", "seasonality", "exposure"}
    assert all(s.lstrip().startswith("<?xml") and "<svg" in s for s in svgs.values())
    assert charts_svg(rep) == svgs  # same data, same SVG


def test_html_escapes_reference_figures_and_links_only_web_urls():
    from tollwatch.app.trade import charts, html_report, params_from, report_from_records
    from tollwatch.core.trade import TradeRecord

    figures = [
        {"period": "2023", "flow": "NK->CN exports", "hs_scope": "<b onmouseover=x>6704</b>", "value_usd": "5",
         "source_publisher": "Evil & Co", "source_url": "javascript:alert(1)"},
        {"period": "2023", "flow": "NK->CN exports", "hs_scope": "6704", "value_usd": "5",
         "source_publisher": "Fine", "source_url": "https://example.org/a?b=1&c=<2>"},
    ]
    rep = report_from_records([TradeRecord("2023-01", "CN", "KP", "M", "6704", 5)], params_from(), figures)
    page = html_report(rep, charts(rep, "svg"))
    assert "<b onmouseover" not in page and "&lt;b onmouseover=x&gt;" in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page
    assert '<a href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in page
    assert "Evil &amp; Co" in page


def test_web_app_shows_the_same_charts(loaded, store, tmp_path):
    """The /trade page draws the report's charts, lists its surges and flags, escapes labels."""
    from fastapi.testclient import TestClient

    from tollwatch.app.trade import CHART_NAMES
    from tollwatch.server.app import create_app

    client = TestClient(create_app(store=store, secret_key="test-secret"))
    page = client.get("/trade", params={"reporter": "CN", "partner": "KP"})
    assert page.status_code == 200
    html = page.text
    from tollwatch.app.trade import chart_gaps, report

    gaps = chart_gaps(report(store, "CN", "KP"))
    assert html.count("data:image/svg+xml;base64,") == len(CHART_NAMES) - len(gaps)  # a chart with no data is not drawn
    assert all(text.replace("'", "&#39;") in html for text in gaps.values())  # ... a sentence says what to import
    assert "2023-06" in html and "6109" in html  # the surge and the textile flag
    assert "<script>alert" not in html
    assert all(f["source_publisher"].replace("&", "&amp;") in html for f in trade_figures())
    assert client.get("/trade", params={"reporter": "<b>"}).status_code == 400
