"""Sources: add, list, show, edit metadata and delete, at the reader's clearance.

A source's text never changes (claims point into it by offset), and a source with
claims cannot be deleted until they are. A caller never learns that a source above its
clearance exists: it is "not found", the same as one that does not.
"""

from __future__ import annotations

from tollwatch.app.evidence import add_source, make_source, read_text, source_to_dict
from tollwatch.core.errors import Forbidden, NotFound
from tollwatch.core.model import (
    ModelError,
    Sensitivity,
    Source,
    SourceKind,
    parse_date,
    parse_enum,
    parse_grade,
)
from tollwatch.store import sources_repo
from tollwatch.store.repository import Store

EDITABLE = sources_repo.EDITABLE


def list_sources(store: Store, clearance: Sensitivity) -> list[Source]:
    with store.read(clearance) as r:
        return r.list_sources()


def get_source(store: Store, source_id: str, clearance: Sensitivity) -> Source | None:
    with store.read(clearance) as r:
        return r.get_source(source_id)


def source_changes(changes: dict) -> dict:
    """Checked column values for an edit; a bad field raises ModelError naming it."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ModelError(unknown[0], "cannot be changed (editable: " + ", ".join(EDITABLE) + ")")
    values: dict = {}
    for key, value in changes.items():
        if key == "title":
            if not isinstance(value, str) or not value.strip():
                raise ModelError("title", "must be a non-empty string")
            values[key] = value.strip()
        elif key == "date":
            values[key] = parse_date(value)
        elif key == "grade":
            values[key] = parse_grade(value)
        elif key == "sensitivity":
            values[key] = parse_enum(Sensitivity, str(value), "sensitivity").value
        elif key == "kind":
            values[key] = parse_enum(SourceKind, str(value), "kind").value
        else:
            if value is not None and not isinstance(value, str):
                raise ModelError(key, "must be a string or null")
            values[key] = value
    return values


def _visible_or_not_found(store: Store, source_id: str, clearance: Sensitivity) -> None:
    if get_source(store, source_id, clearance) is None:
        raise NotFound(f"id: no source with id {source_id}")


def edit_source(store: Store, actor: str, source_id: str, changes: dict, clearance: Sensitivity) -> Source | None:
    """Change a source's metadata; the source as the editor now reads it (None: moved above their clearance).

    Raises NotFound (also for a source above `clearance`), ModelError for a bad field,
    Forbidden for a sensitivity above `clearance`."""
    _visible_or_not_found(store, source_id, clearance)
    if "sensitivity" in changes:
        target = parse_enum(Sensitivity, str(changes["sensitivity"]), "sensitivity")
        if target.rank > clearance.rank:
            raise Forbidden("sensitivity: above your clearance")
    values = source_changes(changes)
    with store.begin(actor) as tx:
        sources_repo.update_source(tx, source_id, values)
    return get_source(store, source_id, clearance)


def delete_source(store: Store, actor: str, source_id: str, clearance: Sensitivity) -> None:
    """Delete a source no claim rests on (StoreError names how many do)."""
    _visible_or_not_found(store, source_id, clearance)
    with store.begin(actor) as tx:
        sources_repo.delete_source(tx, source_id)


def withdraw_source(store: Store, actor: str, source_id: str, reason: str, clearance: Sensitivity) -> None:
    """Withdraw a source (retracted, discredited): recorded in the append-only audit log, which
    dossiers read to drop the claims resting on it. Its text and claims stay, for the record."""
    if not (reason or "").strip():
        raise ModelError("reason", "a withdrawal needs a reason")
    _visible_or_not_found(store, source_id, clearance)
    with store.begin(actor) as tx:
        tx.record_audit("source.withdraw", "source", source_id, {"reason": reason.strip()})


__all__ = [
    "EDITABLE",
    "add_source",
    "delete_source",
    "edit_source",
    "get_source",
    "list_sources",
    "make_source",
    "read_text",
    "source_changes",
    "source_to_dict",
    "withdraw_source",
]


SOURCE_KIND_LABELS = {
    "news": "News", "testimony": "Testimony", "ngo_report": "NGO report", "government": "Government",
    "satellite_imagery": "Satellite imagery", "trade_data": "Trade data", "sanctions_list": "Sanctions list",
    "reference": "Compiled reference",
}
SOURCE_SORTS = ("title", "date", "publisher", "claims")


def source_rows(reader, kind: str = "", sort: str = "title") -> dict:
    """The sources list page: each visible source with its kind's label and how many visible claims cite it,
    filtered to one kind and sorted (title, newest date first, publisher, most claims first)."""
    from collections import Counter

    counts = Counter(c.evidence.source_id for c in reader.list_claims())
    sources = reader.list_sources()
    kinds = Counter(s.kind.value for s in sources)
    rows = [{"source": s, "kind_label": SOURCE_KIND_LABELS.get(s.kind.value, s.kind.value), "claims": counts.get(s.id, 0)}
            for s in sources if not kind or s.kind.value == kind]
    sort = sort if sort in SOURCE_SORTS else "title"
    if sort == "date":
        rows.sort(key=lambda r: r["source"].date or "", reverse=True)
    elif sort == "claims":
        rows.sort(key=lambda r: -r["claims"])
    else:
        rows.sort(key=lambda r: (getattr(r["source"], sort) or "").casefold())
    return {"rows": rows, "total": len(sources), "kind": kind if kind in kinds else "", "sort": sort,
            "kinds": [{"value": k, "label": SOURCE_KIND_LABELS.get(k, k), "count": n} for k, n in sorted(kinds.items())]}
