"""Trade use cases shared by the CLI and the web app: the report, its charts, its HTML page.

Charts are drawn with matplotlib's object API (no pyplot state), so the server can draw
them from several threads. The HTML page embeds the charts as data: URIs and escapes
every value, and shows the bundled news figures with their citations beside the imports.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tollwatch.core.model import Sensitivity  # noqa: E402
from tollwatch.core.trade import (  # noqa: E402
    AnalysisParams,
    SurgeRule,
    analyze,
    compare_reference,
    fill_months,
    month_index,
    month_label,
)

matplotlib.rcParams["svg.hashsalt"] = "tollwatch"  # stable ids: identical data, identical SVG
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHART_NAMES = ("reference", "flows", "unit_values", "surges", "seasonality", "exposure")


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


# --- charts -----------------------------------------------------------------------------------


def _figure(title: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(8, 4.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title, fontsize=11)
    ax.grid(True, alpha=0.3)
    return fig, ax


def _render(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


def _granularity(rows: list[dict]) -> str:
    return "month" if any(r["granularity"] == "month" for r in rows) else "year"


def _axis_positions(periods: list[str], gran: str) -> list[int]:
    return [month_index(p) if gran == "month" else int(p) for p in periods]


def _set_period_ticks(ax, positions: list[int], gran: str) -> None:
    if not positions:
        return
    lo, hi = min(positions), max(positions)
    step = max(1, (hi - lo) // 8 + 1)
    ticks = list(range(lo, hi + 1, step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([month_label(t) if gran == "month" else str(t) for t in ticks], rotation=30, fontsize=8)


def _chart_flows(rep: dict) -> Figure:
    pair = f"{rep['reporter']}-{rep['partner']}"
    fig, ax = _figure(f"Toll-processing flows {pair}: inputs {'+'.join(rep['input_codes'])} "
                      f"vs outputs {'+'.join(rep['output_codes'])} (US$)")
    rows = rep["ratios"]
    if not rows:
        _empty(ax, "no imported trade records for this pair")
        return fig
    gran = _granularity(rows)
    rows = [r for r in rows if r["granularity"] == gran]
    xs = _axis_positions([r["period"] for r in rows], gran)
    ax.plot(xs, [r["input_usd"] for r in rows], marker="o", ms=3, label="inputs (to processor)")
    ax.plot(xs, [r["output_usd"] for r in rows], marker="s", ms=3, label="outputs (from processor)")
    lag = rep.get("lag") or {}
    if lag.get("best_lag_months") is not None:
        ax.text(0.01, 0.97, f"best lag {lag['best_lag_months']} month(s), r={lag['correlation']}",
                transform=ax.transAxes, va="top", fontsize=8)
    _set_period_ticks(ax, xs, gran)
    ax.legend(fontsize=8)
    return fig


def _chart_unit_values(rep: dict) -> Figure:
    fig, ax = _figure("Unit values (US$/kg); anomalies marked x")
    rows = rep["unit_values"]
    if not rows:
        _empty(ax, "no records with net weight")
        return fig
    gran = _granularity(rows)
    series = defaultdict(list)
    for r in rows:
        if r["granularity"] == gran:
            series[(r["flow"], r["hs"])].append(r)
    all_x = []
    for (flow, hs), pts in sorted(series.items())[:8]:
        xs = _axis_positions([p["period"] for p in pts], gran)
        all_x += xs
        ax.plot(xs, [p["usd_per_kg"] for p in pts], marker="o", ms=3, label=f"{flow} {hs}")
        bad = [(x, p["usd_per_kg"]) for x, p in zip(xs, pts) if p["anomaly"]]
        if bad:
            ax.scatter([b[0] for b in bad], [b[1] for b in bad], marker="x", s=60, color="red", zorder=5)
    _set_period_ticks(ax, all_x, gran)
    ax.legend(fontsize=8)
    return fig


def _chart_surges(rep: dict) -> Figure:
    fig, ax = _figure("Surges against the trailing baseline (marked ▲)")
    monthly = [s for s in rep["surges"] if s["granularity"] == "month"]
    flows = [f for f in rep["flows"] if f["granularity"] == "month"]
    keys = sorted({(s["flow"], s["hs"]) for s in monthly}) or sorted({(f["flow"], f["hs"]) for f in flows})
    if not keys:
        _empty(ax, "no monthly records")
        return fig
    by_key: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for f in flows:
        by_key[(f["flow"], f["hs"])][f["period"]] = f["value"]
    all_x = []
    for key in keys[:6]:
        values = by_key.get(key, {})
        if not values:
            continue
        filled = fill_months(values)
        xs = sorted(filled)
        all_x += xs
        ax.plot(xs, [filled[x] for x in xs], lw=1.2, label=f"{key[0]} {key[1]}")
    for s in monthly:
        x = month_index(s["period"])
        ax.scatter([x], [s["value"]], marker="^", s=70, color="red", zorder=5)
        ax.hlines(s["baseline"], x - 1, x + 1, colors="gray", linestyles="dotted")
    if not monthly:
        ax.text(0.01, 0.97, "no surges under the rule", transform=ax.transAxes, va="top", fontsize=8)
    _set_period_ticks(ax, all_x, "month")
    if all_x:
        ax.legend(fontsize=8)
    return fig


def _chart_seasonality(rep: dict) -> Figure:
    fig, ax = _figure("Seasonality: share of value by calendar month")
    season = rep.get("seasonality") or {}
    drawn = False
    width = 0.4
    for offset, role in ((-width / 2, "input"), (width / 2, "output")):
        prof = (season.get(role) or {}).get("profile") or []
        if not prof:
            continue
        drawn = True
        ax.bar([p["month"] + offset for p in prof], [p["share"] or 0 for p in prof], width=width, label=role)
    if not drawn:
        _empty(ax, "no monthly records")
        return fig
    ax.set_xticks(range(1, 13))
    ax.set_xticklabels(MONTHS, fontsize=8)
    ax.axhline(1 / 12, color="gray", lw=0.8, ls="--", label="uniform (1/12)")
    ax.legend(fontsize=8)
    return fig


def _chart_exposure(rep: dict) -> Figure:
    fig, ax = _figure("Re-export exposure: exports x processor share of imports (US$, all years)")
    totals: dict[str, float] = defaultdict(float)
    for e in rep["exposure"]:
        if e["exposure_usd"] is not None:
            totals[e["destination"]] += e["exposure_usd"]
    if not totals:
        _empty(ax, "no exports by destination with a known processor share")
        return fig
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:15][::-1]
    ax.barh([t[0] for t in top], [t[1] for t in top], color="#b5562a")
    ax.tick_params(axis="y", labelsize=8)
    return fig


def _chart_reference(rep: dict) -> Figure:
    """The bundled figures as reported, so the picture exists before any statistics are imported."""
    fig, ax = _figure("Hair-product trade China-DPRK as reported (US$ million)")
    # Hair products only: a row about all goods would dwarf them and mean something else.
    rows = [
        f for f in rep.get("reference_figures", [])
        if f.get("value_usd") and f.get("reporter", "").startswith("China") and not f.get("hs_scope", "").startswith("all goods")
    ]
    if not rows:
        _empty(ax, "no bundled reference figures")
        return fig
    rows = sorted(rows, key=lambda f: (f["period"], f["flow"]))
    labels = [f"{f['period']} · {f['source_publisher'][:22]}" for f in rows]
    colors = ["#b5562a" if f["flow"].startswith("NK->CN") else "#2a6fb5" for f in rows]
    ax.barh(range(len(rows)), [float(f["value_usd"]) / 1e6 for f in rows], color=colors)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    fig.text(0.99, 0.01, "orange: DPRK exports to China (wigs, eyelashes; HS 6704) · blue: China exports to DPRK "
             "(processed hair, inputs) · sources: the bundled figures table", ha="right", va="bottom", fontsize=7)
    fig.subplots_adjust(left=0.3, bottom=0.15)
    return fig


_CHARTS = {
    "reference": _chart_reference,
    "flows": _chart_flows,
    "unit_values": _chart_unit_values,
    "surges": _chart_surges,
    "seasonality": _chart_seasonality,
    "exposure": _chart_exposure,
}


def charts(rep: dict, fmt: str = "svg") -> dict[str, bytes]:
    return {name: _render(draw(rep), fmt) for name, draw in _CHARTS.items()}


def charts_svg(rep: dict) -> dict[str, str]:
    """Chart name -> SVG text, for the web app to inline or serve."""
    return {name: data.decode("utf-8") for name, data in charts(rep, "svg").items()}


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
