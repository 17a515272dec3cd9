"""`tollwatch xref`: candidate pairs, automatic merges, and the review of what waits."""

from __future__ import annotations

from pathlib import Path

import click

from tollwatch.cli.context import pass_app
from tollwatch.cli.output import dumps, emit, format_option

CANDIDATE_COLUMNS = ["score", "left_id", "left_name", "right_id", "right_name", "auto_rule"]
JUDGEMENT_COLUMNS = ["left_id", "right_id", "judgement", "actor", "at", "rule"]


def register(cli: click.Group) -> None:
    cli.add_command(xref_group)


def _datasets_option():
    return click.option("--dataset", "datasets", multiple=True, help="Only these datasets (repeat; default: every list and the graph).")


@click.group("xref", invoke_without_command=True)
@_datasets_option()
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most N pending candidates.")
@click.option("--no-auto", is_flag=True, help="Propose only; record no automatic merge.")
@click.option("--facility-points", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Read Korea Future's prison-database GeoJSON first (dataset kf_prison_db; read, never bundled).")
@format_option()
@pass_app
@click.pass_context
def xref_group(ctx: click.Context, app, datasets: tuple[str, ...], limit: int | None, no_auto: bool, facility_points: Path | None, fmt: str) -> None:
    """Propose records that may be one real thing; merge those a strong identifier decides."""
    if ctx.invoked_subcommand is not None:
        return
    from tollwatch.app.xref import run_xref

    result = run_xref(app.store, app.actor, app.clearance, list(datasets) or None, limit=limit, auto=not no_auto,
                      facility_points=facility_points)
    if fmt == "table":
        merged = ", ".join(f"{n} by {rule}" for rule, n in sorted(result["merged"].items())) or "none"
        reviewed = f"; recorded from the maintainers' reviewed judgements: {result['reviewed']}" if result["reviewed"] else ""
        click.echo(f"merged automatically: {merged}{reviewed}; waiting for review: {result['pending']}", err=True)
        if result["facility_links"]:
            links = ", ".join(f"{g} -> {p}" for g, p in result["facility_links"].items())
            click.echo(f"facility links proposed (waiting for review): {links}", err=True)
    emit(result["candidates"], fmt, CANDIDATE_COLUMNS)


@xref_group.group("review", invoke_without_command=True)
@_datasets_option()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@format_option()
@pass_app
@click.pass_context
def review_group(ctx: click.Context, app, datasets: tuple[str, ...], limit: int, fmt: str) -> None:
    """The candidates that wait for a person, best first (`judge` decides one)."""
    if ctx.invoked_subcommand is not None:
        return
    from tollwatch.app.xref import review_queue

    result = review_queue(app.store, app.clearance, list(datasets) or None, limit=limit)
    emit(result["candidates"], fmt, CANDIDATE_COLUMNS)


@review_group.command("judge")
@click.argument("left_id")
@click.argument("right_id")
@click.argument("judgement", type=click.Choice(["same", "different", "unsure"]))
@click.option("--note", default=None, help="Why (kept with the judgement).")
@pass_app
def judge_cmd(app, left_id: str, right_id: str, judgement: str, note: str | None) -> None:
    """Judge a pair: same (merge), different (never propose again) or unsure."""
    from tollwatch.app.resolution import judge_pair

    click.echo(dumps(judge_pair(app.store, app.actor, left_id, right_id, judgement, note).as_dict()))


@review_group.command("undo")
@click.argument("left_id")
@click.argument("right_id")
@pass_app
def undo_cmd(app, left_id: str, right_id: str) -> None:
    """Take back the judgement of a pair (undoes a merge)."""
    from tollwatch.app.resolution import undo_judgement

    click.echo(dumps(undo_judgement(app.store, app.actor, left_id, right_id).as_dict()))


@review_group.command("split")
@click.argument("entity_id")
@pass_app
def split_cmd(app, entity_id: str) -> None:
    """Undo a whole merged profile: every `same` judgement inside it is removed."""
    from tollwatch.app.resolution import split_profile

    undone = split_profile(app.store, app.actor, entity_id)
    click.echo(f"{len(undone)} judgement(s) removed")


@xref_group.command("judgements")
@format_option()
@pass_app
def judgements_cmd(app, fmt: str) -> None:
    """Every judgement: pair, verdict, who and when, and the rule when automatic."""
    from tollwatch.app.resolution import list_judgements

    with app.read() as r:
        rows = [j.as_dict() for j in list_judgements(r)]
    emit(rows, fmt, JUDGEMENT_COLUMNS)


@xref_group.command("profile")
@click.argument("entity_id")
@pass_app
def profile_cmd(app, entity_id: str) -> None:
    """One merged profile as JSON: members, every list naming it, properties and conflicts."""
    from tollwatch.app.resolution import profile_view

    with app.read() as r:
        view = profile_view(r, entity_id)
    if view is None:
        raise click.ClickException(f"id: no entity with id {entity_id}")
    click.echo(dumps(view))


@xref_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def export_cmd(app, path: Path) -> None:
    """Write every judgement as JSON lines (FtM has no form for a pairwise judgement)."""
    from tollwatch.app.resolution import export_judgements

    click.echo(f"{export_judgements(app.store, path, app.clearance)} judgement(s) written to {path}")


@xref_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def import_cmd(app, path: Path) -> None:
    """Read judgements written by `xref export` (one transaction: a bad line stores nothing)."""
    from tollwatch.app.resolution import import_judgements

    click.echo(f"{import_judgements(app.store, path, app.actor)} judgement(s) imported")
