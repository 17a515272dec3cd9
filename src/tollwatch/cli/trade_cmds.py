"""Commands on trade statistics: import, analyze, and the bundled reference figures."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tollwatch.cli.context import pass_app
from tollwatch.cli.output import dumps, emit, format_option


def register(cli: click.Group) -> None:
    cli.add_command(trade)


@click.group()
def trade():
    """Trade flows: the toll-processing fingerprint, surges, sanction flags, exposure."""


@trade.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "layout", type=click.Choice(("auto", "comtrade", "csv")), default="auto",
              show_default=True, help="File layout: UN Comtrade CSV or the generic csv (see docs/trade.md).")
@click.option("--output", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@pass_app
def trade_import(app, file, layout, fmt):
    """Validate a trade-statistics file and store its records (all or nothing)."""
    from tollwatch.app import trade as trade_app  # matplotlib loads only when needed

    result = trade_app.import_file(app.store, app.actor, file, layout)
    if fmt == "json":
        click.echo(dumps(result.as_dict()))
        return
    click.echo(f"{result.path}: {result.layout} layout, {result.imported} records imported, "
               f"{result.already_stored} already stored")
    for why, n in sorted(result.skipped.items()):
        click.echo(f"  skipped {n}: {why}")
    if result.unmapped_codes:
        click.echo(f"  country codes kept as given (not in the ISO table): {', '.join(result.unmapped_codes)}")


@trade.command("analyze")
@click.option("--reporter", default="CN", show_default=True, help="Reporting country (ISO alpha-2).")
@click.option("--partner", default="KP", show_default=True, help="Partner country (ISO alpha-2).")
@click.option("--k", "k", type=click.FloatRange(min=1.0), default=2.0, show_default=True,
              help="Surge when value > k x trailing median.")
@click.option("--window", type=click.IntRange(min=1), default=12, show_default=True,
              help="Trailing months in the surge baseline.")
@click.option("--min-baseline", type=click.IntRange(min=1), default=6, show_default=True,
              help="Months of history needed before a surge can be reported.")
@format_option(default="table", choices=("table", "json"))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write charts and an HTML report into this directory.")
@click.option("--charts", "chart_fmt", type=click.Choice(("svg", "png")), default="svg", show_default=True)
@pass_app
def trade_analyze(app, reporter, partner, k, window, min_baseline, fmt, out_dir, chart_fmt):
    """Flows, ratios, lag, unit values, seasonality, surges, sanction flags and exposure."""
    from tollwatch.app import trade as trade_app  # matplotlib loads only when needed

    params = trade_app.params_from(trade_app.country(reporter), trade_app.country(partner), k, window, min_baseline)
    rep = trade_app.report(app.store, params=params)
    if out_dir:
        written = trade_app.write_report(rep, out_dir, chart_fmt)
        click.echo(f"wrote {len(written)} files to {out_dir}", err=True)
    if fmt == "json":
        click.echo(json.dumps(rep, ensure_ascii=False, indent=2, default=str))
        return
    _print_tables(rep)


@trade.command("figures")
@format_option(default="table", choices=("table", "json"))
def trade_figures_cmd(fmt):
    """The bundled China-DPRK hair-trade figures as reported in the news, with citations."""
    from tollwatch.app import trade as trade_app  # matplotlib loads only when needed

    figures = trade_app.reference_figures()
    if fmt == "json":
        emit(figures, fmt)
        return
    # Citations go in full below the table: a truncated URL cites nothing.
    rows = [dict(f, ref=f"[{i}]") for i, f in enumerate(figures, 1)]
    emit(rows, "table", ["ref", "period", "flow", "hs_scope", "quantity_t", "value_usd", "share_note",
                         "source_publisher"])
    click.echo("")
    for i, f in enumerate(figures, 1):
        flag = "  [mirror: a copy, not the publisher's page]" if f.get("source_mirror") else ""
        click.echo(f"[{i}] {f.get('source_publisher')}: {f.get('source_url')}{flag}")


def _print_tables(rep: dict) -> None:
    def section(title: str) -> None:
        click.echo(f"\n== {title}")

    click.echo(f"{rep['reporter']}-{rep['partner']}: {rep['records']} records; processor {rep['processor']}")
    if not rep["records"]:
        click.echo("no trade records for this pair: import some with `tollwatch trade import FILE`")
    section("input vs output by year")
    emit([r for r in rep["ratios"] if r["granularity"] == "year"], "table",
         ["period", "input_usd", "output_usd", "ratio", "input_kg", "output_kg", "kg_ratio"])
    lag = rep.get("lag") or {}
    section("lag")
    click.echo(f"best lag: {lag.get('best_lag_months')} month(s), correlation {lag.get('correlation')}")
    section("seasonality (share of value in Nov-Jan; 0.25 if even)")
    for role in ("input", "output"):
        s = (rep.get("seasonality") or {}).get(role) or {}
        click.echo(f"{role}: peak month {s.get('peak_month')}, early-winter share {s.get('early_winter_share')}")
    section("surges")
    click.echo(rep["rules"]["surge_month"])
    emit(rep["surges"], "table", ["period", "granularity", "flow", "hs", "value", "baseline", "ratio"])
    section("sanction flags")
    emit(rep["sanction_flags"], "table", ["period", "flow", "hs", "value", "resolution", "rule"])
    section("unit-value anomalies")
    emit([u for u in rep["unit_values"] if u["anomaly"]], "table",
         ["period", "flow", "hs", "usd_per_kg", "robust_z"])
    section("re-export exposure")
    emit(rep["exposure"], "table", ["year", "destination", "exports_usd", "processor_share", "exposure_usd"])
    section("reference figures beside imports")
    emit(rep["reference_comparison"], "table",
         ["period", "flow", "reported_usd", "imported_usd", "difference_pct", "source_publisher"])
