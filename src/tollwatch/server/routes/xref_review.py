"""The web app's review queue for candidate pairs (`tollwatch xref review` in a browser).

The same use case as the CLI: app.xref.review_queue lists what waits, app.resolution.judge_pair decides.
Analysts and admins only; every decision is a judgement with its audit entry.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request

from tollwatch.app.resolution import judge_pair
from tollwatch.app.xref import review_queue
from tollwatch.core.model import ModelError
from tollwatch.server import auth
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.templating import no_store, redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
VERDICTS = ("same", "different", "unsure")


@router.get("/review/pairs")
def pairs_page(request: Request, state: State, p: CurrentPrincipal, dataset: list[str] | None = None, done: str = ""):
    if p.anonymous:
        return redirect("/login?next=/review/pairs")
    auth.require_writer(request)
    datasets = [d[:80] for d in (dataset or [])][:4] or None
    result = review_queue(state.store, p.ceiling, datasets, limit=PAGE_SIZE)
    shown_done = done if done in VERDICTS else ""
    return no_store(render(request, "review_pairs.html", {"pairs": result["candidates"], "total": result["pending"], "done": shown_done}))


@router.post("/review/pairs/judge")
def pairs_judge(
    request: Request,
    state: State,
    left_id: str = Form(...),
    right_id: str = Form(...),
    judgement: str = Form(...),
    note: str = Form(""),
    csrf_token: str = Form(""),
):
    p = auth.require_writer(request)
    auth.check_csrf(request, csrf_token)
    if judgement not in VERDICTS:
        raise ModelError("judgement", "same, different or unsure")
    judge_pair(state.store, p.actor, left_id, right_id, judgement, note.strip()[:500] or None)
    return redirect(f"/review/pairs?done={judgement}")
