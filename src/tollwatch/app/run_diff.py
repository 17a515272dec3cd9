"""The diff between two versions of a run: new hits, hits gone, risk changes, each with its cause.

The same function serves `rescreen` (over the rows it re-screened) and a comparison of two
full runs (over every row), so the two can be checked against each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from tollwatch.app.decisions import suppressed
from tollwatch.app.run_snapshot import GRAPH


def _hits(result: dict) -> dict[str, dict]:
    return {m["entity_id"]: m for m in result["matches"] if m.get("match")}


def hit_cause(eid: str, result_before: dict, result_after: dict, changes: dict[str, dict]) -> dict:
    """Why a hit came or went: its record's change, or another change that moved its score."""
    if eid in changes:
        ch = changes[eid]
        return {"kind": "claim" if ch["dataset"] == GRAPH else "list"} | ch
    before = next((m["score"] for m in result_before["matches"] if m["entity_id"] == eid), None)
    after = next((m["score"] for m in result_after["matches"] if m["entity_id"] == eid), None)
    near = sorted({m["entity_id"] for m in result_before["matches"] + result_after["matches"] if m["entity_id"] in changes})
    cause = {"kind": "score", "score_before": before, "score_after": after}
    if near:
        cause["displaced_by"] = [changes[e] for e in near]
    return cause


def _reason_keys(result: dict) -> set[tuple[str, str]]:
    return {(r["reason"], r["text"]) for r in result["risk"]["reasons"]}


def _claims(result: dict) -> set[str]:
    return {c for r in result["risk"]["reasons"] for c in r.get("claims", [])}


def risk_change(result_before: dict, result_after: dict, changes: dict[str, dict]) -> dict | None:
    a, b = result_before["risk"], result_after["risk"]
    if a["level"] == b["level"]:
        return None
    ra, rb = _reason_keys(result_before), _reason_keys(result_after)
    ca, cb = _claims(result_before), _claims(result_after)
    touched = sorted({m["entity_id"] for m in result_before["matches"] + result_after["matches"] if m["entity_id"] in changes})
    return {
        "before": a["level"], "after": b["level"],
        "reasons_added": [{"reason": k, "text": t} for k, t in sorted(rb - ra)],
        "reasons_removed": [{"reason": k, "text": t} for k, t in sorted(ra - rb)],
        "claims_added": sorted(cb - ca), "claims_removed": sorted(ca - cb),
        "changes": [changes[e] for e in touched],
    }


def row_entries(seq: int, before: dict, after: dict, changes: dict[str, dict]) -> dict[str, list[dict]]:
    """This row's part of each diff section."""
    out: dict[str, list[dict]] = {"new_hits": [], "gone_hits": [], "risk_changes": [], "still_cleared": [], "reopened": []}
    head = {"seq": seq, "query_id": after["query_id"], "query": after["query"]}
    hb, ha = _hits(before), _hits(after)
    for eid in sorted(ha.keys() - hb.keys()):
        m = ha[eid]
        entry = head | {"entity_id": eid, "dataset": m["dataset"], "name": m["name"], "score": m["score"], "cause": hit_cause(eid, before, after, changes)}
        out["still_cleared" if suppressed(m) else "new_hits"].append(entry)
    for eid in sorted(hb.keys() - ha.keys()):
        m = hb[eid]
        out["gone_hits"].append(head | {"entity_id": eid, "dataset": m["dataset"], "name": m["name"], "score_before": m["score"], "cause": hit_cause(eid, before, after, changes)})
    for eid in sorted(ha.keys() & hb.keys()):
        d = ha[eid].get("decision") or {}
        if d.get("reopened") and not (hb[eid].get("decision") or {}).get("reopened"):
            out["reopened"].append(head | {"entity_id": eid, "dataset": ha[eid]["dataset"], "name": ha[eid]["name"], "changed": d.get("changed")})
    rc = risk_change(before, after, changes)
    if rc is not None:
        out["risk_changes"].append(head | rc)
    return out


def build_diff(pairs: Iterable[tuple[int, dict, dict]], changes: dict[str, dict], meta_before: dict, meta_after: dict) -> dict:
    """The diff over (seq, before, after) triples; rows not given are unchanged."""
    diff: dict = {"new_hits": [], "gone_hits": [], "risk_changes": [], "still_cleared": [], "reopened": []}
    for seq, before, after in pairs:
        for k, v in row_entries(seq, before, after, changes).items():
            diff[k].extend(v)
    lists_a, lists_b = meta_before.get("lists") or {}, meta_after.get("lists") or {}
    diff["lists"] = {ds: {"before": lists_a.get(ds), "after": lists_b.get(ds)} for ds in sorted(lists_a.keys() | lists_b.keys())
                     if (lists_a.get(ds) or {}).get("content_sha256") != (lists_b.get(ds) or {}).get("content_sha256")
                     or (lists_a.get(ds) or {}).get("snapshot_date") != (lists_b.get(ds) or {}).get("snapshot_date")}
    if meta_before.get("graph_version") != meta_after.get("graph_version"):
        diff["graph"] = {"before": meta_before.get("graph_version"), "after": meta_after.get("graph_version")}
    diff["record_changes"] = {"added": sum(c["change"] == "added" for c in changes.values()), "removed": sum(c["change"] == "removed" for c in changes.values()),
                              "changed": sum(c["change"] == "changed" for c in changes.values())}
    return diff


def same_result(a: dict, b: dict) -> bool:
    return a["matches"] == b["matches"] and a["risk"] == b["risk"] and a["query"] == b["query"]
