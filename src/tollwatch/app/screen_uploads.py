"""Screening an uploaded file for a web caller: read it within a row limit, screen it, write a download.

The CLI screens files with engines.local.run; the server runs the same reader, screener
and writers in steps, so a job can report progress and keep its results for several
downloads. Messages name the file as the user called it, never the temporary path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.engines.local import Writer, explanation_text, read_rows, screen_rows

__all__ = ["explanation_text", "read_upload", "screen_upload", "write_results"]


def read_upload(path: Path, display: str, max_rows: int) -> list[dict]:
    """Every row of the file; more than `max_rows` is refused (the CLI screens big files)."""
    try:
        rows = []
        for row in read_rows(path):
            rows.append(row)
            if len(rows) > max_rows:
                raise InputError(f"more than {max_rows} rows; use `tollwatch screen` for big files", path=display)
        return rows
    except InputError as exc:
        raise InputError(str(exc).replace(str(path), display)) from None


def screen_upload(prepared, rows: list[dict], threshold: float | None, limit: int,
                  report: Callable[[int, int], None]) -> list[dict]:
    """Screen every row, calling report(done, total) every ten rows and at the end."""
    report(0, len(rows))
    results = []
    for i, res in enumerate(screen_rows(prepared, rows, threshold=threshold, limit=limit), 1):
        results.append(res)
        if i % 10 == 0 or i == len(rows):
            report(i, len(rows))
    return results


def write_results(results: list[dict], lists: dict, out: Path, fmt: str) -> None:
    """Write a job's results as jsonl, csv, xlsx or html; a half-written file is removed."""
    writer = Writer(out, fmt, lists)
    try:
        for res in results:
            writer.write(res)
        writer.close()
    except BaseException:
        writer.abort()
        raise
