"""The web app's review queue for candidate pairs (`tollwatch xref review` in a browser).

The same use case as the CLI: app.xref.review_queue lists what waits, app.resolution.judge_pair decides.
Analysts and admins only; every decision is a judgement with its audit entry.
"""

from __future__ import annotations

import time

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request

from tollwatch.app.resolution import judge_pair
from tollwatch.core.model import ModelError
from tollwatch.server import auth
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.templating import no_store, redirect, render

router = APIRouter(include_in_schema=False)
WAIT_S = 8.0  # how long a page waits for a queue being computed before saying so
RELOAD_S = 5  # how often the "being computed" page reloads itself
VERDICTS = ("same", "different", "unsure")


@router.get("/review/pairs")
def pairs_page(request: Request, state: State, p: CurrentPrincipal, dataset: Annotated[list[str] | None, Query()] = None, done: str = ""):
    """The pairs that wait, best first; `dataset` (repeatable) keeps the pairs between those lists."""
    if p.anonymous:
        return redirect("/login?next=/review/pairs")
    auth.require_writer(request)
    datasets = [d[:80] for d in (dataset or [])][:4] or None
    answer = state.pairs_queue.answer(p.ceiling, datasets, wait_s=WAIT_S)
    result = answer.result or {"candidates": [], "pending": 0}
    computing_s = None if answer.computing_since is None else int(time.monotonic() - answer.computing_since)
    shown_done = done if done in VERDICTS else ""
    return no_store(render(request, "review_pairs.html", {
        "pairs": result["candidates"], "total": result["pending"], "done": shown_done,
        "ready": answer.result is not None, "provisional": answer.provisional,
        "computing_s": computing_s, "reload_s": RELOAD_S,
    }))


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
    state.pairs_queue.judged(left_id, right_id)
    return redirect(f"/review/pairs?done={judgement}")
