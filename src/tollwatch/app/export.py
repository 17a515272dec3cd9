"""Exchange with other tools: export the graph (FtM, native JSON lines, claims CSV) and import FtM.

The export's reader is public, or restricted with `include_restricted`; never confidential.
What it writes is what that reader may see, by the one rule in app/visibility.py: sources
and claims above its clearance are left out, an entity proposed only from such sources
does not exist for it, and attributes pointing at them are redacted.
Imports run in one transaction: a bad line stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tollwatch.app.citations import add_citations
from tollwatch.app.visibility import GRAPH_DATASET, visible_entities
from tollwatch.core.model import Entity, Sensitivity, Source
from tollwatch.core.records import claim_to_dict
from tollwatch.importers import ftm
from tollwatch.store.repository import Reader, Store
from tollwatch.writers.claims import CLAIM_COLUMNS, claims_csv

EXPORT_FORMATS = ("ftm", "jsonl", "csv")


def export_graph(store: Store, path: Path, fmt: str = "ftm", *, include_restricted: bool = False) -> int:
    """Write the graph, as the export's reader may see it, to `path`; the number of records written."""
    clearance = Sensitivity.RESTRICTED if include_restricted else Sensitivity.PUBLIC
    with store.read(clearance) as r:
        sources, entities, claims = graph_records(r)
    return ftm.export_file(path, fmt, sources, entities, claims)


def export_lines(store: Store, fmt: str, clearance: Sensitivity) -> list[str]:
    """The export's lines for a reader at `clearance` (FtM or native JSON lines).

    `export_graph` never reads above restricted; a confidential clearance here is for a
    trusted local caller (and the leak tests' positive control) only.
    """
    with store.read(clearance) as r:
        return ftm.export_lines(*graph_records(r), fmt)


def graph_records(reader: Reader) -> tuple[list[Source], list[Entity], list[dict]]:
    """Sources, entities and claims (as dicts) this reader may see, in a stable order.

    The evidence graph, plus any list entity a claim points at; whole sanctions lists are
    not ours to re-publish and are re-imported from their official files instead.
    """
    sources = reader.list_sources()
    claims = reader.list_claims()
    ents = {e.id: e for e in reader.list_entities(dataset=GRAPH_DATASET)}
    referenced = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id}
    ents.update(reader.entities(referenced - set(ents)))
    entities = visible_entities(reader, sorted(ents.values(), key=lambda e: e.id), claims)
    by_id = {e.id: e for e in entities}
    ordered = sorted(claims, key=lambda c: c.id)
    claim_dicts = add_citations(reader, ordered, [claim_to_dict(c, by_id) for c in ordered])
    return sources, entities, claim_dicts


def import_graph(store: Store, path: Path, actor: str) -> dict[str, Any]:
    """Import FollowTheMoney JSON lines (ours or another tool's): counts by kind of record
    (sources, entities, claims, folded, skipped) and `skipped_lines`, each with its reason."""
    return ftm.import_file(store, path, actor)


def claims_table(claims: list[dict]) -> str:
    """Claim dicts (app.evidence) as the claims CSV: the same bytes `export --format csv` writes."""
    return claims_csv(claims)


__all__ = ["CLAIM_COLUMNS", "EXPORT_FORMATS", "claims_table", "export_graph", "export_lines", "graph_records", "import_graph"]
