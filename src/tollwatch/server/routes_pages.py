"""Server-rendered pages: search, entity, map, sources, review queue, sign-in."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Form, HTTPException, Request

from tollwatch.core.model import FacilityType, ReviewStatus
from tollwatch.server import auth, mapview, views
from tollwatch.server.app import no_store, redirect
from tollwatch.store import users_repo

STATUS_ORDER = ["active", "being dismantled", "closed", "contested", "unknown"]


def register(app: FastAPI, state) -> None:
    render = state.render

    def principal(request: Request) -> auth.Principal:
        return request.state.principal

    @app.get("/", include_in_schema=False)
    def home(request: Request):
        with state.read(principal(request)) as r:
            counts = {
                "facilities": len(views.facility_rows(r)),
                "sources": len(r.list_sources()),
            }
        return render(request, "home.html", {"counts": counts})

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = ""):
        with state.read(principal(request)) as r:
            result = views.search(r, q[:500])
        similar = []
        if q.strip() and not result["entities"]:
            similar = state.similar_names(principal(request), q[:200])
        return render(request, "search.html", {"q": q, "result": result, "similar": similar})

    @app.get("/entities/{entity_id}", include_in_schema=False)
    def entity_page(request: Request, entity_id: str):
        with state.read(principal(request)) as r:
            entity = views.get_visible_entity(r, entity_id)
            if not entity:
                raise HTTPException(404)
            page = views.entity_page(r, entity)
        return no_store(render(request, "entity.html", {"e": page}))

    @app.get("/trade", include_in_schema=False)
    def trade_page(request: Request, reporter: str = "CN", partner: str = "KP"):
        """The same charts as `tollwatch trade analyze`; trade statistics are public data."""
        import base64

        from tollwatch.app.trade import charts, report

        reporter, partner = (reporter or "CN")[:3].upper(), (partner or "KP")[:3].upper()
        if not (reporter.isalpha() and partner.isalpha()):
            raise HTTPException(400, "reporter and partner are ISO country codes")
        rep = report(state.store, reporter, partner)
        images = [
            (name, "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"))
            for name, svg in charts(rep, "svg").items()
        ]
        return render(request, "trade.html", {"rep": rep, "charts": images})

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, type: str = "", status: str = ""):  # noqa: A002
        with state.read(principal(request)) as r:
            rows = views.facility_rows(r)
        shown = [f for f in rows if (not type or f["type"] == type) and (not status or f["status"] == status)]
        types = [t.value for t in FacilityType]
        statuses = [s for s in STATUS_ORDER if any(f["status"] == s for f in rows)] or STATUS_ORDER
        return render(
            request,
            "map.html",
            {
                "map": mapview.render_map(shown, state.tiles_url),
                "facilities": shown,
                "unlocated": [f for f in shown if not f["points"]],
                "types": types,
                "statuses": statuses,
                "type": type,
                "status": status,
                "total": len(rows),
            },
        )

    @app.get("/sources", include_in_schema=False)
    def sources_page(request: Request):
        with state.read(principal(request)) as r:
            sources = r.list_sources()
        return render(request, "sources.html", {"sources": sources})

    @app.get("/sources/{source_id}", include_in_schema=False)
    def source_page(request: Request, source_id: str):
        with state.read(principal(request)) as r:
            source = r.get_source(source_id)
            if not source:
                raise HTTPException(404)
            view = views.source_view(r, source)
        return no_store(render(request, "source.html", {"s": view}))

    # --- review ----------------------------------------------------------------------
    @app.get("/review", include_in_schema=False)
    def review_page(request: Request, source: str = ""):
        p = principal(request)
        if p.anonymous:
            return redirect("/login?next=/review")
        auth.require_writer(request)
        with state.read(p) as r:
            queue = views.review_queue(r)
            src = r.get_source(source) if source else None
            proposed = views.proposed_entities(r)
        if src:
            queue = [c for c in queue if c["source_id"] == src.id]
        from tollwatch.core.model import Predicate

        predicates = [(pr.value, views.label(pr.value)) for pr in Predicate]
        return no_store(render(request, "review.html", {"queue": queue, "source": src, "proposed": proposed, "predicates": predicates}))

    @app.post("/review/{claim_id}/edit", include_in_schema=False)
    def review_edit(
        request: Request,
        claim_id: str,
        predicate: str = Form(""),
        target: str = Form(""),
        value: str = Form(""),
        note: str = Form(""),
        csrf_token: str = Form(""),
    ):
        p = auth.require_writer(request)
        auth.check_csrf(request, csrf_token)
        state.edit_claim(p, claim_id, predicate.strip() or None, target.strip() or None, value.strip() or None, note.strip() or None)
        return redirect("/review")

    @app.post("/review/entities/{entity_id}/merge", include_in_schema=False)
    def review_merge(request: Request, entity_id: str, into: str = Form(...), csrf_token: str = Form("")):
        p = auth.require_writer(request)
        auth.check_csrf(request, csrf_token)
        merged = state.merge_entity(p, entity_id, into)
        return redirect(f"/entities/{merged['id']}")

    @app.post("/review/{claim_id}", include_in_schema=False)
    def review_decide(
        request: Request,
        claim_id: str,
        decision: str = Form(...),
        note: str = Form(""),
        csrf_token: str = Form(""),
        next: str = Form("/review"),  # noqa: A002
    ):
        p = auth.require_writer(request)
        auth.check_csrf(request, csrf_token)
        status = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "reopen": ReviewStatus.PROPOSED}.get(decision)
        if status is None:
            raise HTTPException(400, "decision: accept, reject or reopen")
        state.review_claim(p, claim_id, status, note.strip() or None)
        return redirect(_local(next, "/review"))

    # --- sign-in ---------------------------------------------------------------------
    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/"):  # noqa: A002
        return no_store(render(request, "login.html", {"next": _local(next, "/"), "error": None}))

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form(...), password: str = Form(...), csrf_token: str = Form(""), next: str = Form("/")):  # noqa: A002
        expected = request.state.session.get("csrf", "")
        if not expected or csrf_token != expected:
            raise HTTPException(403, "CSRF token missing or wrong; reload the page and try again")
        throttle = state.sign_in_throttle
        address = request.client.host if request.client else None
        wait = throttle.retry_after(name, address)
        if wait:
            # Refused before the password is checked: a guesser learns nothing from more tries.
            logging.getLogger("tollwatch.server").warning("sign-in refused for %r from %s: too many failures", name, address)
            page = render(
                request, "login.html",
                {"next": _local(next, "/"), "error": f"Too many failed sign-ins. Try again in {wait} seconds."},
                status=429,
            )
            page.headers["Retry-After"] = str(wait)
            return no_store(page)
        with state.store.engine.connect() as conn:
            user = users_repo.verify_password(conn, name, password)
        if not user:
            throttle.failed(name, address)
            return no_store(render(request, "login.html", {"next": _local(next, "/"), "error": "Wrong name or password."}, status=401))
        throttle.succeeded(name)
        # A new session on sign-in: a token planted before it is not carried over.
        import secrets

        request.state.session.clear()
        request.state.session.update({"u": user.name, "csrf": secrets.token_urlsafe(24)})
        request.state.session_dirty = True
        return redirect(_local(next, "/"))

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")):
        auth.check_csrf(request, csrf_token)
        import secrets

        request.state.session.clear()
        request.state.session.update({"csrf": secrets.token_urlsafe(24)})
        request.state.session_dirty = True
        return redirect("/")


def _local(url: str, default: str) -> str:
    """Only same-site paths: a `next` parameter must not redirect elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default
