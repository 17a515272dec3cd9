"""Trade use cases shared by the CLI and the web app: the report, its charts, its HTML page.

Charts are drawn with matplotlib's object API (no pyplot state), so the server can draw
them from several threads. The HTML page embeds the charts as data: URIs and escapes
every value, and shows the bundled news figures with their citations beside the imports.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from tollwatch.app.trade_charts import CHART_NAMES, chart_gaps, charts, charts_svg
from tollwatch.core.model import Sensitivity
from tollwatch.core.trade import AnalysisParams, SurgeRule, analyze, compare_reference

__all__ = ["CHART_NAMES", "chart_gaps", "charts", "charts_svg", "coverage_text", "html_report", "import_file", "report", "write_report", "year_coverage"]


def params_from(reporter: str = "CN", partner: str = "KP", k: float = 2.0, window: int = 12,
                min_baseline: int = 6) -> AnalysisParams:
    return AnalysisParams(
        reporter=reporter.upper(),
        partner=partner.upper(),
        monthly_surge=SurgeRule(k=k, window=window, min_baseline=min_baseline),
    )


def report(store, reporter: str = "CN", partner: str = "KP", params: AnalysisParams | None = None) -> dict:
    """The full analysis of the stored records for one reporter-partner pair, JSON-ready."""
    from tollwatch.importers.reference import trade_figures
    from tollwatch.store import trade_repo

    params = params or params_from(reporter, partner)
    with store.read(Sensitivity.PUBLIC) as r:  # trade statistics carry no sensitivity
        records = trade_repo.load(r.conn, {params.reporter, params.partner})
    return report_from_records(records, params, reference_figures())


def import_file(store, actor: str, path: Path, layout: str = "auto"):
    """Validate a trade-statistics file and store its records in one audited transaction (an ImportResult)."""
    from tollwatch.importers.trade import import_trade_file

    return import_trade_file(store, path, layout, actor)


def country(raw: str) -> str:
    """ISO alpha-2 from alpha-2 or alpha-3 (as `trade analyze --reporter` takes them)."""
    from tollwatch.importers.trade import country_code

    return country_code(raw)


def reference_figures() -> list[dict]:
    """The bundled China-DPRK hair-trade figures as reported in the news, with citations."""
    from tollwatch.app.citations import url_is_mirror
    from tollwatch.importers.reference import trade_figures

    # Copies: the bundled rows are cached and shared. Each says whether its page is a mirror.
    return [{**f, "source_mirror": url_is_mirror(f.get("source_url"))} for f in trade_figures()]


def report_from_records(records, params: AnalysisParams, figures: list[dict]) -> dict:
    result = analyze(records, params)
    result["reference_figures"] = figures
    result["reference_comparison"] = compare_reference(figures, result)
    return result


def year_coverage(rep: dict) -> list[dict]:
    """Per year of imported data: how many months it covers (None: annual totals only) and the
    input and output totals, so every yearly figure says whether the year is whole."""
    years: dict[str, dict] = {}
    for f in rep.get("flows", []):
        y = years.setdefault(f["period"][:4], {"months": set(), "month": {"input": 0.0, "output": 0.0}, "year": {"input": 0.0, "output": 0.0}})
        if f["granularity"] == "month":
            y["months"].add(f["period"])
        y[f["granularity"]][f["role"]] = y[f["granularity"]].get(f["role"], 0.0) + float(f["value"] or 0)
    out = []
    for year, y in sorted(years.items()):
        totals = y["month"] if y["months"] else y["year"]
        out.append({"year": year, "months": len(y["months"]) or None, "periods": sorted(y["months"]),
                    "input_usd": totals.get("input", 0.0), "output_usd": totals.get("output", 0.0)})
    return out


def coverage_text(coverage: list[dict], period: str) -> str:
    """For a year: "9 of 12 months", "annual totals" or "nothing imported"; for a month
    (YYYY-MM): whether that month is imported."""
    period = str(period)
    year = next((c for c in coverage if c["year"] == period[:4]), None)
    if year is None:
        return "nothing imported"
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return "this month imported" if period in year["periods"] else f"not this month ({year['months'] or 0} of 12 imported)"
    return "annual totals" if year["months"] is None else f"{year['months']} of 12 months"


# --- HTML report -------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;
text-align:left}th{background:#f3f3f3}img{max-width:100%;border:1px solid #eee}.note{color:#555;font-size:13px}"""


def _e(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:,.2f}" if abs(value) < 1e15 else f"{value:g}"
    return html.escape(str(value), quote=True)


def _link(url) -> str:
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
    return _e(url)


def _table(rows: list[dict], columns: list[str], links: tuple[str, ...] = ()) -> str:
    if not rows:
        return '<p class="note">none</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_link(r.get(c)) if c in links else _e(r.get(c))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def html_report(rep: dict, images: dict[str, bytes], fmt: str = "svg") -> str:
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    pair = f"{rep['reporter']} - {rep['partner']}"
    lag = rep.get("lag") or {}
    season = rep.get("seasonality") or {}
    parts = [
        "<!doctype html><html><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">",
        f"<title>tollwatch trade report {_e(pair)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Trade flows {_e(pair)}</h1>",
        f"<p class=\"note\">{_e(rep['records'])} imported records for this pair; processor {_e(rep['processor'])}; "
        f"inputs {_e(', '.join(rep['input_codes']))}, outputs {_e(', '.join(rep['output_codes']))}.</p>",
        "<h2>Charts</h2>",
    ]
    for name in CHART_NAMES:
        if name in images:
            data = base64.b64encode(images[name]).decode("ascii")
            parts.append(f'<h3>{_e(name.replace("_", " "))}</h3><img alt="{_e(name)}" src="data:{mime};base64,{data}">')
    parts += [
        "<h2>Reference figures (bundled, as reported in the news) beside imported statistics</h2>",
        _table(rep.get("reference_comparison", []),
               ["period", "flow", "hs_scope", "reported_usd", "imported_usd", "difference_pct", "source_publisher",
                "source_url"], links=("source_url",)),
        "<h2>Years imported, and how many months each covers</h2>",
        _table(year_coverage(rep), ["year", "months", "input_usd", "output_usd"]),
        "<h2>Input vs output, by year</h2>",
        _table([r for r in rep["ratios"] if r["granularity"] == "year"],
               ["period", "input_usd", "output_usd", "ratio", "input_kg", "output_kg", "kg_ratio"]),
        "<h2>Lag</h2>",
        f"<p>Best-fitting lag: {_e(lag.get('best_lag_months'))} month(s), correlation {_e(lag.get('correlation'))}. "
        f"<span class=\"note\">{_e(lag.get('method'))}</span></p>",
        "<h2>Seasonality</h2>",
        _table([{"series": role, "peak_month": (season.get(role) or {}).get("peak_month"),
                 "early_winter_share": (season.get(role) or {}).get("early_winter_share"),
                 "early_winter_index": (season.get(role) or {}).get("early_winter_index")}
                for role in ("input", "output")],
               ["series", "peak_month", "early_winter_share", "early_winter_index"]),
        "<h2>Surges</h2>",
        f"<p class=\"note\">{_e(rep['rules']['surge_month'])}</p>",
        _table(rep["surges"], ["period", "granularity", "flow", "hs", "value", "baseline", "ratio"]),
        "<h2>Sanction flags</h2>",
        _table(rep["sanction_flags"], ["period", "flow", "hs", "value", "resolution", "rule"]),
        "<h2>Unit-value anomalies</h2>",
        f"<p class=\"note\">{_e(rep['rules']['unit_value_anomaly'])}</p>",
        _table([u for u in rep["unit_values"] if u["anomaly"]],
               ["period", "granularity", "flow", "hs", "value", "net_kg", "usd_per_kg", "robust_z"]),
        "<h2>Re-export exposure</h2>",
        _table(rep["exposure_shares"], ["year", "imports_from_processor", "total_imports", "total_from", "share"]),
        _table(rep["exposure"], ["year", "destination", "exports_usd", "processor_share", "exposure_usd"]),
        "<h2>HS codes in the imported records</h2>",
        _table(rep.get("codes", []), ["hs", "description"]),
        "<h2>All bundled reference figures</h2>",
        _table(rep.get("reference_figures", []),
               ["period", "flow", "reporter", "partner", "hs_scope", "quantity_t", "value_usd", "share_note",
                "source_publisher", "source_url", "source_mirror"], links=("source_url",)),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(rep: dict, out_dir: Path, fmt: str = "svg") -> list[Path]:
    """Charts, report.html and report.json into out_dir; each file written whole, then renamed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    images = charts(rep, fmt)
    written = []
    for name, data in images.items():
        written.append(_write(out_dir / f"trade_{name}.{fmt}", data))
    written.append(_write(out_dir / "trade_report.html", html_report(rep, images, fmt).encode("utf-8")))
    written.append(_write(out_dir / "trade_report.json",
                          json.dumps(rep, ensure_ascii=False, indent=2, default=str).encode("utf-8")))
    return written


def _write(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
