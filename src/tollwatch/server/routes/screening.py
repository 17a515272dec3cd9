"""File screening over HTTP: upload a list of names, follow the job, read or download the results.

The job screens at the uploader's clearance: graph entities proposed from evidence it
may not read are never matched. Reading, screening and writing are app.screen's;
this module only adapts them to HTTP.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from starlette.background import BackgroundTask

from tollwatch.app import screen
from tollwatch.app.screen_upload import UploadError, web_error
from tollwatch.core.errors import InputError
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
                 threshold: float | None, limit: int, mapping: dict[str, str] | None = None, lists: list[str] | None = None):
    """The job's body: read the rows, screen each against the visible index, report progress.

    The result keeps each row's own cells ("inputs"), for downloads that give them back."""
    hidden = hidden_graph_ids(state, hidden_from)

    def work(report):
        try:
            try:
                rows = screen.read_upload_isolated(path, display, state.limits, state.jobs.wall_s, mapping)
            except InputError as exc:
                raise web_error(exc, display) from None
            report(0, len(rows))  # the total is known before the index is ready
            prepared = VisiblePrepared(screen.dated(state.prepared.get()), hidden, hidden_from.ceiling)
            results = screen.screen_upload(prepared, rows, threshold, limit, report, lists)
            used = {ds: m for ds, m in prepared.lists.items() if not lists or ds in lists}
            return {"results": results, "lists": used, "inputs": [r.get("input") or {} for r in rows], "graph": not lists or "tollwatch" in lists}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return work


def _chosen_lists(state: ServerState, names: list[str]) -> list[str] | None:
    """The lists asked for, all of them known; None (every list) when none or all were picked."""
    known = set(state.prepared.get().index.datasets) | {"tollwatch"}  # the graph, even while empty
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UploadError(f"unknown list {', '.join(unknown)}; choose among {', '.join(sorted(known))}", field="lists")
    return None if not names or set(names) >= known else sorted(set(names))


async def start_screen_job(request: Request, state: ServerState, file: UploadFile, threshold: float | None, limit: int, lists: list[str] | None = None) -> str:
    suffix = check_suffix(file.filename, SCREEN_INPUTS, "upload.csv")
    folder, path = await save_upload(file, "input", suffix, state.max_upload_bytes, "tollwatch-upload-")
    display = display_name(file.filename)
    work = _screen_work(state, request.state.principal, folder, path, display, threshold, limit, lists=lists)
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
    lists: str = Form("", description="comma-separated datasets to screen against (default: every loaded list and the graph)"),
):
    auth.check_csrf(request, None)
    chosen = _chosen_lists(state, [n.strip() for n in lists.split(",") if n.strip()])
    job_id = await start_screen_job(request, state, file, threshold, max(1, min(limit, 50)), chosen)
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
def api_screen_download(request: Request, state: State, job_id: str, format: str = Query("jsonl", pattern="^(jsonl|csv|xlsx|html)$"),  # noqa: A002
                        bom: bool = Query(True, description="CSV: start with a UTF-8 byte-order mark, so Excel reads Hangul")):
    """CSV and XLSX give back every input column, then the results' columns."""
    job = finished_job(request, state, job_id)
    tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-download-"))
    out = tmpdir / f"screening.{format}"
    try:
        screen.write_results(job.result["results"], job.result["lists"], out, format, inputs=job.result.get("inputs"), bom=bom)
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


