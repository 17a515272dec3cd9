"""Shared fixtures: a real SQLite store per test and a CLI runner bound to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "data" / "seed" / "dailynk-more-production-tasks.txt"


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tollwatch.db'}"


@pytest.fixture
def store(db_url):
    from tollwatch.app.evidence import open_store

    s = open_store(db_url)
    yield s
    s.close()


class Cli:
    def __init__(self, db_url: str):
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, expect: int | None = 0):
        from tollwatch.cli.main import cli

        result = self.runner.invoke(cli, ["--db", self.db_url, "--actor", "tester", *args], input=input, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
        return result

    def json(self, *args: str):
        return json.loads(self(*args).stdout)


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)
