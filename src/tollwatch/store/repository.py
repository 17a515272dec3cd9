"""The store adapter: the domain model in and out of SQLite or PostgreSQL.

Every write runs inside one transaction with its audit entry, so a failed import
leaves nothing half-written and every change says who made it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from tollwatch.core import names as name_intel
from tollwatch.core.schema import check_claim
from tollwatch.core.model import (
    Claim,
    Coordinates,
    Entity,
    EntityKind,
    Evidence,
    EvidenceKind,
    Identifier,
    Method,
    ModelError,
    Name,
    Period,
    Predicate,
    Quantity,
    Review,
    ReviewStatus,
    Romanization,
    Script,
    Sensitivity,
    Source,
    SourceKind,
)
from tollwatch.store import by_ids, schema
from tollwatch.store.engine import ensure_schema, search_path_schema, write_connection
from tollwatch.store.engine import make_engine as make_engine  # re-exported: callers import it from here
from tollwatch.store.migrations import migrate
from tollwatch.store.name_evidence import evidence_sensitivity, names_carried_by_merge, visible_names


class StoreError(Exception):
    """A write the store refuses; the message is meant for the user."""


class DuplicateSourceError(StoreError):
    def __init__(self, existing_id: str):
        super().__init__(f"duplicate source: the same content is already stored as {existing_id}")
        self.existing_id = existing_id


class NotFoundError(StoreError):
    pass


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_db_url() -> str:
    env = os.environ.get("TOLLWATCH_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    path = Path(user_data_dir("tollwatch", appauthor=False)) / "tollwatch.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or default_db_url()
        try:
            self.engine = make_engine(self.url)
            if self.engine.dialect.name == "postgresql":
                ensure_schema(self.engine, search_path_schema(self.url))
            migrate(self.engine)
        except (ArgumentError, DBAPIError, ModuleNotFoundError, ValueError) as exc:
            # One line naming the setting, with any password hidden: never a traceback.
            raise StoreError(f"db: cannot open the store {_redacted(self.url)}: {_first_line(getattr(exc, 'orig', None) or exc)}") from None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def begin(self, actor: str = "cli") -> Iterator[Txn]:
        try:
            with write_connection(self.engine) as conn:
                yield Txn(conn, actor)
                # Last, just before commit: the row lock is held only while committing (no
                # deadlock with a writer's advisory locks), and the bump commits with the write.
                sv = schema.store_version
                conn.execute(update(sv).where(sv.c.id == 1).values(value=sv.c.value + 1))
        except IntegrityError as exc:
            # Reaches here only when a constraint the checks above could not foresee fails,
            # e.g. another writer committed the same record a moment earlier.
            raise StoreError(f"conflict: the database refused the write ({_first_line(exc.orig)}); retry") from exc

    @contextmanager
    def read(self, max_sensitivity: Sensitivity) -> Iterator[Reader]:
        """Reads at the reader's clearance; there is no default, so no caller reads confidential by accident."""
        with self.engine.connect() as conn:
            yield Reader(conn, max_sensitivity)

    def version(self) -> int:
        """The write counter: it changes whenever a write transaction commits (schema.store_version)."""
        with self.engine.connect() as conn:  # plain SQL: this runs on every /match, so no statement compiling
            return int(conn.exec_driver_sql("SELECT value FROM store_version WHERE id = 1").scalar() or 0)

    # Convenience wrappers for single operations.
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc and str(exc).strip() else "constraint"


class Reader:
    """Reads honour a sensitivity ceiling: callers without the right role never see more."""

    def __init__(self, conn: Connection, max_sensitivity: Sensitivity):
        self.conn = conn
        self.max_sensitivity = max_sensitivity
        self._trimmed: set[str] = set()  # entities read with a name hidden from this reader

    def _allowed_sensitivities(self) -> list[str]:
        return [s.value for s in Sensitivity if s.rank <= self.max_sensitivity.rank]

    # Sources
    def get_source(self, source_id: str) -> Source | None:
        row = self.conn.execute(
            select(schema.sources).where(
                schema.sources.c.id == source_id,
                schema.sources.c.sensitivity.in_(self._allowed_sensitivities()),
            )
        ).mappings().first()
        return _source_from_row(row) if row else None

    def find_source_by_hash(self, sha: str) -> str | None:
        return self.conn.execute(select(schema.sources.c.id).where(schema.sources.c.sha256 == sha)).scalar()

    def list_sources(self) -> list[Source]:
        rows = self.conn.execute(
            select(schema.sources)
            .where(schema.sources.c.sensitivity.in_(self._allowed_sensitivities()))
            .order_by(schema.sources.c.id)
        ).mappings()
        return [_source_from_row(r) for r in rows]

    def sources_by_id(self, ids: Iterable[str]) -> dict[str, Source]:
        ids = list(set(ids))
        out = {}
        for chunk in _chunks(ids, 500):
            rows = self.conn.execute(
                select(schema.sources).where(
                    schema.sources.c.id.in_(chunk),
                    schema.sources.c.sensitivity.in_(self._allowed_sensitivities()),
                )
            ).mappings()
            out.update({r["id"]: _source_from_row(r) for r in rows})
        return out

    # Entities
    def get_entity(self, entity_id: str) -> Entity | None:
        row = self.conn.execute(select(schema.entities).where(schema.entities.c.id == entity_id)).mappings().first()
        if not row:
            return None
        return self._hydrate([row])[0]

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        for chunk in _chunks(list(set(ids)), 500):
            rows = self.conn.execute(by_ids.ENTITIES, {by_ids.IDS: chunk}).mappings().all()
            out.update({e.id: e for e in self._hydrate(rows)})
        return out

    def list_entities(self, kind: EntityKind | None = None, dataset: str | None = None) -> list[Entity]:
        q = select(schema.entities).order_by(schema.entities.c.id)
        if kind:
            q = q.where(schema.entities.c.kind == kind.value)
        if dataset:
            q = q.where(schema.entities.c.dataset == dataset)
        return self._hydrate(self.conn.execute(q).mappings().all())

    def find_entities(self, query: str, dataset: str | None = None) -> list[Entity]:
        """Entities with a name whose keys include every key of the query (any script)."""
        exact = self.get_entity(query)
        if exact:
            return [exact]
        keys = name_intel.query_keys(query)
        if not keys:
            return []
        k = schema.name_keys
        q = (
            select(k.c.entity_id)
            .where(k.c.key.in_(list(keys)))
            .group_by(k.c.entity_id)
            .having(func.count(func.distinct(k.c.key)) == len(keys))
        )
        ids = list(self.conn.execute(q).scalars())
        # A name above the reader's clearance is not there: it may not find its entity either.
        found = [e for e in self.entities(ids).values() if e.id not in self._trimmed or keys <= _name_keys(e)]
        ents = sorted(found, key=lambda e: (e.dataset != "tollwatch", e.id))
        if dataset:
            ents = [e for e in ents if e.dataset == dataset]
        return ents

    def _hydrate(self, rows) -> list[Entity]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        names: dict[str, list] = {i: [] for i in ids}
        idents: dict[str, list] = {i: [] for i in ids}
        coords: dict[str, list] = {i: [] for i in ids}
        for chunk in _chunks(ids, 500):
            for r in self.conn.execute(by_ids.NAMES, {by_ids.IDS: chunk}).mappings():
                names[r["entity_id"]].append(
                    Name(
                        value=r["value"],
                        script=Script(r["script"]),
                        system=Romanization(r["system"]) if r["system"] else None,
                        lang=r["lang"],
                        sensitivity=Sensitivity(r["sensitivity"]),
                        source_id=r["source_id"],
                    )
                )
            for r in self.conn.execute(by_ids.IDENTIFIERS, {by_ids.IDS: chunk}).mappings():
                idents[r["entity_id"]].append(Identifier(r["scheme"], r["value"]))
            for r in self.conn.execute(by_ids.COORDINATES, {by_ids.IDS: chunk}).mappings():
                coords[r["entity_id"]].append(Coordinates(r["lat"], r["lon"], r["source"], r["confidence"]))
        for entity_id, ns in names.items():
            if len(visible_names(ns, self.max_sensitivity)) < len(ns):
                self._trimmed.add(entity_id)
        return [
            Entity(
                id=r["id"],
                kind=EntityKind(r["kind"]),
                caption=r["caption"],
                names=visible_names(names[r["id"]], self.max_sensitivity),
                identifiers=idents[r["id"]],
                coordinates=coords[r["id"]],
                attributes=dict(r["attributes"] or {}),
                dataset=r["dataset"],
                is_new=bool(r["is_new"]),
            )
            for r in rows
        ]

    # Claims
    def list_claims(
        self,
        source_id: str | None = None,
        entity_id: str | None = None,
        status: ReviewStatus | None = None,
    ) -> list[Claim]:
        c, s = schema.claims, schema.sources
        q = (
            select(c)
            .join(s, s.c.id == c.c.source_id)
            .where(s.c.sensitivity.in_(self._allowed_sensitivities()))
            .order_by(c.c.source_id, c.c.span_start, c.c.id)
        )
        if source_id:
            q = q.where(c.c.source_id == source_id)
        if entity_id:
            q = q.where((c.c.subject_id == entity_id) | (c.c.object_id == entity_id))
        if status:
            q = q.where(c.c.status == status.value)
        return [_claim_from_row(r) for r in self.conn.execute(q).mappings()]

    def get_claim(self, claim_id: str) -> Claim | None:
        claims = [c for c in self._claims_where(schema.claims.c.id == claim_id)]
        return claims[0] if claims else None

    def _claims_where(self, cond) -> list[Claim]:
        c, s = schema.claims, schema.sources
        q = select(c).join(s, s.c.id == c.c.source_id).where(cond, s.c.sensitivity.in_(self._allowed_sensitivities()))
        return [_claim_from_row(r) for r in self.conn.execute(q).mappings()]

    def audit(self, target_id: str | None = None, limit: int = 1000, *, actor: str | None = None, action: str | None = None) -> list[dict]:
        q = select(schema.audit_log).order_by(schema.audit_log.c.id.desc()).limit(limit)
        if target_id:
            q = q.where(schema.audit_log.c.target_id == target_id)
        if actor:
            q = q.where(schema.audit_log.c.actor == actor)
        if action:
            q = q.where(schema.audit_log.c.action == action)
        return [dict(r) for r in self.conn.execute(q).mappings()]

    def counts(self) -> dict[str, int]:
        out = {}
        for name, table in (("sources", schema.sources), ("entities", schema.entities), ("claims", schema.claims)):
            out[name] = self.conn.execute(select(func.count()).select_from(table)).scalar() or 0
        return out


class Txn(Reader):
    """A write transaction; all writes record an audit entry in the same transaction."""

    def __init__(self, conn: Connection, actor: str):
        super().__init__(conn, Sensitivity.CONFIDENTIAL)
        self.actor = actor

    def record_audit(self, action: str, target_kind: str, target_id: str, detail: dict | None = None) -> None:
        """For the store's own modules (users, sources, trade, lists): the entry joins this transaction."""
        self._audit(action, target_kind, target_id, detail)

    def _audit(self, action: str, target_kind: str, target_id: str, detail: dict | None = None) -> None:
        self.conn.execute(
            schema.audit_log.insert().values(
                at=now(), actor=self.actor, action=action, target_kind=target_kind, target_id=target_id, detail=detail
            )
        )

    def lock(self, name: str) -> None:
        """Serialize writers on `name` until this transaction ends (check-then-write sections).

        SQLite write transactions are already exclusive; PostgreSQL takes an advisory lock."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(7420916, hashtext(:n))"), {"n": name})

    def _insert_if_absent(self, table, values: dict) -> bool:
        """Insert unless a row with the same key exists (perhaps committed a moment ago by
        another writer); True when inserted. Never raises on the duplicate."""
        dialect = pg_dialect if self.conn.dialect.name == "postgresql" else sqlite_dialect
        key = list(table.primary_key.columns)[0]
        stmt = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT through SQLAlchemy.
        return self.conn.execute(stmt).first() is not None

    def ensure_meta(self, key: str, value: str) -> str:
        """The stored value of `key`, storing `value` first when there is none (the first writer wins)."""
        self._insert_if_absent(schema.meta, dict(key=key, value=value))
        return self.conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar_one()

    def set_meta(self, key: str, value: str) -> None:
        t = schema.meta
        if not self._insert_if_absent(t, dict(key=key, value=value)):
            self.conn.execute(update(t).where(t.c.key == key).values(value=value))

    def add_source(self, source: Source) -> Source:
        if source.sha256:
            existing = self.find_source_by_hash(source.sha256)
            if existing:
                raise DuplicateSourceError(existing)
        if self.conn.execute(select(schema.sources.c.id).where(schema.sources.c.id == source.id)).first():
            raise StoreError(f"id: a source with id {source.id} already exists")
        inserted = self._insert_if_absent(
            schema.sources,
            dict(
                id=source.id,
                title=source.title,
                kind=source.kind.value,
                publisher=source.publisher,
                url=source.url,
                date=source.date,
                grade=source.grade,
                sensitivity=source.sensitivity.value,
                origin=source.origin,
                sha256=source.sha256,
                text=source.text,
                text_kind=source.text_kind.value,
                created_at=now(),
            ),
        )
        if not inserted:  # another writer stored the same document between our check and insert
            raise DuplicateSourceError((source.sha256 and self.find_source_by_hash(source.sha256)) or source.id)
        # The audit log names the source but never copies its text or title: logs must not leak.
        self._audit("create", "source", source.id, {"sensitivity": source.sensitivity.value})
        return source

    def upsert_entity(self, entity: Entity) -> Entity:
        t = schema.entities
        values = dict(
            kind=entity.kind.value,
            caption=entity.caption,
            dataset=entity.dataset,
            attributes=entity.attributes,
            is_new=int(entity.is_new),
            updated_at=now(),
        )
        # Insert-or-update without a race: two writers proposing the same new entity both succeed.
        exists = not self._insert_if_absent(t, dict(id=entity.id, created_at=values["updated_at"], **values))
        if exists:
            self.conn.execute(update(t).where(t.c.id == entity.id).values(**values))
            for child in (schema.names, schema.name_keys, schema.identifiers, schema.coordinates):
                self.conn.execute(delete(child).where(child.c.entity_id == entity.id))
        self._write_children(entity)
        self._audit("update" if exists else "create", "entity", entity.id)
        return entity

    def _write_children(self, entity: Entity) -> None:
        if entity.names:
            self.conn.execute(
                schema.names.insert(),
                [
                    dict(
                        entity_id=entity.id,
                        position=i,
                        value=n.value,
                        script=n.script.value,
                        system=n.system.value if n.system else None,
                        lang=n.lang,
                        sensitivity=n.sensitivity.value,
                        source_id=n.source_id,
                    )
                    for i, n in enumerate(entity.names)
                ],
            )
        keys: set[str] = set()
        for label in entity.all_names():
            keys |= name_intel.token_keys(label)
        if keys:
            self.conn.execute(schema.name_keys.insert(), [dict(entity_id=entity.id, key=k[:200]) for k in keys])
        if entity.identifiers:
            self.conn.execute(
                schema.identifiers.insert(),
                [
                    dict(entity_id=entity.id, position=i, scheme=x.scheme, value=x.value)
                    for i, x in enumerate(entity.identifiers)
                ],
            )
        if entity.coordinates:
            self.conn.execute(
                schema.coordinates.insert(),
                [
                    dict(entity_id=entity.id, position=i, lat=c.lat, lon=c.lon, source=c.source, confidence=c.confidence)
                    for i, c in enumerate(entity.coordinates)
                ],
            )

    def add_claim(self, claim: Claim, *, replace: bool = False) -> Claim:
        kinds: dict[str, str | None] = {"subject": None, "object": None}
        for field_name, entity_id in (("subject", claim.subject_id), ("object", claim.object_id)):
            if entity_id:
                entity_row = self.conn.execute(select(schema.entities.c.kind).where(schema.entities.c.id == entity_id)).first()
                if not entity_row:
                    raise ModelError(field_name, f"no entity with id {entity_id}")
                kinds[field_name] = entity_row.kind
        check_claim(claim, kinds["subject"], kinds["object"])  # every way in passes here
        src = self.conn.execute(
            select(schema.sources.c.id, schema.sources.c.text, schema.sources.c.text_kind).where(
                schema.sources.c.id == claim.evidence.source_id
            )
        ).first()
        if not src:
            raise ModelError("source_id", f"no source with id {claim.evidence.source_id}")
        claim.evidence.check_against(src.text)
        if src.text_kind != EvidenceKind.VERBATIM.value:
            # A passage of our paraphrase or of a compiled row is that, whatever the claim said.
            claim.evidence.kind = EvidenceKind(src.text_kind)
        row = _claim_to_row(claim)
        exists = not self._insert_if_absent(schema.claims, dict(id=claim.id, created_at=now(), **row))
        if exists and not replace:
            return claim  # content-addressed ids: the same claim from the same passage is already here
        if exists:
            self.conn.execute(update(schema.claims).where(schema.claims.c.id == claim.id).values(**row))
        detail: dict = {"predicate": str(claim.predicate)}
        if claim.review.status != ReviewStatus.PROPOSED:  # an imported, already reviewed record says so
            detail["review"] = {"status": claim.review.status.value, "by": claim.review.by, "at": claim.review.at}
        self._audit("update" if exists else "create", "claim", claim.id, detail)
        return claim

    def review_claim(self, claim_id: str, status: ReviewStatus, note: str | None = None, *, batch: str | None = None) -> Claim:
        # Lock the row first: two reviewers at once queue, and the audit's "from" is the true prior status.
        self.conn.execute(select(schema.claims.c.id).where(schema.claims.c.id == claim_id).with_for_update())
        claim = self.get_claim(claim_id)
        if not claim:
            raise NotFoundError(f"id: no claim with id {claim_id}")
        at = now()
        values = dict(status=status.value, reviewed_by=self.actor, reviewed_at=at)
        if note is not None:
            values["note"] = note
        self.conn.execute(update(schema.claims).where(schema.claims.c.id == claim_id).values(**values))
        # Who reviewed it before travels with the entry, so the decision can be undone. The prior
        # note's text does not: an extractor's note may echo a restricted report, and the log is read widely.
        detail = {"from": claim.review.status.value, "to": status.value, "note": note,
                  "prior": {"by": claim.review.by, "at": claim.review.at}}
        if batch:
            detail["batch"] = batch
        self._audit("review", "claim", claim_id, detail)
        reviewed = self.get_claim(claim_id)
        assert reviewed is not None  # locked above, in this same transaction
        return reviewed

    def revert_review(self, claim_id: str, entry: dict, undoes: str) -> Claim | None:
        """Put a claim back as the audit `entry` found it (status and reviewer; a note the decision
        replaced stays, since the log keeps no note text); audited as an undo."""
        self.conn.execute(select(schema.claims.c.id).where(schema.claims.c.id == claim_id).with_for_update())
        claim = self.get_claim(claim_id)
        detail = entry.get("detail") or {}
        if not claim or "prior" not in detail:
            return None
        prior = detail["prior"]
        self.conn.execute(
            update(schema.claims).where(schema.claims.c.id == claim_id).values(
                status=detail["from"], reviewed_by=prior.get("by"), reviewed_at=prior.get("at"),
            )
        )
        self._audit("review", "claim", claim_id, {"from": claim.review.status.value, "to": detail["from"], "undo": undoes})
        return self.get_claim(claim_id)

    def delete_claim(self, claim_id: str) -> None:
        if not self.conn.execute(select(schema.claims.c.id).where(schema.claims.c.id == claim_id)).first():
            raise NotFoundError(f"id: no claim with id {claim_id}")
        self.conn.execute(delete(schema.claims).where(schema.claims.c.id == claim_id))
        self._audit("delete", "claim", claim_id)

    def merge_entity(self, from_id: str, into_id: str) -> Entity:
        """Fold a proposed entity into an existing one: names join, claims move."""
        src, dst = self.get_entity(from_id), self.get_entity(into_id)
        if not src or not dst:
            raise NotFoundError(f"id: no entity with id {from_id if not src else into_id}")
        # The moved names keep the sensitivity and source of the evidence that proposed them.
        level, source_id = evidence_sensitivity(self.conn, src)
        dst.names = names_carried_by_merge(src, dst, level, source_id)
        self.upsert_entity(dst)
        c = schema.claims
        self.conn.execute(update(c).where(c.c.subject_id == from_id).values(subject_id=into_id))
        self.conn.execute(update(c).where(c.c.object_id == from_id).values(object_id=into_id))
        self.conn.execute(delete(schema.entities).where(schema.entities.c.id == from_id))
        self._audit("merge", "entity", from_id, {"into": into_id})
        return dst


def _name_keys(entity: Entity) -> set[str]:
    keys: set[str] = set()
    for label in entity.all_names():
        keys |= name_intel.token_keys(label)
    return keys


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _source_from_row(r) -> Source:
    return Source(
        id=r["id"],
        title=r["title"],
        kind=SourceKind(r["kind"]),
        publisher=r["publisher"],
        url=r["url"],
        date=r["date"],
        grade=r["grade"],
        sensitivity=Sensitivity(r["sensitivity"]),
        text=r["text"],
        sha256=r["sha256"],
        origin=r["origin"],
        text_kind=EvidenceKind(r["text_kind"]),
    )


def _claim_to_row(c: Claim) -> dict:
    return dict(
        subject_id=c.subject_id,
        predicate=c.predicate.value,
        object_id=c.object_id,
        value=c.value,
        period_start=c.period.start if c.period else None,
        period_end=c.period.end if c.period else None,
        qty_low=c.quantity.low if c.quantity else None,
        qty_high=c.quantity.high if c.quantity else None,
        qty_unit=c.quantity.unit if c.quantity else None,
        source_id=c.evidence.source_id,
        quote=c.evidence.quote,
        span_start=c.evidence.span[0] if c.evidence.span else None,
        span_end=c.evidence.span[1] if c.evidence.span else None,
        method=c.evidence.method.value,
        confidence=c.evidence.confidence,
        evidence_kind=c.evidence.kind.value,
        cites=list(c.evidence.cites) if c.evidence.cites is not None else None,
        rule=c.evidence.rule,
        status=c.review.status.value,
        reviewed_by=c.review.by,
        reviewed_at=c.review.at,
        note=c.note,
        qualifiers=dict(c.qualifiers) or None,
    )


def _claim_from_row(r) -> Claim:
    qty = None
    if r["qty_unit"] is not None:
        qty = Quantity(r["qty_low"], r["qty_high"], r["qty_unit"])
    period = None
    if r["period_start"] or r["period_end"]:
        period = Period(r["period_start"], r["period_end"])
    span = (r["span_start"], r["span_end"]) if r["span_start"] is not None else None
    return Claim(
        id=r["id"],
        subject_id=r["subject_id"],
        predicate=Predicate(r["predicate"]),
        object_id=r["object_id"],
        value=r["value"],
        period=period,
        quantity=qty,
        evidence=Evidence(
            source_id=r["source_id"],
            quote=r["quote"],
            span=span,
            method=Method(r["method"]),
            confidence=r["confidence"],
            kind=EvidenceKind(r["evidence_kind"]),
            cites=tuple(r["cites"]) if r["cites"] is not None else None,
            rule=r["rule"],
        ),
        review=Review(ReviewStatus(r["status"]), r["reviewed_by"], r["reviewed_at"]),
        note=r["note"],
        qualifiers=dict(r["qualifiers"] or {}),
    )
