"""The `tollwatch` command. Each area of work registers its commands from its own module."""

from __future__ import annotations

import getpass
import os
import sys

import click

from tollwatch.app.errors import USER_ERRORS
from tollwatch.cli.context import AppContext, pass_app


class TollwatchGroup(click.Group):
    """Turns known failures into one clear line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


def _default_actor() -> str:
    try:
        return os.environ.get("TOLLWATCH_USER") or getpass.getuser()
    except Exception:
        return "cli"


@click.group(cls=TollwatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="TOLLWATCH_DB", help="SQLAlchemy URL of the store (default: SQLite in the user data dir).")
@click.option("--actor", default=_default_actor, help="Who is making changes, for the audit log.")
@click.version_option(package_name="tollwatch")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str) -> None:
    """tollwatch: trace goods made with North Korean forced labor through supply chains."""
    ctx.obj = AppContext(db, actor)


def _register() -> None:
    """Each area of work owns its commands in its own module."""
    from tollwatch.cli import (
        demo_cmds,
        dossier_cmds,
        evidence_cmds,
        extraction_cmds,
        resolution_cmds,
        runs_cmds,
        screening_cmds,
        server_cmds,
        trade_cmds,
    )

    for module in (evidence_cmds, extraction_cmds, resolution_cmds, screening_cmds, trade_cmds, server_cmds, demo_cmds, runs_cmds, dossier_cmds):
        module.register(cli)


_register()


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="tollwatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli(prog_name="tollwatch"))

__all__ = ["cli", "pass_app", "AppContext"]
