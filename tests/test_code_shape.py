"""The shape rules of issue 10 for the front ends: short functions, and no route defined inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "tollwatch"
MAX_FUNCTION_LINES = 80
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "head", "options", "api_route", "route", "websocket", "command", "group"}


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _is_route_decorator(dec: ast.expr) -> bool:
    call = dec.func if isinstance(dec, ast.Call) else dec
    return isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS


def shape_problems(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(SRC.parent)
        for fn in _functions(tree):
            length = fn.end_lineno - fn.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{where}:{fn.lineno}: {fn.name} is {length} lines (at most {MAX_FUNCTION_LINES})")
            for inner in _functions(fn):
                if inner is not fn and any(_is_route_decorator(d) for d in inner.decorator_list):
                    problems.append(f"{where}:{inner.lineno}: route {inner.name} is defined inside {fn.name}")
    return problems


def test_server_functions_are_short_and_routes_top_level():
    assert shape_problems(SRC / "server") == []


def test_cli_functions_are_short_and_commands_top_level():
    assert shape_problems(SRC / "cli") == []
