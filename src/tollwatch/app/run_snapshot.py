"""What a saved run remembers of the index it was screened against.

Per record: its dataset, a digest of everything screening reads from it (names, caption,
schema, program, country ...), its public names, and blake2b digests of the retrieval keys
of its non-public names (a run never stores a confidential name, yet rescreen can still tell
which queries such a name could reach). Per list: dataset, snapshot date and a content hash;
for the evidence graph, one version over its records and the risk facts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from tollwatch.core import names as name_intel
from tollwatch.core.name_tokens import token_keys, tokens, variants

GRAPH = "tollwatch"


def key_hash(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def record_digest(rec) -> str:
    """What screening reads from a record; the list's snapshot date is the list's, not the record's."""
    info = {k: v for k, v in rec.info.items() if k != "snapshot_date"}
    body = [rec.dataset, rec.source_id, rec.caption, rec.schema, sorted(rec.names), info]
    return hashlib.sha256(_json(body).encode()).hexdigest()[:20]


def name_keys(label: str) -> set[str]:
    """Every key the index posts a name under (core.matching.MatchIndex.add)."""
    keys = set(name_intel.token_keys(label))
    for v in variants(label):
        for t in tokens(v):
            keys.update(token_keys(t))
    return keys


def records_snapshot(prepared) -> dict[str, list]:
    """entity_id -> [dataset, digest, public names, caption, hashed keys of restricted names]."""
    out: dict[str, list] = {}
    for rec in prepared.index.records:
        restricted = set((rec.info.get("name_sensitivity") or {}))
        public = [n for n in rec.names if n not in restricted]
        hashed = sorted({key_hash(k) for n in restricted for k in name_keys(n)})
        out[rec.entity_id] = [rec.dataset, record_digest(rec), public, rec.caption, hashed]
    return out


def profile(rec) -> dict[str, Any]:
    """The listed profile a decision is made on (public parts only): what a change is measured against."""
    restricted = set((rec.info.get("name_sensitivity") or {}))
    return {
        "dataset": rec.dataset,
        "digest": record_digest(rec),
        "caption": rec.caption,
        "names": sorted(n for n in rec.names if n not in restricted),
        "program": list(rec.info.get("program") or []),
        "country": list(rec.info.get("country") or []),
    }


def lists_versions(prepared, snapshot: dict[str, list]) -> dict[str, dict]:
    """Each list's dataset, snapshot date and content hash (over its records' digests)."""
    by_ds: dict[str, list[str]] = {}
    for eid, (ds, digest, *_rest) in snapshot.items():
        by_ds.setdefault(ds, []).append(f"{eid}={digest}")
    out = {}
    for ds, meta in sorted(prepared.lists.items()):
        h = hashlib.sha256("\n".join(sorted(by_ds.get(ds, []))).encode()).hexdigest()
        out[ds] = {"dataset": ds, "snapshot_date": meta.get("snapshot_date"), "content_sha256": h, "records": len(by_ds.get(ds, []))}
    return out


def graph_version(prepared, snapshot: dict[str, list]) -> str:
    """The evidence graph's version: its screenable records and the risk facts the rules cite."""
    h = hashlib.sha256()
    for eid in sorted(e for e, v in snapshot.items() if v[0] == GRAPH):
        h.update(f"{eid}={snapshot[eid][1]}\n".encode())
    h.update(_json(dataclasses.asdict(prepared.facts)).encode())
    return h.hexdigest()[:24]


def facts_version(prepared) -> str:
    return hashlib.sha256(_json(dataclasses.asdict(prepared.facts)).encode()).hexdigest()[:24]


def record_changes(old: dict[str, list], new: dict[str, list]) -> dict[str, dict]:
    """entity_id -> {change: added|removed|changed, dataset, caption, names_added, names_removed}."""
    out: dict[str, dict] = {}
    for eid in old.keys() | new.keys():
        a, b = old.get(eid), new.get(eid)
        if a is not None and b is not None and a[1] == b[1]:
            continue
        ref = b if b is not None else a
        assert ref is not None
        change = "added" if a is None else "removed" if b is None else "changed"
        before, after = set(a[2]) if a else set(), set(b[2]) if b else set()
        entry = {"change": change, "dataset": ref[0], "entity_id": eid, "caption": ref[3]}
        if change == "changed":
            entry |= {"names_added": sorted(after - before), "names_removed": sorted(before - after)}
            if a is not None and b is not None and a[3] != b[3]:
                entry["caption_before"] = a[3]
        out[eid] = entry
    return out
