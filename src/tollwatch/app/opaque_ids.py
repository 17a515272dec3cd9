"""Opaque ids for entities proposed from restricted or confidential sources (#18, finding 3).

Extraction names a new entity after its name (`org-new-<slug>`), which is fine for public
text but lets anyone who can guess a hidden name test for it. Entities proposed from a
source above public get a keyed hash instead: the key is random, kept in the store's meta
table, so the same name in two restricted reports still meets as one entity, but an id
can no longer be derived from a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace

from tollwatch.core.model import Claim, Entity, Sensitivity, Source
from tollwatch.store.repository import Txn

KEY_META = "entity_id_key"
NEW_MARK = "-new-"


def opaque_id(key: str, entity: Entity) -> str:
    """`<kind>-new-<keyed hash of the readable id>`: stable within one store, unguessable outside it."""
    prefix = entity.id.split(NEW_MARK, 1)[0] if NEW_MARK in entity.id else entity.kind.value
    digest = hmac.new(key.encode("ascii"), entity.id.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    return f"{prefix}{NEW_MARK}{digest}"


def hide_ids(tx: Txn, source: Source, entities: list[Entity], claims: list[Claim]) -> tuple[list[Entity], list[Claim]]:
    """The proposals of one source, with opaque ids when the source is not public."""
    if source.sensitivity == Sensitivity.PUBLIC or not entities:
        return entities, claims
    key = tx.ensure_meta(KEY_META, secrets.token_hex(32))
    renamed = {e.id: opaque_id(key, e) for e in entities}

    def mapped(value):
        return renamed.get(value, value) if isinstance(value, str) else value

    entities = [replace(e, id=renamed[e.id], attributes={k: mapped(v) for k, v in e.attributes.items()}) for e in entities]
    claims = [
        replace(c, id="", subject_id=mapped(c.subject_id), object_id=mapped(c.object_id))  # id re-derived from content
        if c.subject_id in renamed or c.object_id in renamed
        else c
        for c in claims
    ]
    return entities, claims
