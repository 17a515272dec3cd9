"""Report ingestion for analysts: upload a document or paste its text; claims are proposed for review."""

from __future__ import annotations

import shutil
import tempfile
from functools import partial
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile

from tollwatch.app import curation
from tollwatch.core.model import ModelError, Sensitivity
from tollwatch.server import auth
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.errors import FORM_ERRORS, status_and_detail
from tollwatch.server.state import ServerState
from tollwatch.server.templating import no_store, redirect, render
from tollwatch.server.uploads import check_suffix, display_name

router = APIRouter()


def ingest_form(
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


def source_meta(form: dict) -> dict:
    level = (form["sensitivity"] or "public").strip().lower()
    try:
        Sensitivity(level)
    except ValueError:
        raise ModelError("sensitivity", "public, restricted or confidential") from None
    return {**form, "sensitivity": level}


async def ingest_upload(state: ServerState, p: auth.Principal, file: UploadFile | None, text: str, meta: dict) -> dict:
    from tollwatch.app.ingest import SUPPORTED

    curation.check_clearance(meta["sensitivity"], p.ceiling)
    tmpdir = Path(tempfile.mkdtemp(prefix="tollwatch-ingest-"))
    try:
        if file is not None and file.filename:
            suffix = check_suffix(file.filename, SUPPORTED)
            display = display_name(file.filename)
            raw = await file.read(state.max_upload_bytes + 1)
            if len(raw) > state.max_upload_bytes:
                raise HTTPException(413, f"{display}: size: over the max_upload_bytes limit of {state.max_upload_bytes:,} bytes")
            path = tmpdir / ("document" + suffix)
            path.write_bytes(raw)
            default_title = Path(display).stem
        elif text.strip():
            display = "pasted text"
            path = tmpdir / "document.txt"
            path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
            default_title = "Pasted text"
        else:
            raise ModelError("file", "upload a document or paste its text")
        # Parsing and extraction in the worker pool, under the caller's job quota: never on the event loop.
        return await state.jobs.run(f"user:{p.name}" if p.name else "anon", partial(
            curation.ingest_document, state.store, p.actor, p.ceiling, path, display, meta, default_title, state.limits,
            state.jobs.wall_s))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


@router.post("/api/ingest", tags=["sources"], status_code=201)
async def api_ingest(
    request: Request,
    state: State,
    file: UploadFile | None = File(None),
    text: str = Form(""),
    form: dict = Depends(ingest_form),
):
    p = auth.require_writer(request)
    auth.check_csrf(request, None)
    return await ingest_upload(state, p, file, text, source_meta(form))


def levels(p: auth.Principal) -> list[str]:
    return [s.value for s in Sensitivity if s.rank <= p.ceiling.rank]


@router.get("/ingest", include_in_schema=False)
def ingest_page(request: Request, p: CurrentPrincipal):
    if p.anonymous:
        return redirect("/login?next=/ingest")
    auth.require_writer(request)
    return no_store(render(request, "ingest.html", {"error": None, "form": {}, "levels": levels(p)}))


@router.post("/ingest", include_in_schema=False)
async def ingest_submit(
    request: Request,
    state: State,
    file: UploadFile | None = File(None),
    text: str = Form(""),
    form: dict = Depends(ingest_form),
    csrf_token: str = Form(""),
):
    p = auth.require_writer(request)
    auth.check_csrf(request, csrf_token)
    try:
        out = await ingest_upload(state, p, file, text, source_meta(form))
    except FORM_ERRORS as exc:
        status, detail = status_and_detail(exc)
        return render(request, "ingest.html", {"error": detail, "form": form, "levels": levels(p)}, status=status)
    return redirect(f"/review?source={out['source_id']}")
