"""Downloads: claims as JSONL, CSV or JSON, and one entity's full report."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from tollwatch.app import evidence as ev
from tollwatch.core.errors import NotFound
from tollwatch.server import views
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.routes.claims import review_status

router = APIRouter(tags=["exports"])

CLAIM_COLUMNS = [
    "id", "subject_id", "subject_name", "predicate", "object_id", "object_name", "value", "quantity",
    "period", "quote", "span", "source_id", "method", "confidence", "status", "reviewed_by", "note",
]


@router.get("/api/export/claims")
def api_export_claims(
    state: State,
    p: CurrentPrincipal,
    format: str = Query("jsonl", pattern="^(jsonl|csv|json)$"),  # noqa: A002
    entity_id: str | None = None,
    source_id: str | None = None,
    status: str | None = None,
):
    st = review_status(status)
    with state.read(p) as r:
        if entity_id and not views.get_visible_entity(r, entity_id):
            raise NotFound()
        rows = ev.claims_as_dicts(r, r.list_claims(source_id=source_id, entity_id=entity_id, status=st))
    name = "claims" + (f"-{entity_id}" if entity_id else "") + (f"-{source_id}" if source_id else "")
    return export_response(rows, format, name)


@router.get("/api/export/entity/{entity_id}")
def api_export_entity(state: State, p: CurrentPrincipal, entity_id: str):
    with state.read(p) as r:
        entity = views.get_visible_entity(r, entity_id)
        if not entity:
            raise NotFound()
        report = ev.entity_report(r, entity)
    return JSONResponse(report, headers={"Content-Disposition": f'attachment; filename="{safe_name(entity_id)}.json"'})


def safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:100] or "export"


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


def export_response(rows: list[dict], fmt: str, name: str) -> Response:
    from tollwatch.importers.ftm import safe_cell

    filename = safe_name(name)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(CLAIM_COLUMNS)
        for d in rows:
            row = claim_row(d)
            w.writerow([safe_cell(row[c]) for c in CLAIM_COLUMNS])
        return Response(
            buf.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if fmt == "json":
        return JSONResponse(rows, headers={"Content-Disposition": f'attachment; filename="{filename}.json"'})
    body = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in rows)
    return Response(
        body,
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.jsonl"'},
    )
