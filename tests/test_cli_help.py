"""Every command and sub-command answers --help with a description."""

import click
from click.testing import CliRunner

from tollwatch.cli.main import cli


def _walk(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _walk(sub, path + (name,))


def test_every_command_has_help():
    runner = CliRunner()
    seen = 0
    for path, cmd in _walk(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        assert (cmd.help or cmd.short_help or "").strip(), f"{' '.join(path) or 'tollwatch'} has no description"
        seen += 1
    assert seen >= 30
