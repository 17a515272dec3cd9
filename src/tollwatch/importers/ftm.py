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
import re
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

from tollwatch.core import countries, schema
from tollwatch.core.listing import ftm_list_properties
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
from tollwatch.core.schema import GRAPH_DATASET
from tollwatch.core.records import claim_from_dict, entity_to_dict, source_to_dict
from tollwatch.importers import ftm_foreign, ftm_profiles
from tollwatch.importers.ftm_profiles import Profile
from tollwatch.importers.files import read_jsonl
from tollwatch.store.repository import Store, Txn
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
    if e.dataset != GRAPH_DATASET:  # a list entry: every field its list gave (core.listing)
        own = [(i.scheme, i.value) for i in e.identifiers if i.scheme != e.dataset]
        if props.get("country"):  # a list writes countries as names; FtM wants codes
            props["country"] = sorted(c.lower() for c in countries.codes_of(props["country"]))
        for prop, values in ftm_list_properties(e.attributes, own, ftm_schema).items():
            props[prop] = list(dict.fromkeys([*props.get(prop, []), *values]))
    else:
        for prop, values in _identifier_properties(e, ftm_schema).items():
            props.setdefault(prop, []).extend(values)
    return {
        "id": e.id,
        "schema": ftm_schema,
        "properties": props,
        "datasets": [e.dataset],
        "tollwatch": {"record": "entity", **entity_to_dict(e)},
    }


def claim_to_ftm(c: dict, canonical: dict[str, str] | None = None) -> dict:
    """A link between entities, or a note on one, as the schema maps the predicate.
    `canonical`: member id -> its profile's id, so the link points at the profile's one line."""
    ref = (lambda i: canonical.get(i, i)) if canonical else (lambda i: i)
    spec = schema.predicate(c["predicate"])
    mapping = spec.ftm_link if c.get("object") else spec.ftm_note
    if mapping is None:  # stored before the schema refused it: write it the way it is shaped
        mapping = schema.load().ftm_link if c.get("object") else schema.load().ftm_note
    names = mapping.properties
    props: dict[str, list] = {names["role"]: [c["predicate"]]}
    if c.get("object"):
        props[names["subject"]] = [ref(c["subject"]["id"])]
        props[names["object"]] = [ref(c["object"]["id"])]
    else:
        props[names["entity"]] = [ref(c["subject"]["id"])]
        value = c.get("value")
        if value is None and c.get("quantity"):
            q = c["quantity"]
            value = f"{q['low']:g}–{q['high']:g} {q['unit']}" if q["high"] is not None else f"{q['low']:g} {q['unit']}"
        props[names["description"]] = [f"{c['predicate']}: {value}" + _qualifiers_note(c)]
    if c.get("object") and c.get("qualifiers"):
        props["description"] = [_qualifiers_note(c).removeprefix(" ")]
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


def _qualifiers_note(c: dict) -> str:
    """A claim's qualifiers as FtM text (FtM has no property for them; the tollwatch block keeps them typed)."""
    q = c.get("qualifiers") or {}
    return "".join(f" ({k}: {'yes' if v is True else 'no' if v is False else v})" for k, v in sorted(q.items()))


def export_lines(sources: list[Source], entities: list[Entity], claims: list[dict], fmt: str, profiles: Sequence[Profile] = ()) -> list[str]:
    """The records the caller chose for its reader (app/export.py), one JSON line each.
    In FtM a merged profile is one line (its members' ids in `referents`, ftm_profiles)."""
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, sort_keys=True)  # noqa: E731
    if fmt == "ftm":
        canonical = {e.id: p.canonical for p in profiles for e in p.members}
        held = {e.id for e in entities}
        return (
            [dump(source_to_ftm(s)) for s in sources]
            + [dump(entity_to_ftm(e)) for e in entities if e.id not in canonical]
            + [dump(ftm_profiles.profile_to_ftm(p, held, entity_to_ftm)) for p in profiles]
            + [dump(claim_to_ftm(c, canonical)) for c in claims]
        )
    if fmt == "jsonl":
        return (
            [dump({"record": "source", **source_to_dict(s, with_text=True)}) for s in sources]
            + [dump({"record": "entity", **entity_to_dict(e)}) for e in entities]
            + [dump({"record": "claim", **c}) for c in claims]
        )
    raise ValueError(fmt)


def export_file(path: Path, fmt: str, sources: list[Source], entities: list[Entity], claims: list[dict], profiles: Sequence[Profile] = ()) -> int:
    """Written to a temporary file and renamed: a failed export leaves no partial file."""
    with atomic_text(Path(path), prefix=".tollwatch-export-") as fh:
        if fmt == "csv":
            return write_claims_csv(fh, claims)
        lines = export_lines(sources, entities, claims, fmt, profiles)
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


def _graph_kind(ftm_schema: str) -> EntityKind | None:
    name = schema.kind_of_ftm_schema(ftm_schema)
    return EntityKind(name) if name else None


def entity_from_foreign_ftm(d: dict, dataset: str | None = None) -> Entity | None:
    """One foreign FtM entity on its own (no file around it); None if not an entity we model."""
    result = ftm_foreign.resolve(d, _graph_kind, ftm_foreign.Folds(), dataset)
    if isinstance(result, str) and "no name" in result:
        raise ModelError("properties.name", "an entity needs at least one name")
    return result if isinstance(result, Entity) else None


def parse_lines(path: Path):
    return read_jsonl(path, max_bytes=2 * 1024 * 1024 * 1024)


def _native(data: dict) -> dict | None:
    """Our own record: the `tollwatch` block of an exported line, or a native JSON line."""
    if isinstance(data.get("tollwatch"), dict):
        return data["tollwatch"]
    return data if "record" in data else None


def import_file(store: Store, path: Path, actor: str, before_write: Callable[[set[str]], None] | None = None) -> dict[str, Any]:
    """One transaction. A malformed line or a bad record of ours and nothing is stored; a
    foreign FtM line we cannot use is skipped, its reason in `skipped_lines`, and the rest kept.
    Profile lines and `referents` become `same` judgements; `before_write` is given every id they
    name before the transaction starts (app/export.py loads a bundled list they belong to)."""
    path = Path(path)
    records = list(parse_lines(path))
    if before_write is not None:
        before_write(ftm_profiles.needed_ids(records, _native))
    foreign = [(n, d) for n, d in records if _native(d) is None]
    folds = ftm_foreign.collect_folds(foreign, _graph_kind)
    counts: dict[str, Any] = {"sources": 0, "entities": 0, "claims": 0, "folded": 0, "skipped": 0}
    skipped: list[str] = []
    profile_lines = ftm_profiles.ProfileLines()
    with store.begin(actor) as tx:
        pending_claims = []
        for lineno, data in records:
            try:
                native = _native(data)
                if native is None:
                    reason = _import_foreign(tx, data, folds)
                    if reason:
                        skipped.append(f"{path.name}:{lineno}: {reason}")
                    else:
                        ftm_profiles.read_foreign(data, lineno, profile_lines)
                elif native.get("record") == "claim":
                    pending_claims.append((lineno, claim_from_dict(native, with_review=True)))
                elif native.get("record") == ftm_profiles.PROFILE_RECORD:
                    for member in ftm_profiles.read_own(native, lineno, profile_lines):
                        _import_native(tx, {**member, "record": "entity"}, counts)
                    profile_lines.profiles += 1
                else:
                    _import_native(tx, native, counts)
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
        judged, not_held = ftm_profiles.record_judgements(tx, profile_lines, str(path))
    counts["entities"] += len(foreign) - len(skipped) - folds.folded
    counts.update(folded=folds.folded, skipped=counts["skipped"] + len(skipped), skipped_lines=skipped)
    if not_held:  # a note, not a skipped line: the line's entity was kept
        skipped.append(f"{path.name}: {not_held} referents name no entity this store holds: not judged")
    if profile_lines.profiles or judged:
        counts.update(profiles=profile_lines.profiles, judgements=judged)
    return counts


def _import_native(tx: Txn, native: dict, counts: dict[str, Any]) -> None:
    kind = native.get("record")
    if kind == "source":
        src = _source_from_native(native)
        existing = tx.get_source(src.id)
        if existing is None:
            if src.sha256 and tx.find_source_by_hash(src.sha256):
                counts["skipped"] += 1  # the same text under another id: ours already
                return
            tx.add_source(src)
            counts["sources"] += 1
        elif existing.sha256 != src.sha256:
            raise ModelError("id", f"source {src.id} exists with different content")
    elif kind == "entity":
        entity = _entity_from_native(native)
        schema.check_entity(entity)
        tx.upsert_entity(entity)
        counts["entities"] += 1
    else:
        raise ModelError("tollwatch.record", f"unknown record type {kind!r}")


_DATASET_NAME = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,60}")


def _import_foreign(tx: Txn, data: dict, folds: ftm_foreign.Folds) -> str | None:
    """Store one foreign line's entity; None when kept (or folded), else why it was skipped."""
    result = ftm_foreign.resolve(data, _graph_kind, folds, None)
    if not isinstance(result, Entity):
        return result
    if result.dataset == schema.GRAPH_DATASET:
        result.dataset = "ftm"  # a foreign line is never part of our evidence graph
    if len(result.id) > 120:  # the store's limit on an id
        return f"{data['schema']} {result.id[:40]}…: id: longer than 120 characters"
    if not _DATASET_NAME.fullmatch(result.dataset):
        return f"{data['schema']} {result.id}: datasets: {result.dataset[:40]!r} is not a dataset name (lowercase letters, digits, _ . -)"
    existing = tx.get_entity(result.id)
    if existing is not None and existing.dataset == schema.GRAPH_DATASET:
        return f"{data['schema']} {result.id}: that id is an entity of the evidence graph; a foreign line never replaces it"
    try:
        schema.check_entity(result)
    except ModelError as exc:
        return f"{data['schema']} {result.id}: {exc.field}: {exc.message}"
    tx.upsert_entity(result)
    return None


__all__ = ["export_file", "import_file", "export_lines", "entity_from_foreign_ftm"]
