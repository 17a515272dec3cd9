"""Screening over HTTP: the yente-compatible `POST /match/{dataset}`, file screening jobs
with progress and downloads, and report ingestion for analysts.

Matching, risk, file screening and the output writers are the app's (app.screening,
app.screen); ingestion is app.ingest. This module only adapts them to HTTP and to the
caller's clearance: graph entities proposed from unseen evidence are dropped from results.
"""

from __future__ import annotations

import re
import shutil
from functools import partial
import tempfile
from pathlib import Path

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from tollwatch.core.errors import InputError
from tollwatch.core.features import describe, resolve_weights
from tollwatch.core.model import ModelError, Sensitivity, sha256_text
from tollwatch.server import auth, views
from tollwatch.server.app import no_store, redirect

ALGORITHMS = ("tollwatch-v1", "best", "logic-v1", "name-based", "name-qualified", "regression-v1")
SCREEN_INPUTS = (".csv", ".tsv", ".xlsx", ".parquet", ".jsonl")
MAX_SCREEN_ROWS = 100_000
MAX_QUERIES = 500
WEAK_SCORE = 0.5
SIMILAR_SCORE = 0.6  # the results page hides weaker candidates; downloads keep them all


class EntityQuery(BaseModel):
    schema_: str = Field("Thing", alias="schema")
    properties: dict[str, list[str] | str] = Field(default_factory=dict)

    model_config = {"populate_by_name": True, "extra": "allow"}


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery]
    weights: dict[str, float] | None = None
    config: dict | None = None

    model_config = {"extra": "allow"}


class VisibleMatcher:
    """A Matcher that never returns the given entities (proposed from evidence the caller may not read)."""

    def __init__(self, inner, hidden: set[str]):
        self.inner, self.hidden = inner, hidden

    def match(self, name, schema=None, *, limit: int = 5, datasets=None, threshold=None):
        found = self.inner.match(name, schema, limit=limit + len(self.hidden), datasets=datasets, threshold=threshold)
        return [m for m in found if m.record.entity_id not in self.hidden][:limit]


class VisiblePrepared:
    """The prepared screening index as one caller may see it; risk is assessed on what remains."""

    def __init__(self, prepared, hidden: set[str]):
        self._prepared, self._hidden = prepared, hidden
        self.index, self.facts, self.lists, self.threshold = prepared.index, prepared.facts, prepared.lists, prepared.threshold

    def matcher(self, threshold: float | None = None, weights: dict[str, float] | None = None):
        return VisibleMatcher(self._prepared.matcher(threshold, weights), self._hidden)


def _names(q: EntityQuery) -> list[str]:
    props = {k: ([v] if isinstance(v, str) else list(v)) for k, v in q.properties.items()}
    names = [n for n in props.get("name", []) if n and n.strip()]
    for key in ("alias", "previousName", "weakAlias"):
        names += [n for n in props.get(key, []) if n and n.strip()]
    if not names:
        parts = [" ".join(props.get(k, [])) for k in ("firstName", "middleName", "fatherName", "lastName")]
        joined = " ".join(p for p in parts if p).strip()
        if joined:
            names.append(joined)
    return names[:20]


def register(app: FastAPI, state) -> None:
    from tollwatch.app.screen import PreparedCache

    render = state.render
    prepared_cache = PreparedCache(state.store)
    state.prepared = prepared_cache

    def principal(request: Request) -> auth.Principal:
        return request.state.principal

    def hidden_graph_ids(p: auth.Principal) -> set[str]:
        """Proposed graph entities the caller may not see (their evidence is above the ceiling)."""
        with state.read(p) as r:
            if r.max_sensitivity == Sensitivity.CONFIDENTIAL:
                return set()
            return {e.id for e in r.list_entities(dataset="tollwatch") if e.is_new and not views.entity_visible(r, e)}

    def similar_names(p: auth.Principal, q: str, limit: int = 10) -> list[dict]:
        """Close matches by the screening matcher, for a search whose exact keys found nothing."""
        matcher = VisiblePrepared(prepared_cache.get(), hidden_graph_ids(p)).matcher(SIMILAR_SCORE)
        out = []
        for m in matcher.match(q, None, limit=limit):
            if m.score >= SIMILAR_SCORE:
                d = m.as_dict()
                out.append({"id": d["entity_id"], "caption": d["name"], "dataset": d["dataset"], "matched_name": d["matched_name"], "score": d["score"]})
        return out

    state.similar_names = similar_names

    # --- yente-compatible matching ---------------------------------------------------
    @app.post(
        "/match/{dataset}",
        tags=["matching"],
        summary="Match entities (yente-compatible)",
        description="The request and response shapes of OpenSanctions yente's /match: "
        "`default` searches every loaded list and the evidence graph.",
    )
    def match(
        request: Request,
        dataset: str,
        body: MatchRequest,
        threshold: float = Query(0.7, ge=0.0, le=1.0),
        limit: int = Query(5, ge=1, le=500),
        algorithm: str = Query("best"),
        cutoff: float = Query(0.0, ge=0.0, le=1.0),
        include_dataset: list[str] = Query(default_factory=list),
        exclude_dataset: list[str] = Query(default_factory=list),
        exclude_schema: list[str] = Query(default_factory=list),
        exclude_entity_ids: list[str] = Query(default_factory=list),
    ):
        if algorithm not in ALGORITHMS:
            raise HTTPException(400, f"algorithm: unknown {algorithm!r} (available: {', '.join(ALGORITHMS)})")
        if len(body.queries) > MAX_QUERIES:
            raise HTTPException(400, f"queries: at most {MAX_QUERIES} per request")
        p = principal(request)
        prepared = prepared_cache.get()
        available = set(prepared.index.datasets)
        if dataset == "default":
            scope = set(available)
        elif dataset in available:
            scope = {dataset}
        else:
            raise HTTPException(404, f"dataset not found: {dataset}")
        if include_dataset:
            scope &= set(include_dataset)
        scope -= set(exclude_dataset)
        try:
            weights = resolve_weights(body.weights)
        except InputError as exc:
            raise HTTPException(400, f"{exc.field}: {exc.message}") from None
        hidden = hidden_graph_ids(p) | set(exclude_entity_ids)
        matcher = VisiblePrepared(prepared, hidden).matcher(threshold, weights)
        responses = {}
        for key, q in body.queries.items():
            names = _names(q)
            if not names:
                responses[key] = {
                    "status": 400,
                    "results": [],
                    "total": {"value": 0, "relation": "eq"},
                    "query": q.model_dump(by_alias=True),
                    "error": "properties: a name (or firstName/lastName) is required",
                }
                continue
            best: dict[str, dict] = {}
            schema = None if q.schema_ in ("Thing", "LegalEntity") else q.schema_
            for name in names:
                for m in matcher.match(name, schema, limit=limit + 5, datasets=frozenset(scope), threshold=threshold):
                    d = m.as_dict()
                    if d["schema"] in exclude_schema or d["score"] < cutoff:
                        continue
                    if d["entity_id"] not in best or d["score"] > best[d["entity_id"]]["score"]:
                        best[d["entity_id"]] = d
            ranked = sorted(best.values(), key=lambda d: (-d["score"], d["dataset"], d["entity_id"]))[:limit]
            responses[key] = {
                "status": 200,
                "results": _yente_results(p, ranked),
                "total": {"value": len(ranked), "relation": "eq"},
                "query": {"id": key, "schema": q.schema_, "properties": {k: ([v] if isinstance(v, str) else v) for k, v in q.properties.items()}},
            }
        return {"responses": responses, "matcher": {"name": "tollwatch-v1", "threshold": threshold}, "limit": limit}

    @app.get("/search/{dataset}", tags=["matching"], summary="Search entities (yente-compatible)")
    def yente_search(
        request: Request,
        dataset: str,
        q: str = Query("", max_length=500),
        schema: str | None = None,
        limit: int = Query(10, ge=1, le=500),
        offset: int = Query(0, ge=0, le=10_000),
    ):
        p = principal(request)
        prepared = prepared_cache.get()
        available = set(prepared.index.datasets)
        if dataset != "default" and dataset not in available:
            raise HTTPException(404, f"dataset not found: {dataset}")
        scope = available if dataset == "default" else {dataset}
        matcher = VisiblePrepared(prepared, hidden_graph_ids(p)).matcher(SIMILAR_SCORE)
        found = [m.as_dict() for m in matcher.match(q, schema, limit=limit + offset, datasets=frozenset(scope))] if q.strip() else []
        page = found[offset : offset + limit]
        return {
            "results": _yente_results(p, page),
            "total": {"value": len(found), "relation": "eq" if len(found) < limit + offset else "gte"},
            "limit": limit,
            "offset": offset,
        }

    @app.get("/catalog", tags=["matching"], summary="Loaded datasets (yente-compatible)")
    def catalog():
        prepared = prepared_cache.get()
        datasets = []
        for name in sorted(prepared.index.datasets):
            meta = prepared.lists.get(name) or {}
            datasets.append(
                {
                    "name": name,
                    "title": {"tollwatch": "tollwatch evidence graph"}.get(name, name),
                    "version": meta.get("snapshot_date"),
                    "entity_count": meta.get("count"),
                    "load": True,
                }
            )
        datasets.append({"name": "default", "title": "All loaded lists and the evidence graph", "load": True, "children": [d["name"] for d in datasets]})
        return {"datasets": datasets, "current": [d["name"] for d in datasets], "outdated": [], "index_stale": False}

    def _yente_results(p: auth.Principal, matches: list[dict]) -> list[dict]:
        with state.read(p) as r:
            ents = r.entities(d["entity_id"] for d in matches)
        out = []
        for d in matches:
            e = ents.get(d["entity_id"])
            props: dict[str, list] = {"name": [d["name"]]}
            if e:
                aliases = [n for n in e.all_names() if n != e.caption]
                if aliases:
                    props["alias"] = aliases
                country = e.attributes.get("country")
                if country:
                    props["country"] = country if isinstance(country, list) else [country]
                if e.attributes.get("program"):
                    props["program"] = list(e.attributes["program"]) if isinstance(e.attributes["program"], list) else [e.attributes["program"]]
                if e.dataset == "tollwatch" and e.attributes.get("allegation"):
                    props["notes"] = ["named in reporting: an allegation, not a sanctions listing"]
            features = {f["feature"]: f["value"] for f in d["explanation"] if isinstance(f.get("value"), int | float)}
            explanations = {
                f["feature"]: {
                    "description": describe(f["feature"]),
                    "coefficient": f.get("value"),
                    "query": f.get("query"),
                    "candidate": f.get("candidate"),
                }
                for f in d["explanation"]
            }
            out.append(
                {
                    "id": d["entity_id"],
                    "caption": d["name"],
                    "schema": d["schema"],
                    "properties": props,
                    "datasets": [d["dataset"]],
                    "referents": [],
                    "target": d["dataset"] != "tollwatch",
                    "score": d["score"],
                    "match": d["match"],
                    "features": features,
                    "explanations": explanations,
                    "matched_name": d["matched_name"],
                }
            )
        return out

    # --- screening jobs --------------------------------------------------------------
    def owner_key(request: Request) -> str:
        p = principal(request)
        if p.name:
            return f"user:{p.name}"
        # A browser's job belongs to its session; a cookie-less API client holds the
        # unguessable job id as its capability (it can only ever contain public material).
        if auth.SESSION_COOKIE in request.cookies:
            return "anon:" + request.state.session.get("csrf", "")
        return "anon"

    async def start_screen_job(request: Request, file: UploadFile, threshold: float | None, limit: int) -> str:
        p = principal(request)
        suffix = Path(file.filename or "upload.csv").suffix.lower()
        if suffix not in SCREEN_INPUTS:
            raise HTTPException(400, f"file: unsupported type {suffix or '(none)'} (use {', '.join(SCREEN_INPUTS)})")
        tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-upload-"))
        path = tmpdir / ("input" + suffix)
        size = 0
        with open(path, "wb") as fh:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > state.max_upload_bytes:
                    shutil.rmtree(tmpdir, ignore_errors=True)
                    raise HTTPException(413, f"file: over the {state.max_upload_bytes}-byte limit")
                fh.write(chunk)
        display = _display_name(file.filename)
        hidden = hidden_graph_ids(p)

        def work(report):
            from tollwatch.app.screen import read_upload, screen_upload

            try:
                rows = read_upload(path, display, MAX_SCREEN_ROWS)
                prepared = VisiblePrepared(prepared_cache.get(), hidden)
                return {"results": screen_upload(prepared, rows, threshold, limit, report), "lists": prepared.lists}
            finally:
                shutil.rmtree(tmpdir, ignore_errors=True)

        job = state.jobs.submit(owner_key(request), "screen", display, work)
        return job.id

    def job_or_404(request: Request, job_id: str):
        job = state.jobs.get(job_id, owner_key(request))
        if job is None and principal(request).anonymous:
            job = state.jobs.get(job_id, "anon")
        if job is None:
            raise HTTPException(404)
        return job

    @app.post("/api/screen", tags=["screening"], status_code=202)
    async def api_screen(
        request: Request,
        file: UploadFile = File(..., description="CSV, TSV, XLSX, Parquet or JSONL with a name column"),
        threshold: float | None = Form(None),
        limit: int = Form(5),
    ):
        auth.check_csrf(request, None)
        job_id = await start_screen_job(request, file, threshold, max(1, min(limit, 50)))
        return JSONResponse(
            {"job_id": job_id, "status_url": f"/api/screen/{job_id}", "results_url": f"/api/screen/{job_id}/results"},
            status_code=202,
        )

    @app.get("/api/screen/{job_id}", tags=["screening"])
    def api_screen_status(request: Request, job_id: str):
        return job_or_404(request, job_id).progress()

    @app.get("/api/screen/{job_id}/results", tags=["screening"])
    def api_screen_results(request: Request, job_id: str):
        job = job_or_404(request, job_id)
        if job.status != "done":
            raise HTTPException(409, f"job is {job.status}")
        return {"job": job.progress(), "results": job.result["results"]}

    @app.get("/api/screen/{job_id}/download", tags=["screening"])
    def api_screen_download(request: Request, job_id: str, format: str = Query("jsonl", pattern="^(jsonl|csv|xlsx|html)$")):  # noqa: A002
        from tollwatch.app.screen import write_results

        job = job_or_404(request, job_id)
        if job.status != "done":
            raise HTTPException(409, f"job is {job.status}")
        tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-download-"))
        out = tmpdir / f"screening.{format}"
        try:
            write_results(job.result["results"], job.result["lists"], out, format)
        except BaseException:
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        media = {
            "jsonl": "application/x-ndjson",
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "html": "text/html; charset=utf-8",
        }[format]
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(job.label).stem)[:60] or "screening"
        return FileResponse(
            out,
            media_type=media,
            filename=f"{name}-screening.{format}",
            background=BackgroundTask(shutil.rmtree, tmpdir, True),
        )

    @app.get("/screen", include_in_schema=False)
    def screen_page(request: Request):
        return render(request, "screen.html", {"error": None})

    @app.post("/screen", include_in_schema=False)
    async def screen_submit(request: Request, file: UploadFile = File(...), csrf_token: str = Form(""), threshold: str = Form("")):
        auth.check_csrf(request, csrf_token)
        try:
            th = float(threshold) if threshold.strip() else None
            if th is not None and not 0.0 <= th <= 1.0:
                raise ValueError
        except ValueError:
            return render(request, "screen.html", {"error": "threshold: a number between 0 and 1"}, status=400)
        try:
            job_id = await start_screen_job(request, file, th, 5)
        except HTTPException as exc:
            return render(request, "screen.html", {"error": exc.detail}, status=exc.status_code)
        return redirect(f"/screen/jobs/{job_id}")

    @app.get("/screen/jobs/{job_id}", include_in_schema=False)
    def screen_job_page(request: Request, job_id: str):
        from tollwatch.app.screen import explanation_text

        job = job_or_404(request, job_id)
        results = []
        for res in job.result["results"] if job.status == "done" else []:
            strong = [m for m in res["matches"] if m["match"] or m["score"] >= WEAK_SCORE]
            results.append({**res, "matches": strong, "weaker": len(res["matches"]) - len(strong)})
        return no_store(render(request, "screen_job.html", {"job": job.progress(), "results": results, "explain": partial(explanation_text, described=True)}))

    # --- ingestion (analysts) --------------------------------------------------------
    async def ingest_upload(request: Request, p: auth.Principal, file: UploadFile | None, text: str, meta: dict) -> dict:
        from tollwatch.app.ingest import SUPPORTED, IngestOptions, ingest, read_document

        if meta.get("sensitivity") and Sensitivity(meta["sensitivity"]).rank > p.ceiling.rank:
            raise HTTPException(403, "sensitivity: above your clearance")
        tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-ingest-"))
        try:
            if file is not None and file.filename:
                suffix = Path(file.filename).suffix.lower()
                if suffix not in SUPPORTED:
                    raise HTTPException(400, f"file: unsupported type {suffix or '(none)'} (use {', '.join(SUPPORTED)})")
                display = _display_name(file.filename)
                raw = await file.read(state.max_upload_bytes + 1)
                if len(raw) > state.max_upload_bytes:
                    raise HTTPException(413, f"file: over the {state.max_upload_bytes}-byte limit")
                path = tmpdir / ("document" + suffix)
                path.write_bytes(raw)
                default_title = Path(display).stem
            elif text.strip():
                display = "pasted text"
                path = tmpdir / "document.txt"
                path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
                default_title = "Pasted text"
            else:
                raise HTTPException(400, "file: upload a document or paste its text")
            try:
                doc = read_document(path)
            except InputError as exc:
                raise HTTPException(400, str(exc).replace(str(path), display)) from None
            with state.store.read() as r:
                existing = r.find_source_by_hash(sha256_text(doc.text))
            if existing:
                with state.read(p) as r:
                    seen = r.get_source(existing) is not None
                # Never name a stored source the caller may not read.
                raise HTTPException(409, f"content: already ingested as {existing}" if seen else "content: this text is already stored")
            options = IngestOptions(
                title=(meta.get("title") or "").strip() or doc.title or default_title,
                publisher=meta.get("publisher") or None,
                url=meta.get("url") or None,
                date=meta.get("date") or None,
                grade=meta.get("grade") or None,
                sensitivity=meta.get("sensitivity") or "public",
                kind=meta.get("kind") or "news",
                origin=meta.get("origin") or None,
            )
            try:
                results = ingest(state.store, path, p.name, options)
            except (InputError, ModelError) as exc:
                raise HTTPException(400, str(exc).replace(str(path), display)) from None
            res = results[0]
            return {
                "source_id": res.source.id,
                "claims": len(res.claims),
                "new_entities": [e.id for e in res.new_entities],
                "language": res.language,
            }
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    @app.post("/api/ingest", tags=["sources"], status_code=201)
    async def api_ingest(
        request: Request,
        file: UploadFile | None = File(None),
        text: str = Form(""),
        form: dict = Depends(_ingest_form),
    ):
        p = auth.require_writer(request)
        auth.check_csrf(request, None)
        return await ingest_upload(request, p, file, text, _meta(**form))

    @app.get("/ingest", include_in_schema=False)
    def ingest_page(request: Request):
        p = principal(request)
        if p.anonymous:
            return redirect("/login?next=/ingest")
        auth.require_writer(request)
        return no_store(render(request, "ingest.html", {"error": None, "form": {}, "levels": _levels(p)}))

    @app.post("/ingest", include_in_schema=False)
    async def ingest_submit(
        request: Request,
        file: UploadFile | None = File(None),
        text: str = Form(""),
        form: dict = Depends(_ingest_form),
        csrf_token: str = Form(""),
    ):
        p = auth.require_writer(request)
        auth.check_csrf(request, csrf_token)
        try:
            out = await ingest_upload(request, p, file, text, _meta(**form))
        except HTTPException as exc:
            return render(request, "ingest.html", {"error": exc.detail, "form": form, "levels": _levels(p)}, status=exc.status_code)
        return redirect(f"/review?source={out['source_id']}")


def _levels(p: auth.Principal) -> list[str]:
    return [s.value for s in Sensitivity if s.rank <= p.ceiling.rank]


def _ingest_form(
    title: str = Form(""),
    publisher: str = Form(""),
    url: str = Form(""),
    date: str = Form(""),
    kind: str = Form("news"),
    grade: str = Form(""),
    sensitivity: str = Form("public"),
    origin: str = Form(""),
) -> dict:
    """The source fields both ingest forms (page and API) take, as typed."""
    return {"title": title, "publisher": publisher, "url": url, "date": date, "kind": kind,
            "grade": grade, "sensitivity": sensitivity, "origin": origin}


def _meta(title, publisher, url, date, kind, grade, sensitivity, origin) -> dict:
    try:
        Sensitivity((sensitivity or "public").strip().lower())
    except ValueError:
        raise HTTPException(400, "sensitivity: public, restricted or confidential") from None
    return {
        "title": title, "publisher": publisher, "url": url, "date": date, "kind": kind,
        "grade": grade, "sensitivity": (sensitivity or "public").strip().lower(), "origin": origin,
    }


def _display_name(filename: str | None) -> str:
    name = Path(filename or "upload").name
    return re.sub(r"[^\w .()-]+", "_", name)[:120] or "upload"

