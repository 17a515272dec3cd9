"""The review queue page and its forms: accept, reject, reopen, edit a claim, merge an entity."""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Request

from tollwatch.app import curation, review_queue
from tollwatch.core.model import ModelError, Predicate, ReviewStatus
from tollwatch.server import auth, views
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.templating import local_url, no_store, redirect, render

router = APIRouter(include_in_schema=False)

DONE = re.compile(r"(?:accepted|rejected|undid) \d+|nothing to undo")
DECISIONS = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "reopen": ReviewStatus.PROPOSED}


def form_writer(request: Request, csrf_token: str) -> auth.Principal:
    """An analyst or admin whose form echoes the session's CSRF token."""
    p = auth.require_writer(request)
    auth.check_csrf(request, csrf_token)
    return p


@router.get("/review")
def review_page(
    request: Request, state: State, p: CurrentPrincipal,
    source: str = "", entity: str = "", predicate: str = "", confidence: str = "", done: str = "",
):
    if p.anonymous:
        return redirect("/login?next=/review")
    auth.require_writer(request)
    filters = review_queue.QueueFilter(source=source[:200], entity=entity[:200], predicate=predicate[:80], confidence=confidence[:10])
    with state.read(p) as r:
        queue = review_queue.review_queue(r, filters)
        src = r.get_source(source) if source else None
        proposed = views.proposed_entities(r)
    predicates = [(pr.value, views.label(pr.value)) for pr in Predicate]
    context = {"queue": queue["items"], "rq": queue, "source": src, "proposed": proposed, "predicates": predicates, "done": done if DONE.fullmatch(done) else ""}
    return no_store(render(request, "review.html", context))


@router.post("/review/bulk")
def review_bulk(
    request: Request,
    state: State,
    claim: list[str] = Form([]),
    decision: str = Form(...),
    note: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/review"),  # noqa: A002
):
    p = form_writer(request, csrf_token)
    status = DECISIONS.get(decision)
    if status is None or status == ReviewStatus.PROPOSED:
        raise ModelError("decision", "accept or reject")
    n = review_queue.decide_many(state.store, p.actor, p.ceiling, claim, status, note.strip() or None)
    return redirect(with_done(local_url(next, "/review"), f"{decision}ed {n}"))


@router.post("/review/undo")
def review_undo(request: Request, state: State, csrf_token: str = Form(""), next: str = Form("/review")):  # noqa: A002
    p = form_writer(request, csrf_token)
    n = review_queue.undo_last(state.store, p.actor, p.ceiling)
    return redirect(with_done(local_url(next, "/review"), f"undid {n}" if n else "nothing to undo"))


def with_done(url: str, message: str) -> str:
    from urllib.parse import quote

    return f"{url}{'&' if '?' in url else '?'}done={quote(message)}"


@router.post("/review/{claim_id}/edit")
def review_edit(
    request: Request,
    state: State,
    claim_id: str,
    predicate: str = Form(""),
    target: str = Form(""),
    value: str = Form(""),
    note: str = Form(""),
    csrf_token: str = Form(""),
):
    p = form_writer(request, csrf_token)
    curation.edit_claim(
        state.store, p.actor, p.ceiling, claim_id,
        predicate.strip() or None, target.strip() or None, value.strip() or None, note.strip() or None,
    )
    return redirect("/review")


@router.post("/review/entities/{entity_id}/merge")
def review_merge(request: Request, state: State, entity_id: str, into: str = Form(...), csrf_token: str = Form("")):
    p = form_writer(request, csrf_token)
    merged = curation.merge_entity(state.store, p.actor, p.ceiling, entity_id, into)
    return redirect(f"/entities/{merged['id']}")


@router.post("/review/{claim_id}")
def review_decide(
    request: Request,
    state: State,
    claim_id: str,
    decision: str = Form(...),
    note: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/review"),  # noqa: A002
):
    p = form_writer(request, csrf_token)
    status = DECISIONS.get(decision)
    if status is None:
        raise ModelError("decision", "accept, reject or reopen")
    curation.review_claim(state.store, p.actor, p.ceiling, claim_id, status, note.strip() or None)
    return redirect(local_url(next, "/review"))
