"""Downloads: claims as JSONL, CSV or JSON, and one entity's full report."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from tollwatch.app import evidence as ev
from tollwatch.app.export import claims_table
from tollwatch.core.errors import NotFound
from tollwatch.server import views
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.routes.claims import review_status

router = APIRouter(tags=["exports"])


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


def export_response(rows: list[dict], fmt: str, name: str) -> Response:
    filename = safe_name(name)
    if fmt == "csv":
        return Response(
            claims_table(rows),
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
