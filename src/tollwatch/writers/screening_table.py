"""The screening table a spreadsheet user opens: the input's own columns, then the results.

A web upload keeps each row's cells (`engines.local.Columns.row`'s "input"), so its CSV and
XLSX downloads give back every column the user sent, followed by tollwatch's columns. CSV
may start with a UTF-8 byte-order mark, without which Excel reads Hangul as mojibake. Every
cell goes through `cells.safe_cell`: no cell starts a formula. Sheets have a frozen header
row, an autofilter and column widths fitted to their contents.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tollwatch.writers.cells import safe_cell, xlsx_cell

MIN_WIDTH, MAX_WIDTH = 8, 60  # XLSX column widths, in characters


def input_header(inputs: Sequence[dict]) -> list[str]:
    """Every input column, in first-seen order (JSONL rows may add keys as they go)."""
    return list(dict.fromkeys(k for row in inputs for k in row))


def result_header(input_cols: list[str], table_columns: list[str]) -> list[str]:
    """tollwatch's column names, prefixed where the input already has one of that name."""
    taken = {c.casefold() for c in input_cols}
    return [f"tollwatch_{c}" if c.casefold() in taken else c for c in table_columns]


def format_sheet(ws, header: Sequence[str], widths: dict[int, int]) -> None:
    """Frozen header, autofilter over the data, widths; `ws.freeze_panes` must be set before rows."""
    from openpyxl.utils import get_column_letter

    for i in range(len(header)):
        width = max(widths.get(i, 0), len(str(header[i])))
        ws.column_dimensions[get_column_letter(i + 1)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def write_table(rows: list[list], header: list[str], out: Path, fmt: str, *, bom: bool = True, extra_sheets: dict[str, list[list]] | None = None) -> None:
    """`header` and `rows` as CSV or XLSX at `out`, written beside it and renamed: no half file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".tollwatch-table-")
    os.close(fd)
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([safe_cell(h) for h in header])
                w.writerows([safe_cell(x) for x in r] for r in rows)
        elif fmt == "xlsx":
            _write_xlsx(rows, header, tmp, extra_sheets or {})
        else:
            raise ValueError(f"write_table writes csv or xlsx, not {fmt}")
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_xlsx(rows: list[list], header: list[str], path: str, extra_sheets: dict[str, list[list]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)  # type: ignore[arg-type]  # the blank default sheet
    for title, (head, body) in {"screening": (header, rows), **{k: (v[0], v[1:]) for k, v in extra_sheets.items()}}.items():
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        ws.append([xlsx_cell(h) for h in head])
        widths: dict[int, int] = {}
        for r in body:
            ws.append([xlsx_cell(x) for x in r])
            for i, x in enumerate(r):
                widths[i] = max(widths.get(i, 0), _width(x))
        format_sheet(ws, head, widths)
        if head:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, len(body) + 1)}"
    wb.save(path)
