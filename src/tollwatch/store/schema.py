"""Tables of the evidence graph. Migrations own their creation; this is the current shape."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(40), nullable=False),
)

# One row: bumped by every write transaction (Store.begin), so a reader tells in one integer
# comparison whether anything it derived from the store (the screening index, visibility sets) may be stale.
store_version = Table(
    "store_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("publisher", Text),
    Column("url", Text),
    Column("date", String(10)),
    Column("grade", String(1)),
    Column("sensitivity", String(20), nullable=False),
    Column("origin", Text),
    Column("sha256", String(64), unique=True),
    Column("text", Text),
    Column("text_kind", String(12), nullable=False, server_default="verbatim"),
    Column("created_at", String(40), nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("caption", Text, nullable=False),
    Column("dataset", String(80), nullable=False),
    Column("attributes", JSON, nullable=False),
    Column("is_new", Integer, nullable=False, default=0),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_entities_dataset", "dataset"),
)

names = Table(
    "names",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String(120), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("value", Text, nullable=False),
    Column("script", String(10), nullable=False),
    Column("system", String(10)),
    Column("lang", String(8)),
    # Migration 7: the sensitivity (and source) of the evidence behind the name.
    Column("sensitivity", String(12), nullable=False, server_default="public"),
    Column("source_id", String(120)),
    Index("ix_names_entity", "entity_id"),
)

# One row per lookup key of each name: lets `entities show 개천` find "Kaechon" by index.
name_keys = Table(
    "name_keys",
    metadata,
    Column("entity_id", String(120), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Index("ix_name_keys_key", "key"),
    Index("ix_name_keys_entity", "entity_id"),
)

identifiers = Table(
    "identifiers",
    metadata,
    Column("entity_id", String(120), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("scheme", String(60), nullable=False),
    Column("value", String(200), nullable=False),
    Index("ix_identifiers_value", "scheme", "value"),
    Index("ix_identifiers_entity", "entity_id"),  # migration 13: hydrating an entity read the whole table
)

coordinates = Table(
    "coordinates",
    metadata,
    Column("entity_id", String(120), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("source", Text),
    Column("confidence", Text),
    Index("ix_coordinates_entity", "entity_id"),  # migration 13
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("subject_id", String(120), ForeignKey("entities.id"), nullable=False),
    Column("predicate", String(40), nullable=False),
    Column("object_id", String(120), ForeignKey("entities.id")),
    Column("value", Text),
    Column("period_start", String(10)),
    Column("period_end", String(10)),
    Column("qty_low", Float),
    Column("qty_high", Float),
    Column("qty_unit", String(40)),
    Column("source_id", String(80), ForeignKey("sources.id"), nullable=False),
    Column("quote", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("method", String(10), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence_kind", String(12), nullable=False, server_default="verbatim"),
    Column("cites", JSON),
    Column("rule", String(40)),  # the extraction rule that proposed the claim (migration 12)
    Column("status", String(10), nullable=False),
    Column("reviewed_by", String(120)),
    Column("reviewed_at", String(40)),
    Column("note", Text),
    Column("created_at", String(40), nullable=False),
    Column("qualifiers", JSON),  # migration 11: what the predicate declares besides value and quantity
    Index("ix_claims_subject", "subject_id"),
    Index("ix_claims_object", "object_id"),
    Index("ix_claims_source", "source_id"),
    Index("ix_claims_status", "status"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target_kind", String(20), nullable=False),
    Column("target_id", String(120), nullable=False),
    Column("detail", JSON),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)
