"""The dict shapes records travel in (CLI jsonl, the API, exports, FtM's extra object).

Pure conversions between the model and plain JSON-able dicts, so importers, app and
server share one shape without importing each other.
"""

from __future__ import annotations

import math
from typing import Any

from tollwatch.core.model import (
    Claim,
    Entity,
    Evidence,
    EvidenceKind,
    Method,
    ModelError,
    Period,
    Predicate,
    Quantity,
    Review,
    ReviewStatus,
    Source,
    parse_date,
    parse_enum,
    require_text,
)


REVIEW_FIELDS = ("status", "reviewed_by", "reviewed_at")


def claim_from_dict(data: Any, *, default_method: str = "human", with_review: bool = False) -> Claim:
    """Parse one claim record (the `claims list --format jsonl` shape, or a simpler one).

    A new claim is always proposed: review is earned through the review use case, so the
    review fields are refused as input (a default "proposed" with no reviewer is let through,
    so listed proposals re-add). Only an import of an exported, already reviewed record
    (`with_review`, the FtM/JSONL import) keeps them.
    """
    if not isinstance(data, dict):
        raise ModelError("claim", "each line must be a JSON object")
    review = _review_of(data) if with_review else _refuse_review_fields(data)

    def ref(key: str) -> Any:
        v = data.get(key)
        if isinstance(v, dict):
            return v.get("id")
        return v

    _optional_text(data, "id", "subject_id", "object_id", "source_id", "quote", "note", "method", "evidence_kind")
    subject = ref("subject") or data.get("subject_id")
    if subject is not None:
        require_text(subject, "subject")
    if not subject:
        raise ModelError("subject", "missing")
    if not data.get("predicate"):
        raise ModelError("predicate", "missing")
    predicate = parse_enum(Predicate, str(data["predicate"]), "predicate")
    obj = data.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else (obj or data.get("object_id"))
    if object_id is not None:
        require_text(object_id, "object")
    value = data.get("value")
    if value is not None and not isinstance(value, str):
        value = str(value)
    qty: Quantity | None = None
    if data.get("quantity"):
        q = data["quantity"]
        if not isinstance(q, dict) or "unit" not in q:
            raise ModelError("quantity", "must be an object with low, high and unit")
        try:
            qty = Quantity(_num(q.get("low")), _num(q.get("high")), str(q["unit"]))
        except (TypeError, ValueError):
            raise ModelError("quantity", "low and high must be finite numbers") from None
    period: Period | None = None
    if data.get("period"):
        p = data["period"]
        if not isinstance(p, dict):
            raise ModelError("period", "must be an object with start and end")
        period = Period(parse_date(p.get("start"), "period.start"), parse_date(p.get("end"), "period.end"))
    source_id = data.get("source_id")
    if not source_id:
        raise ModelError("source_id", "missing")
    span = data.get("span")
    if span is not None:
        if not (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span)):
            raise ModelError("span", "must be [start, end] integers")
        span = (span[0], span[1])
    confidence = data.get("confidence", 1.0)
    if not isinstance(confidence, int | float):
        raise ModelError("confidence", "must be a number")
    evidence = Evidence(
        source_id=source_id,
        quote=data.get("quote"),
        span=span,
        method=parse_enum(Method, data.get("method") or default_method, "method"),
        confidence=float(confidence),
        kind=parse_enum(EvidenceKind, data.get("evidence_kind") or "verbatim", "evidence_kind"),
        cites=_cites_of(data.get("cites")),
        rule=_rule_of(data.get("rule")) if with_review else None,  # only an export names its rule
    )
    return Claim(
        id=data.get("id") or "",
        subject_id=subject,
        predicate=predicate,
        object_id=object_id,
        value=value,
        quantity=qty,
        period=period,
        evidence=evidence,
        review=review,
        note=data.get("note"),
        qualifiers=_qualifiers_of(data.get("qualifiers")),
    )


def _rule_of(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ModelError("rule", "must be the name of an extraction rule")
    return value or None


def _qualifiers_of(value: Any) -> dict[str, Any]:
    """The claim's qualifiers as given; an unknown (null) one stays out. Typed by check_claim."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ModelError("qualifiers", "must be an object of named values")
    return {k: v for k, v in value.items() if v is not None}


def _cites_of(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in value):
        raise ModelError("cites", "must be a list of http(s) URLs")
    return tuple(value)


def _refuse_review_fields(data: dict[str, Any]) -> Review:
    for name in REVIEW_FIELDS:
        value = data.get(name)
        if value is None or value == "" or (name == "status" and value == ReviewStatus.PROPOSED.value):
            continue
        raise ModelError(name, "set only by review (claims accept/reject, or POST /api/claims/{id}/review), never on input")
    return Review()


def _review_of(data: dict[str, Any]) -> Review:
    """The review of an exported record, checked for shape (strings or nothing)."""
    status = data.get("status") or ReviewStatus.PROPOSED.value
    if not isinstance(status, str):
        raise ModelError("status", "must be accepted, rejected or proposed")
    for name in REVIEW_FIELDS[1:]:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ModelError(name, "must be a string")
    return Review(parse_enum(ReviewStatus, status, "status"), data.get("reviewed_by"), data.get("reviewed_at"))


def _num(v: Any) -> float | None:
    """A finite number or nothing: "nan", 1e999 and true are not quantities."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ValueError(v)
    number = float(v)
    if not math.isfinite(number):
        raise ValueError(v)
    return number


def _optional_text(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if data.get(key) is not None:
            require_text(data[key], key)


def entity_ref(entity: Entity | None, entity_id: str | None) -> dict[str, Any] | None:
    if entity_id is None:
        return None
    if entity is None:
        return {"id": entity_id, "name": None, "kind": None}
    return {"id": entity.id, "name": entity.caption, "kind": entity.kind.value}


def claim_to_dict(claim: Claim, entities: dict[str, Entity]) -> dict[str, Any]:
    """The claim shape every output uses (CLI jsonl, API, exports)."""
    subject = entities.get(claim.subject_id)
    subj = entity_ref(subject, claim.subject_id) or {}
    subj["aliases"] = [n for n in subject.all_names() if n != subject.caption] if subject else []
    out: dict[str, Any] = {
        "id": claim.id,
        "subject": subj,
        "predicate": claim.predicate.value,
    }
    if claim.object_id:
        out["object"] = entity_ref(entities.get(claim.object_id), claim.object_id)
    else:
        out["value"] = claim.value
    out.update(
        {
            "quantity": (
                {"low": claim.quantity.low, "high": claim.quantity.high, "unit": claim.quantity.unit}
                if claim.quantity
                else None
            ),
            "period": {"start": claim.period.start, "end": claim.period.end} if claim.period else None,
            "quote": claim.evidence.quote,
            "span": list(claim.evidence.span) if claim.evidence.span else None,
            "source_id": claim.evidence.source_id,
            "method": claim.evidence.method.value,
            "confidence": claim.evidence.confidence,
            "evidence_kind": claim.evidence.kind.value,
            "cites": list(claim.evidence.cites) if claim.evidence.cites is not None else None,
            "rule": claim.evidence.rule,
            "status": claim.review.status.value,
            "reviewed_by": claim.review.by,
            "reviewed_at": claim.review.at,
            "note": claim.note,
            "qualifiers": dict(claim.qualifiers),
        }
    )
    return out


def source_to_dict(source: Source, *, with_text: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": source.id,
        "title": source.title,
        "kind": source.kind.value,
        "publisher": source.publisher,
        "url": source.url,
        "date": source.date,
        "grade": source.grade,
        "sensitivity": source.sensitivity.value,
        "origin": source.origin,
        "sha256": source.sha256,
        "text_kind": source.text_kind.value,
    }
    if with_text:
        out["text"] = source.text
    return out


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "kind": entity.kind.value,
        "caption": entity.caption,
        "dataset": entity.dataset,
        "names": [
            {"value": n.value, "script": n.script.value, "system": n.system.value if n.system else None, "lang": n.lang}
            for n in entity.names
        ],
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in entity.identifiers],
        "coordinates": [
            {"lat": c.lat, "lon": c.lon, "source": c.source, "confidence": c.confidence} for c in entity.coordinates
        ],
        "attributes": entity.attributes,
        "is_new": entity.is_new,
    }
