"""FollowTheMoney JSON lines in and out, so Aleph and OpenSanctions users can take our data.

Each line is a valid FtM entity (id, schema, properties, datasets). What FtM has no
property for (a name's script and romanization system, a coordinate's source, a
claim's span and review) travels in an extra top-level `tollwatch` object that FtM
tools ignore and our importer reads, so export → import → export is lossless.
What is exported is chosen for the export's reader by app/export.py (the visibility rule);
this module only writes what it is given.
"""

from __future__ import annotations

import json
from pathlib import Path

from tollwatch.core import schema
from tollwatch.core.errors import InputError
from tollwatch.core.model import (
    Coordinates,
    Entity,
    EntityKind,
    EvidenceKind,
    Identifier,
    ModelError,
    Name,
    Romanization,
    Script,
    Sensitivity,
    Source,
    SourceKind,
    parse_enum,
    parse_date,
    parse_grade,
)
from tollwatch.core.records import claim_from_dict, entity_to_dict, source_to_dict
from tollwatch.importers.files import read_jsonl
from tollwatch.store.repository import Store
from tollwatch.writers.cells import atomic_text
from tollwatch.writers.claims import write_claims_csv


def source_to_ftm(s: Source) -> dict:
    """A document. FtM's contentHash is the SHA-1 of an archived file, which we do not keep:
    our SHA-256 of the text travels in the `tollwatch` block only."""
    props = {"title": [s.title]}
    if s.publisher:
        props["publisher"] = [s.publisher]
    if s.url:
        props["sourceUrl"] = [s.url]
    if s.date:
        props["publishedAt"] = [s.date]
    if s.text and s.sensitivity == Sensitivity.PUBLIC:
        props["bodyText"] = [s.text]
    return {
        "id": s.id,
        # FtM's Document needs a file name; a source we hold no text of is written as an Article.
        "schema": "PlainText" if s.text else "Article",
        "properties": {k: v for k, v in props.items() if v},
        "datasets": ["tollwatch"],
        "tollwatch": {"record": "source", **source_to_dict(s, with_text=True)},
    }


# Where an identifier goes in FtM, by the schema an entity is written as; any other
# identifier (a facility's designation on an Address, say) stays in the `tollwatch` block.
_IDENTIFIER_PROPERTY = {"PublicBody": "registrationNumber", "Organization": "registrationNumber", "Person": "idNumber", "Vessel": "registrationNumber"}


def _identifier_properties(e: Entity, ftm_schema: str) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for ident in e.identifiers:
        if ident.scheme == "imo" and ftm_schema == "Vessel":
            props.setdefault("imoNumber", []).append(ident.value)
        elif ident.scheme == "hs2022":  # FtM has no HS code property: Aleph searches keywords
            props.setdefault("keywords", []).append(f"HS {ident.value}")
        elif ftm_schema in _IDENTIFIER_PROPERTY:
            props.setdefault(_IDENTIFIER_PROPERTY[ftm_schema], []).append(ident.value)
    return props


def entity_to_ftm(e: Entity) -> dict:
    props: dict[str, list] = {"name": [e.caption]}
    aliases = [n.value for n in e.names if n.value != e.caption]
    if aliases:
        props["alias"] = aliases
    if e.attributes.get("country"):
        props["country"] = list(e.attributes["country"])
    if e.kind == EntityKind.PLACE and e.coordinates:
        props["latitude"] = [str(e.coordinates[0].lat)]
        props["longitude"] = [str(e.coordinates[0].lon)]
    notes = e.attributes.get("notes") or e.attributes.get("caveat")
    if notes:
        props["notes"] = [notes]
    ftm_schema = schema.ftm_schema_of(e.kind)
    for prop, values in _identifier_properties(e, ftm_schema).items():
        props.setdefault(prop, []).extend(values)
    return {
        "id": e.id,
        "schema": ftm_schema,
        "properties": props,
        "datasets": [e.dataset],
        "tollwatch": {"record": "entity", **entity_to_dict(e)},
    }


def claim_to_ftm(c: dict) -> dict:
    """A link between entities, or a note on one, as the schema maps the predicate."""
    spec = schema.predicate(c["predicate"])
    mapping = spec.ftm_link if c.get("object") else spec.ftm_note
    if mapping is None:  # stored before the schema refused it: write it the way it is shaped
        mapping = schema.load().ftm_link if c.get("object") else schema.load().ftm_note
    names = mapping.properties
    props: dict[str, list] = {names["role"]: [c["predicate"]]}
    if c.get("object"):
        props[names["subject"]] = [c["subject"]["id"]]
        props[names["object"]] = [c["object"]["id"]]
    else:
        props[names["entity"]] = [c["subject"]["id"]]
        value = c.get("value")
        if value is None and c.get("quantity"):
            q = c["quantity"]
            value = f"{q['low']:g}–{q['high']:g} {q['unit']}" if q["high"] is not None else f"{q['low']:g} {q['unit']}"
        props[names["description"]] = [f"{c['predicate']}: {value}"]
    props["proof"] = [c["source_id"]]
    if c.get("quote"):
        props["summary"] = [c["quote"]]
    for end in ("start", "end"):
        if (c.get("period") or {}).get(end) and names.get(end):
            props[names[end]] = [c["period"][end]]
    return {
        "id": c["id"],
        "schema": mapping.schema,
        "properties": props,
        "datasets": ["tollwatch"],
        "tollwatch": {"record": "claim", **{k: v for k, v in c.items() if k not in ("reviewed_by_display",)}},
    }


def export_lines(sources: list[Source], entities: list[Entity], claims: list[dict], fmt: str) -> list[str]:
    """The records the caller chose for its reader (app/export.py), one JSON line each."""
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, sort_keys=True)  # noqa: E731
    if fmt == "ftm":
        return (
            [dump(source_to_ftm(s)) for s in sources]
            + [dump(entity_to_ftm(e)) for e in entities]
            + [dump(claim_to_ftm(c)) for c in claims]
        )
    if fmt == "jsonl":
        return (
            [dump({"record": "source", **source_to_dict(s, with_text=True)}) for s in sources]
            + [dump({"record": "entity", **entity_to_dict(e)}) for e in entities]
            + [dump({"record": "claim", **c}) for c in claims]
        )
    raise ValueError(fmt)


def export_file(path: Path, fmt: str, sources: list[Source], entities: list[Entity], claims: list[dict]) -> int:
    """Written to a temporary file and renamed: a failed export leaves no partial file."""
    with atomic_text(Path(path), prefix=".tollwatch-export-") as fh:
        if fmt == "csv":
            return write_claims_csv(fh, claims)
        lines = export_lines(sources, entities, claims, fmt)
        for line in lines:
            fh.write(line + "\n")
        return len(lines)


# --- import ------------------------------------------------------------------------------


def _source_from_native(d: dict) -> Source:
    return Source(
        id=d["id"],
        title=d["title"],
        kind=parse_enum(SourceKind, d.get("kind") or "news", "kind"),
        publisher=d.get("publisher"),
        url=d.get("url"),
        date=parse_date(d.get("date")),
        grade=parse_grade(d.get("grade")),
        sensitivity=parse_enum(Sensitivity, d.get("sensitivity") or "public", "sensitivity"),
        text=d.get("text"),
        sha256=d.get("sha256"),
        origin=d.get("origin"),
        text_kind=parse_enum(EvidenceKind, d.get("text_kind") or "verbatim", "text_kind"),
    )


def _entity_from_native(d: dict) -> Entity:
    return Entity(
        id=d["id"],
        kind=parse_enum(EntityKind, d["kind"], "kind"),
        caption=d["caption"],
        names=[
            Name(
                value=n["value"],
                script=parse_enum(Script, n.get("script") or "latin", "names.script"),
                system=parse_enum(Romanization, n["system"], "names.system") if n.get("system") else None,
                lang=n.get("lang"),
            )
            for n in d.get("names") or []
        ],
        identifiers=[Identifier(i["scheme"], i["value"]) for i in d.get("identifiers") or []],
        coordinates=[Coordinates(c["lat"], c["lon"], c.get("source"), c.get("confidence")) for c in d.get("coordinates") or []],
        attributes=d.get("attributes") or {},
        dataset=d.get("dataset") or "tollwatch",
        is_new=bool(d.get("is_new")),
    )


def entity_from_foreign_ftm(d: dict, dataset: str | None = None) -> Entity | None:
    """An FtM entity from another tool (e.g. an OpenSanctions export); None if not an entity we model."""
    _check_foreign_shape(d)
    kind_name = schema.kind_of_ftm_schema(d.get("schema") or "")
    if kind_name is None:
        return None
    kind = EntityKind(kind_name)
    props = d.get("properties") or {}
    names = [*props.get("name", []), *props.get("alias", []), *props.get("weakAlias", []), *props.get("previousName", [])]
    if not names:
        raise ModelError("properties.name", "an entity needs at least one name")
    ids = []
    for prop in ("registrationNumber", "idNumber", "imoNumber", "innCode", "ogrnCode", "swiftBic", "taxNumber", "passportNumber"):
        for v in props.get(prop, []):
            ids.append(Identifier(prop, v))
    attributes = {}
    for prop in ("country", "nationality", "jurisdiction", "topics", "program", "birthDate", "address"):
        if props.get(prop):
            attributes[prop] = props[prop]
    datasets = d.get("datasets") or []
    return Entity(
        id=str(d["id"]),
        kind=kind,
        caption=d.get("caption") or names[0],
        names=[Name.of(n) for n in dict.fromkeys(names) if n.strip()],
        identifiers=ids,
        attributes=attributes,
        dataset=dataset or (datasets[0] if datasets else "ftm"),
    )


def _check_foreign_shape(d: dict) -> None:
    """The JSON types FtM prescribes: text id, schema, caption; properties map to lists of text; datasets a list of text."""
    for key in ("id", "schema", "caption"):
        if d.get(key) is not None and not isinstance(d[key], (str, int)) or isinstance(d.get(key), bool):
            raise ModelError(key, f"must be text, got {type(d[key]).__name__}")
    props = d.get("properties") or {}
    if not isinstance(props, dict):
        raise ModelError("properties", f"must be an object of property lists, got {type(props).__name__}")
    for prop, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ModelError(f"properties.{prop}", "must be a list of text values")
    datasets = d.get("datasets") or []
    if not isinstance(datasets, list) or not all(isinstance(v, str) and v for v in datasets):
        raise ModelError("datasets", "must be a list of dataset names")


def parse_lines(path: Path):
    return read_jsonl(path, max_bytes=2 * 1024 * 1024 * 1024)


def import_file(store: Store, path: Path, actor: str) -> dict[str, int]:
    """One transaction: any bad line and nothing is stored."""
    path = Path(path)
    counts = {"sources": 0, "entities": 0, "claims": 0, "skipped": 0}
    records = list(parse_lines(path))
    with store.begin(actor) as tx:
        pending_claims = []
        for lineno, data in records:
            try:
                native = data.get("tollwatch") if isinstance(data.get("tollwatch"), dict) else (data if "record" in data else None)
                if native:
                    kind = native.get("record")
                    if kind == "source":
                        src = _source_from_native(native)
                        existing = tx.get_source(src.id)
                        if existing is None:
                            if src.sha256 and tx.find_source_by_hash(src.sha256):
                                counts["skipped"] += 1
                                continue
                            tx.add_source(src)
                            counts["sources"] += 1
                        elif existing.sha256 != src.sha256:
                            raise ModelError("id", f"source {src.id} exists with different content")
                    elif kind == "entity":
                        entity = _entity_from_native(native)
                        schema.check_entity(entity)
                        tx.upsert_entity(entity)
                        counts["entities"] += 1
                    elif kind == "claim":
                        pending_claims.append((lineno, claim_from_dict(native, with_review=True)))
                    else:
                        raise ModelError("tollwatch.record", f"unknown record type {kind!r}")
                else:
                    if "schema" not in data or "id" not in data:
                        raise ModelError("schema", "an FtM entity needs id and schema")
                    ent = entity_from_foreign_ftm(data)
                    if ent is None:
                        counts["skipped"] += 1
                        continue
                    tx.upsert_entity(ent)
                    counts["entities"] += 1
            except (KeyError, TypeError) as exc:
                raise InputError(f"missing or malformed field {exc}", path=str(path), line=lineno, field=str(exc).strip("'")) from None
            except ModelError as exc:
                raise InputError(exc.message, path=str(path), line=lineno, field=exc.field) from None
        for lineno, claim in pending_claims:
            try:
                before = tx.get_claim(claim.id)
                tx.add_claim(claim, replace=before is not None and before != claim)
                counts["claims"] += 1
            except ModelError as exc:
                raise InputError(exc.message, path=str(path), line=lineno, field=exc.field) from None
    return counts


__all__ = ["export_file", "import_file", "export_lines", "entity_from_foreign_ftm"]
