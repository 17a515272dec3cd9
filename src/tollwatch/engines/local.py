"""The local screening engine: stream input rows through one pure function, stream results out.

`screen_rows(prepared, rows)` is the whole per-row logic; it does no I/O and the
prepared index is picklable, so the Spark engine broadcasts `prepared` and maps the
same function over each partition. Input is read lazily (CSV, TSV, XLSX, Parquet,
JSONL) and results are written as they come (by `tollwatch.writers.screening`), so a
million rows never sit in memory.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tollwatch.core.errors import InputError
from tollwatch.core.limits import UploadLimits
from tollwatch.core.query_facts import query_facts
from tollwatch.core.risk import assess
from tollwatch.importers.packages import check_package
from tollwatch.importers.streams import MAX_CELL, LineCountingText, check_nonempty, csv_rows, open_binary, reject_lone_surrogates
from tollwatch.writers.screening import OUTPUT_FORMATS, ScreeningWriter

INPUT_FORMATS = ("csv", "tsv", "xlsx", "parquet", "jsonl")
FIELDS = ("query_id", "name", "address", "country", "hs_code", "description", "schema", "dob", "id_number", "imo")
NAME_COLUMNS = ("name", "shipper", "consignee", "supplier", "company", "shipper_name", "consignee_name", "supplier_name", "company_name", "exporter", "importer", "manufacturer")
ALIASES = {
    "query_id": ("query_id", "id", "row_id", "record_id", "ref"),
    "address": ("address", "shipper_address", "consignee_address", "supplier_address", "addr"),
    "country": ("country", "origin_country", "country_of_origin", "origin", "shipper_country"),
    "hs_code": ("hs_code", "hscode", "hs", "hts", "hs6", "commodity_code", "tariff_code"),
    "description": ("description", "goods_description", "product_description", "product", "commodity", "goods"),
    "schema": ("schema", "entity_type"),
    # Compared with the list entry's own (core.query_facts): birth dates, documents, IMO numbers.
    "dob": ("dob", "birth_date", "date_of_birth", "birthdate"),
    "id_number": ("id_number", "passport", "passport_number", "registration", "registration_number", "national_id", "identifier"),
    "imo": ("imo", "imo_number", "imo_no"),
}
SCHEMAS = {"person": "Person", "organization": "Organization", "organisation": "Organization", "company": "Company", "vessel": "Vessel", "legalentity": "LegalEntity", "individual": "Person", "entity": "Organization"}


# --- input -----------------------------------------------------------------------------------


def detect_format(path: Path) -> str:
    suffix = path.suffix.casefold().lstrip(".")
    if suffix in ("csv", "txt"):
        return "csv"
    if suffix in ("tsv", "tab"):
        return "tsv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("parquet", "pq"):
        return "parquet"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise InputError(f"unknown input format {suffix!r} (use .csv, .tsv, .xlsx, .parquet or .jsonl)", path=str(path), field="format")


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """--map column=field pairs -> {column (casefolded): field}."""
    out = {}
    for item in items:
        col, sep, fld = item.partition("=")
        fld = fld.strip().casefold()
        if not sep or not col.strip() or fld not in FIELDS:
            raise InputError(f"--map expects COLUMN=FIELD with FIELD one of {', '.join(FIELDS)}, got {item!r}", field="map")
        out[col.strip().casefold()] = fld
    return out


class Columns:
    """Which input column feeds which screening field."""

    def __init__(self, header: list[str], mapping: dict[str, str], path: str):
        self.header = [str(h or "").strip() for h in header]
        low = [h.casefold() for h in self.header]
        self.fields: dict[str, int] = {}
        self.names: list[tuple[str, int]] = []
        self.corrupt_at: int | None = None  # where Spark puts an unparsable line (engines.spark sets it)
        for col, fld in mapping.items():
            if col not in low:
                raise InputError(f"--map names column {col!r}, which the input does not have (columns: {', '.join(self.header)[:300]})", path=path, line=1, field="map")
            i = low.index(col)
            if fld == "name":
                self.names.append((self.header[i], i))
            else:
                self.fields[fld] = i
        if not self.names and "name" not in mapping.values():
            for cand in NAME_COLUMNS:
                if cand in low:
                    self.names.append((self.header[low.index(cand)], low.index(cand)))
        for fld, options in ALIASES.items():
            if fld in self.fields:
                continue
            for opt in options:
                if opt in low:
                    self.fields[fld] = low.index(opt)
                    break
        if not self.names:
            raise InputError(
                f"no name column: expected one of {', '.join(NAME_COLUMNS[:5])} or --map COLUMN=name (columns: {', '.join(self.header)[:300]})",
                path=path,
                line=1,
                field="name",
            )

    def row(self, cells: list, lineno: int, path: str) -> dict:
        def get(i):
            if i >= len(cells) or cells[i] is None:
                return ""
            v = cells[i]
            v = v if isinstance(v, str) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            if len(v) > MAX_CELL:
                raise InputError(f"cell is {len(v)} characters, over the {MAX_CELL} limit", path=path, line=lineno, field=self.header[i] if i < len(self.header) else str(i))
            return v.strip()

        out: dict[str, Any] = {"line": lineno, "names": [(col, get(i)) for col, i in self.names], "input": {h: get(i) for i, h in enumerate(self.header) if h}}
        for fld, i in self.fields.items():
            out[fld] = get(i)
        for i in range(len(cells)):
            if i < len(cells) and isinstance(cells[i], str) and len(cells[i]) > MAX_CELL:
                get(i)
        if not out.get("query_id"):
            out["query_id"] = str(lineno)
        schema = (out.get("schema") or "").replace(" ", "").casefold()
        out["schema"] = SCHEMAS.get(schema) if schema else None
        return out


def read_rows(path: Path, mapping: dict[str, str] | None = None, fmt: str | None = None, limits: UploadLimits | None = None) -> Iterator[dict]:
    """Stream rows as dicts of screening fields; errors name the file, line and field.

    With `limits` (an upload), a workbook's package and cells are checked while it is read."""
    path = Path(path)
    mapping = mapping or {}
    fmt = fmt or detect_format(path)
    if not path.exists():
        raise InputError("no such file", path=str(path))
    check_nonempty(path)
    if fmt in ("csv", "tsv"):
        yield from _read_csv(path, mapping, "\t" if fmt == "tsv" else _sniff_delimiter(path))
    elif fmt == "xlsx":
        yield from _read_xlsx(path, mapping, limits)
    elif fmt == "parquet":
        yield from _read_parquet(path, mapping)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, mapping)
    else:
        raise InputError(f"unknown input format {fmt!r}", path=str(path), field="format")


def _sniff_delimiter(path: Path) -> str:
    with open_binary(path) as fh:
        first = fh.readline(65536)
    return "\t" if first.count(b"\t") > first.count(b",") and first.count(b"\t") > 0 else ","


def _read_csv(path: Path, mapping, delimiter) -> Iterator[dict]:
    rows = csv_rows(path, "utf-8", delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError("file is empty", path=str(path)) from None
    header = [h.lstrip("\ufeff") for h in header]
    cols = Columns(header, mapping, str(path))
    for lineno, cells in rows:
        yield cols.row(cells, lineno, str(path))


def _read_xlsx(path: Path, mapping, limits: UploadLimits | None = None) -> Iterator[dict]:
    from openpyxl import load_workbook

    if limits is not None:
        check_package(path, limits, str(path), "XLSX")  # before openpyxl loads every shared string
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except _xlsx_errors() as exc:
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})", path=str(path), field="format") from None
    try:
        if not wb.worksheets:
            raise InputError("workbook has no worksheet", path=str(path), field="format")
        ws = wb.worksheets[0]
        it = _xlsx_checked(ws.iter_rows(values_only=True), str(path))
        header = None
        lineno = cells = 0
        for values in it:
            lineno += 1
            cells += len(values or ())
            if limits is not None and cells > limits.max_cells:
                raise limits.refuse(f"the sheet has more than {limits.max_cells:,} cells by row {lineno}", "max_cells", str(path))
            if header is None:
                if values is None or not any(v not in (None, "") for v in values):
                    continue
                header = list(values)
                cols = Columns([str(h or "") for h in header], mapping, str(path))
                continue
            if values is None or not any(v not in (None, "") for v in values):
                continue
            yield cols.row(list(values), lineno, str(path))
        if header is None:
            raise InputError("workbook is empty", path=str(path))
    finally:
        wb.close()


def _xlsx_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl raises on a broken workbook: a bad zip, a missing part, malformed XML, bad values."""
    import zipfile
    import zlib

    from lxml.etree import LxmlError  # type: ignore[import-untyped]  # no stubs installed

    return (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, SyntaxError, LxmlError, zlib.error, EOFError)


def _xlsx_checked(rows: Iterator, path: str) -> Iterator:
    """The sheet's rows; a part that breaks while streaming is the same one-line error as at open."""
    try:
        yield from rows
    except _xlsx_errors() as exc:
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})", path=path, field="format") from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _read_parquet(path: Path, mapping) -> Iterator[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {_first_line(exc)}", path=str(path), field="format") from None
    header = pf.schema_arrow.names
    cols = Columns(header, mapping, str(path))
    lineno = 1
    batches = pf.iter_batches(batch_size=8192)
    while True:
        try:  # a corrupt page, or a string that is not UTF-8, shows only when its batch is decoded
            batch = next(batches, None)
            records = [] if batch is None else batch.to_pylist()
        except (pa.ArrowException, OSError, UnicodeDecodeError, ValueError, OverflowError) as exc:
            raise InputError(f"not a readable Parquet file: {_first_line(exc)}", path=str(path), line=lineno + 1, field="format") from None
        if batch is None:
            return
        for rec in records:
            lineno += 1
            yield cols.row([rec.get(h) for h in header], lineno, str(path))


def _read_jsonl(path: Path, mapping) -> Iterator[dict]:
    raw = open_binary(path)
    cols = None
    keys: list[str] = []
    try:
        for lineno, line in enumerate(LineCountingText(raw, "utf-8", str(path)), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line.lstrip("\ufeff"))
            except json.JSONDecodeError as exc:
                raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno, field="json") from None
            if not isinstance(obj, dict):
                raise InputError("each line must be a JSON object", path=str(path), line=lineno, field="json")
            reject_lone_surrogates(obj, str(path), lineno)
            if cols is None:
                keys = list(obj.keys())
                cols = Columns(keys, mapping, str(path))
            extra = [k for k in obj if k not in keys]
            if extra:
                keys += extra
                cols = Columns(keys, mapping, str(path))
            yield cols.row([obj.get(k) if not isinstance(obj.get(k), (dict, list)) else json.dumps(obj.get(k)) for k in keys], lineno, str(path))
    finally:
        raw.close()


# --- the pure per-row function ---------------------------------------------------------------


REPORT_FLOOR = 0.5  # share of the threshold a candidate needs to be listed at all


def screen_rows(prepared, rows: Iterable[dict], *, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None) -> Iterator[dict]:
    """Screen rows against the prepared index; pure, so any engine can call it per partition."""
    matcher = prepared.matcher(threshold)
    floor = (prepared.threshold if threshold is None else threshold) * REPORT_FLOOR
    ds = frozenset(datasets) if datasets else None
    lists = prepared.lists
    screened_against = list_dates(lists, ds)
    for row in rows:
        matches = []
        facts = query_facts(row.get("dob"), row.get("id_number"), row.get("imo"))
        for col, name in row["names"]:
            if not name:
                continue
            for m in matcher.match(name, row.get("schema"), limit=limit, datasets=ds, country=row.get("country") or None, facts=facts):
                d = m.as_dict()
                d["query_field"] = col
                d["query_name"] = name
                d["info"] = {**m.record.info, "snapshot_date": (lists.get(m.record.dataset) or {}).get("snapshot_date") or m.record.info.get("snapshot_date")}
                matches.append(d)
        matches.sort(key=lambda d: -d["score"])
        # Candidates under half the threshold are noise to a reviewer: kept out of the report.
        matches = [d for d in _dedupe(matches) if d["score"] >= floor]
        matches = fold_profiles(matches, getattr(prepared, "profiles", None) or {})[:limit]
        risk = assess(row, matches, prepared.facts)
        for d in matches:
            info = d.pop("info")
            if d["dataset"] != "tollwatch":
                d["list_date"] = info.get("snapshot_date")
                d["program"] = info.get("program") or []
                d["listing"] = {**info.get("listing", {}), "identifiers": info.get("ids", []) + [["imoNumber", v] for v in info.get("imo", [])]}
            elif info.get("allegation"):
                d["note"] = "named in reporting: an allegation, not a sanctions listing"
        query = {col: name for col, name in row["names"]}
        for fld in ("address", "country", "hs_code", "description", "schema", "dob", "id_number", "imo"):
            if row.get(fld):
                query[fld] = row[fld]
        yield {"query_id": row["query_id"], "query": query, "matches": matches, "risk": risk, "lists": screened_against}


def list_dates(lists: dict[str, dict], datasets: frozenset[str] | None = None) -> dict[str, dict]:
    """What every result names: each list screened, its snapshot date and, where known, whether it is stale."""
    out = {}
    for name, meta in sorted(lists.items()):
        if datasets is None or name in datasets:
            entry = {"snapshot_date": meta.get("snapshot_date")}
            if "stale" in meta:
                entry |= {"stale": meta["stale"], "age_days": meta.get("age_days")}
            out[name] = entry
    return out


def _dedupe(matches: list[dict]) -> list[dict]:
    seen, out = set(), []
    for m in matches:
        k = (m["dataset"], m["entity_id"])
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


def fold_profiles(matches: list[dict], profiles: dict[str, str]) -> list[dict]:
    """One result slot per profile: records judged the same target fold into the best-scoring one,
    which lists every list that names the target (`also_listed`, each with its list date)."""
    slots: dict[str, dict] = {}
    out = []
    for d in matches:
        key = profiles.get(d["entity_id"], d["entity_id"])
        first = slots.get(key)
        if first is None:
            slots[key] = d
            out.append(d)
            continue
        if "profile_id" not in first:
            first["profile_id"] = key
            first["also_listed"] = []
        info = d.get("info") or {}
        first["also_listed"].append({
            **{k: d[k] for k in ("dataset", "source_id", "entity_id", "name", "matched_name", "score") if k in d},
            "list_date": info.get("snapshot_date"), "program": info.get("program") or [],
        })
    return out


def run(prepared, input_path: Path, out: Path | None, fmt: str = "jsonl", *, mapping: dict[str, str] | None = None, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None, progress: bool = True) -> Counter:
    """Screen a file end to end; returns counts by risk level."""
    if datasets:
        unknown = [d for d in datasets if d not in prepared.index.datasets]
        if unknown:
            raise InputError(f"unknown list {', '.join(unknown)} (loaded: {', '.join(sorted(prepared.index.datasets))})", field="list")
    if fmt not in OUTPUT_FORMATS:
        raise InputError(f"unknown output format {fmt!r}", field="format")
    rows = read_rows(Path(input_path), mapping)
    first = next(rows, None)  # bad header/empty file fail before any output exists
    lists = {k: v for k, v in prepared.lists.items() if not datasets or k in datasets}
    writer = ScreeningWriter(Path(out) if out else None, fmt, lists)
    try:
        from itertools import chain

        from tqdm import tqdm

        stream = chain([first], rows) if first is not None else iter(())
        bar = tqdm(stream, unit=" rows", disable=not progress or not sys.stderr.isatty(), file=sys.stderr, desc="screening")
        for result in screen_rows(prepared, bar, threshold=threshold, limit=limit, datasets=datasets):
            writer.write(result)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return writer.counts
