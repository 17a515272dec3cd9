"""Rows of a spreadsheet list (XLSX or CSV), as text cells with their row numbers.

Government lists are published as workbooks (UK OFSI ConList.xlsx, DFAT's
regulation8_consolidated.xlsx) or as CSV with the same layout. Which one a file is,
is read from its first bytes (a download's name says nothing). XLSX goes through
openpyxl in read-only mode; every cell becomes text (dates as ISO dates), and a cell
over the size limit, a broken workbook or undecodable CSV is one InputError naming
the file and row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.importers.streams import MAX_CELL, check_nonempty, csv_rows, open_binary

ZIP_MAGIC = b"PK\x03\x04"
MAX_XLSX_BYTES = 200 * 1024 * 1024  # a whole list is a few MB; the limit is on the unzipped parts


def is_xlsx(path: Path) -> bool:
    with open_binary(path) as fh:
        return fh.read(4) == ZIP_MAGIC


def cell_text(value: object) -> str:
    """One cell as the list wrote it: dates as YYYY-MM-DD, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def sheet_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each non-blank row of the first sheet, or of a CSV file."""
    path = Path(path)
    check_nonempty(path)
    if is_xlsx(path):
        yield from _xlsx_rows(path)
        return
    for lineno, row in csv_rows(path, "utf-8-sig"):
        yield lineno, [" ".join(c.split()) for c in row]


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", path=str(path), field="xlsx") from None
    if total > MAX_XLSX_BYTES:
        raise InputError(f"workbook unzips to {total} bytes, over the {MAX_XLSX_BYTES}-byte limit", path=str(path), field="xlsx")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})", path=str(path), field="xlsx") from None
    try:
        if not wb.worksheets:
            raise InputError("workbook has no worksheet", path=str(path), field="xlsx")
        ws = wb.worksheets[0]
        rowno = 0
        try:
            for rowno, row in enumerate(ws.iter_rows(values_only=True), 1):
                cells = [cell_text(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    continue
                for i, c in enumerate(cells):
                    if len(c) > MAX_CELL:
                        raise InputError(f"a cell is over the {MAX_CELL}-byte limit", path=str(path), line=rowno, field=f"column {i + 1}")
                yield rowno, cells
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt sheet part
            raise InputError(f"unreadable worksheet ({type(exc).__name__})", path=str(path), line=rowno + 1, field="xlsx") from None
    finally:
        wb.close()


class Columns:
    """A header row, looked up by column name (case and spacing ignored)."""

    def __init__(self, header: list[str], path: Path, line: int, required: tuple[str, ...]):
        self.index = {_key(h): i for i, h in reversed(list(enumerate(header))) if h}
        self.path = path
        missing = [r for r in required if _key(r) not in self.index]
        if missing:
            raise InputError(f"header has no {missing[0]!r} column", path=str(path), line=line, field=missing[0])

    def get(self, row: list[str], name: str) -> str:
        i = self.index.get(_key(name))
        return row[i].strip() if i is not None and i < len(row) else ""


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
