"""Analysts' edits for one caller: sources and claims added, changed, reviewed, merged.

Every function takes the acting user's name and clearance, checks that what it touches
is visible at that clearance (anything else is NotFound, worded as for what does not
exist), and raises the project's user-facing errors (ModelError, Forbidden, Conflict,
NotFound) for the front end to translate. Results are the JSON-ready dicts of
app.evidence, read back at the caller's clearance.
"""

from __future__ import annotations

from pathlib import Path

from tollwatch.app import evidence as ev
from tollwatch.app import review
from tollwatch.app.visibility import find_visible_entity, get_visible_entity
from tollwatch.core.errors import Conflict, Forbidden, InputError, NotFound
from tollwatch.core.limits import UploadLimits
from tollwatch.core.model import ModelError, ReviewStatus, Sensitivity, parse_enum, sha256_text
from tollwatch.store.repository import DuplicateSourceError, Store

MAX_SOURCE_TEXT = 5 * 1024 * 1024


def _claim_dict(store: Store, clearance: Sensitivity, claim_id: str) -> dict:
    with store.read(max_sensitivity=clearance) as r:
        claim = r.get_claim(claim_id)
        if claim is None:  # moved above the caller's clearance by this very change
            raise NotFound()
        return ev.claims_as_dicts(r, [claim])[0]


def require_claim(store: Store, clearance: Sensitivity, claim_id: str):
    with store.read(max_sensitivity=clearance) as r:
        claim = r.get_claim(claim_id)
    if claim is None:
        raise NotFound()
    return claim


def check_clearance(value, clearance: Sensitivity) -> Sensitivity:
    level = parse_enum(Sensitivity, str(value), "sensitivity")
    if level.rank > clearance.rank:
        raise Forbidden("sensitivity: above your clearance")
    return level


def duplicate_message(store: Store, clearance: Sensitivity, existing_id: str, seen_text: str) -> str:
    """Never name a stored source the caller may not read."""
    with store.read(max_sensitivity=clearance) as r:
        seen = r.get_source(existing_id) is not None
    return seen_text if seen else "content: this text is already stored"


# --- sources -----------------------------------------------------------------------------
def create_source(store: Store, actor: str, clearance: Sensitivity, text: str, fields: dict) -> dict:
    if len(text.encode("utf-8")) > MAX_SOURCE_TEXT:
        raise ModelError("text", f"over the {MAX_SOURCE_TEXT}-byte limit")
    if not text.strip():
        raise ModelError("text", "empty")
    check_clearance(fields.get("sensitivity", "public"), clearance)
    source = ev.make_source(text.replace("\r\n", "\n"), **fields)
    try:
        with store.begin(actor) as tx:
            tx.add_source(source)
    except DuplicateSourceError as exc:
        raise Conflict(duplicate_message(store, clearance, exc.existing_id, str(exc))) from None
    return ev.source_to_dict(source)


# --- claims ------------------------------------------------------------------------------
def save_claim(store: Store, actor: str, clearance: Sensitivity, data: dict, *, replace: bool) -> dict:
    claim = ev.claim_from_dict(data)
    with store.read(max_sensitivity=clearance) as r:
        if not r.get_source(claim.evidence.source_id):
            # The same words as for a source that does not exist.
            raise ModelError("source_id", f"no source with id {claim.evidence.source_id}")
        for field, entity_id in (("subject", claim.subject_id), ("object", claim.object_id)):
            if entity_id and get_visible_entity(r, entity_id) is None:
                # The store's words for an entity that does not exist: a hidden one answers the same.
                raise ModelError(field, f"no entity with id {entity_id}")
    with store.begin(actor) as tx:
        tx.add_claim(claim, replace=replace)
    return _claim_dict(store, clearance, claim.id)


def update_claim(store: Store, actor: str, clearance: Sensitivity, claim_id: str, data: dict) -> dict:
    require_claim(store, clearance, claim_id)
    return save_claim(store, actor, clearance, {**data, "id": claim_id}, replace=True)


def delete_claim(store: Store, actor: str, clearance: Sensitivity, claim_id: str) -> None:
    require_claim(store, clearance, claim_id)
    with store.begin(actor) as tx:
        tx.delete_claim(claim_id)


def review_claim(store: Store, actor: str, clearance: Sensitivity, claim_id: str, status: ReviewStatus, note: str | None) -> dict:
    require_claim(store, clearance, claim_id)
    with store.begin(actor) as tx:
        if status == ReviewStatus.ACCEPTED:
            review.accept(tx, claim_id, note)
        elif status == ReviewStatus.REJECTED:
            review.reject(tx, claim_id, note)
        else:
            tx.review_claim(claim_id, status, note)
    return _claim_dict(store, clearance, claim_id)


def resolve_visible(store: Store, clearance: Sensitivity, ref: str, field: str):
    """The one visible entity an id or exact name means; a ModelError on `field` otherwise."""
    with store.read(max_sensitivity=clearance) as r:
        entity, count = find_visible_entity(r, ref)
    if entity is None:
        raise ModelError(field, f"{count or 'no'} visible entities match {ref.strip()!r}; give an id")
    return entity


def edit_claim(
    store: Store, actor: str, clearance: Sensitivity, claim_id: str,
    predicate: str | None, obj: str | None, value: str | None, note: str | None,
) -> dict:
    """The corrected claim is stored as accepted and the proposal rejected (app.review.edit)."""
    claim = require_claim(store, clearance, claim_id)
    object_id = resolve_visible(store, clearance, obj, "object").id if obj and obj.strip() else None
    with store.begin(actor) as tx:
        edited = review.edit(
            tx, claim, predicate=predicate or None, object_ref=object_id,
            value=value if (value and value.strip() and not object_id) else None, note=note or None,
        )
    return _claim_dict(store, clearance, edited.id)


def merge_entity(store: Store, actor: str, clearance: Sensitivity, entity_id: str, into: str) -> dict:
    """Fold a proposed entity into one the caller can see; both are resolved at the caller's clearance."""
    with store.read(max_sensitivity=clearance) as r:
        if get_visible_entity(r, entity_id) is None:
            raise NotFound()
    target = resolve_visible(store, clearance, into, "into")
    with store.begin(actor) as tx:
        merged = review.merge(tx, entity_id, target.id)
    with store.read(max_sensitivity=clearance) as r:
        return ev.entity_to_dict(get_visible_entity(r, merged.id) or merged)


# --- ingestion ---------------------------------------------------------------------------
def _renamed(exc: InputError | ModelError, old: str, new: str) -> InputError | ModelError:
    """The same error with a temporary file's path replaced by the name the user knows."""
    def r(v):
        return v.replace(old, new) if isinstance(v, str) else v

    if isinstance(exc, InputError):
        return InputError(r(exc.message), path=r(exc.path), line=exc.line, field=r(exc.field))
    return ModelError(r(exc.field), r(exc.message))


def ingest_document(
    store: Store, actor: str, clearance: Sensitivity, path: Path, display: str, meta: dict, default_title: str,
    limits: UploadLimits | None = None, isolate_s: float | None = None,
) -> dict:
    """Ingest one uploaded document at the caller's clearance; errors name `display`, never `path`.
    With `isolate_s`, parsing and extraction run in their own processes, killed after that long."""
    from tollwatch.app.ingest import IngestOptions, ingest, read_document, step

    if meta.get("sensitivity"):
        check_clearance(meta["sensitivity"], clearance)
    try:
        doc = step(IngestOptions(isolate_s=isolate_s), read_document, path, limits=limits)
        # Whether the text is stored at all, at any sensitivity: the same text is never stored twice.
        with store.read(max_sensitivity=Sensitivity.CONFIDENTIAL) as r:
            existing = r.find_source_by_hash(sha256_text(doc.text))
        if existing:
            raise Conflict(duplicate_message(store, clearance, existing, f"content: already ingested as {existing}"))
        options = IngestOptions(
            title=(meta.get("title") or "").strip() or doc.title or default_title,
            publisher=meta.get("publisher") or None,
            url=meta.get("url") or None,
            date=meta.get("date") or None,
            grade=meta.get("grade") or None,
            sensitivity=meta.get("sensitivity") or "public",
            kind=meta.get("kind") or "news",
            origin=meta.get("origin") or None,
            limits=limits,
            isolate_s=isolate_s,
        )
        res = ingest(store, path, actor, options)[0]
    except (InputError, ModelError) as exc:
        raise _renamed(exc, str(path), display) from None
    return {
        "source_id": res.source.id,
        "claims": len(res.claims),
        "new_entities": [e.id for e in res.new_entities],
        "language": res.language,
    }
