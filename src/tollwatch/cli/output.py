"""Render data for people (table) and for programs (json, jsonl)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import click

FORMATS = ("table", "json", "jsonl")


def format_option(default: str = "table", choices: tuple[str, ...] = FORMATS):
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
    )


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def emit(rows: Iterable[dict], fmt: str, columns: list[str] | None = None, out=None) -> None:
    out = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt == "jsonl":
        for r in rows:
            out.write(dumps(r) + "\n")
        return
    columns = columns or (list(rows[0].keys()) if rows else [])
    table = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [min(60, max([len(c)] + [len(row[i]) for row in table])) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in table:
        out.write("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v).replace("\n", " ")
