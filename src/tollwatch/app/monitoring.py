"""The web app's Monitoring page: saved runs, the latest diff of each, and the hits that want a decision."""

from __future__ import annotations

from tollwatch.app.decisions import open_items
from tollwatch.app.rescreen import latest_diff
from tollwatch.app.runs import decide, list_runs, run_results
from tollwatch.store.repository import Store

SHOWN_PER_SECTION = 20


def monitoring_view(store: Store, limit: int = 100) -> dict:
    """Latest version of each run, with its diff's sections (first few entries) and its open hits."""
    latest: dict[str, dict] = {}
    for r in list_runs(store):
        latest[r["name"]] = r
    runs = []
    for name, summary in sorted(latest.items()):
        diff = latest_diff(store, name) or {}
        sections = {k: diff.get(k) or [] for k in ("new_hits", "gone_hits", "risk_changes", "reopened")}
        _, results = run_results(store, name, hits_only=True)
        runs.append({"summary": summary, "diff": {k: {"count": len(v), "first": v[:SHOWN_PER_SECTION]} for k, v in sections.items()},
                     "diff_at": diff.get("at"), "open": open_items(results, limit)})
    return {"runs": runs}


def decide_from_web(store: Store, actor: str, run: str, row: str, entity: str, decision: str, note: str) -> dict:
    """The page's form: the same use case as `tollwatch runs decide`."""
    return decide(store, actor, run, row, entity, decision, note)
