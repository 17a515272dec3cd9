"""Claims as a flat table (CSV), from the JSON-ready claim dicts of app.evidence.

Every cell passes through `safe_cell`, so a spreadsheet never runs a cell as a formula.
"""

from __future__ import annotations

import csv
import io

from tollwatch.importers.ftm import safe_cell

CLAIM_COLUMNS = [
    "id", "subject_id", "subject_name", "predicate", "object_id", "object_name", "value", "quantity",
    "period", "quote", "span", "source_id", "method", "confidence", "status", "reviewed_by", "note",
]


def claim_row(d: dict) -> dict:
    obj = d.get("object") or {}
    q = d.get("quantity")
    p = d.get("period")
    return {
        "id": d["id"],
        "subject_id": d["subject"]["id"],
        "subject_name": d["subject"].get("name"),
        "predicate": d["predicate"],
        "object_id": obj.get("id"),
        "object_name": obj.get("name"),
        "value": d.get("value"),
        "quantity": f"{q['low']}-{q['high']} {q['unit']}" if q else None,
        "period": f"{p.get('start') or ''}/{p.get('end') or ''}" if p else None,
        "quote": d.get("quote"),
        "span": f"{d['span'][0]}:{d['span'][1]}" if d.get("span") else None,
        "source_id": d["source_id"],
        "method": d["method"],
        "confidence": d["confidence"],
        "status": d["status"],
        "reviewed_by": d.get("reviewed_by"),
        "note": d.get("note"),
    }


def claims_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CLAIM_COLUMNS)
    for d in rows:
        row = claim_row(d)
        w.writerow([safe_cell(row[c]) for c in CLAIM_COLUMNS])
    return buf.getvalue()
