"""JSON API for claims: read, add, replace, delete, review, edit; merging proposed entities."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tollwatch.app import curation
from tollwatch.app import evidence as ev
from tollwatch.core.errors import NotFound
from tollwatch.core.model import ModelError, ReviewStatus, parse_enum
from tollwatch.server import auth, views
from tollwatch.server.deps import CurrentPrincipal, State, Writer

router = APIRouter(tags=["claims"])


class ReviewIn(BaseModel):
    status: str = Field(..., description="accepted, rejected or proposed")
    note: str | None = None


def review_status(value: str | None) -> ReviewStatus | None:
    """A `status` filter as typed; none when empty."""
    return parse_enum(ReviewStatus, value, "status") if value else None


@router.get("/api/claims")
def api_claims(
    state: State,
    p: CurrentPrincipal,
    source_id: str | None = None,
    entity_id: str | None = None,
    status: str | None = None,
    limit: int = Query(1000, ge=1, le=10000),
):
    st = review_status(status)
    with state.read(p) as r:
        if entity_id and not views.get_visible_entity(r, entity_id):
            raise NotFound()
        claims = r.list_claims(source_id=source_id, entity_id=entity_id, status=st)[:limit]
        return ev.claims_as_dicts(r, claims)


@router.get("/api/claims/{claim_id}")
def api_claim(state: State, p: CurrentPrincipal, claim_id: str):
    with state.read(p) as r:
        c = r.get_claim(claim_id)
        if not c:
            raise NotFound()
        return ev.claims_as_dicts(r, [c])[0]


@router.post("/api/claims", status_code=201)
def api_claim_create(state: State, p: Writer, data: dict = Body(...)):
    return curation.save_claim(state.store, p.actor, p.ceiling, data, replace=False)


@router.put("/api/claims/{claim_id}")
def api_claim_update(state: State, p: Writer, claim_id: str, data: dict = Body(...)):
    return curation.update_claim(state.store, p.actor, p.ceiling, claim_id, data)


@router.delete("/api/claims/{claim_id}", status_code=204)
def api_claim_delete(state: State, p: Writer, claim_id: str):
    curation.delete_claim(state.store, p.actor, p.ceiling, claim_id)
    return Response(status_code=204)


@router.post("/api/claims/{claim_id}/review")
def api_claim_review(state: State, p: Writer, claim_id: str, body: ReviewIn):
    status = parse_enum(ReviewStatus, body.status, "status")
    return curation.review_claim(state.store, p.actor, p.ceiling, claim_id, status, body.note)


@router.post("/api/claims/{claim_id}/edit")
def api_claim_edit(
    state: State, p: Writer, claim_id: str,
    body: dict = Body(..., examples=[{"predicate": "produces", "value": "wigs", "note": "checked"}]),
):
    return curation.edit_claim(
        state.store, p.actor, p.ceiling, claim_id, body.get("predicate"), body.get("object"), body.get("value"), body.get("note")
    )


@router.post("/api/entities/{entity_id}/merge")
def api_entity_merge(state: State, p: Writer, entity_id: str, body: dict = Body(..., examples=[{"into": "KP-KHS-001"}])):
    into = body.get("into")
    if not isinstance(into, str) or not into.strip():
        raise ModelError("into", "the id or exact name of the entity to merge into")
    return curation.merge_entity(state.store, p.actor, p.ceiling, entity_id, into)


@router.get("/api/review")
def api_review_queue(state: State, p: auth.Principal = Depends(auth.require_writer)):
    with state.read(p) as r:
        return views.review_queue(r)
