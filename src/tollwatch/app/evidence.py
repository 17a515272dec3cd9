"""Use cases on the evidence graph, shared by the CLI and the server."""

from __future__ import annotations

import json
from pathlib import Path

from tollwatch.core.corroboration import contradictions, corroborate
from tollwatch.core.errors import InputError
from tollwatch.core.model import (
    Claim,
    Entity,
    Evidence,
    Method,
    ModelError,
    Period,
    Predicate,
    Quantity,
    Review,
    ReviewStatus,
    Sensitivity,
    Source,
    SourceKind,
    parse_date,
    parse_enum,
    parse_grade,
    sha256_text,

)
from tollwatch.store.repository import DuplicateSourceError, Reader, Store, StoreError

MAX_TEXT_BYTES = 50 * 1024 * 1024


def open_store(url: str | None = None, *, load_reference: bool = True) -> Store:
    from tollwatch.store.reindex import ensure_name_index

    store = Store(url)
    if load_reference:
        from tollwatch.importers.reference import ensure_reference

        ensure_reference(store)
    ensure_name_index(store)
    return store


def read_text(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if size > max_bytes:
        raise InputError(f"file is {size} bytes, over the {max_bytes}-byte limit", path=str(path))
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", path=str(path))
    if b"\x00" in raw[:8192]:
        raise InputError("binary content, not text", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start})", path=str(path), line=line, field="text") from None
    return text.replace("\r\n", "\n")


def new_source_id(title: str, sha: str) -> str:
    """From the content hash alone: an id is shown where a confidential title must not be."""
    return f"src-{sha[:16]}"


def make_source(
    text: str,
    *,
    title: str,
    publisher: str | None = None,
    url: str | None = None,
    date: str | None = None,
    kind: str = "news",
    grade: str | None = None,
    sensitivity: str = "public",
    origin: str | None = None,
) -> Source:
    sha = sha256_text(text)
    return Source(
        id=new_source_id(title, sha),
        title=title,
        kind=parse_enum(SourceKind, kind, "kind"),
        publisher=publisher,
        url=url,
        date=parse_date(date),
        grade=parse_grade(grade),
        sensitivity=parse_enum(Sensitivity, sensitivity, "sensitivity"),
        text=text,
        sha256=sha,
        origin=origin,
    )


def add_source(store: Store, source: Source, actor: str, path: str | None = None) -> Source:
    try:
        with store.begin(actor) as tx:
            return tx.add_source(source)
    except DuplicateSourceError as exc:
        raise InputError(str(exc), path=path, field="content") from None


def claim_from_dict(data: dict, *, default_method: str = "human") -> Claim:
    """Parse one claim record (the `claims list --format jsonl` shape, or a simpler one)."""
    if not isinstance(data, dict):
        raise ModelError("claim", "each line must be a JSON object")

    def ref(key: str):
        v = data.get(key)
        if isinstance(v, dict):
            return v.get("id")
        return v

    subject = ref("subject") or data.get("subject_id")
    if not subject:
        raise ModelError("subject", "missing")
    if not data.get("predicate"):
        raise ModelError("predicate", "missing")
    predicate = parse_enum(Predicate, str(data["predicate"]), "predicate")
    obj = data.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else (obj or data.get("object_id"))
    value = data.get("value")
    if value is not None and not isinstance(value, str):
        value = str(value)
    qty = None
    if data.get("quantity"):
        q = data["quantity"]
        if not isinstance(q, dict) or "unit" not in q:
            raise ModelError("quantity", "must be an object with low, high and unit")
        try:
            qty = Quantity(_num(q.get("low")), _num(q.get("high")), str(q["unit"]))
        except (TypeError, ValueError):
            raise ModelError("quantity", "low and high must be numbers") from None
    period = None
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
    status = parse_enum(ReviewStatus, data.get("status") or "proposed", "status")
    evidence = Evidence(
        source_id=source_id,
        quote=data.get("quote"),
        span=span,
        method=parse_enum(Method, data.get("method") or default_method, "method"),
        confidence=float(confidence),
    )
    return Claim(
        id=data.get("id") or None,
        subject_id=subject,
        predicate=predicate,
        object_id=object_id,
        value=value,
        quantity=qty,
        period=period,
        evidence=evidence,
        review=Review(status, data.get("reviewed_by"), data.get("reviewed_at")),
        note=data.get("note"),
    )


def _num(v):
    return None if v is None else float(v)


def read_jsonl(path: Path, *, max_bytes: int = MAX_TEXT_BYTES):
    """(line number, object) per non-blank line; errors name the file, line and field."""
    text = read_text(path, max_bytes=max_bytes)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno, field="json") from None
        if not isinstance(data, dict):
            raise InputError("each line must be a JSON object", path=str(path), line=lineno, field="json")
        yield lineno, data


def add_claims_from_jsonl(store: Store, path: Path, actor: str) -> list[Claim]:
    """All or nothing: one bad line and no claim of the file is stored."""
    claims: list[tuple[int, Claim]] = []
    for lineno, data in read_jsonl(path):
        try:
            claims.append((lineno, claim_from_dict(data)))
        except ModelError as exc:
            raise InputError(exc.message, path=str(path), line=lineno, field=exc.field) from None
    stored = []
    with store.begin(actor) as tx:
        for lineno, claim in claims:
            try:
                stored.append(tx.add_claim(claim))
            except ModelError as exc:
                raise InputError(exc.message, path=str(path), line=lineno, field=exc.field) from None
            except StoreError as exc:
                raise InputError(str(exc), path=str(path), line=lineno) from None
    return stored


def entity_ref(entity: Entity | None, entity_id: str | None) -> dict | None:
    if entity_id is None:
        return None
    if entity is None:
        return {"id": entity_id, "name": None, "kind": None}
    return {"id": entity.id, "name": entity.caption, "kind": entity.kind.value}


def claim_to_dict(claim: Claim, entities: dict[str, Entity]) -> dict:
    """The claim shape every output uses (CLI jsonl, API, exports)."""
    subject = entities.get(claim.subject_id)
    subj = entity_ref(subject, claim.subject_id)
    subj["aliases"] = [n for n in subject.all_names() if n != subject.caption] if subject else []
    out = {
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
            "status": claim.review.status.value,
            "reviewed_by": claim.review.by,
            "reviewed_at": claim.review.at,
            "note": claim.note,
        }
    )
    return out


def claims_as_dicts(reader: Reader, claims: list[Claim]) -> list[dict]:
    ids = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id}
    ents = reader.entities(ids)
    return [claim_to_dict(c, ents) for c in claims]


def source_to_dict(source: Source, *, with_text: bool = False) -> dict:
    out = {
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
    }
    if with_text:
        out["text"] = source.text
    return out


def entity_to_dict(entity: Entity) -> dict:
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


def entity_report(reader: Reader, entity: Entity) -> dict:
    """Everything known about one entity, with the evidence and what contradicts what."""
    claims = reader.list_claims(entity_id=entity.id)
    sources = reader.sources_by_id(c.evidence.source_id for c in claims)
    strength = corroborate(claims, sources)
    claim_dicts = claims_as_dicts(reader, claims)
    for cd, c in zip(claim_dicts, claims):
        group = strength[(c.subject_id, c.predicate.value, c.object_key)]
        cd["corroboration"] = {"independent_sources": group.independent_sources, "strength": group.strength}
        src = sources.get(c.evidence.source_id)
        cd["source"] = (
            {"id": src.id, "title": src.title, "publisher": src.publisher, "url": src.url, "date": src.date, "grade": src.grade}
            if src
            else None
        )
    report = entity_to_dict(entity)
    report["claims"] = claim_dicts
    report["contradictions"] = [
        {"predicate": x.predicate, "sides": x.sides} for x in contradictions(claims) if x.subject_id == entity.id
    ]
    return report
