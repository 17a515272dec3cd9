"""Screening results out: JSON lines, a flat CSV/XLSX table, the HTML report, Parquet.

A result is the dict `engines.local.screen_rows` yields. Both engines write through the
functions here: the local engine through `ScreeningWriter`, the Spark engine through
`jsonl_line` and `parquet_record`, so a file means the same whichever engine wrote it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.features import describe
from tollwatch.writers.cells import safe_cell, xlsx_cell
from tollwatch.writers.screening_html import HTML_TAIL, html_head, html_row
from tollwatch.writers.screening_summary import tally
from tollwatch.writers.screening_table import format_sheet, input_header, result_header, write_table

OUTPUT_FORMATS = ("jsonl", "csv", "xlsx", "html", "parquet")
FILE_ONLY = ("xlsx", "html", "parquet")
TABLE_COLUMNS = ["query_id", "query_field", "query_name", "risk_level", "risk_reasons", "dataset", "source_id", "entity_id", "name", "schema", "score", "match", "list_date", "explanation", "listing", "lists_screened"]
XLSX_WIDTHS = {"query_name": 30, "risk_reasons": 40, "name": 30, "explanation": 50, "listing": 40, "lists_screened": 40, "entity_id": 22}
# Parquet: what a query over many part files needs as columns, plus the full JSONL record.
PARQUET_COLUMNS = ("query_id", "risk_level", "top_score", "entity_ids", "scores", "hit", "result")
_PARQUET_BATCH = 4096


def explanation_text(expl: list[dict], *, described: bool = False) -> str:
    """A match's features on one line: "tokens: kim ~ kim (1.0); ...", with `described`
    each feature's description from the registry: "(1.0; token-by-token similarity ...)"."""
    return "; ".join(
        f"{f['feature']}: {f.get('query')!s} ~ {f.get('candidate')!s} ({f.get('value')}" + (f"; {describe(f['feature'])})" if described else ")")
        for f in expl
    )


def listing_text(listing: dict | None) -> str:
    """A candidate's list fields on one line: "birthDate: 1968-07-30; position: ...; identifiers: passportNumber 123"."""
    if not listing:
        return ""
    parts = [f"{k}: {'; '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in listing.items() if v and k != "identifiers"]
    parts += [f"identifiers: {', '.join(f'{s} {v}' for s, v in listing['identifiers'])}"] if listing.get("identifiers") else []
    return " | ".join(parts)


def jsonl_line(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, default=str)


def lists_text(lists: dict[str, dict]) -> str:
    """The lists a row was screened against, on one line: "us_ofac_sdn 2024-05-03 (STALE: 943 days old); ..."."""
    parts = []
    for name, entry in lists.items():
        text = f"{name} {entry.get('snapshot_date') or 'undated'}"
        if entry.get("stale"):
            text += f" (STALE: {entry['age_days']} days old)" if entry.get("age_days") is not None else " (STALE: no date)"
        parts.append(text)
    return "; ".join(parts)


def flat_rows(result: dict) -> list[list]:
    """One table row per match (one row with no match columns when there is none); the last
    column names every list screened and its date, so a row read alone still says how current it is."""
    risk = result["risk"]
    reasons = " | ".join(r["text"] for r in risk["reasons"])
    screened = lists_text(result.get("lists") or {})
    if not result["matches"]:
        first_name = next(iter(result["query"].values()), "")
        return [[result["query_id"], "", first_name, risk["level"], reasons] + [""] * (len(TABLE_COLUMNS) - 6) + [screened]]
    return [
        [result["query_id"], m.get("query_field"), m.get("query_name"), risk["level"], reasons, m["dataset"], m["source_id"], m["entity_id"], m["name"], m["schema"], m["score"], "yes" if m["match"] else "no", m.get("list_date") or "", explanation_text(m["explanation"]), listing_text(m.get("listing")), screened]
        for m in result["matches"]
    ]


def parquet_record(result: dict) -> tuple:
    """The PARQUET_COLUMNS values of one result."""
    ms = result["matches"]
    return (
        str(result["query_id"]),
        result["risk"]["level"],
        float(ms[0]["score"]) if ms else None,
        [m["entity_id"] for m in ms],
        [float(m["score"]) for m in ms],
        any(m["match"] for m in ms),
        jsonl_line(result),
    )


def _arrow_schema():
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("query_id", pa.string(), nullable=False),
            pa.field("risk_level", pa.string(), nullable=False),
            pa.field("top_score", pa.float64()),
            pa.field("entity_ids", pa.list_(pa.string()), nullable=False),
            pa.field("scores", pa.list_(pa.float64()), nullable=False),
            pa.field("hit", pa.bool_(), nullable=False),
            pa.field("result", pa.string(), nullable=False),
        ]
    )


count = tally  # the tallies a run reports (writers/screening_summary.py)


def lists_sheet_rows(lists: dict[str, dict]) -> list[list]:
    """The "lists" sheet: a header, then each list screened with its date and staleness."""
    rows: list[list] = [["dataset", "snapshot_date", "age_days", "stale", "count", "source_files", "imported_at"]]
    for ds, m in lists.items():
        stale = "" if "stale" not in m else ("STALE" if m["stale"] else "current")
        rows.append([safe_cell(ds), safe_cell(m.get("snapshot_date")), m.get("age_days"), stale, m.get("count"), safe_cell(", ".join(m.get("source_files") or [])), safe_cell(m.get("imported_at"))])
    return rows


def table_with_inputs(results: list[dict], inputs: list[dict], lists: dict[str, dict], out: Path, fmt: str, *, bom: bool = True) -> None:
    """CSV or XLSX of a web upload: each input row's own columns, then the result columns."""
    in_cols = input_header(inputs)
    header = in_cols + result_header(in_cols, TABLE_COLUMNS)
    rows = []
    for res, cells in zip(results, inputs, strict=True):
        own = [cells.get(c, "") for c in in_cols]
        rows += [own + r for r in flat_rows(res)]
    write_table(rows, header, out, fmt, bom=bom, extra_sheets={"lists": lists_sheet_rows(lists)} if fmt == "xlsx" else None)


class ScreeningWriter:
    """Writes to a temporary file and renames at close: a failed run leaves no partial output."""

    def __init__(self, out: Path | None, fmt: str, lists: dict[str, dict]):
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"unknown output format {fmt!r}", field="format")
        if fmt in FILE_ONLY and out is None:
            raise InputError(f"--format {fmt} needs -o FILE", field="output")
        self.fmt, self.lists, self.out = fmt, lists, Path(out) if out is not None else None
        self.counts: Counter = Counter()
        self.rows = 0
        self.tmp: str | None = None
        self.fh = sys.stdout
        if self.out is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=self.out.parent, prefix=".tollwatch-screen-")
            os.close(fd)
            self.fh = open(self.tmp, "w", encoding="utf-8", newline="") if fmt in ("jsonl", "csv") else None
        getattr(self, f"_open_{fmt}", lambda: None)()

    def _open_csv(self) -> None:
        import csv

        self.csv = csv.writer(self.fh)
        self.csv.writerow(TABLE_COLUMNS)

    def _open_xlsx(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("screening")
        self.ws.freeze_panes = "A2"
        format_sheet(self.ws, TABLE_COLUMNS, {i: XLSX_WIDTHS.get(c, 12) for i, c in enumerate(TABLE_COLUMNS)})
        self.ws.append(TABLE_COLUMNS)
        self.table_rows = 0

    def _open_html(self) -> None:
        assert self.out is not None  # html is a file-only format (checked in __init__)
        fd, self.body_path = tempfile.mkstemp(dir=self.out.parent, prefix=".tollwatch-body-")
        self.body = os.fdopen(fd, "w", encoding="utf-8")

    def _open_parquet(self) -> None:
        import pyarrow.parquet as pq

        self.schema = _arrow_schema()
        self.pq = pq.ParquetWriter(self.tmp, self.schema)
        self.batch: list[tuple] = []

    def write(self, result: dict) -> None:
        self.rows += 1
        count(self.counts, result)
        if self.fmt == "jsonl":
            self.fh.write(jsonl_line(result) + "\n")
        elif self.fmt == "csv":
            for r in flat_rows(result):
                self.csv.writerow([safe_cell(x) for x in r])
        elif self.fmt == "xlsx":
            for r in flat_rows(result):
                self.ws.append([xlsx_cell(x) for x in r])
                self.table_rows += 1
        elif self.fmt == "html":
            if result["matches"] or result["risk"]["level"] != "none":
                self.body.write(html_row(result))
        elif self.fmt == "parquet":
            self.batch.append(parquet_record(result))
            if len(self.batch) >= _PARQUET_BATCH:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self.batch:
            columns = list(zip(*self.batch, strict=True))
            self.pq.write_table(pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, self.schema, strict=True)], schema=self.schema))
            self.batch = []

    def _close_xlsx(self) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(TABLE_COLUMNS))}{max(1, self.table_rows + 1)}"
        info = self.wb.create_sheet("lists")
        for row in lists_sheet_rows(self.lists):
            info.append(row)
        assert self.tmp is not None  # xlsx is a file-only format
        self.wb.save(self.tmp)

    def _discard_xlsx(self) -> None:
        """End the write-only sheet's stream and drop its temp file; left to the garbage collector, it prints a traceback."""
        try:
            self.ws.close()
            self.ws._writer.cleanup()
        except Exception:  # noqa: BLE001 - discarding a sheet already broken: nothing to keep
            pass

    def _close_html(self) -> None:
        self.body.close()
        assert self.tmp is not None
        with open(self.tmp, "w", encoding="utf-8") as fh:
            fh.write(html_head(self.lists, self.counts, self.rows))
            with open(self.body_path, encoding="utf-8") as body:
                for chunk in iter(lambda: body.read(1 << 20), ""):
                    fh.write(chunk)
            fh.write(HTML_TAIL)
        os.unlink(self.body_path)

    def _close_parquet(self) -> None:
        self._flush_parquet()
        self.pq.close()

    def close(self) -> None:
        closer = getattr(self, f"_close_{self.fmt}", None)
        if closer is not None:
            closer()
        elif self.fh is not sys.stdout:
            self.fh.close()
        else:
            self.fh.flush()
        if self.tmp and self.out is not None:  # both or neither: the temporary file sits beside the output
            os.replace(self.tmp, self.out)

    def abort(self) -> None:
        if self.fmt == "parquet":
            self.pq.close()
        elif self.fmt == "xlsx":
            self._discard_xlsx()
        elif self.fmt == "html":
            self.body.close()
        if self.fh is not None and self.fh is not sys.stdout:
            self.fh.close()
        for p in (self.tmp, getattr(self, "body_path", None)):
            if p and os.path.exists(p):
                os.unlink(p)


def write_all(results, out: Path | None, fmt: str, lists: dict[str, dict]) -> Counter:
    """Results (a server job's, a saved run's) to one file, or jsonl/csv to stdout without OUT;
    a failure part-way leaves no file behind."""
    writer = ScreeningWriter(out, fmt, lists)
    try:
        for res in results:
            writer.write(res)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return writer.counts
