"""Commands on the evidence graph: init, sources, claims, entities, export, import."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tollwatch.app import evidence as ev
from tollwatch.app import export as exchange
from tollwatch.app import review as rv
from tollwatch.app import sources as source_cases
from tollwatch.app.store_info import store_counts, store_location
from tollwatch.cli.context import pass_app
from tollwatch.cli.output import dumps, emit, format_option
from tollwatch.core.errors import InputError
from tollwatch.core.model import ModelError, ReviewStatus


def register(cli: click.Group) -> None:
    for command in (init, sources, claims, entities, export_cmd, import_cmd, audit):
        cli.add_command(command)


@click.command()
@pass_app
def init(app):
    """Create or upgrade the store and load the bundled reference data."""
    counts = store_counts(app.store)
    click.echo(f"store: {store_location(app.store)}")
    click.echo(f"{counts['entities']} entities, {counts['sources']} sources, {counts['claims']} claims")


# --- sources -------------------------------------------------------------------------
@click.group()
def sources():
    """Documents and records that evidence comes from."""


@sources.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", help="Title (default: the file name).")
@click.option("--publisher")
@click.option("--url")
@click.option("--date", help="ISO date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--kind", default="news", show_default=True, help="news, testimony, ngo_report, government, satellite_imagery, trade_data, sanctions_list.")
@click.option("--grade", help="Admiralty reliability grade A–F.")
@click.option("--sensitivity", default="public", show_default=True, help="public, restricted or confidential.")
@click.option("--origin", help="Who the source ultimately rests on (an informant, a wire story).")
@format_option(default="table", choices=("table", "json"))
@pass_app
def sources_add(app, file, title, publisher, url, date, kind, grade, sensitivity, origin, fmt):
    """Store a text file as a source (no claims are extracted; see `ingest`)."""
    text = source_cases.read_text(file)
    try:
        source = source_cases.make_source(
            text, title=title or file.name, publisher=publisher, url=url, date=date, kind=kind,
            grade=grade, sensitivity=sensitivity, origin=origin,
        )
    except ModelError as exc:
        raise InputError(exc.message, path=str(file), field=exc.field) from None
    source_cases.add_source(app.store, source, app.actor, path=str(file))
    if fmt == "json":
        click.echo(dumps({"source_id": source.id}))
    else:
        click.echo(f"stored source {source.id} ({len(text)} characters, {source.sensitivity.value})")


@sources.command("list")
@format_option()
@pass_app
def sources_list(app, fmt):
    """List stored sources (never their text)."""
    rows = [source_cases.source_to_dict(s) for s in source_cases.list_sources(app.store, app.clearance)]
    emit(rows, fmt, ["id", "kind", "publisher", "date", "grade", "sensitivity", "title"])


_CLEARABLE = ("publisher", "url", "date", "grade", "origin")


@sources.command("edit")
@click.argument("source_id", metavar="ID")
@click.option("--title")
@click.option("--publisher", help="An empty value clears it (also --url, --date, --grade, --origin).")
@click.option("--url")
@click.option("--date", help="ISO date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--grade", help="Admiralty reliability grade A–F.")
@click.option("--sensitivity", help="public, restricted or confidential.")
@click.option("--kind", help="news, testimony, ngo_report, government, satellite_imagery, trade_data, sanctions_list.")
@click.option("--origin", help="Who the source ultimately rests on (an informant, a wire story).")
@format_option(default="table", choices=("table", "json"))
@pass_app
def sources_edit(app, source_id, fmt, **fields):
    """Change a source's metadata (never its text: claims point into it); the audit log names the fields."""
    changes = {k: None if v == "" and k in _CLEARABLE else v for k, v in fields.items() if v is not None}
    if not changes:
        raise click.UsageError("nothing to change: give at least one of --" + ", --".join(fields))
    source = source_cases.edit_source(app.store, app.actor, source_id, changes, app.clearance)
    if fmt == "json":
        click.echo(dumps(source_cases.source_to_dict(source) if source else {"id": source_id}))
    else:
        click.echo(f"updated source {source_id}: {', '.join(sorted(changes))}")


@sources.command("delete")
@click.argument("source_id", metavar="ID")
@pass_app
def sources_delete(app, source_id):
    """Delete a source that no claim rests on (delete or move its claims first)."""
    source_cases.delete_source(app.store, app.actor, source_id, app.clearance)
    click.echo(f"deleted source {source_id}")


@sources.command("withdraw")
@click.argument("source_id", metavar="ID")
@click.option("--reason", required=True, help="Why (retracted, discredited): kept in the audit log.")
@pass_app
def sources_withdraw(app, source_id, reason):
    """Withdraw a source: dossiers built afterwards drop the claims resting on it (audited)."""
    try:
        source_cases.withdraw_source(app.store, app.actor, source_id, reason, app.clearance)
    except ModelError as exc:
        raise InputError(exc.message, field=exc.field) from None
    click.echo(f"withdrew source {source_id}")


# --- claims --------------------------------------------------------------------------
@click.group()
def claims():
    """Statements about entities, each tied to the passage it rests on."""


@claims.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def claims_add(app, file):
    """Add claims from a JSON-lines file; a bad line stores nothing."""
    stored = ev.add_claims_from_jsonl(app.store, file, app.actor)
    click.echo(f"stored {len(stored)} claims")


@claims.command("list")
@click.option("--source", "source_id", help="Only claims from this source.")
@click.option("--entity", "entity_id", help="Only claims about this entity.")
@click.option("--status", type=click.Choice([s.value for s in ReviewStatus]))
@format_option()
@pass_app
def claims_list(app, source_id, entity_id, status, fmt):
    """List claims with their quotes."""
    with app.read() as r:
        found = r.list_claims(source_id=source_id, entity_id=entity_id, status=ReviewStatus(status) if status else None)
        rows = ev.claims_as_dicts(r, found)
    if fmt == "table":
        rows = [
            {
                "id": x["id"],
                "status": x["status"],
                "subject": x["subject"]["name"],
                "predicate": x["predicate"],
                "object": (x.get("object") or {}).get("name") or x.get("value") or _qty(x["quantity"]),
                "quote": x["quote"],
            }
            for x in rows
        ]
    emit(rows, fmt)


# --- entities ------------------------------------------------------------------------
@click.group()
def entities():
    """Camps, organizations, people, places, products and vessels."""


@entities.command("show")
@click.argument("name_or_id")
@format_option(default="table", choices=("table", "json"))
@pass_app
def entities_show(app, name_or_id, fmt):
    """Every entity whose names match, in any script or romanization."""
    with app.read() as r:
        found = r.find_entities(name_or_id)
        reports = [ev.entity_report(r, e) for e in found]
    if not reports:
        click.echo(f"no entity matches {name_or_id!r}", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    for rep in reports:
        _print_entity(rep)


# --- export / import -----------------------------------------------------------------
@click.command("export")
@click.option("--format", "fmt", type=click.Choice(exchange.EXPORT_FORMATS), default="ftm", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--include-restricted", is_flag=True, help="Also export restricted sources (never confidential ones).")
@pass_app
def export_cmd(app, fmt, output, include_restricted):
    """Export the graph: FollowTheMoney JSON lines, native JSON lines, or CSV of claims."""
    n = exchange.export_graph(app.store, output, fmt, include_restricted=include_restricted)
    click.echo(f"wrote {n} records to {output}")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def import_cmd(app, file):
    """Import FollowTheMoney JSON lines (ours or another tool's) in one transaction.

    A foreign line tollwatch cannot keep is skipped and listed with its reason on stderr."""
    counts = exchange.import_graph(app.store, file, app.actor)
    skipped = counts.pop("skipped_lines", [])
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))
    if skipped:
        click.echo(f"skipped {len(skipped)} lines:", err=True)
        for line in skipped[:50]:
            click.echo(f"  {line}", err=True)
        if len(skipped) > 50:
            click.echo(f"  ... and {len(skipped) - 50} more", err=True)


@click.group("audit", invoke_without_command=True)
@click.option("--target", help="Only entries about this id.")
@click.option("--limit", default=50, show_default=True)
@format_option()
@pass_app
@click.pass_context
def audit(ctx, app, target, limit, fmt):
    """Show the append-only audit log: who changed what and when (`audit export` for a period)."""
    if ctx.invoked_subcommand is not None:
        return
    with app.read() as r:
        rows = r.audit(target_id=target, limit=limit)
    emit(rows, fmt, ["id", "at", "actor", "action", "target_kind", "target_id", "detail"])


@claims.command("accept", help="Mark a claim as accepted; the decision goes to the audit log.")
@click.argument("claim_id")
@click.option("--note", help="Why; kept with the claim and in the audit log.")
@pass_app
def claims_accept(app, claim_id, note):
    """Mark a claim as accepted."""
    _review(app, claim_id, rv.accept, note)


@claims.command("reject", help="Mark a claim as rejected; the decision goes to the audit log.")
@click.argument("claim_id")
@click.option("--note", help="Why; kept with the claim and in the audit log.")
@pass_app
def claims_reject(app, claim_id, note):
    """Mark a claim as rejected."""
    _review(app, claim_id, rv.reject, note)


def _review(app, claim_id: str, decide, note: str | None) -> None:
    with app.store.begin(app.actor) as tx:
        claim = decide(tx, claim_id, note)
    click.echo(f"{claim.id}: {claim.review.status.value} by {claim.review.by}")


def _qty(q):
    if not q:
        return None
    low, high = q["low"], q["high"]
    rng = f"{low:g}" if low == high or high is None else f"{low:g}–{high:g}"
    return f"{rng} {q['unit']}"


def _print_entity(rep: dict) -> None:
    echo = click.echo
    echo(f"{rep['caption']}  [{rep['id']}]  {rep['kind']}" + (f" / {rep['attributes'].get('facility_type')}" if rep["kind"] == "facility" else ""))
    for n in rep["names"]:
        system = f", {n['system']}" if n["system"] else ""
        echo(f"  name: {n['value']}  ({n['script']}{system})")
    for i in rep["identifiers"]:
        echo(f"  id: {i['scheme']} {i['value']}")
    for c in rep["coordinates"]:
        echo(f"  at: {c['lat']:.5f}, {c['lon']:.5f}  source: {c['source'] or '—'}  confidence: {c['confidence'] or '—'}")
    attrs = rep["attributes"]
    for key in ("status_text", "province", "locality", "caveat"):
        if attrs.get(key):
            echo(f"  {key.replace('_text', '')}: {attrs[key]}")
    if attrs.get("allegation"):
        echo("  note: named in reporting — an allegation, not a sanctions listing")
    for key in ("program", "sanctions", "relations", "passport_details", "id_details"):  # a list's, or a foreign FtM file's
        if rep.get("dataset") != "tollwatch" and isinstance(attrs.get(key), list):
            for value in attrs[key]:
                echo(f"  {key}: {value}")
    by_pred: dict[str, list] = {}
    for c in rep["claims"]:
        by_pred.setdefault(c["predicate"], []).append(c)
    for pred, items in by_pred.items():
        echo(f"  {pred}:")
        for c in items:
            target = (c.get("object") or {}).get("name") or c.get("value") or _qty(c["quantity"])
            if c["subject"]["id"] != rep["id"]:
                target = f"(object of) {c['subject']['name']}"
            src = c["source"] or {}
            cites = [u["url"] + (" [mirror]" if u["mirror"] else "") for u in c.get("citations") or []]
            cite = "source not given" if c.get("source_not_given") else (" | ".join(cites) or src.get("title") or c["source_id"])
            echo(f"    - {target}  [{c['status']}, {c['corroboration']['independent_sources']} independent source(s), strength {c['corroboration']['strength']}]")
            if c["quote"]:
                kind = c.get("evidence_kind") or "verbatim"
                # only the document's own words are shown as a quotation
                echo(f"      “{c['quote']}”" if kind == "verbatim" else f"      {kind} (tollwatch's wording, not the publisher's): {c['quote']}")
            echo(f"      source: {src.get('title') or c['source_id']} — {cite}")
    for x in rep["contradictions"]:
        sides = "  vs  ".join(f"{k.split(':', 1)[1]} ({len(v)} claim(s))" for k, v in x["sides"].items())
        echo(f"  CONTRADICTION on {x['predicate']}: {sides}")
    echo("")
