"""`tollwatch runs ...`, `rescreen`, `watch` and `audit export`: ongoing monitoring of a saved book."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from tollwatch.cli.context import pass_app
from tollwatch.cli.output import emit

SHOW_FORMATS = ["table", "json", "jsonl", "csv", "xlsx", "html", "parquet"]


def register(cli: click.Group) -> None:
    cli.add_command(runs_group)
    cli.add_command(rescreen_cmd)
    cli.add_command(watch_cmd)
    audit = cli.commands.get("audit")
    if isinstance(audit, click.Group):
        audit.add_command(audit_export)


@click.group("runs", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True)
@pass_app
@click.pass_context
def runs_group(ctx: click.Context, app, fmt: str) -> None:
    """Saved screening runs (`screen ... --save NAME`), one line per version."""
    if ctx.invoked_subcommand is not None:
        return
    from tollwatch.app.runs import SUMMARY, list_runs

    emit(list_runs(app.store), fmt, SUMMARY)


@runs_group.command("show")
@click.argument("ref", metavar="NAME[@VERSION]")
@click.option("--format", "fmt", type=click.Choice(SHOW_FORMATS), default="table", show_default=True,
              help="table/json: the run's record and hits; jsonl, csv, xlsx, html, parquet: its results as `screen` writes them.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (stdout for table, json, jsonl, csv).")
@pass_app
def runs_show(app, ref: str, fmt: str, output: Path | None) -> None:
    """One saved run: its record (input hash, lists, graph version, threshold) and its results."""
    from tollwatch.app.runs import run_results, show_run, summary

    if fmt not in ("table", "json"):
        show_run(app.store, ref, output, fmt)
        return
    v, results = run_results(app.store, ref)
    hits = [{"row": r["query_id"], "risk": r["risk"]["level"], "entity_id": m["entity_id"], "dataset": m["dataset"], "name": m["name"],
             "score": m["score"], "decision": (m.get("decision") or {}).get("decision"), "reopened": bool((m.get("decision") or {}).get("reopened"))}
            for r in results for m in r["matches"] if m.get("match")]
    if fmt == "json":
        text = json.dumps({"run": summary(v), "meta": v["meta"], "hits": hits}, ensure_ascii=False, indent=2, default=str) + "\n"
        (output.write_text(text, encoding="utf-8") if output else click.echo(text, nl=False))
        return
    m = v["meta"]
    click.echo(f"run {v['name']}@{v['version']}  saved {v['created_at']} by {v['actor']}  rows {m.get('rows')}  input {m.get('input')} sha256 {m.get('input_sha256')}")
    click.echo(f"tollwatch {m.get('tollwatch_version')}  threshold {m.get('threshold')}  graph {m.get('graph_version')}")
    for ds, x in (m.get("lists") or {}).items():
        click.echo(f"  list {ds}: snapshot {x.get('snapshot_date') or 'undated'}, {x.get('records')} records, sha256 {x.get('content_sha256')}")
    emit(hits, "table", ["row", "risk", "entity_id", "dataset", "name", "score", "decision", "reopened"])


@runs_group.command("decide")
@click.argument("ref", metavar="NAME")
@click.argument("row")
@click.argument("entity")
@click.argument("decision", type=click.Choice(["confirmed", "cleared", "escalated"]))
@click.option("--note", help="Why (required): kept with the decision and in the audit log.")
@pass_app
def runs_decide(app, ref: str, row: str, entity: str, decision: str, note: str) -> None:
    """Record a decision on ROW's hit on ENTITY: confirmed, cleared (a false positive) or escalated."""
    from tollwatch.app.runs import decide

    d = decide(app.store, app.actor, ref, row, entity, decision, note)
    click.echo(f"{decision} {entity} on row {row} of {d['run_name']}@{d['run_version']}")


@runs_group.command("diff")
@click.argument("ref", metavar="NAME[@VERSION]")
@click.argument("other", metavar="OTHER[@VERSION]", required=False)
@pass_app
def runs_diff(app, ref: str, other: str | None) -> None:
    """The diff the latest rescreen of NAME wrote, or (with OTHER) between two versions over every row."""
    from tollwatch.app.rescreen import compare_versions, latest_diff

    diff = compare_versions(app.store, ref, other) if other else latest_diff(app.store, ref)
    click.echo(json.dumps(diff, ensure_ascii=False, indent=1, default=str))


def _report(diff: dict) -> None:
    click.echo(
        f"{diff['run']}@{diff['to_version']}: {len(diff['new_hits'])} new hits, {len(diff['gone_hits'])} gone, {len(diff['risk_changes'])} risk changes, "
        f"{len(diff['reopened'])} reopened; re-screened {diff['rescreened']} of {diff['rows']} rows" + (f"; diff in {diff['file']}" if diff.get("file") else ""),
        err=True,
    )


@click.command("rescreen")
@click.argument("name")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True)
@click.option("--spark-master", metavar="URL", help="With --engine spark: the cluster; default local[*].")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the diff (JSON) here; default stdout.")
@pass_app
def rescreen_cmd(app, name: str, engine: str, spark_master: str | None, output: Path | None) -> None:
    """Screen saved run NAME again against the current lists and graph (only rows a change can affect); print the diff."""
    from tollwatch.app.rescreen import rescreen

    diff = rescreen(app.store, app.actor, name, engine=engine, spark_master=spark_master)
    text = json.dumps(diff, ensure_ascii=False, indent=1, default=str) + "\n"
    (output.write_text(text, encoding="utf-8") if output else click.echo(text, nl=False))
    _report(diff)


@click.command("watch")
@click.argument("name")
@click.option("--every", default="24h", show_default=True, help="How often: 90s, 30m, 24h, 7d.")
@click.option("--once", is_flag=True, help="One round and exit (for cron).")
@click.option("--webhook", metavar="URL", help="POST each diff here as JSON.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="Write each diff into this directory.")
@click.option("--url", "urls", multiple=True, metavar="DATASET=URL[,URL...]", help="As `lists update --url`.")
@click.option("--only", multiple=True, help="As `lists update --only`.")
@click.option("--no-update", is_flag=True, help="Skip `lists update` (lists imported by other means).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True)
@pass_app
def watch_cmd(app, name, every, once, webhook, out_dir, urls, only, no_update, engine) -> None:
    """Run `lists update`, then `rescreen NAME`, and write (and post) the diff; again every --every."""
    from tollwatch.app.lists import update_config
    from tollwatch.app.watch import list_updater, parse_every, watch

    parse_every(every)  # a bad --every fails before any work
    env = os.environ.get("TOLLWATCH_LIST_URLS")
    urls = (tuple(x for x in env.split(";") if x.strip()) if env else ()) + urls
    update = None if no_update else list_updater(app.store, app.actor, update_config(list(urls), list(only)))
    watch(app.store, app.actor, name, every, update=update, out_dir=out_dir, webhook=webhook, once=once, engine=engine, report=_report)


@click.command("export")
@click.option("--from", "since", required=True, metavar="DATE", help="First day (YYYY-MM-DD, UTC).")
@click.option("--to", "until", required=True, metavar="DATE", help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (default stdout).")
@pass_app
def audit_export(app, since: str, until: str, fmt: str, output: Path | None) -> None:
    """Who did what, when, on which run, row, entity, list version and claim (never a confidential source's text or title)."""
    from tollwatch.app.audit_export import export

    n, text = export(app.store, since, until, fmt, output)
    if text is not None:
        click.echo(text, nl=False)
    click.echo(f"exported {n} entries", err=True)


__all__ = ["register"]
