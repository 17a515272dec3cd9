"""Saved screening runs: `screen --save NAME`, `runs`, `runs show`, and decisions on hits.

A run stores the input's hash, every row and its result (matches, scores, risk with
reasons and citations), each list's dataset, snapshot date and content hash, the evidence
graph's version, the tollwatch version and the threshold. The per-row results are the
ones `screen` writes, without the per-row list dates (those are the run's).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from tollwatch.app.run_snapshot import facts_version, graph_version, lists_versions, profile, records_snapshot
from tollwatch.app.screen import dated
from tollwatch.app.screening import prepare
from tollwatch.core.errors import InputError, NotFound
from tollwatch.engines.local import REPORT_FLOOR, list_dates, read_rows, screen_rows
from tollwatch.store import runs_repo
from tollwatch.store.repository import Store, now
from tollwatch.writers.screening import ScreeningWriter, write_all

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
DECISIONS = ("confirmed", "cleared", "escalated")
SUMMARY = ["name", "version", "created_at", "actor", "rows", "high", "medium", "low", "changed_rows", "lists", "input_sha256"]


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise InputError(f"run name {name!r} must be letters, digits, '.', '_' or '-' (at most 120)", field="name")
    return name


def parse_ref(ref: str) -> tuple[str, int | None]:
    """NAME or NAME@VERSION."""
    name, sep, ver = ref.partition("@")
    if sep and not ver.isdigit():
        raise InputError(f"run {ref!r}: a version is a number (NAME@2)", field="run")
    return check_name(name), int(ver) if sep else None


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def version_meta(prepared, snapshot: dict, *, threshold: float, limit: int, datasets: list[str] | None) -> dict:
    from tollwatch import __version__

    return {
        "tollwatch_version": __version__,
        "threshold": threshold,
        "limit": limit,
        "datasets": datasets,
        "lists": lists_versions(prepared, snapshot),
        "lists_screened": list_dates(prepared.lists, frozenset(datasets) if datasets else None),
        "graph_version": graph_version(prepared, snapshot),
        "facts_version": facts_version(prepared),
        "index_names": len(prepared.index.name_tokens),
    }


def near_score(matcher, row: dict, limit: int, datasets: frozenset[str] | None) -> float:
    """The best candidate score of a row, also under the report floor (the query cache answers)."""
    best = 0.0
    for _, name in row["names"]:
        if name:
            for m in matcher.match(name, row.get("schema"), limit=limit, datasets=datasets, country=row.get("country") or None):
                best = max(best, m.score)
    return round(best, 6)


def screened_with_rows(prepared, rows: Iterable[dict], *, threshold: float | None, limit: int, datasets: list[str] | None) -> Iterator[tuple[dict, dict, float]]:
    """(row, result, near) for each row: screen_rows, with the row it answered and its near score."""
    held: list[dict] = []

    def tee():
        for r in rows:
            held.append(r)
            yield r

    matcher = prepared.matcher(threshold)
    ds = frozenset(datasets) if datasets else None
    for result in screen_rows(prepared, tee(), threshold=threshold, limit=limit, datasets=datasets):
        row = held.pop(0)
        yield row, result, near_score(matcher, row, limit, ds)


def stored(seq: int, row: dict, result: dict, near: float) -> tuple[int, str, str, float, dict, dict]:
    body = {k: v for k, v in result.items() if k != "lists"}
    names = "\x1f".join(n for _, n in row["names"] if n)
    return seq, str(row["query_id"]), names, near, row, body


def save_screening(store: Store, actor: str, name: str, input_path: str | Path, out_path: str | Path | None, fmt: str = "jsonl", *,
                   mapping: dict[str, str] | None = None, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None,
                   engine: str = "local", spark_master: str | None = None, max_list_age: int | None = None, write_output: bool = True) -> dict:
    """Screen INPUT (writing OUT as `screen` does, unless not `write_output`) and store the run as NAME's next version, in one transaction."""
    check_name(name)
    path = Path(input_path)
    if not path.is_file():
        raise InputError("no such file (a saved run reads a local file)", path=str(path))
    prepared = dated(prepare(store), max_list_age)
    if datasets:
        unknown = [d for d in datasets if d not in prepared.index.datasets]
        if unknown:
            raise InputError(f"unknown list {', '.join(unknown)} (loaded: {', '.join(sorted(prepared.index.datasets))})", field="list")
    snapshot = records_snapshot(prepared)
    meta = version_meta(prepared, snapshot, threshold=prepared.threshold if threshold is None else threshold, limit=limit, datasets=datasets)
    meta |= {"input": path.name, "input_sha256": file_sha256(path), "engine": engine, "mapping": mapping or {}}
    lists = {k: v for k, v in prepared.lists.items() if not datasets or k in datasets}
    rows = read_rows(path, mapping)
    first = next(rows, None)
    if first is None:
        raise InputError("no rows to screen", path=str(path))
    import itertools

    rows = itertools.chain([first], rows)
    if engine == "spark":
        from tollwatch.app.rescreen_spark import screen_on_spark

        triples: Iterable[tuple[dict, dict, float]] = screen_on_spark(prepared, list(rows), threshold=threshold, limit=limit, datasets=datasets, master=spark_master)
    else:
        triples = screened_with_rows(prepared, rows, threshold=threshold, limit=limit, datasets=datasets)
    writer = ScreeningWriter(Path(out_path) if out_path else None, fmt, lists) if write_output else None
    counts: Counter = Counter()
    try:
        with store.begin(actor) as tx:
            latest = runs_repo.get_version(tx.conn, name)
            run_meta = meta | {"full": True}
            run_id = runs_repo.add_version(tx, name, (latest or {}).get("version", 0) + 1, None, run_meta, snapshot, None, now())

            def gen():
                for seq, (row, result, near) in enumerate(triples):
                    if writer is not None:
                        writer.write(result)
                    counts[result["risk"]["level"]] += 1
                    yield stored(seq, row, result, near)

            n = runs_repo.add_rows(tx.conn, run_id, gen())
            runs_repo.set_meta(tx.conn, run_id, run_meta | {"rows": n, "counts": dict(counts)})
        if writer is not None:
            writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return {"name": name, "version": (latest or {}).get("version", 0) + 1, "rows": n, "counts": dict(counts), "lists": lists}


def get_run(store: Store, ref: str) -> dict:
    name, version = parse_ref(ref)
    with store.engine.connect() as conn:
        found = runs_repo.get_version(conn, name, version)
    if found is None:
        raise NotFound(f"no saved run {ref!r} (see `tollwatch runs`)")
    return found


def summary(v: dict) -> dict:
    m = v["meta"]
    counts = m.get("counts") or {}
    lists = "; ".join(f"{ds} {x.get('snapshot_date') or 'undated'}" for ds, x in (m.get("lists") or {}).items())
    return {"name": v["name"], "version": v["version"], "created_at": v["created_at"], "actor": v["actor"], "rows": m.get("rows"),
            "high": counts.get("high", 0), "medium": counts.get("medium", 0), "low": counts.get("low", 0),
            "changed_rows": m.get("changed_rows"), "lists": lists, "input_sha256": m.get("input_sha256")}


def list_runs(store: Store, name: str | None = None) -> list[dict]:
    with store.engine.connect() as conn:
        return [summary(v) for v in runs_repo.list_versions(conn, name)]


def run_results(store: Store, ref: str, *, hits_only: bool = False) -> tuple[dict, Iterator[dict]]:
    """A version's meta and its results as `screen` writes them, with each hit's standing decision.

    `hits_only`: only rows whose best candidate reached the threshold (read without the others)."""
    from tollwatch.app.decisions import annotate, standing

    v = get_run(store, ref)
    lists = v["meta"].get("lists_screened") or list_dates(v["meta"].get("lists") or {})

    def gen():
        with store.engine.connect() as conn:
            held = standing(conn, v["name"])
            records = runs_repo.version_blob(conn, v["id"], "records") or {}
            seqs = {seq for seq, _, _, near, _ in runs_repo.row_index(conn, v["id"]) if near >= v["meta"]["threshold"]} if hits_only else None
            for _, row, result in runs_repo.iter_rows(conn, v["id"], seqs):
                yield annotate(result | {"lists": lists}, row, held, records)

    return v, gen()


def show_run(store: Store, ref: str, out: Path | None, fmt: str) -> Counter:
    """Write a version's results in any screening output format (jsonl/csv to stdout without OUT)."""
    v, results = run_results(store, ref)
    return write_all(results, out, fmt, v["meta"].get("lists") or {})


def decide(store: Store, actor: str, ref: str, query_id: str, entity_id: str, decision: str, note: str | None) -> dict:
    """Record an analyst's decision on one hit of one row; audited in the same transaction."""
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r}: use {', '.join(DECISIONS)}", field="decision")
    if not (note or "").strip():
        raise InputError("a decision needs --note saying why", field="note")
    v = get_run(store, ref)
    with store.engine.connect() as conn:
        seqs = [seq for seq, qid, *_ in runs_repo.row_index(conn, v["id"]) if qid == query_id]
        if not seqs:
            raise NotFound(f"run {v['name']}@{v['version']} has no row {query_id!r}")
        if len(seqs) > 1:
            raise InputError(f"row id {query_id!r} is not unique in run {v['name']} ({len(seqs)} rows)", field="row")
        _, row, result = next(runs_repo.iter_rows(conn, v["id"], {seqs[0]}))
    match = next((m for m in result["matches"] if m["entity_id"] == entity_id), None)
    if match is None:
        raise NotFound(f"row {query_id!r} of run {v['name']} has no hit on {entity_id!r}")
    prepared = prepare(store)
    rec = next((r for r in prepared.index.records if r.entity_id == entity_id), None)
    basis = {"profile": profile(rec) if rec is not None else None, "query": result["query"], "score": match["score"], "dataset": match["dataset"],
             "list": (v["meta"].get("lists") or {}).get(match["dataset"]), "claims": sorted({c for r in result["risk"]["reasons"] for c in r.get("claims", [])})}
    values = {"run_name": v["name"], "run_version": v["version"], "query_id": query_id, "entity_id": entity_id, "decision": decision,
              "note": note.strip() if note else None, "at": now(), "basis": basis}
    with store.begin(actor) as tx:
        values["id"] = runs_repo.add_decision(tx, values)
    return values | {"actor": actor}
