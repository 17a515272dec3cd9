"""Server-rendered reading pages: home, search, entity, map, sources, trade charts."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from tollwatch.app import resolution

from tollwatch.core.errors import NotFound
from tollwatch.core.model import FacilityType
from tollwatch.server import mapview, views
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.matching import similar_names
from tollwatch.server.templating import no_store, render

router = APIRouter(include_in_schema=False)

STATUS_ORDER = ["active", "being dismantled", "closed", "contested", "unknown"]


@router.get("/")
def home(request: Request, state: State, p: CurrentPrincipal):
    with state.read(p) as r:
        counts = {
            "facilities": len(views.facility_rows(r)),
            "sources": len(r.list_sources()),
        }
    return render(request, "home.html", {"counts": counts})


@router.get("/search")
def search_page(request: Request, state: State, p: CurrentPrincipal, q: str = "", page: int = Query(1, ge=1, le=400)):
    """Names, HS codes and source texts; facets as GET parameters (app.search), browsing when empty."""
    from tollwatch.app.search import faceted_search

    with state.read(p) as r:
        result = faceted_search(r, q[:500], dict(request.query_params), page)
    similar = []
    if result["q"] and not result["entities"] and not result["filters"]:
        similar = similar_names(state, p, q[:200])
    return render(request, "search.html", {"q": result["q"], "result": result, "similar": similar})


@router.get("/entities/{entity_id}")
def entity_page(request: Request, state: State, p: CurrentPrincipal, entity_id: str):
    with state.read(p) as r:
        entity = views.get_visible_entity(r, entity_id)
        if not entity:
            raise NotFound()
        canon = resolution.resolve_id(r, entity_id)
        if canon != entity_id:  # a merged record's URL leads to its profile
            return RedirectResponse(f"/entities/{quote(canon, safe='')}", status_code=303)
        page = views.entity_page(r, entity)
        profile = resolution.profile_view(r, entity_id)
        page["profile"] = profile if profile and len(profile["members"]) > 1 else None
    return no_store(render(request, "entity.html", {"e": page}))


@router.get("/chain")
def chain_page(request: Request, state: State, p: CurrentPrincipal, from_: str = Query("", alias="from"), proposed: bool = True):
    """The entities one and two steps from one entity, drawn, at the reader's clearance."""
    from tollwatch.app.chain import chain_view

    with state.read(p) as r:
        view = chain_view(r, from_[:200], include_proposed=proposed)
    return no_store(render(request, "chain.html", view))


@router.get("/trade")
def trade_page(request: Request, state: State, reporter: str = "CN", partner: str = "KP"):
    """The same charts as `tollwatch trade analyze`; trade statistics are public data, so the
    page is computed once per trade-data version (app.trade_cache), not once per request."""
    from tollwatch.server.routes.trade_import import pair, trade_context

    reporter, partner = pair(reporter, partner)
    context = trade_context(state, reporter, partner)
    response = render(request, "trade.html", context)
    response.headers["X-Tollwatch-Cache"] = "hit" if context["cached"] else "miss"
    return response


@router.get("/map")
def map_page(request: Request, state: State, p: CurrentPrincipal, type: str = "", status: str = "", focus: str = ""):  # noqa: A002
    """Every facility is on the page; the filter only hides rows (server-side without script,
    in place with it), so changing a filter never reloads the page or moves focus."""
    with state.read(p) as r:
        rows = views.facility_rows(r)
    for f in rows:
        f["shown"] = (not type or f["type"] == type) and (not status or f["status"] == status)
    statuses = [s for s in STATUS_ORDER if any(f["status"] == s for f in rows)] or STATUS_ORDER
    base = mapview.basemap_info()
    return render(
        request,
        "map.html",
        {
            "facilities": rows,
            "unlocated": [f for f in rows if not f["points"]],
            "types": [t.value for t in FacilityType],
            "statuses": statuses,
            "type": type,
            "status": status,
            "focus": focus[:200],
            "shown": sum(1 for f in rows if f["shown"]),
            "total": len(rows),
            "bbox": base["bbox"],
            "attribution": base["source"],
            "places_source": base["places_source"],
            "tiles_url": state.tiles_url,
        },
    )


@router.get("/sources")
def sources_page(request: Request, state: State, p: CurrentPrincipal, kind: str = "", sort: str = "title"):
    from tollwatch.app.sources import source_rows

    with state.read(p) as r:
        view = source_rows(r, kind[:40], sort[:20])
    return render(request, "sources.html", view)


@router.get("/sources/{source_id}")
def source_page(request: Request, state: State, p: CurrentPrincipal, source_id: str):
    with state.read(p) as r:
        source = r.get_source(source_id)
        if not source:
            raise NotFound()
        view = views.source_view(r, source)
    return no_store(render(request, "source.html", {"s": view}))
