"""JSON API over the evidence graph: search, one entity's report, facilities."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from tollwatch.app import evidence as ev
from tollwatch.app import resolution
from tollwatch.core.errors import NotFound
from tollwatch.server import mapview, views
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.matching import similar_names

router = APIRouter(tags=["graph"])


@router.get("/api/search")
def api_search(state: State, p: CurrentPrincipal, q: str = Query("", max_length=500), limit: int = Query(50, ge=1, le=500)):
    with state.read(p) as r:
        result = views.search(r, q, limit)
    result["similar"] = similar_names(state, p, q[:200]) if q.strip() and not result["entities"] else []
    return result


@router.get("/api/entities/{entity_id}")
def api_entity(state: State, p: CurrentPrincipal, entity_id: str):
    with state.read(p) as r:
        entity = views.get_visible_entity(r, entity_id)
        if not entity:
            raise NotFound()
        # A member of a merged profile answers as the profile, under its canonical id.
        profile = resolution.profile_view(r, entity_id)
        if profile and len(profile["members"]) > 1:
            entity = views.get_visible_entity(r, profile["id"]) or entity
        report = ev.entity_report(r, entity)
        if profile and len(profile["members"]) > 1:
            report["profile"] = profile
            if entity_id != entity.id:
                report["requested_id"] = entity_id
        return report


@router.get("/api/facilities")
def api_facilities(state: State, p: CurrentPrincipal, type: str | None = None, status: str | None = None):  # noqa: A002
    with state.read(p) as r:
        rows = views.facility_rows(r)
    return [f for f in rows if (not type or f["type"] == type) and (not status or f["status"] == status)]


@router.get("/api/facilities.geojson")
def api_facilities_geojson(state: State, p: CurrentPrincipal, type: str | None = None, status: str | None = None):  # noqa: A002
    """The map's data: each cited point with its source and confidence; conflicting points joined."""
    rows = api_facilities(state, p, type, status)
    return JSONResponse(mapview.facility_geojson(rows), media_type="application/geo+json")
