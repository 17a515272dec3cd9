"""The `tollwatch` command. Each area of work registers its commands from its own module."""

from __future__ import annotations

import getpass
import importlib
import os
import sys

import click

from tollwatch.app.errors import USER_ERRORS
from tollwatch.cli.context import AppContext, pass_app


# The module registering a command, for commands run often: running one imports only its
# module (`screen` starts in a fraction of a second instead of importing every area's code).
# Any other name, `--help` and a listing register every module first.
_HOME = {"screen": "screening_cmds", "lists": "screening_cmds"}
_MODULES = ("evidence_cmds", "extraction_cmds", "resolution_cmds", "screening_cmds", "trade_cmds", "server_cmds", "demo_cmds", "runs_cmds", "dossier_cmds")


class TollwatchGroup(click.Group):
    """Turns known failures into one clear line on stderr and a non-zero exit; registers
    each area's commands when first needed."""

    _loaded: set[str]
    _all = False

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        self._register_all()
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        assert name is not None
        self._commands[name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        home = _HOME.get(cmd_name)
        if cmd_name not in self._commands and home is not None:
            self._register(home)
        return self._commands.get(cmd_name) or self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def _register(self, module: str) -> None:
        loaded = self.__dict__.setdefault("_loaded", set())
        if module not in loaded:
            loaded.add(module)
            importlib.import_module(f"tollwatch.cli.{module}").register(self)

    def _register_all(self) -> None:
        if not self._all:
            self._all = True
            for module in _MODULES:
                self._register(module)

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



def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="tollwatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli(prog_name="tollwatch"))

__all__ = ["cli", "pass_app", "AppContext"]
