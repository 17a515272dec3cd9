"""Passage-to-claim annotation on the source page: suggestions (JSON) and the claim form's POST."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Form, Request

from tollwatch.app import annotation
from tollwatch.server import auth
from tollwatch.server.deps import State, Writer
from tollwatch.server.routes.review import form_writer
from tollwatch.server.templating import redirect

router = APIRouter(tags=["annotation"])


@router.post("/api/sources/{source_id}/suggest")
def api_annotation_suggest(
    state: State, p: Writer, source_id: str,
    body: dict = Body(..., examples=[{"start": 120, "end": 188, "quote": "the exact selected text"}]),
):
    """Entities named in the passage, those the graph links to them, and the schema's predicates.

    A POST, not a GET: the passage travels in the body, never in a URL that logs keep."""
    return annotation.suggest(state.store, p.ceiling, source_id, body.get("start"), body.get("end"), body.get("quote"))


@router.get("/api/predicates/{name}/kinds")
def api_predicate_kinds(name: str, p: auth.Principal = Depends(auth.require_writer)):
    """The subject and object kinds a predicate allows, and the type of its literal value."""
    return annotation.predicate_kinds(name)


@router.post("/sources/{source_id}/claims", include_in_schema=False)
def annotation_form(
    request: Request, state: State, source_id: str,
    start: int = Form(...), end: int = Form(...), quote_text: str = Form(..., alias="quote"),
    subject: str = Form(""), predicate: str = Form(""), object_ref: str = Form("", alias="object"),
    value: str = Form(""), note: str = Form(""), csrf_token: str = Form(""),
    subject_other: str = Form(""), object_other: str = Form(""),
):
    p = form_writer(request, csrf_token)
    form = {"start": start, "end": end, "quote": quote_text, "subject": subject_other.strip() or subject,
            "predicate": predicate, "object": object_other.strip() or object_ref, "value": value, "note": note}
    claim = annotation.make_claim(state.store, p.actor, p.ceiling, source_id, form)
    return redirect(f"/sources/{quote(source_id, safe='')}?made={quote(claim['id'], safe='')}#claim-{quote(claim['id'], safe='')}")
