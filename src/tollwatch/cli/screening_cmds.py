"""`tollwatch lists ...` and `tollwatch screen`: sanctions lists and screening from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tollwatch.cli.context import pass_app
from tollwatch.cli.output import emit, format_option

# The list formats importers.lists.FORMATS reads (tests/test_list_formats.py keeps them equal;
# spelled out here so that `tollwatch --help` does not import the importers).
LIST_FORMATS = ["ofac-csv", "ofac-xml", "un-xml", "un", "uk-ofsi", "au-dfat", "eu-fsf", "ftm", "csv"]


def register(cli: click.Group) -> None:
    cli.add_command(lists_group)
    cli.add_command(screen_cmd)


def _open(app):
    """The store without the evidence-graph reload check being skipped: screening cites it."""
    return app.store


def _max_age_option():
    return click.option("--max-list-age", "max_list_age", type=click.IntRange(0), metavar="DAYS", default=None,
                        help="Warn about lists whose snapshot is older than this (default: $TOLLWATCH_MAX_LIST_AGE or 30).")


def _warn_stale(lists: dict[str, dict], max_list_age: int | None) -> None:
    """One stderr line per list older than the allowed age."""
    from tollwatch.app.lists import stale_warnings

    for line in stale_warnings(lists, max_list_age):
        click.echo(line, err=True)


@click.group("lists", invoke_without_command=True)
@format_option()
@_max_age_option()
@pass_app
@click.pass_context
def lists_group(ctx: click.Context, app, fmt: str, max_list_age: int | None) -> None:
    """Sanctions lists loaded for screening: source (a file, a URL or "bundled"), snapshot date, records."""
    if ctx.invoked_subcommand is not None:
        return
    from tollwatch.app.lists import SHOWN, show_lists

    rows = show_lists(_open(app))
    emit(rows, fmt, list(SHOWN))
    _warn_stale({r["dataset"]: r for r in rows}, max_list_age)


@lists_group.command("import")
@click.option("--format", "list_format", type=click.Choice(LIST_FORMATS), required=True,
              help="Format of the list files: ofac-csv/ofac-xml (US OFAC SDN), un-xml or un (UN SC consolidated XML), uk-ofsi (UK OFSI ConList .xlsx/.csv), au-dfat (Australia DFAT consolidated .xlsx), eu-fsf (EU financial sanctions XML), ftm, csv.")
@click.option("--dataset", help="Dataset name (default: us_ofac_sdn, un_sc_sanctions, gb_hmt_sanctions, au_dfat_sanctions, eu_fsf, the FtM dataset, or the CSV file name).")
@click.option("--snapshot-date", help="Publication date of the list (YYYY-MM-DD), when the file does not say.")
@click.option("--force", is_flag=True, help="Replace the dataset even with an older snapshot than the one in the store.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_app
def lists_import(app, list_format: str, dataset: str | None, snapshot_date: str | None, force: bool, files: tuple[Path, ...]) -> None:
    """Import a list (replacing that dataset's previous snapshot in one transaction)."""
    from tollwatch.app.lists import import_files

    report = import_files(_open(app), app.actor, list_format, list(files), dataset, snapshot_date, force=force)
    click.echo(f"imported {report.count} records into {report.dataset} (snapshot {report.snapshot_date or 'undated'})")
    if report.folded:
        click.echo(f"folded {report.folded} lines onto the entities they name (Sanction, Passport, Address, Ownership ...)")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} lines:", err=True)
        for line in report.skipped[:20]:
            click.echo(f"  {line}", err=True)
        if len(report.skipped) > 20:
            click.echo(f"  ... and {len(report.skipped) - 20} more", err=True)


@lists_group.command("update")
@click.option("--url", "urls", multiple=True, metavar="DATASET=URL[,URL...]", help="Fetch a dataset from these URLs instead of the official ones (repeatable).")
@click.option("--only", "only", multiple=True, help="Update only these datasets.")
@click.option("--force", is_flag=True, help="Replace a dataset even with an older snapshot than the one in the store.")
@pass_app
def lists_update(app, urls: tuple[str, ...], only: tuple[str, ...], force: bool) -> None:
    """Fetch the current official lists (or configured URLs) and import them."""
    from tollwatch.app.lists import update_config, update_lists

    env = os.environ.get("TOLLWATCH_LIST_URLS")
    if env:
        urls = tuple(x for x in env.split(";") if x.strip()) + urls
    reports = update_lists(_open(app), app.actor, update_config(list(urls), list(only)), force=force)
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
@click.option("--save", "save", metavar="NAME", help="Also store the run as NAME (rows, results, list and graph versions) for `runs`, `rescreen`, `watch`.")
@_max_age_option()
@pass_app
def screen_cmd(app, input_file: str, lists, threshold, limit, fmt, output, maps, engine, no_cache, spark_master, max_list_age, save) -> None:
    """Screen suppliers or shipments (CSV, TSV, XLSX, Parquet, JSONL) against lists and the evidence graph."""
    from tollwatch.app.lists import max_list_age as list_age_limit
    from tollwatch.app.screen import parse_mapping, screen_file

    max_list_age = list_age_limit(max_list_age)  # a bad TOLLWATCH_MAX_LIST_AGE fails before the work
    if save:
        from tollwatch.app.runs import save_screening

        saved = save_screening(_open(app), app.actor, save, input_file, output, fmt, mapping=parse_mapping(maps), threshold=threshold, limit=limit,
                               datasets=list(lists) or None, engine=engine, spark_master=spark_master, max_list_age=max_list_age)
        click.echo(f"saved run {saved['name']}@{saved['version']}: {saved['rows']} rows, {saved['counts'].get('high', 0)} high risk", err=True)
        _warn_stale(saved["lists"], max_list_age)
        return
    done = screen_file(_open(app), input_file, output, fmt, mapping=parse_mapping(maps), threshold=threshold, limit=limit, datasets=list(lists) or None, engine=engine, use_cache=not no_cache, spark_master=spark_master, max_list_age=max_list_age)
    counts = done.counts
    dates = ", ".join(f"{ds} {m.get('snapshot_date') or 'undated'}" for ds, m in done.lists.items())
    click.echo(
        f"screened {done.total} rows: {counts['high']} high, {counts['medium']} medium, {counts['low']} low risk; lists: {dates}",
        err=True,
    )
    _warn_stale(done.lists, max_list_age)


__all__ = ["register"]
