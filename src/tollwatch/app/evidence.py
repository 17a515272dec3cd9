"""Use cases on the evidence graph, shared by the CLI and the server."""

from __future__ import annotations

import os
from pathlib import Path

from tollwatch.app.citations import add_citations, url_is_mirror
from tollwatch.core.corroboration import contradictions, corroborate
from tollwatch.core.errors import InputError
from tollwatch.core.model import (
    Claim,
    Entity,
    ModelError,
    Sensitivity,
    Source,
    SourceKind,
    parse_date,
    parse_enum,
    parse_grade,
    sha256_text,
)
# The record shapes (core.records) and file readers (importers.files) are re-exported:
# the CLI and server reach them through the app layer.
from tollwatch.core.records import claim_from_dict, claim_to_dict, entity_ref, entity_to_dict, source_to_dict  # noqa: F401
from tollwatch.importers.files import MAX_TEXT_BYTES, read_jsonl, read_text  # noqa: F401
from tollwatch.store.repository import DuplicateSourceError, Reader, Store, StoreError
from tollwatch.core.listing import citation, listing_fields
from tollwatch.core.schema import GRAPH_DATASET
from tollwatch.store.lists import dataset_metadata


def open_store(url: str | None = None, *, load_reference: bool = True) -> Store:
    from tollwatch.store.reindex import ensure_name_index

    store = Store(url)
    if load_reference:
        from tollwatch.importers.reference import ensure_reference

        ensure_reference(store)
    ensure_name_index(store, _name_keys_fingerprint())
    return store


def _name_keys_fingerprint() -> str:
    """store.reindex's fingerprint, remembered per version of the name code and its libraries
    (the probes load the pinyin dictionaries: 0.6 s at every start of the command otherwise)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from tollwatch.app.screening import cache_dir
    from tollwatch.store.reindex import fingerprint

    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent / "core"
    for p in sorted([*(here / "names").glob("*.py"), *(here / "data").glob("*.tsv")]):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    for pkg in ("pypinyin", "opencc-python-reimplemented"):
        try:
            h.update(f"{pkg}={version(pkg)}".encode())
        except PackageNotFoundError:
            h.update(pkg.encode())
    memo = cache_dir() / "name-keys" / f"{h.hexdigest()[:24]}.txt"
    try:
        return memo.read_text(encoding="ascii").strip() or fingerprint()
    except OSError:
        pass
    current = fingerprint()
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(current, encoding="ascii")
        os.replace(tmp, memo)
    except OSError:  # a read-only cache: computed each time, as before
        pass
    return current


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


def claims_as_dicts(reader: Reader, claims: list[Claim]) -> list[dict]:
    ids = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id}
    ents = reader.entities(ids)
    return add_citations(reader, claims, [claim_to_dict(c, ents) for c in claims])


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
            {"id": src.id, "title": src.title, "publisher": src.publisher, "url": src.url, "date": src.date,
             "grade": src.grade, "text_kind": src.text_kind.value, "url_mirror": url_is_mirror(src.url)}
            if src
            else None
        )
    report = entity_to_dict(entity)
    if entity.dataset != GRAPH_DATASET:  # a list entry: every field its list gave, labelled and cited
        report["listing"] = {
            "fields": listing_fields(entity.attributes),
            "citation": citation(entity.dataset, entity.attributes.get("list_ref"), dataset_metadata(reader, entity.dataset)),
        }
    report["claims"] = claim_dicts
    report["contradictions"] = [
        {"predicate": x.predicate, "sides": x.sides} for x in contradictions(claims) if x.subject_id == entity.id
    ]
    return report
