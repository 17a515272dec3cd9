"""The web upload's steps before screening: read the header and a few rows, guess which column
is which, check the user's choice, and word every error for a web page.

The CLI says `--map COLUMN=FIELD`; a web user chose columns in a form, so an error names the
file, the row and the column in words ("suppliers.csv, row 7, column country: ..."), never
an option. Reading runs in its own process (app.isolated), as for the screening itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.limits import UploadLimits
from tollwatch.engines.local import ALIASES, FIELDS, NAME_COLUMNS, detect_format
from tollwatch.importers.packages import check_package
from tollwatch.importers.streams import check_nonempty, csv_rows, open_binary

PREVIEW_ROWS = 3
# What each field means on the upload form; "" is "not screened" (the column is kept in downloads).
FIELD_LABELS = {
    "": "not screened (kept in downloads)", "name": "name (company, person, vessel)", "country": "country",
    "address": "address", "dob": "date of birth", "id_number": "passport, registration or other id",
    "imo": "IMO number (ships)", "hs_code": "HS code", "description": "goods description",
    "schema": "entity type (person, company, vessel)", "query_id": "row id",
}
NOT_COLUMNS = {"format", "json", "time", "max_rows", "max_cells", "map", "name"}


class UploadError(InputError):
    """An InputError that reads as a web page's sentence: file, row and column in words."""

    def __str__(self) -> str:
        return self.message


def web_error(exc: InputError, display: str) -> UploadError:
    """`exc` reworded for the web: "suppliers.csv, row 7, column country: cell is too long"."""
    where = [display]
    if exc.line is not None:
        where.append(f"row {exc.line}")
    if exc.field and exc.field not in NOT_COLUMNS:
        where.append(f"column {exc.field}")
    message = exc.message.replace("--map COLUMN=name", "choose the name column").replace("--map", "the column choice")
    return UploadError(f"{', '.join(where)}: {message}", path=display, line=exc.line, field=exc.field)


def guess_mapping(header: list[str]) -> dict[str, str]:
    """{column: field} as the screening reader would take it with no choice made."""
    low = [h.casefold() for h in header]
    out: dict[str, str] = {}
    for cand in NAME_COLUMNS:
        if cand in low:
            out[header[low.index(cand)]] = "name"
            break
    for fld, options in ALIASES.items():
        hit = next((o for o in options if o in low and header[low.index(o)] not in out), None)
        if hit is not None:
            out[header[low.index(hit)]] = fld
    return out


def chosen_mapping(header: list[str], choices: dict[str, str]) -> dict[str, str]:
    """The form's {column: field} as read_rows takes it ({casefolded column: field}); a field
    other than name chosen twice, or no name column at all, is refused in words."""
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for col in header:
        fld = (choices.get(col) or "").strip()
        if not fld:
            continue
        if fld not in FIELDS:
            raise UploadError(f"column {col}: unknown field {fld!r}", field=col)
        if fld != "name" and fld in seen:
            raise UploadError(f"columns {seen[fld]} and {col} are both marked as {FIELD_LABELS[fld]}; choose one", field=col)
        seen[fld] = col
        mapping[col.casefold()] = fld
    if "name" not in mapping.values():
        raise UploadError("choose at least one column as the name to screen", field="name")
    return mapping


def preview_upload(path: Path, display: str, limits: UploadLimits, rows: int = PREVIEW_ROWS) -> dict:
    """{"header": [...], "rows": [[...], ...]}: the first row and the next few, as text."""
    try:
        check_nonempty(path)
        header, body = _PREVIEW[detect_format(path)](path, limits, rows)
    except InputError as exc:
        raise web_error(exc, display) from None
    header = [str(h if h is not None else "").strip() for h in header]
    if not any(header):
        raise UploadError(f"{display}: the first row is empty; it should name the columns", path=display, line=1)
    return {"header": header, "rows": [["" if v is None else str(v)[:200] for v in r] for r in body]}


def preview_upload_isolated(path: Path, display: str, limits: UploadLimits, timeout: float) -> dict:
    from tollwatch.app.isolated import run_isolated

    return run_isolated(preview_upload, path, display, limits, timeout=timeout, what=display)


def _csv(path: Path, limits: UploadLimits, n: int, delimiter: str | None = None) -> tuple[list, list]:
    if delimiter is None:
        with open_binary(path) as fh:
            first = fh.readline(65536)
        delimiter = "\t" if first.count(b"\t") > first.count(b",") else ","
    out = []
    for _, cells in csv_rows(path, "utf-8", delimiter):
        out.append(cells)
        if len(out) > n:
            break
    return (out[0], out[1:]) if out else ([], [])


def _xlsx(path: Path, limits: UploadLimits, n: int) -> tuple[list, list]:
    from openpyxl import load_workbook

    check_package(path, limits, str(path), "XLSX")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the same one-line refusal
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})", path=str(path), field="format") from None
    try:
        got = []
        for values in wb.worksheets[0].iter_rows(values_only=True) if wb.worksheets else ():
            if values and any(v not in (None, "") for v in values):
                got.append(list(values))
            if len(got) > n:
                break
    finally:
        wb.close()
    return (got[0], got[1:]) if got else ([], [])


def _parquet(path: Path, limits: UploadLimits, n: int) -> tuple[list, list]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        header = pf.schema_arrow.names
        batch = next(pf.iter_batches(batch_size=n), None)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=str(path), field="format") from None
    records = [] if batch is None else batch.to_pylist()
    return header, [[rec.get(h) for h in header] for rec in records]


def _jsonl(path: Path, limits: UploadLimits, n: int) -> tuple[list, list]:
    objs: list[dict] = []
    with open_binary(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8").lstrip("\ufeff"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise InputError("not a JSON object", path=str(path), line=lineno, field="json") from None
            if not isinstance(obj, dict):
                raise InputError("each line must be a JSON object", path=str(path), line=lineno, field="json")
            objs.append(obj)
            if len(objs) >= n:
                break
    header = list(dict.fromkeys(k for o in objs for k in o))
    return header, [[o.get(h) for h in header] for o in objs]


_PREVIEW = {"csv": _csv, "tsv": lambda p, lim, n: _csv(p, lim, n, "\t"), "xlsx": _xlsx, "parquet": _parquet, "jsonl": _jsonl}
