"""The claims table (CSV) and claims as JSON lines: one writer for the CLI and the web.

`tollwatch export --format csv` and `GET /api/export/claims?format=csv` both call
`claims_csv`, so the same store and reader give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import IO

from tollwatch.writers.cells import number_text, safe_cell

CLAIM_COLUMNS = [
    "id", "subject_id", "subject_name", "predicate", "object_id", "object_name", "value", "quantity",
    "period", "quote", "span", "source_id", "method", "confidence", "status", "reviewed_by", "note",
    "evidence_kind", "citations", "mirror_citations", "qualifiers",
]


def citations_text(d: dict) -> str | None:
    """The cited pages, " | " between them; "source not given" where the row gives none."""
    if d.get("source_not_given"):
        return "source not given"
    urls = [c["url"] for c in d.get("citations") or []]
    return " | ".join(urls) if urls else None


def quantity_text(q: dict | None) -> str | None:
    """{"low": 30.0, "high": 70.0, "unit": "prisoners"} -> "30-70 prisoners"."""
    if not q:
        return None
    amount = number_text(q["low"]) if q.get("high") is None else f"{number_text(q['low'])}-{number_text(q['high'])}"
    return f"{amount} {q['unit']}".strip()


def claim_row(d: dict) -> dict:
    """A claim dict (app.evidence.claim_to_dict) as one flat table row."""
    obj = d.get("object") or {}
    p = d.get("period")
    return {
        "id": d["id"],
        "subject_id": d["subject"]["id"],
        "subject_name": d["subject"].get("name"),
        "predicate": d["predicate"],
        "object_id": obj.get("id"),
        "object_name": obj.get("name"),
        "value": d.get("value"),
        "quantity": quantity_text(d.get("quantity")),
        "period": f"{p.get('start') or ''}/{p.get('end') or ''}" if p else None,
        "quote": d.get("quote"),
        "span": f"{d['span'][0]}:{d['span'][1]}" if d.get("span") else None,
        "source_id": d["source_id"],
        "method": d.get("method"),
        "confidence": d.get("confidence"),
        "status": d.get("status"),
        "reviewed_by": d.get("reviewed_by"),
        "note": d.get("note"),
        "evidence_kind": d.get("evidence_kind"),
        "citations": citations_text(d),
        "mirror_citations": " | ".join(c["url"] for c in d.get("citations") or [] if c.get("mirror")) or None,
        "qualifiers": qualifiers_text(d.get("qualifiers")),
    }


def qualifiers_text(qualifiers: dict | None) -> str | None:
    """{"nationality": "kp", "suspended": true} -> "nationality=kp; suspended=true"."""
    if not qualifiers:
        return None
    return "; ".join(f"{k}={json.dumps(v, ensure_ascii=False).strip(chr(34))}" for k, v in sorted(qualifiers.items()))


def write_claims_csv(fh: IO[str], claims: Iterable[dict]) -> int:
    """Claims in id order (stable whatever query found them), every cell formula-safe."""
    w = csv.writer(fh)
    w.writerow(CLAIM_COLUMNS)
    n = 0
    for d in sorted(claims, key=lambda d: d["id"]):
        row = claim_row(d)
        w.writerow([safe_cell(row[c]) for c in CLAIM_COLUMNS])
        n += 1
    return n


def claims_csv(claims: Iterable[dict]) -> str:
    buf = io.StringIO(newline="")
    write_claims_csv(buf, claims)
    return buf.getvalue()


def jsonl_text(records: Iterable[dict]) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in records)
