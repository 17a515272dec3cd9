"""`tollwatch chain` and `tollwatch dossier`: the chain drawn, and the evidence package built and verified."""

from __future__ import annotations

from pathlib import Path

import click

from tollwatch.cli.context import pass_app
from tollwatch.core.errors import InputError

PURPOSES = ("cbp-allegation", "cbp-admissibility", "eu-flr", "research")


def register(cli: click.Group) -> None:
    cli.add_command(chain)
    cli.add_command(dossier)


@click.command()
@click.argument("entity_id", metavar="ID")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True, help="The SVG file to write.")
@click.option("--accepted-only", is_flag=True, help="Leave proposed edges out.")
@pass_app
def chain(app, entity_id, out, accepted_only):
    """Draw the entities one and two steps from ID as SVG (public sources only)."""
    from tollwatch.app.chain import chain_svg_for
    from tollwatch.core.model import Sensitivity

    with app.store.read(Sensitivity.PUBLIC) as r:
        svg = chain_svg_for(r, entity_id, include_proposed=not accepted_only)
    out.write_text(svg, encoding="utf-8")
    click.echo(f"wrote {out}")


@click.command()
@click.argument("target", metavar="ENTITY_OR_RUN:ROW | verify")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), help="The directory to write.")
@click.option("--purpose", type=click.Choice(PURPOSES), default="research", show_default=True)
@click.option("--include-proposed", is_flag=True, help="Also claims no reviewer has accepted yet (marked as such).")
@click.option("--as", "role", help="A role or user whose clearance admits restricted/confidential sources (redacted to placeholders).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (HTML, JSON, evidence and manifest only).")
@pass_app
def dossier(app, target, directory, out, purpose, include_proposed, role, no_pdf):
    """Build an evidence dossier for an entity, chain or screening row; or `dossier verify DIR`."""
    from tollwatch.app.dossier_files import verify_dossier, write_dossier

    if target == "verify":
        if directory is None:
            raise InputError("give the dossier directory: tollwatch dossier verify DIR", field="DIR")
        problems = verify_dossier(directory)
        for p in problems:
            click.echo(f"FAILED {p}", err=True)
        if problems:
            raise SystemExit(1)
        click.echo(f"ok: every file in {directory} matches its manifest")
        return
    if out is None:
        raise InputError("give the output directory with -o DIR", field="-o")
    manifest = write_dossier(app.store, target, out, purpose=purpose, include_proposed=include_proposed, role=role,
                             builder=app.actor, pdf=not no_pdf)
    click.echo(f"wrote {out}: {len(manifest['files'])} files, dossier hash {manifest['dossier_sha256'][:16]}")
    dropped = manifest["withdrawn"]["dropped_claims"]
    if dropped:
        click.echo(f"dropped {len(dropped)} claim(s) resting on withdrawn sources")
