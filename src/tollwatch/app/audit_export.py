"""`tollwatch audit export`: who did what, when, on which run, row, entity, list version and claim.

Every decision in the period, with the list version it was made on and the claims behind
the hit; the saves and rescreens of runs; and every other audit entry by who, what and
when only (their details may quote a source). Claims and their sources' titles are read at
public clearance (`EXPORT_CLEARANCE`): a confidential source's text or title never leaves.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tollwatch.core.errors import InputError
from tollwatch.core.model import Sensitivity
from tollwatch.store import runs_repo, schema
from tollwatch.store.repository import Store

EXPORT_CLEARANCE = Sensitivity.PUBLIC
FORMATS = ("csv", "jsonl")
COLUMNS = ["at", "actor", "action", "run", "version", "row", "entity_id", "dataset", "decision", "note", "list_snapshot_date", "list_sha256", "claims", "claim_sources", "target_kind", "target_id", "detail"]


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"--{field} {value!r} is not a date (YYYY-MM-DD)", field=field) from None


def _claim_refs(store: Store, claim_ids: list[str], entity_id: str, clearance: Sensitivity) -> tuple[list[str], list[dict]]:
    """The claims behind a hit that `clearance` may see, and their sources' ids and titles."""
    with store.read(clearance) as r:
        claims = {c.id: c for c in r.list_claims(entity_id=entity_id)}
        for cid in claim_ids:
            c = r.get_claim(cid)
            if c is not None:
                claims[c.id] = c
        sources = r.sources_by_id({c.evidence.source_id for c in claims.values()})
    refs = [{"source_id": s.id, "title": s.title} for s in sorted(sources.values(), key=lambda s: s.id)]
    return sorted(cid for cid, c in claims.items() if c.evidence.source_id in sources), refs


def _hidden_targets(store: Store, log, clearance: Sensitivity) -> set[tuple[str, str]]:
    """Audit targets (sources, claims) a reader at `clearance` may not see."""
    sources = {e["target_id"] for e in log if e["target_kind"] == "source"}
    claims = {e["target_id"] for e in log if e["target_kind"] == "claim"}
    with store.read(clearance) as r:
        seen_sources = set(r.sources_by_id(sources))
        seen_claims = {c for c in claims if r.get_claim(c) is not None}
    return {("source", s) for s in sources - seen_sources} | {("claim", c) for c in claims - seen_claims}


def entries(store: Store, since: str, until: str, *, clearance: Sensitivity = EXPORT_CLEARANCE) -> list[dict]:
    """The export's entries, oldest first: dates are inclusive days (UTC)."""
    start, end = _day(since, "from"), _day(until, "to")
    if end < start:
        raise InputError(f"--to {until} is before --from {since}", field="to")
    lo, hi = start.isoformat(), (end + timedelta(days=1)).isoformat()
    out: list[dict] = []
    with store.engine.connect() as conn:
        decisions = runs_repo.list_decisions(conn, since=lo, until=hi)
        log = conn.execute(select(schema.audit_log).where(schema.audit_log.c.at >= lo, schema.audit_log.c.at < hi).order_by(schema.audit_log.c.id)).mappings().all()
    for d in decisions:
        basis = d["basis"] or {}
        lst = basis.get("list") or {}
        claim_ids, sources = _claim_refs(store, basis.get("claims") or [], d["entity_id"], clearance)
        out.append({"at": d["at"], "actor": d["actor"], "action": f"decide.{d['decision']}", "run": d["run_name"], "version": d["run_version"],
                    "row": d["query_id"], "entity_id": d["entity_id"], "dataset": basis.get("dataset"), "decision": d["decision"], "note": d["note"],
                    "list_snapshot_date": lst.get("snapshot_date"), "list_sha256": lst.get("content_sha256"), "claims": claim_ids, "claim_sources": sources,
                    "target_kind": "run", "target_id": f"{d['run_name']}@{d['run_version']}"})
    hidden = _hidden_targets(store, log, clearance)
    for e in log:
        if e["action"] == "run.decide" or (e["target_kind"], e["target_id"]) in hidden:
            continue  # the decision rows above say it all; a source or claim above clearance is not named
        entry = {"at": e["at"], "actor": e["actor"], "action": e["action"], "target_kind": e["target_kind"], "target_id": e["target_id"]}
        if e["action"].startswith("run."):
            name, _, version = e["target_id"].partition("@")
            entry |= {"run": name, "version": int(version) if version.isdigit() else None, "detail": e["detail"]}
        out.append(entry)
    out.sort(key=lambda x: x["at"])
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def render(rows: list[dict], fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use csv or jsonl", field="format")
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) + "\n" for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in COLUMNS])
    return buf.getvalue()


def export(store: Store, since: str, until: str, fmt: str, out: Path | None = None) -> tuple[int, str | None]:
    """The export as text (out None) or written whole to OUT; returns (entries, text or None)."""
    rows = entries(store, since, until)
    text, n = render(rows, fmt), len(rows)
    if out is None:
        return n, text
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".tollwatch-audit-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, out)
    return n, None
