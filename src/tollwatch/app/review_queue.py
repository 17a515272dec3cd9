"""The review queue: what a reviewer needs beside each proposal, filters, bulk decisions, undo.

Each queued claim comes with the extractor's note (why it chose this reading, which rule),
the passage around its quote in the stored text, and the alternatives the note names
(the extractor records the candidates it weighed in the note; they are linked when they
are entities). Decisions are store writes with their audit entry; a bulk decision shares one
batch id, so "undo" takes back the reviewer's whole last decision.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from tollwatch.app.evidence import claims_as_dicts
from tollwatch.app.visibility import Reader, entity_visible
from tollwatch.core.errors import NotFound
from tollwatch.core.model import Claim, ModelError, ReviewStatus, Sensitivity
from tollwatch.core.schema import predicate_label
from tollwatch.store.repository import Store

CONTEXT_CHARS = 280
MAX_BULK = 500
CONFIDENCE_BANDS = {"high": (0.8, 1.0), "medium": (0.5, 0.8), "low": (0.0, 0.5)}
_ENTITY_ID = re.compile(r"\b(?:KP-[A-Z]{2,4}-\d+|(?:org|product|place|person|fac)-[a-z0-9][a-z0-9-]*[a-z0-9])\b")


@dataclass(frozen=True)
class QueueFilter:
    source: str = ""
    entity: str = ""
    predicate: str = ""
    confidence: str = ""  # a CONFIDENCE_BANDS key, or "" for any

    def keeps(self, c: Claim) -> bool:
        if self.source and c.evidence.source_id != self.source:
            return False
        if self.entity and self.entity not in (c.subject_id, c.object_id):
            return False
        if self.predicate and c.predicate.value != self.predicate:
            return False
        band = CONFIDENCE_BANDS.get(self.confidence)
        if band and not (band[0] <= c.evidence.confidence < band[1] or (band[1] == 1.0 and c.evidence.confidence == 1.0)):
            return False
        return True

    def query(self) -> str:
        from urllib.parse import urlencode

        pairs = (("source", self.source), ("entity", self.entity), ("predicate", self.predicate), ("confidence", self.confidence))
        return urlencode([(k, v) for k, v in pairs if v])


def context_of(text: str | None, span: list[int] | None, quote: str | None) -> dict | None:
    """The quote in its passage: some text either side, cut at a word boundary."""
    if not text:
        return None
    if span and 0 <= span[0] < span[1] <= len(text):
        start, end = span
    elif quote and quote in text:
        start = text.index(quote)
        end = start + len(quote)
    else:
        return None
    a = max(0, start - CONTEXT_CHARS)
    b = min(len(text), end + CONTEXT_CHARS)
    if a > 0 and " " in text[a:start]:
        a = text.index(" ", a) + 1
    if b < len(text) and " " in text[end:b]:
        b = text.rindex(" ", end, b)
    return {
        "before": ("…" if a > 0 else "") + text[a:start],
        "quote": text[start:end],
        "after": text[end:b] + ("…" if b < len(text) else ""),
    }


def alternatives(reader: Reader, note: str | None, chosen: set[str]) -> list[dict]:
    """The entities the extractor's note says it weighed, other than the ones it chose."""
    ids = [i for i in dict.fromkeys(_ENTITY_ID.findall(note or "")) if i not in chosen]
    if not ids:
        return []
    found = reader.entities(set(ids))
    return [{"id": i, "name": found[i].caption} for i in ids if i in found and entity_visible(reader, found[i])]


def review_queue(reader: Reader, filters: QueueFilter | None = None, limit: int = 500) -> dict:
    """The proposals this reader may see, filtered, with what a reviewer needs beside each."""
    filters = filters or QueueFilter()
    everything = reader.list_claims(status=ReviewStatus.PROPOSED)
    claims = [c for c in everything if filters.keeps(c)][:limit]
    items = claims_as_dicts(reader, claims)
    sources = reader.sources_by_id({c.evidence.source_id for c in everything})
    for d, c in zip(items, claims):
        s = sources.get(c.evidence.source_id)
        d["source_title"] = s.title if s else None
        d["source_sensitivity"] = s.sensitivity.value if s else None
        d["label"] = predicate_label(d["predicate"])
        d["context"] = context_of(s.text if s else None, d["span"], d["quote"])
        d["alternatives"] = alternatives(reader, c.note, {c.subject_id, c.object_id or ""})
    ents = reader.entities({c.subject_id for c in everything} | {c.object_id for c in everything if c.object_id})
    return {
        "items": items,
        "total": len(everything),
        "filters": filters,
        "facets": {
            "sources": sorted(((sid, s.title) for sid, s in sources.items()), key=lambda x: x[1].casefold()),
            "entities": sorted(((eid, e.caption) for eid, e in ents.items() if entity_visible(reader, e)), key=lambda x: x[1].casefold()),
            "predicates": sorted({(c.predicate.value, predicate_label(c.predicate.value)) for c in everything}, key=lambda x: x[1]),
            "confidence": [(k, f"{k} ({lo:.1f}–{hi:.1f})") for k, (lo, hi) in CONFIDENCE_BANDS.items()],
        },
    }


def decide_many(store: Store, actor: str, clearance: Sensitivity, claim_ids: list[str], status: ReviewStatus, note: str | None = None) -> int:
    """One decision on many claims, in one transaction, under one batch id; all or nothing."""
    ids = list(dict.fromkeys(i for i in claim_ids if i))
    if not ids:
        raise ModelError("claims", "select at least one claim")
    if len(ids) > MAX_BULK:
        raise ModelError("claims", f"at most {MAX_BULK} claims at once")
    with store.read(max_sensitivity=clearance) as r:
        if any(r.get_claim(i) is None for i in ids):
            raise NotFound()
    batch = "b-" + uuid.uuid4().hex[:12]
    with store.begin(actor) as tx:
        for i in ids:
            tx.review_claim(i, status, note, batch=batch)
    return len(ids)


def undo_last(store: Store, actor: str, clearance: Sensitivity) -> int:
    """Take back this reviewer's last decision (one claim, or a whole bulk decision); 0 when none is left."""
    with store.read(max_sensitivity=Sensitivity.CONFIDENTIAL) as r:
        entries = r.audit(limit=5000, actor=actor, action="review")
    undone: set[str] = set()
    target: str | None = None
    for e in entries:  # newest first
        detail = e.get("detail") or {}
        if "undo" in detail:
            undone.add(detail["undo"])
            continue
        key = detail.get("batch") or f"audit-{e['id']}"
        if key not in undone and "prior" in detail:
            target = key
            break
    if target is None:
        return 0
    chosen = [e for e in entries if (e.get("detail") or {}).get("batch", f"audit-{e['id']}") == target]
    with store.read(max_sensitivity=clearance) as r:
        visible = [e for e in chosen if r.get_claim(e["target_id"]) is not None]
    with store.begin(actor) as tx:
        return sum(1 for e in visible if tx.revert_review(e["target_id"], e, target) is not None)
