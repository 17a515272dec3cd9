"""Exchange with other tools: export the graph (FtM, native JSON lines, claims CSV) and import FtM.

The export's reader is public, or restricted with `include_restricted`; never confidential.
What it writes is what that reader may see, by the one rule in app/visibility.py: sources
and claims above its clearance are left out, an entity proposed only from such sources
does not exist for it, and attributes pointing at them are redacted.
Imports run in one transaction: a bad line stores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tollwatch.app.citations import add_citations
from tollwatch.app.resolution import list_judgements, profile_map
from tollwatch.app.screening import BUNDLED, ensure_default_lists
from tollwatch.app.visibility import GRAPH_DATASET, entity_visible, redact_entity, visible_entities
from tollwatch.core.model import Entity, Sensitivity, Source
from tollwatch.core.records import claim_to_dict
from tollwatch.core.resolution import Judgement
from tollwatch.importers import ftm
from tollwatch.importers.ftm_profiles import Profile
from tollwatch.store.repository import Reader, Store
from tollwatch.writers.claims import CLAIM_COLUMNS, claims_csv

EXPORT_FORMATS = ("ftm", "jsonl", "csv")


def export_graph(store: Store, path: Path, fmt: str = "ftm", *, include_restricted: bool = False) -> int:
    """Write the graph, as the export's reader may see it, to `path`; the number of records written."""
    clearance = Sensitivity.RESTRICTED if include_restricted else Sensitivity.PUBLIC
    with store.read(clearance) as r:
        sources, entities, claims = graph_records(r)
        profiles = graph_profiles(r, entities) if fmt == "ftm" else []
    return ftm.export_file(path, fmt, sources, entities, claims, profiles)


def export_lines(store: Store, fmt: str, clearance: Sensitivity) -> list[str]:
    """The export's lines for a reader at `clearance` (FtM or native JSON lines).

    `export_graph` never reads above restricted; a confidential clearance here is for a
    trusted local caller (and the leak tests' positive control) only.
    """
    with store.read(clearance) as r:
        sources, entities, claims = graph_records(r)
        profiles = graph_profiles(r, entities) if fmt == "ftm" else []
        return ftm.export_lines(sources, entities, claims, fmt, profiles)


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


def graph_profiles(reader: Reader, entities: list[Entity]) -> list[Profile]:
    """Every merged profile the reader may see (app/resolution.py), members canonical first: the
    FtM export writes each as one entity whose `referents` are its other members' ids. Members the
    export holds anyway (`entities`) are taken as they are; list entries are read and redacted."""
    canonical_of = profile_map(reader)
    groups: dict[str, list[str]] = defaultdict(list)
    for member, canon in canonical_of.items():
        groups[canon].append(member)
    held = {e.id: e for e in entities}
    others = reader.entities({m for ids in groups.values() if len(ids) > 1 for m in ids if m not in held})
    same = [j for j in list_judgements(reader) if j.judgement == Judgement.SAME]
    out = []
    for canon, ids in sorted(groups.items()):
        members = [held[i] if i in held else redact_entity(reader, others[i]) for i in ids if i in held or entity_visible(reader, others.get(i))]
        if len(members) < 2 or canon not in {e.id for e in members}:
            continue
        members.sort(key=lambda e: (e.id != canon, e.dataset, e.id))
        inside = [j for j in same if canonical_of.get(j.left_id) == canon and canonical_of.get(j.right_id) == canon]
        out.append(Profile(canon, members, inside))
    return out


def import_graph(store: Store, path: Path, actor: str) -> dict[str, Any]:
    """Import FollowTheMoney JSON lines (ours or another tool's): counts by kind of record
    (sources, entities, claims, folded, skipped, and profiles and judgements when there are any)
    and `skipped_lines`, each with its reason. A profile naming a record of a bundled list this
    store has not loaded yet loads the bundled lists first (app/screening.ensure_default_lists)."""
    return ftm.import_file(store, path, actor, before_write=lambda ids: _load_lists_for(store, ids))


def _load_lists_for(store: Store, ids: set[str]) -> None:
    if not ids:
        return
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        missing = ids - set(r.entities(ids))
    if any(i.startswith(f"{dataset}-") for i in missing for dataset in BUNDLED):
        ensure_default_lists(store)


def claims_table(claims: list[dict]) -> str:
    """Claim dicts (app.evidence) as the claims CSV: the same bytes `export --format csv` writes."""
    return claims_csv(claims)


__all__ = ["CLAIM_COLUMNS", "EXPORT_FORMATS", "claims_table", "export_graph", "export_lines", "graph_profiles", "graph_records", "import_graph"]
