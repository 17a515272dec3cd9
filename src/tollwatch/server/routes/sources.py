"""JSON API for sources: list, read, add, edit metadata, delete (report ingestion is routes/ingest)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tollwatch.app import curation
from tollwatch.app import evidence as ev
from tollwatch.app import sources
from tollwatch.core.errors import NotFound
from tollwatch.server.deps import CurrentPrincipal, State, Writer

router = APIRouter(tags=["sources"])


class SourceIn(BaseModel):
    text: str = Field(..., description="The full text; claims point into it by character offsets.")
    title: str
    publisher: str | None = None
    url: str | None = None
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    kind: str = "news"
    grade: str | None = Field(None, description="Admiralty reliability A–F")
    sensitivity: str = Field("public", description="public, restricted or confidential")
    origin: str | None = None


@router.get("/api/sources")
def api_sources(state: State, p: CurrentPrincipal, limit: int = Query(500, ge=1, le=5000), offset: int = Query(0, ge=0)):
    with state.read(p) as r:
        return [{**ev.source_to_dict(s), "url_mirror": ev.url_is_mirror(s.url)} for s in r.list_sources()[offset : offset + limit]]


@router.get("/api/sources/{source_id}")
def api_source(state: State, p: CurrentPrincipal, source_id: str, text: bool = True):
    with state.read(p) as r:
        s = r.get_source(source_id)
        if not s:
            raise NotFound()
        out = ev.source_to_dict(s, with_text=text)
        out["url_mirror"] = ev.url_is_mirror(s.url)
        out["claims"] = ev.claims_as_dicts(r, r.list_claims(source_id=s.id))
        return out


@router.post("/api/sources", status_code=201)
def api_source_create(state: State, p: Writer, body: SourceIn):
    return curation.create_source(state.store, p.actor, p.ceiling, body.text, body.model_dump(exclude={"text"}))


@router.patch("/api/sources/{source_id}")
def api_source_update(state: State, p: Writer, source_id: str, changes: dict = Body(...)):
    s = sources.edit_source(state.store, p.actor, source_id, changes, p.ceiling)
    return ev.source_to_dict(s) if s else {"id": source_id, "moved_above_your_clearance": True}


@router.delete("/api/sources/{source_id}", status_code=204)
def api_source_delete(state: State, p: Writer, source_id: str):
    sources.delete_source(state.store, p.actor, source_id, p.ceiling)
    return Response(status_code=204)
