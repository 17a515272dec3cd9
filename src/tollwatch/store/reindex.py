"""Keep the name index in step with the name-matching code.

When name intelligence improves, names stored earlier were indexed with the old keys. A
fingerprint of what token_keys makes of a few probe names tells whether the index is
stale; if it is, every entity's keys are rebuilt in one transaction.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, select

from tollwatch.core import names as name_intel
from tollwatch.store import schema

PROBES = (
    "Kaechon prison camp (Kyohwaso No. 1)",
    "Kaech'ŏn",
    "개천 제1호교화소",
    "丹东鑫达发制品有限公司",
    "Dandong Xinda Hair Products Co., Ltd.",
    "KIM Jong Un",
    "Korea Kwangson Banking Corp",
    "Ri / Rhee / Lee / Yi",
)
META_KEY = "name_keys_fingerprint"


def fingerprint() -> str:
    keys = [sorted(name_intel.token_keys(p)) for p in PROBES]
    return hashlib.sha256(json.dumps(keys, ensure_ascii=False).encode("utf-8")).hexdigest()


def ensure_name_index(store, current: str | None = None) -> bool:
    """Rebuild name keys if they were made by other matching code; True when rebuilt.
    `current`: the fingerprint, when the caller remembers it for this code (app.evidence)."""
    current = current or fingerprint()
    if store.get_meta(META_KEY) == current:
        return False
    with store.begin(actor="tollwatch-reindex") as tx:
        tx.lock(META_KEY)
        if tx.conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == META_KEY)).scalar() == current:
            return False
        names_by_entity: dict[str, set[str]] = {}
        for row in tx.conn.execute(select(schema.entities.c.id, schema.entities.c.caption)):
            names_by_entity[row.id] = {row.caption}
        for row in tx.conn.execute(select(schema.names.c.entity_id, schema.names.c.value)):
            names_by_entity.setdefault(row.entity_id, set()).add(row.value)
        tx.conn.execute(delete(schema.name_keys))
        batch: list[dict[str, str]] = []
        for entity_id, labels in names_by_entity.items():
            keys: set[str] = set()
            for label in labels:
                keys |= name_intel.token_keys(label)
            batch.extend({"entity_id": entity_id, "key": k[:200]} for k in keys)
            if len(batch) >= 5000:
                tx.conn.execute(schema.name_keys.insert(), batch)
                batch = []
        if batch:
            tx.conn.execute(schema.name_keys.insert(), batch)
        tx.set_meta(META_KEY, current)
    return True
