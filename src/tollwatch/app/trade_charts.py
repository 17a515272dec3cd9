"""The trade report's charts, drawn with matplotlib's object API (no pyplot state), so the
server can draw them from several threads.

Time axes read as months ("2023-07"), money axes in US$ million with no offset notation
(no "1e7" over the axis), and a chart with nothing to show is not drawn at all:
`chart_gaps` says which, and what to import to fill it.
"""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from tollwatch.core.trade import fill_months, month_index, month_label  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "tollwatch"  # stable ids: identical data, identical SVG
CHART_CAPTIONS = {  # what each chart shows, in words, for the page's caption and the image's alt text
    "reference": "Hair-product trade between China and the DPRK as the press and NGOs reported it (the bundled reference figures)",
    "flows": "Inputs shipped to the processor against its outputs, by period, in US$ million",
    "unit_values": "Unit values in US$ per kg, anomalies marked",
    "surges": "Monthly values; a red triangle marks a surge over the trailing median",
    "seasonality": "Share of each year's value by calendar month",
    "exposure": "Re-export exposure by destination, in US$ million",
}
FLOW_WORDS = {"M": "imports", "X": "exports", "RM": "re-imports", "RX": "re-exports"}  # Comtrade's flow codes
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHART_NAMES = ("reference", "flows", "unit_values", "surges", "seasonality", "exposure")


# --- charts -----------------------------------------------------------------------------------


# Drawn small (480 px) with large type, so that shown 340 px wide on a phone the smallest
# text is still about 9 px, and on a wide screen (two charts a row) about 13 px.
FIG_W, FIG_H = 4.8, 3.6
TEXT, SMALL = 11, 10


def _figure(title: str, height: float = FIG_H, over_figure: bool = False) -> tuple[Figure, Axes]:
    """`over_figure`: the title centred on the figure, not on axes that long tick labels push aside."""
    fig = Figure(figsize=(FIG_W, height), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    if over_figure:
        fig.suptitle(textwrap.fill(title, 46), fontsize=TEXT + 1)
    else:
        ax.set_title(textwrap.fill(title, 46), fontsize=TEXT + 1)
    ax.tick_params(labelsize=SMALL)
    ax.grid(True, alpha=0.3)
    return fig, ax


def _render(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=TEXT, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


def _granularity(rows: list[dict]) -> str:
    return "month" if any(r["granularity"] == "month" for r in rows) else "year"


def _axis_positions(periods: list[str], gran: str) -> list[int]:
    return [month_index(p) if gran == "month" else int(p) for p in periods]


def _period_text(x: float, gran: str) -> str:
    """A tick's label: a month ("2023-07") or a year; nothing between two periods."""
    if abs(x - round(x)) > 1e-6:
        return ""
    return month_label(int(round(x))) if gran == "month" else str(int(round(x)))


def _set_period_ticks(ax, positions: list[int], gran: str) -> None:
    """Ticks on whole periods only, each read as a date: never a month index such as 24272.5."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _period_text(x, gran)))
    ax.tick_params(axis="x", labelsize=SMALL, labelrotation=35)
    if positions and min(positions) == max(positions):
        ax.set_xlim(min(positions) - 1, max(positions) + 1)


def _usd_millions(axis) -> None:
    """Money in US$ million, in plain figures: no "1e7" offset over the axis."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / 1e6:,.1f}" if abs(v) < 1e8 else f"{v / 1e6:,.0f}"))


def _plain(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")))


def _chart_flows(rep: dict) -> Figure:
    pair = f"{rep['reporter']}-{rep['partner']}"
    fig, ax = _figure(f"Toll-processing flows {pair}: inputs {'+'.join(rep['input_codes'])} "
                      f"vs outputs {'+'.join(rep['output_codes'])}")
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
                transform=ax.transAxes, va="top", fontsize=SMALL)
    _set_period_ticks(ax, xs, gran)
    _usd_millions(ax.yaxis)
    ax.set_ylabel("US$ M", fontsize=TEXT)
    ax.legend(fontsize=SMALL)
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
        ax.plot(xs, [p["usd_per_kg"] for p in pts], marker="o", ms=3, label=f"{FLOW_WORDS.get(flow, flow)} {hs}")
        bad = [(x, p["usd_per_kg"]) for x, p in zip(xs, pts) if p["anomaly"]]
        if bad:
            ax.scatter([b[0] for b in bad], [b[1] for b in bad], marker="x", s=60, color="red", zorder=5)
    _set_period_ticks(ax, all_x, gran)
    _plain(ax.yaxis)
    ax.set_ylabel("US$ per kg", fontsize=TEXT)
    ax.legend(fontsize=SMALL)
    return fig


def _chart_surges(rep: dict) -> Figure:
    fig, ax = _figure("Monthly values and surges against the trailing baseline")
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
        ax.plot(xs, [filled[x] for x in xs], lw=1.2, label=f"{FLOW_WORDS.get(key[0], key[0])} {key[1]}")
    for i, s in enumerate(monthly):
        x = month_index(s["period"])
        all_x.append(x)
        ax.scatter([x], [s["value"]], marker="^", s=70, color="red", zorder=5, label="surge" if i == 0 else "_nolegend_")
        ax.hlines(s["baseline"], x - 1, x + 1, colors="gray", linestyles="dotted", label="trailing baseline (median)" if i == 0 else "_nolegend_")
    if not monthly:
        ax.text(0.01, 0.97, "no surges under the rule", transform=ax.transAxes, va="top", fontsize=SMALL)
    _set_period_ticks(ax, all_x, "month")
    _usd_millions(ax.yaxis)
    ax.set_ylabel("US$ M", fontsize=TEXT)
    ax.legend(fontsize=SMALL)
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
    ax.set_xticklabels(MONTHS, fontsize=SMALL)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    ax.set_ylabel("share of the year's value", fontsize=TEXT)
    ax.axhline(1 / 12, color="gray", lw=0.8, ls="--", label="uniform (1/12)")
    ax.legend(fontsize=SMALL)
    return fig


def _chart_exposure(rep: dict) -> Figure:
    fig, ax = _figure("Re-export exposure: exports x processor share of imports (all years)")
    totals: dict[str, float] = defaultdict(float)
    for e in rep["exposure"]:
        if e["exposure_usd"] is not None:
            totals[e["destination"]] += e["exposure_usd"]
    if not totals:
        _empty(ax, "no exports by destination with a known processor share")
        return fig
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:15][::-1]
    ax.barh([t[0] for t in top], [t[1] for t in top], color="#b5562a")
    ax.tick_params(axis="y", labelsize=SMALL)
    _usd_millions(ax.xaxis)
    ax.set_xlabel("US$ M", fontsize=TEXT)
    return fig


def _chart_reference(rep: dict) -> Figure:
    """The bundled figures as reported, so the picture exists before any statistics are imported."""
    # Hair products only: a row about all goods would dwarf them and mean something else.
    rows = [
        f for f in rep.get("reference_figures", [])
        if f.get("value_usd") and f.get("reporter", "").startswith("China") and not f.get("hs_scope", "").startswith("all goods")
    ]
    if not rows:
        fig, ax = _figure("Hair-product trade China-DPRK as reported (US$ million)")
        _empty(ax, "no bundled reference figures")
        return fig
    rows = sorted(rows, key=lambda f: (f["period"], f["flow"]))
    fig, ax = _figure("Hair-product trade China-DPRK as reported (US$ million)", height=2.4 + 0.27 * len(rows), over_figure=True)
    labels = [f"{f['period']} · {f['source_publisher'][:22]}" for f in rows]
    colors = ["#b5562a" if f["flow"].startswith("NK->CN") else "#2a6fb5" for f in rows]
    ax.barh(range(len(rows)), [float(f["value_usd"]) / 1e6 for f in rows], color=colors)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=SMALL)
    ax.invert_yaxis()
    ax.legend(handles=[Patch(color="#b5562a", label="DPRK exports to China (HS 6704)"),
                       Patch(color="#2a6fb5", label="China exports to DPRK (inputs)")],
              fontsize=SMALL, loc="upper center", bbox_to_anchor=(0.3, -0.08), frameon=False)
    return fig


_CHARTS = {
    "reference": _chart_reference,
    "flows": _chart_flows,
    "unit_values": _chart_unit_values,
    "surges": _chart_surges,
    "seasonality": _chart_seasonality,
    "exposure": _chart_exposure,
}


def chart_gaps(rep: dict) -> dict[str, str]:
    """Chart name -> what to import to draw it, for each chart the report has no data for."""
    monthly = any(f["granularity"] == "month" for f in rep.get("flows", []))
    codes = f"{'+'.join(rep.get('input_codes', []))} and {'+'.join(rep.get('output_codes', []))}"
    pair = f"{rep.get('reporter')}-{rep.get('partner')}"
    gaps = {
        "flows": None if rep.get("ratios") else f"Import trade statistics for {pair} in HS {codes} (a UN Comtrade CSV download, or the csv layout) to draw the inputs against the outputs.",
        "unit_values": None if rep.get("unit_values") else "Import records with a net weight (Comtrade's netWgt, or net_kg) to draw unit values in US$ per kg.",
        "surges": None if monthly else f"Import monthly statistics for {pair} (Comtrade with freqCode M, or periods as YYYY-MM) to draw monthly values and surges.",
        "seasonality": None if monthly else "Import monthly statistics to draw the share of value by calendar month.",
        "exposure": None if any(e.get("exposure_usd") is not None for e in rep.get("exposure", [])) else
        f"Import {rep.get('reporter')}'s exports of HS {'+'.join(rep.get('output_codes', []))} by destination, and its imports from every partner, to draw the re-export exposure.",
        "reference": None,
    }
    return {name: text for name, text in gaps.items() if text}


def charts(rep: dict, fmt: str = "svg", names: tuple[str, ...] | None = None) -> dict[str, bytes]:
    """The charts in `names` (default: all), drawn."""
    return {name: _render(draw(rep), fmt) for name, draw in _CHARTS.items() if names is None or name in names}


def charts_svg(rep: dict) -> dict[str, str]:
    """Chart name -> SVG text, for the web app to inline or serve."""
    return {name: data.decode("utf-8") for name, data in charts(rep, "svg").items()}


