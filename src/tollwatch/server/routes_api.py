"""JSON API: search, entities, sources and claims (CRUD + review), exports, health.

Screening and the yente-compatible /match live in routes_screening.
"""

from __future__ import annotations

import json

from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tollwatch.app import evidence as ev
from tollwatch.core.model import ModelError, ReviewStatus, parse_enum
from tollwatch.server import auth, curation, views
from tollwatch.store.repository import DuplicateSourceError, NotFoundError, StoreError

MAX_SOURCE_TEXT = 5 * 1024 * 1024


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


class ReviewIn(BaseModel):
    status: str = Field(..., description="accepted, rejected or proposed")
    note: str | None = None


def bad_request(field: str, message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=f"{field}: {message}")


def register(app: FastAPI, state) -> None:
    def principal(request: Request) -> auth.Principal:
        return request.state.principal

    def writer(request: Request) -> auth.Principal:
        p = auth.require_writer(request)
        auth.check_csrf(request, None)
        return p

    @app.get("/healthz", tags=["meta"])
    def healthz():
        with state.store.read() as r:
            r.counts()
        return {"status": "ok", "version": state.templates.globals["version"]}

    @app.get("/api/me", tags=["meta"])
    def me(request: Request):
        p = principal(request)
        return {"name": p.name, "role": p.role, "clearance": p.ceiling.value, "via": p.via}

    @app.get("/api/search", tags=["graph"])
    def api_search(request: Request, q: str = Query("", max_length=500), limit: int = Query(50, ge=1, le=500)):
        with state.read(principal(request)) as r:
            result = views.search(r, q, limit)
        result["similar"] = state.similar_names(principal(request), q[:200]) if q.strip() and not result["entities"] else []
        return result

    @app.get("/api/entities/{entity_id}", tags=["graph"])
    def api_entity(request: Request, entity_id: str):
        with state.read(principal(request)) as r:
            entity = views.get_visible_entity(r, entity_id)
            if not entity:
                raise HTTPException(404)
            return ev.entity_report(r, entity)

    @app.get("/api/facilities", tags=["graph"])
    def api_facilities(request: Request, type: str | None = None, status: str | None = None):  # noqa: A002
        with state.read(principal(request)) as r:
            rows = views.facility_rows(r)
        return [f for f in rows if (not type or f["type"] == type) and (not status or f["status"] == status)]

    # --- sources ---------------------------------------------------------------------
    @app.get("/api/sources", tags=["sources"])
    def api_sources(request: Request, limit: int = Query(500, ge=1, le=5000), offset: int = Query(0, ge=0)):
        with state.read(principal(request)) as r:
            return [ev.source_to_dict(s) for s in r.list_sources()[offset : offset + limit]]

    @app.get("/api/sources/{source_id}", tags=["sources"])
    def api_source(request: Request, source_id: str, text: bool = True):
        with state.read(principal(request)) as r:
            s = r.get_source(source_id)
            if not s:
                raise HTTPException(404)
            out = ev.source_to_dict(s, with_text=text)
            out["claims"] = ev.claims_as_dicts(r, r.list_claims(source_id=s.id))
            return out

    @app.post("/api/sources", tags=["sources"], status_code=201)
    def api_source_create(request: Request, body: SourceIn):
        p = writer(request)
        if len(body.text.encode("utf-8")) > MAX_SOURCE_TEXT:
            raise bad_request("text", f"over the {MAX_SOURCE_TEXT}-byte limit")
        if not body.text.strip():
            raise bad_request("text", "empty")
        try:
            from tollwatch.core.model import Sensitivity

            level = parse_enum(Sensitivity, body.sensitivity, "sensitivity")
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        if level.rank > p.ceiling.rank:
            raise HTTPException(403, "sensitivity: above your clearance")
        try:
            source = ev.make_source(body.text.replace("\r\n", "\n"), **body.model_dump(exclude={"text"}))
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        try:
            with state.store.begin(p.name) as tx:
                tx.add_source(source)
        except DuplicateSourceError as exc:
            with state.read(p) as r:
                seen = r.get_source(exc.existing_id) is not None
            # Never name a stored source the caller may not read.
            raise HTTPException(409, str(exc) if seen else "content: this text is already stored") from None
        except StoreError as exc:
            raise HTTPException(409, str(exc)) from None
        return ev.source_to_dict(source)

    @app.patch("/api/sources/{source_id}", tags=["sources"])
    def api_source_update(request: Request, source_id: str, changes: dict = Body(...)):
        p = writer(request)
        visible_source_or_404(p, source_id)
        if "sensitivity" in changes:
            try:
                from tollwatch.core.model import Sensitivity

                target = parse_enum(Sensitivity, str(changes["sensitivity"]), "sensitivity")
            except ModelError as exc:
                raise bad_request(exc.field, exc.message) from None
            if target.rank > p.ceiling.rank:
                raise HTTPException(403, "sensitivity: above your clearance")
        try:
            with state.store.begin(p.name) as tx:
                curation.update_source(tx, source_id, changes)
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        with state.read(p) as r:
            s = r.get_source(source_id)
            return ev.source_to_dict(s) if s else {"id": source_id, "moved_above_your_clearance": True}

    @app.delete("/api/sources/{source_id}", tags=["sources"], status_code=204)
    def api_source_delete(request: Request, source_id: str):
        p = writer(request)
        visible_source_or_404(p, source_id)
        try:
            with state.store.begin(p.name) as tx:
                curation.delete_source(tx, source_id)
        except NotFoundError:
            raise HTTPException(404) from None
        except StoreError as exc:
            raise HTTPException(409, str(exc)) from None
        return Response(status_code=204)

    def visible_source_or_404(p: auth.Principal, source_id: str):
        with state.read(p) as r:
            s = r.get_source(source_id)
        if not s:
            raise HTTPException(404)
        return s

    # --- claims ----------------------------------------------------------------------
    @app.get("/api/claims", tags=["claims"])
    def api_claims(
        request: Request,
        source_id: str | None = None,
        entity_id: str | None = None,
        status: str | None = None,
        limit: int = Query(1000, ge=1, le=10000),
    ):
        st = _status(status)
        with state.read(principal(request)) as r:
            if entity_id and not views.get_visible_entity(r, entity_id):
                raise HTTPException(404)
            claims = r.list_claims(source_id=source_id, entity_id=entity_id, status=st)[:limit]
            return ev.claims_as_dicts(r, claims)

    @app.get("/api/claims/{claim_id}", tags=["claims"])
    def api_claim(request: Request, claim_id: str):
        with state.read(principal(request)) as r:
            c = r.get_claim(claim_id)
            if not c:
                raise HTTPException(404)
            return ev.claims_as_dicts(r, [c])[0]

    @app.post("/api/claims", tags=["claims"], status_code=201)
    def api_claim_create(request: Request, data: dict = Body(...)):
        p = writer(request)
        return save_claim(p, data, replace=False)

    @app.put("/api/claims/{claim_id}", tags=["claims"])
    def api_claim_update(request: Request, claim_id: str, data: dict = Body(...)):
        p = writer(request)
        with state.read(p) as r:
            if not r.get_claim(claim_id):
                raise HTTPException(404)
        return save_claim(p, {**data, "id": claim_id}, replace=True)

    def save_claim(p: auth.Principal, data: dict, replace: bool) -> dict:
        try:
            claim = ev.claim_from_dict(data)
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        with state.read(p) as r:
            if not r.get_source(claim.evidence.source_id):
                # The same words as for a source that does not exist.
                raise bad_request("source_id", f"no source with id {claim.evidence.source_id}")
        try:
            with state.store.begin(p.name) as tx:
                tx.add_claim(claim, replace=replace)
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        except StoreError as exc:
            raise HTTPException(409, str(exc)) from None
        with state.read(p) as r:
            return ev.claims_as_dicts(r, [r.get_claim(claim.id)])[0]

    @app.delete("/api/claims/{claim_id}", tags=["claims"], status_code=204)
    def api_claim_delete(request: Request, claim_id: str):
        p = writer(request)
        with state.read(p) as r:
            if not r.get_claim(claim_id):
                raise HTTPException(404)
        with state.store.begin(p.name) as tx:
            tx.delete_claim(claim_id)
        return Response(status_code=204)

    @app.post("/api/claims/{claim_id}/review", tags=["claims"])
    def api_claim_review(request: Request, claim_id: str, body: ReviewIn):
        p = writer(request)
        try:
            status = parse_enum(ReviewStatus, body.status, "status")
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        return review_claim(p, claim_id, status, body.note)

    def review_claim(p: auth.Principal, claim_id: str, status: ReviewStatus, note: str | None) -> dict:
        with state.read(p) as r:
            if not r.get_claim(claim_id):
                raise HTTPException(404)
        from tollwatch.app import review

        with state.store.begin(p.name) as tx:
            if status == ReviewStatus.ACCEPTED:
                review.accept(tx, claim_id, note)
            elif status == ReviewStatus.REJECTED:
                review.reject(tx, claim_id, note)
            else:
                tx.review_claim(claim_id, status, note)
        with state.read(p) as r:
            return ev.claims_as_dicts(r, [r.get_claim(claim_id)])[0]

    state.review_claim = review_claim

    def merge_entity(p: auth.Principal, entity_id: str, into: str) -> dict:
        """Fold a proposed entity into one the caller can see; both are resolved at the caller's ceiling."""
        from tollwatch.app import review

        with state.read(p) as r:
            source = views.get_visible_entity(r, entity_id)
            if not source:
                raise HTTPException(404)
            target = views.get_visible_entity(r, into.strip())
            if target is None:
                found = [e for e in r.find_entities(into.strip()) if views.entity_visible(r, e)]
                if len(found) != 1:
                    raise bad_request("into", f"{len(found) or 'no'} visible entities match {into.strip()!r}; give an id")
                target = found[0]
        try:
            with state.store.begin(p.name) as tx:
                merged = review.merge(tx, source.id, target.id)
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        with state.read(p) as r:
            return ev.entity_to_dict(views.get_visible_entity(r, merged.id) or merged)

    state.merge_entity = merge_entity

    def resolve_visible(p: auth.Principal, ref: str, field: str):
        with state.read(p) as r:
            e = views.get_visible_entity(r, ref.strip())
            if e is None:
                found = [x for x in r.find_entities(ref.strip()) if views.entity_visible(r, x)]
                if len(found) != 1:
                    raise bad_request(field, f"{len(found) or 'no'} visible entities match {ref.strip()!r}; give an id")
                e = found[0]
        return e

    def edit_claim(p: auth.Principal, claim_id: str, predicate: str | None, obj: str | None, value: str | None, note: str | None) -> dict:
        """The corrected claim is stored as accepted and the proposal rejected (app.review.edit)."""
        from tollwatch.app import review

        with state.read(p) as r:
            claim = r.get_claim(claim_id)
        if not claim:
            raise HTTPException(404)
        object_id = resolve_visible(p, obj, "object").id if obj and obj.strip() else None
        try:
            with state.store.begin(p.name) as tx:
                edited = review.edit(
                    tx, claim, predicate=predicate or None, object_ref=object_id,
                    value=value if (value and value.strip() and not object_id) else None, note=note or None,
                )
        except ModelError as exc:
            raise bad_request(exc.field, exc.message) from None
        with state.read(p) as r:
            return ev.claims_as_dicts(r, [r.get_claim(edited.id)])[0]

    state.edit_claim = edit_claim

    @app.post("/api/claims/{claim_id}/edit", tags=["claims"])
    def api_claim_edit(request: Request, claim_id: str, body: dict = Body(..., examples=[{"predicate": "produces", "value": "wigs", "note": "checked"}])):
        p = writer(request)
        return edit_claim(p, claim_id, body.get("predicate"), body.get("object"), body.get("value"), body.get("note"))

    @app.post("/api/entities/{entity_id}/merge", tags=["claims"])
    def api_entity_merge(request: Request, entity_id: str, body: dict = Body(..., examples=[{"into": "KP-KHS-001"}])):
        p = writer(request)
        into = body.get("into")
        if not isinstance(into, str) or not into.strip():
            raise bad_request("into", "the id or exact name of the entity to merge into")
        return merge_entity(p, entity_id, into)

    @app.get("/api/review", tags=["claims"])
    def api_review_queue(request: Request):
        p = auth.require_writer(request)
        with state.read(p) as r:
            return views.review_queue(r)

    # --- exports ---------------------------------------------------------------------
    @app.get("/api/export/claims", tags=["exports"])
    def api_export_claims(
        request: Request,
        format: str = Query("jsonl", pattern="^(jsonl|csv|json)$"),  # noqa: A002
        entity_id: str | None = None,
        source_id: str | None = None,
        status: str | None = None,
    ):
        st = _status(status)
        with state.read(principal(request)) as r:
            if entity_id and not views.get_visible_entity(r, entity_id):
                raise HTTPException(404)
            rows = ev.claims_as_dicts(r, r.list_claims(source_id=source_id, entity_id=entity_id, status=st))
        name = "claims" + (f"-{entity_id}" if entity_id else "") + (f"-{source_id}" if source_id else "")
        return export_response(rows, format, name)

    @app.get("/api/export/entity/{entity_id}", tags=["exports"])
    def api_export_entity(request: Request, entity_id: str):
        with state.read(principal(request)) as r:
            entity = views.get_visible_entity(r, entity_id)
            if not entity:
                raise HTTPException(404)
            report = ev.entity_report(r, entity)
        return JSONResponse(
            report, headers={"Content-Disposition": f'attachment; filename="{_safe_name(entity_id)}.json"'}
        )


def _status(value: str | None) -> ReviewStatus | None:
    if not value:
        return None
    try:
        return parse_enum(ReviewStatus, value, "status")
    except ModelError as exc:
        raise bad_request(exc.field, exc.message) from None


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:100] or "export"


def export_response(rows: list[dict], fmt: str, name: str) -> Response:
    from tollwatch.app.export import claims_table

    filename = _safe_name(name)
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
