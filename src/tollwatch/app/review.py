"""Review decisions on proposed claims, shared by the terminal flow and the server.

Every decision is a store write with its audit entry. An edit never rewrites a claim in
place: claim ids derive from their content, so the edited claim is a new, accepted claim
and the proposal it replaces is rejected with a note pointing at it.
"""

from __future__ import annotations

from dataclasses import replace

from tollwatch.core.model import Claim, Entity, Method, ModelError, Predicate, Quantity, ReviewStatus, parse_enum
from tollwatch.core.schema import check_claim
from tollwatch.store.repository import Txn


def accept(tx: Txn, claim_id_: str, note: str | None = None) -> Claim:
    return tx.review_claim(claim_id_, ReviewStatus.ACCEPTED, note)


def reject(tx: Txn, claim_id_: str, note: str | None = None) -> Claim:
    return tx.review_claim(claim_id_, ReviewStatus.REJECTED, note)


def resolve_entity(tx: Txn, ref: str):
    """An entity by id or by a name that matches exactly one entity."""
    exact = tx.get_entity(ref)
    if exact:
        return exact
    found = tx.find_entities(ref)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ModelError("entity", f"no entity matches {ref!r}")
    raise ModelError("entity", f"{ref!r} matches {len(found)} entities ({', '.join(e.id for e in found[:5])}); give an id")


def edit(
    tx: Txn,
    claim: Claim,
    *,
    predicate: str | None = None,
    object_ref: str | None = None,
    value: str | None = None,
    quantity: Quantity | None = None,
    subject_ref: str | None = None,
    note: str | None = None,
) -> Claim:
    """Store the corrected claim as accepted; reject the proposal it replaces."""
    new_pred = parse_enum(Predicate, predicate, "predicate") if predicate else claim.predicate
    subject = resolve_entity(tx, subject_ref).id if subject_ref else claim.subject_id
    obj, val, qty = claim.object_id, claim.value, claim.quantity
    if object_ref:
        obj, val = resolve_entity(tx, object_ref).id, None
    elif value is not None:
        obj, val = None, value
    if quantity is not None:
        qty = quantity
        if not object_ref and value is None:
            obj, val = None, None
    edited = replace(
        claim,
        id="",
        subject_id=subject,
        predicate=new_pred,
        object_id=obj,
        value=val,
        quantity=qty,
        evidence=replace(claim.evidence, method=Method.HUMAN, confidence=1.0),
        note=note if note is not None else claim.note,
    )
    if edited.id == claim.id:
        return accept(tx, claim.id, note)
    tx.add_claim(edited)
    accepted = tx.review_claim(edited.id, ReviewStatus.ACCEPTED, note if note is not None else f"edited from {claim.id}")
    tx.review_claim(claim.id, ReviewStatus.REJECTED, f"superseded by edited claim {edited.id}")
    return accepted


def merge(tx: Txn, from_id: str, into_ref: str):
    """Fold a proposed (new) entity into an existing one; its claims follow."""
    into = resolve_entity(tx, into_ref)
    if into.id == from_id:
        raise ModelError("entity", "cannot merge an entity into itself")
    source = tx.get_entity(from_id)
    if source is None:
        raise ModelError("entity", f"no entity with id {from_id}")
    if not source.is_new:
        raise ModelError("entity", f"{from_id} is already in the graph; only proposed (new) entities are merged here")
    _check_claims_fit_after_merge(tx, from_id, into)
    return tx.merge_entity(from_id, into.id)


def _check_claims_fit_after_merge(tx: Txn, from_id: str, into: Entity) -> None:
    """Merging moves claims onto another entity, whose kind must fit them too."""
    claims = tx.list_claims(entity_id=from_id)
    others = tx.entities({c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id})

    def kind_of(entity_id: str | None) -> str | None:
        if entity_id is None:
            return None
        return into.kind if entity_id == from_id else (others[entity_id].kind if entity_id in others else None)

    for claim in claims:
        try:
            check_claim(claim, kind_of(claim.subject_id), kind_of(claim.object_id))
        except ModelError as exc:
            raise ModelError("into", f"{into.id} is a {into.kind}, and claim {claim.id} would not fit: {exc}") from None
