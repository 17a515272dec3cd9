"""File screening over HTTP: upload a list of names, follow the job, read or download the results.

The job screens at the uploader's clearance: graph entities proposed from evidence it
may not read are never matched. Reading, screening and writing are app.screen's;
this module only adapts them to HTTP.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from functools import partial
from pathlib import Path

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from starlette.background import BackgroundTask

from tollwatch.app import screen
from tollwatch.app.visibility import VisiblePrepared
from tollwatch.core.errors import Conflict, NotFound
from tollwatch.server import auth
from tollwatch.server.deps import State
from tollwatch.server.errors import FORM_ERRORS, status_and_detail
from tollwatch.server.matching import hidden_graph_ids
from tollwatch.server.state import ServerState
from tollwatch.server.templating import no_store, redirect, render
from tollwatch.server.uploads import check_suffix, display_name, save_upload

router = APIRouter()

SCREEN_INPUTS = (".csv", ".tsv", ".xlsx", ".parquet", ".jsonl")
WEAK_SCORE = 0.5
MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def owner_key(request: Request) -> str:
    p = request.state.principal
    if p.name:
        return f"user:{p.name}"
    # A browser's job belongs to its session; a cookie-less API client holds the
    # unguessable job id as its capability (it can only ever contain public material).
    if auth.SESSION_COOKIE in request.cookies:
        return "anon:" + request.state.session.get("csrf", "")
    return "anon"


def _screen_work(state: ServerState, hidden_from: auth.Principal, folder: Path, path: Path, display: str,
                 threshold: float | None, limit: int):
    """The job's body: read the rows, screen each against the visible index, report progress."""
    hidden = hidden_graph_ids(state, hidden_from)

    def work(report):
        try:
            rows = screen.read_upload_isolated(path, display, state.limits, state.jobs.wall_s)
            report(0, len(rows))  # the total is known before the index is ready
            prepared = VisiblePrepared(screen.dated(state.prepared.get()), hidden, hidden_from.ceiling)
            return {"results": screen.screen_upload(prepared, rows, threshold, limit, report), "lists": prepared.lists}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return work


async def start_screen_job(request: Request, state: ServerState, file: UploadFile, threshold: float | None, limit: int) -> str:
    suffix = check_suffix(file.filename, SCREEN_INPUTS, "upload.csv")
    folder, path = await save_upload(file, "input", suffix, state.max_upload_bytes, "tollwatch-upload-")
    display = display_name(file.filename)
    work = _screen_work(state, request.state.principal, folder, path, display, threshold, limit)
    return state.jobs.submit(owner_key(request), "screen", display, work).id


def job_or_404(request: Request, state: ServerState, job_id: str, reading: bool = False):
    job = state.jobs.get(job_id, owner_key(request), reading)
    if job is None and request.state.principal.anonymous:
        job = state.jobs.get(job_id, "anon", reading)
    if job is None:
        raise NotFound()
    return job


def finished_job(request: Request, state: ServerState, job_id: str):
    job = job_or_404(request, state, job_id, reading=True)
    if job.status != "done":
        raise Conflict(f"job is {job.status}")
    return job


@router.post("/api/screen", tags=["screening"], status_code=202)
async def api_screen(
    request: Request,
    state: State,
    file: UploadFile = File(..., description="CSV, TSV, XLSX, Parquet or JSONL with a name column"),
    threshold: float | None = Form(None),
    limit: int = Form(5),
):
    auth.check_csrf(request, None)
    job_id = await start_screen_job(request, state, file, threshold, max(1, min(limit, 50)))
    return JSONResponse(
        {"job_id": job_id, "status_url": f"/api/screen/{job_id}", "results_url": f"/api/screen/{job_id}/results"},
        status_code=202,
    )


@router.get("/api/screen/{job_id}", tags=["screening"])
def api_screen_status(request: Request, state: State, job_id: str):
    return job_or_404(request, state, job_id).progress()


@router.get("/api/screen/{job_id}/results", tags=["screening"])
def api_screen_results(request: Request, state: State, job_id: str):
    job = finished_job(request, state, job_id)
    return {"job": job.progress(), "lists": job.result["lists"], "results": job.result["results"]}


@router.get("/api/screen/{job_id}/download", tags=["screening"])
def api_screen_download(request: Request, state: State, job_id: str, format: str = Query("jsonl", pattern="^(jsonl|csv|xlsx|html)$")):  # noqa: A002
    job = finished_job(request, state, job_id)
    tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-download-"))
    out = tmpdir / f"screening.{format}"
    try:
        screen.write_results(job.result["results"], job.result["lists"], out, format)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(job.label).stem)[:60] or "screening"
    return FileResponse(
        out,
        media_type=MEDIA_TYPES[format],
        filename=f"{name}-screening.{format}",
        background=BackgroundTask(shutil.rmtree, tmpdir, True),
    )


@router.get("/screen", include_in_schema=False)
def screen_page(request: Request):
    return render(request, "screen.html", {"error": None})


@router.post("/screen", include_in_schema=False)
async def screen_submit(request: Request, state: State, file: UploadFile = File(...), csrf_token: str = Form(""), threshold: str = Form("")):
    auth.check_csrf(request, csrf_token)
    try:
        th = float(threshold) if threshold.strip() else None
        if th is not None and not 0.0 <= th <= 1.0:
            raise ValueError
    except ValueError:
        return render(request, "screen.html", {"error": "threshold: a number between 0 and 1"}, status=400)
    try:
        job_id = await start_screen_job(request, state, file, th, 5)
    except FORM_ERRORS as exc:
        status, detail = status_and_detail(exc)
        return render(request, "screen.html", {"error": detail}, status=status)
    return redirect(f"/screen/jobs/{job_id}")


@router.get("/screen/jobs/{job_id}", include_in_schema=False)
def screen_job_page(request: Request, state: State, job_id: str):
    job = job_or_404(request, state, job_id, reading=True)
    results = []
    for res in job.result["results"] if job.status == "done" else []:
        strong = [m for m in res["matches"] if m["match"] or m["score"] >= WEAK_SCORE]
        results.append({**res, "matches": strong, "weaker": len(res["matches"]) - len(strong)})
    return no_store(render(request, "screen_job.html", {"job": job.progress(), "results": results, "lists": (job.result or {}).get("lists") or {}, "explain": partial(screen.explanation_text, described=True)}))
