"""The Monitoring page (analysts and admins): saved runs, latest diff, open decisions, and the decision form."""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Request

from tollwatch.app.monitoring import decide_from_web, monitoring_view
from tollwatch.server import auth
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.templating import no_store, redirect, render

router = APIRouter(include_in_schema=False)

DONE = re.compile(r"(confirmed|cleared|escalated)")


@router.get("/monitoring")
def monitoring_page(request: Request, state: State, p: CurrentPrincipal, done: str = ""):
    if p.anonymous:
        return redirect("/login?next=/monitoring")
    auth.require_writer(request)
    view = monitoring_view(state.store)
    return no_store(render(request, "monitoring.html", {"view": view, "done": done if DONE.fullmatch(done) else ""}))


@router.post("/monitoring/decide")
def monitoring_decide(
    request: Request, state: State,
    run: str = Form(...), row: str = Form(...), entity: str = Form(...), decision: str = Form(...), note: str = Form(""), csrf_token: str = Form(""),
):
    p = auth.require_writer(request)
    auth.check_csrf(request, csrf_token)
    d = decide_from_web(state.store, p.actor, run[:120], row[:200], entity[:200], decision[:20], note[:2000])
    return redirect(f"/monitoring?done={d['decision']}")
