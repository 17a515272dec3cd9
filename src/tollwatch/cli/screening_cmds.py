"""`tollwatch lists ...` and `tollwatch screen`: sanctions lists and screening from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tollwatch.cli.main import pass_app
from tollwatch.cli.output import emit, format_option


def register(cli: click.Group) -> None:
    cli.add_command(lists_group)
    cli.add_command(screen_cmd)


def _open(app):
    """The store without the evidence-graph reload check being skipped: screening cites it."""
    return app.store


@click.group("lists", invoke_without_command=True)
@format_option()
@pass_app
@click.pass_context
def lists_group(ctx: click.Context, app, fmt: str) -> None:
    """Sanctions lists loaded for screening, with their snapshot dates."""
    if ctx.invoked_subcommand is not None:
        return
    from tollwatch.app.screening import ensure_default_lists, loaded_lists

    store = _open(app)
    ensure_default_lists(store)
    rows = [
        {
            "dataset": ds,
            "snapshot_date": m.get("snapshot_date"),
            "count": m.get("count"),
            "skipped": m.get("skipped"),
            "source_files": ", ".join(m.get("source_files") or []),
            "imported_at": m.get("imported_at"),
        }
        for ds, m in loaded_lists(store).items()
    ]
    emit(rows, fmt, ["dataset", "snapshot_date", "count", "skipped", "source_files", "imported_at"])


@lists_group.command("import")
@click.option("--format", "list_format", type=click.Choice(["ofac-csv", "ofac-xml", "un-xml", "ftm", "csv"]), required=True, help="Format of the list files.")
@click.option("--dataset", help="Dataset name (default: us_ofac_sdn, un_sc_sanctions, the FtM dataset, or the CSV file name).")
@click.option("--snapshot-date", help="Publication date of the list (YYYY-MM-DD), when the file does not say.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_app
def lists_import(app, list_format: str, dataset: str | None, snapshot_date: str | None, files: tuple[Path, ...]) -> None:
    """Import a list (replacing that dataset's previous snapshot in one transaction)."""
    from tollwatch.app.screening import import_list
    from tollwatch.core.model import parse_date

    parse_date(snapshot_date, "snapshot-date")
    report = import_list(_open(app), list_format, list(files), dataset, app.actor, snapshot_date=snapshot_date)
    click.echo(f"imported {report.count} records into {report.dataset} (snapshot {report.snapshot_date or 'undated'})")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} lines:", err=True)
        for line in report.skipped[:20]:
            click.echo(f"  {line}", err=True)
        if len(report.skipped) > 20:
            click.echo(f"  ... and {len(report.skipped) - 20} more", err=True)


@lists_group.command("update")
@click.option("--url", "urls", multiple=True, metavar="DATASET=URL[,URL...]", help="Fetch a dataset from these URLs instead of the official ones (repeatable).")
@click.option("--only", "only", multiple=True, help="Update only these datasets.")
@pass_app
def lists_update(app, urls: tuple[str, ...], only: tuple[str, ...]) -> None:
    """Fetch the current official lists (or configured URLs) and import them."""
    from tollwatch.app.screening import OFFICIAL_URLS, fetch_lists
    from tollwatch.core.errors import InputError

    config = dict(OFFICIAL_URLS)
    env = os.environ.get("TOLLWATCH_LIST_URLS")
    if env:
        urls = tuple(x for x in env.split(";") if x.strip()) + urls
    for item in urls:
        ds, sep, links = item.partition("=")
        if not sep or ds not in config and ds not in OFFICIAL_URLS:
            raise InputError(f"--url expects DATASET=URL with DATASET one of {', '.join(OFFICIAL_URLS)}, got {item!r}", field="url")
        config[ds] = (config[ds][0], [u.strip() for u in links.split(",") if u.strip()])
    if only:
        config = {k: v for k, v in config.items() if k in only}
    try:
        reports = fetch_lists(_open(app), config, app.actor)
    except OSError as exc:
        raise InputError(f"download failed: {exc}", field="url") from None
    except Exception as exc:  # httpx errors: one clear line
        if type(exc).__module__.startswith("httpx"):
            raise InputError(f"download failed: {exc}", field="url") from None
        raise
    for r in reports:
        click.echo(f"updated {r.dataset}: {r.count} records (snapshot {r.snapshot_date})")


@click.command("screen")
@click.argument("input_file", metavar="INPUT", type=click.Path())  # a str: --engine spark takes s3a://, hdfs:// ...
@click.option("--list", "lists", multiple=True, help="Screen only against these datasets (repeatable); default: all lists and the evidence graph (tollwatch).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="Score at or above which a name counts as a match (default 0.7).")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Matches kept per row.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx", "html", "parquet"]), default="jsonl", show_default=True, help="parquet: one file with --engine local, part files with --engine spark.")
@click.option("-o", "--output", type=click.Path(), help="Output file (stdout for jsonl/csv when omitted); with --engine spark, a directory of part files.")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD", help="Map an input column to a field: query_id, name, address, country, hs_code, description, schema.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True)
@click.option("--no-cache", is_flag=True, help="Rebuild the prepared index instead of using the on-disk cache.")
@click.option("--spark-master", metavar="URL", help="With --engine spark: the cluster (spark://host:7077, yarn, local[4]); default local[*].")
@pass_app
def screen_cmd(app, input_file: str, lists, threshold, limit, fmt, output, maps, engine, no_cache, spark_master) -> None:
    """Screen suppliers or shipments (CSV, TSV, XLSX, Parquet, JSONL) against lists and the evidence graph."""
    from tollwatch.app.screen import parse_mapping, screen_file

    done = screen_file(_open(app), input_file, output, fmt, mapping=parse_mapping(maps), threshold=threshold, limit=limit, datasets=list(lists) or None, engine=engine, use_cache=not no_cache, spark_master=spark_master)
    counts = done.counts
    dates = ", ".join(f"{ds} {m.get('snapshot_date') or 'undated'}" for ds, m in done.lists.items())
    click.echo(
        f"screened {done.total} rows: {counts['high']} high, {counts['medium']} medium, {counts['low']} low risk; lists: {dates}",
        err=True,
    )


__all__ = ["register"]
