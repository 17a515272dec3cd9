"""The screening pages: upload a file, choose its columns and the lists, read the results.

Step one saves the file and reads its header and first rows (in its own process); step two
shows them with a field to choose for each column and the lists to screen against, and
starts the job. Every error is one line in web words: the file, the row, the column.
"""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile

from tollwatch.app.screen_upload import FIELD_LABELS, UploadError, chosen_mapping, guess_mapping, preview_upload_isolated
from tollwatch.app.screen_view import results_page
from tollwatch.core.errors import NotFound
from tollwatch.server import auth
from tollwatch.server.deps import State
from tollwatch.server.errors import FORM_ERRORS, status_and_detail
from tollwatch.server.routes.screening import SCREEN_INPUTS, _chosen_lists, _screen_work, job_or_404, owner_key
from tollwatch.server.state import ServerState
from tollwatch.server.templating import no_store, redirect, render
from tollwatch.server.uploads import check_suffix, display_name, save_upload

router = APIRouter()


def _list_choices(state: ServerState) -> list[dict]:
    """Each loaded list with its date and staleness, and the evidence graph, for the form."""
    from tollwatch.app import screen
    from tollwatch.app.screen_view import list_label

    lists = screen.dated(state.prepared.get()).lists
    out = [{"dataset": ds, "label": list_label(ds), **m} for ds, m in sorted(lists.items())]
    return out + [{"dataset": "tollwatch", "label": list_label("tollwatch"), "graph": True}]


def _threshold(text: str) -> float | None:
    try:
        th = float(text) if text.strip() else None
    except ValueError:
        th = -1.0
    if th is not None and not 0.0 <= th <= 1.0:
        raise UploadError("threshold: a number between 0 and 1, or blank for the default", field="threshold")
    return th


@router.get("/screen", include_in_schema=False)
def screen_page(request: Request):
    return render(request, "screen.html", {"error": None})


@router.post("/screen", include_in_schema=False)
async def screen_submit(request: Request, state: State, file: UploadFile = File(...), csrf_token: str = Form("")):
    """Save the file and read its header: the next page asks which column is which."""
    auth.check_csrf(request, csrf_token)
    try:
        suffix = check_suffix(file.filename, SCREEN_INPUTS, "upload.csv")
        folder, path = await save_upload(file, "input", suffix, state.max_upload_bytes, "tollwatch-upload-")
        display = display_name(file.filename)
        try:
            preview = await state.jobs.run(owner_key(request), lambda: preview_upload_isolated(path, display, state.limits, state.jobs.wall_s))
        except BaseException:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            raise
    except FORM_ERRORS as exc:
        status, detail = status_and_detail(exc)
        return render(request, "screen.html", {"error": detail}, status=status)
    staged = state.staged.add(owner_key(request), folder, path, display, preview["header"], preview["rows"])
    return redirect(f"/screen/uploads/{staged.token}")


def _map_page(request: Request, state: ServerState, token: str, error: str | None = None, choices: dict | None = None,
              lists: list[str] | None = None, threshold: str = "", status: int = 200):
    staged = state.staged.get(token, owner_key(request))
    if staged is None:
        raise NotFound()
    return no_store(render(request, "screen_map.html", {
        "staged": staged, "choices": choices if choices is not None else guess_mapping(staged.header),
        "fields": FIELD_LABELS, "lists": _list_choices(state), "picked": lists, "threshold": threshold, "error": error,
    }, status=status))


@router.get("/screen/uploads/{token}", include_in_schema=False)
def screen_map_page(request: Request, state: State, token: str):
    return _map_page(request, state, token)


@router.post("/screen/uploads/{token}", include_in_schema=False)
async def screen_map_submit(request: Request, state: State, token: str):
    """Start the screening with the columns and lists chosen on the form."""
    form = await request.form()
    auth.check_csrf(request, str(form.get("csrf_token") or ""))
    staged = state.staged.get(token, owner_key(request))
    if staged is None:
        raise NotFound()
    choices = {col: str(form.get(f"col-{i}") or "") for i, col in enumerate(staged.header)}
    picked = [str(v) for v in form.getlist("lists")]
    threshold = str(form.get("threshold") or "")
    try:
        if not picked:
            raise UploadError("choose at least one list to screen against", field="lists")
        mapping = chosen_mapping(staged.header, choices)
        lists = _chosen_lists(state, picked)
        work = _screen_work(state, request.state.principal, staged.folder, staged.path, staged.display, _threshold(threshold), 5, mapping, lists)
        job = state.jobs.submit(owner_key(request), "screen", staged.display, work)
    except FORM_ERRORS as exc:
        status, detail = status_and_detail(exc)
        return _map_page(request, state, token, detail, choices, picked, threshold, status)
    state.staged.take(token)
    return redirect(f"/screen/jobs/{job.id}")


@router.get("/screen/jobs/{job_id}", include_in_schema=False)
def screen_job_page(request: Request, state: State, job_id: str, risk: str = "", candidates: str = "", sort: str = "row"):
    """The results as the HTML report shows them; filtered and sorted on the server, so it works without script."""
    job = job_or_404(request, state, job_id, reading=True)
    result = job.result if job.status == "done" else None
    view = results_page(result["results"], result["lists"], risk=risk, only_matches=bool(candidates), sort=sort) if result else {}
    lists = (result or {}).get("lists") or {}
    return no_store(render(request, "screen_job.html", {"job": job.progress(), "lists": lists, "graph": (result or {}).get("graph", True), **view}))
