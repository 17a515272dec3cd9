"""Decisions carried forward: a row's hit keeps the latest decision on it across versions.

A cleared hit (a false positive) stays cleared while the listed profile and the query row
are what the analyst decided on; when either changes the hit is reopened, shown again with
what changed (names added or removed, caption, query fields).
"""

from __future__ import annotations

from sqlalchemy import Connection

from tollwatch.store import runs_repo


def standing(conn: Connection, run_name: str) -> dict[tuple[str, str], dict]:
    """(query_id, entity_id) -> the latest decision on that hit."""
    out: dict[tuple[str, str], dict] = {}
    for d in runs_repo.list_decisions(conn, run_name):
        out[(d["query_id"], d["entity_id"])] = d
    return out


def what_changed(decision: dict, query: dict, record: list | None) -> dict:
    """How the profile and the query row differ from the ones decided on ({} when unchanged)."""
    basis = decision.get("basis") or {}
    changed: dict = {}
    before = basis.get("profile")
    if before is not None:
        if record is None:
            changed["profile"] = {"removed": True}
        elif record[1] != before.get("digest"):
            was, now_names = set(before.get("names") or []), set(record[2])
            prof: dict = {"names_added": sorted(now_names - was), "names_removed": sorted(was - now_names)}
            if record[3] != before.get("caption"):
                prof["caption"] = {"before": before.get("caption"), "after": record[3]}
            changed["profile"] = prof if any(prof.values()) else {"details": "program, country or other listed fields"}
    old_q = basis.get("query") or {}
    if old_q != query:
        changed["query"] = {k: {"before": old_q.get(k), "after": query.get(k)} for k in sorted(old_q.keys() | query.keys()) if old_q.get(k) != query.get(k)}
    return changed


def annotate(result: dict, row: dict, held: dict[tuple[str, str], dict], records: dict[str, list]) -> dict:
    """The result with each decided match carrying its standing decision (and whether it was reopened)."""
    if not held:
        return result
    qid = str(result["query_id"])
    for m in result["matches"]:
        d = held.get((qid, m["entity_id"]))
        if d is None:
            continue
        entry = {"decision": d["decision"], "note": d["note"], "actor": d["actor"], "at": d["at"], "run_version": d["run_version"]}
        if d["decision"] == "cleared":
            changed = what_changed(d, result["query"], records.get(m["entity_id"]))
            if changed:
                entry |= {"reopened": True, "changed": changed}
        m["decision"] = entry
    return result


def suppressed(match: dict) -> bool:
    """A hit cleared and not reopened: not a new hit, not open."""
    d = match.get("decision") or {}
    return d.get("decision") == "cleared" and not d.get("reopened")


def open_items(results, limit: int = 200) -> list[dict]:
    """Hits that want an analyst: escalated, reopened, or not decided yet."""
    out = []
    for r in results:
        for m in r["matches"]:
            if not m.get("match"):
                continue
            d = m.get("decision") or {}
            state = "reopened" if d.get("reopened") else d.get("decision") or "undecided"
            if state in ("escalated", "reopened", "undecided"):
                out.append({"query_id": r["query_id"], "entity_id": m["entity_id"], "dataset": m["dataset"], "name": m["name"], "score": m["score"],
                            "risk": r["risk"]["level"], "state": state, "changed": d.get("changed"), "note": d.get("note")})
                if len(out) >= limit:
                    return out
    return out
