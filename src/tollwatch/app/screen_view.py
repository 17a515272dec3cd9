"""The screening results page's model: what the HTML report says, row by row, filtered and sorted.

Counts, staleness, the disclaimer and the reason sentences are writers.screening_summary's,
the same the downloadable report uses. Filtering and sorting happen here, so the page works
without script; the page's script only repeats them in place.
"""

from __future__ import annotations

from tollwatch.writers.screening_summary import RISK_LEVELS, disclaimer, list_label, match_reason, stale_lists, summary_counts

__all__ = ["SORTS", "list_label", "result_rows", "results_page"]

WEAK_SCORE = 0.5  # candidates under this are left to the downloads
SORTS = {"row": "input order", "risk": "risk, highest first", "score": "best score, highest first"}
LEVEL_RANK = {"high": 3, "medium": 2, "low": 1, "none": 0}


def _row_number(query_id: str, index: int) -> int:
    return int(query_id) if str(query_id).isdigit() else index


def result_rows(results: list[dict]) -> list[dict]:
    """One entry per input row: its risk, its best candidates with a reason each, what was left out."""
    rows = []
    for i, res in enumerate(results):
        strong = [m for m in res["matches"] if m["match"] or m["score"] >= WEAK_SCORE]
        query = res["query"]
        rows.append({
            "index": i,
            "query_id": res["query_id"],
            "order": _row_number(res["query_id"], i),
            "label": next(iter(query.values()), ""),
            "others": {k: v for k, v in list(query.items())[1:]},
            "level": res["risk"]["level"],
            "rank": LEVEL_RANK.get(res["risk"]["level"], 0),
            "reasons": [r["text"] for r in res["risk"]["reasons"]],
            "best": max((m["score"] for m in res["matches"]), default=0.0),
            "hit": any(m["match"] for m in res["matches"]),
            "matches": [{**m, "reason": match_reason(m, query), "list": list_label(m["dataset"])} for m in strong],
            "weaker": len(res["matches"]) - len(strong),
        })
    return rows


def filtered(rows: list[dict], risk: str = "", only_matches: bool = False, sort: str = "row") -> list[dict]:
    """Every row, each with `shown`; sorted as asked. Hidden rows stay, so the script can show them."""
    for r in rows:
        r["shown"] = (not risk or r["level"] == risk) and (not only_matches or bool(r["matches"]))
    if sort == "risk":
        return sorted(rows, key=lambda r: (-r["rank"], -r["best"], r["order"]))
    if sort == "score":
        return sorted(rows, key=lambda r: (-r["best"], -r["rank"], r["order"]))
    return sorted(rows, key=lambda r: r["order"])


def results_page(results: list[dict], lists: dict[str, dict], *, risk: str = "", only_matches: bool = False, sort: str = "row") -> dict:
    """Everything screen_job.html shows for a finished job."""
    risk = risk if risk in RISK_LEVELS else ""
    sort = sort if sort in SORTS else "row"
    rows = filtered(result_rows(results), risk, only_matches, sort)
    return {
        "counts": summary_counts(results),
        "levels": RISK_LEVELS,
        "stale": stale_lists(lists),
        "list_labels": {ds: list_label(ds) for ds in lists},
        "disclaimer": disclaimer(),
        "rows": rows,
        "shown": sum(1 for r in rows if r["shown"]),
        "filters": {"risk": risk, "only_matches": only_matches, "sort": sort},
        "sorts": SORTS,
    }
