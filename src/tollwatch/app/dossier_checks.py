"""What a reviewer would catch in a dossier, listed before export ("gaps"), and the screening hit behind one.

Every check appears in the gaps section whether or not it fires, so a clean dossier says
"none found" rather than saying nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tollwatch.core.chain import Chain
from tollwatch.core.errors import NotFound

STALE_LIST_DAYS = 30
STRONG_MATCH = 0.9
NAME_FEATURES = {"name", "tokens", "coverage", "characters", "schema_inferred", "one_word_alias", "conflicting_tokens"}


def screening_hit(store: Any, target: str) -> dict:
    """RUN:ROW -> the row's best candidate, its score and which secondary attributes agreed."""
    from tollwatch.app.runs import run_results

    run_ref, row = target.rsplit(":", 1)
    _, rows = run_results(store, run_ref)
    for result in rows:
        if str(result.get("query_id")) == row and result.get("matches"):
            best = result["matches"][0]
            secondary = [f["feature"] for f in best.get("explanation", [])
                         if f.get("feature") not in NAME_FEATURES and isinstance(f.get("value"), (int, float)) and f["value"] > 0]
            return {"run": run_ref, "row": row, "query": result.get("query"), "entity_id": best["entity_id"], "dataset": best["dataset"],
                    "matched_name": best.get("matched_name"), "score": best.get("score"), "secondary_agreeing": secondary,
                    "list_date": best.get("list_date")}
    raise NotFound(f"no screening row {row!r} with a candidate in run {run_ref!r}")


def _list_age(snapshot: str | None, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(str(snapshot)[:10])).days if snapshot else None
    except ValueError:
        return None


def gaps(content: dict, chain: Chain, today: date | None = None) -> list[dict]:
    """Each check with what it found: an empty `items` means it found nothing."""
    today = today or datetime.now(UTC).date()
    rows = content["evidence"]
    accepted = [x for x in rows if x["status"] == "accepted"]
    by_fact: dict[tuple, set] = {}
    for x in accepted:
        by_fact.setdefault((x["subject"], x["label"], str(x["object"])), set()).add(x["source_id"] or x["source"])
    checks = [
        ("Chain hop with no accepted claim", [f"{e.subject_id} — {e.label} — {e.object_id}" for e in chain.edges if not e.accepted]),
        ("Claim resting on one source only", [" — ".join(k) for k, v in by_fact.items() if len(v) == 1]),
        ("Claim resting only on paraphrase", _paraphrase_only(accepted)),
        ("Contradiction left open", [f"{x['subject']} {x['predicate']}: " + " vs ".join(s["value"] for s in x["sides"])
                                     for x in content["corroboration"]["contradictions"]]),
        (f"List snapshot older than {STALE_LIST_DAYS} days", [f"{k}: {v['snapshot_date'] or 'undated'}" for k, v in content["lists"].items()
                                                              if (_list_age(v["snapshot_date"], today) or STALE_LIST_DAYS + 1) > STALE_LIST_DAYS]),
    ]
    hit = content.get("screening_hit")
    if hit is not None:
        weak = []
        if (hit.get("score") or 0) < STRONG_MATCH:
            weak.append(f"match score {hit.get('score')} is below {STRONG_MATCH}")
        if not hit.get("secondary_agreeing"):
            weak.append("no secondary attribute (country, date of birth, identifier) agrees; the match rests on the name alone")
        checks.append(("Screening match below 0.9 or without a secondary attribute", weak))
    return [{"check": name, "items": items} for name, items in checks]


def _paraphrase_only(accepted: list[dict]) -> list[str]:
    facts: dict[tuple, bool] = {}
    for x in accepted:
        key = (x["subject"], x["label"], str(x["object"]))
        facts[key] = facts.get(key, False) or bool(x.get("quote"))
    return [" — ".join(k) for k, quoted in facts.items() if not quoted]
