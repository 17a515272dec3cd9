"""What every human-facing screening output says the same way: the counts by risk, the lists
and their staleness, the disclaimer, and each match's reason as a sentence.

The HTML report (writers/screening_html.py) and the web app's results page both read these,
so the page and the report never disagree. The words are in data/screening_reasons.json.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

RISK_LEVELS = ("high", "medium", "low", "none")


@lru_cache(maxsize=1)
def _words() -> dict:
    return json.loads((resources.files("tollwatch") / "data" / "screening_reasons.json").read_text(encoding="utf-8"))


def disclaimer() -> str:
    return str(_words()["disclaimer"])


def list_label(dataset: str) -> str:
    """ "us_ofac_sdn" -> "OFAC SDN"; an unknown list keeps its dataset name."""
    return str(_words()["list_labels"].get(dataset, dataset))


def tally(counts: Counter, result: dict) -> None:
    """Rows by risk level, rows with candidates, rows with a match at the threshold."""
    counts[result["risk"]["level"]] += 1
    if result["matches"]:
        counts["with_matches"] += 1
    if any(m["match"] for m in result["matches"]):
        counts["with_hits"] += 1


def summary_counts(results: Iterable[dict]) -> Counter:
    counts: Counter = Counter({level: 0 for level in RISK_LEVELS})
    for res in results:
        tally(counts, res)
    return counts


def stale_lists(lists: dict[str, dict]) -> list[str]:
    return [ds for ds, m in lists.items() if m.get("stale")]


def _feature_phrase(f: dict) -> str | None:
    template = _words()["features"].get(f.get("feature"))
    if template is None:
        return None
    value = f.get("value")
    if isinstance(value, float):
        value = f"{value:.2f}"
    return str(template).format(q=f.get("query") if f.get("query") is not None else "", c=f.get("candidate") or "", v=value)


def match_reason(m: dict, query: dict | None = None) -> str:
    """One sentence a reviewer reads instead of the feature dump:
    'name matches alias "KOMID" of the UN Security Council list's KOREA MINING ...; country KP does not conflict'."""
    matched = str(m.get("matched_name") or m.get("name") or "").strip('"')
    how = "matches" if m.get("score", 0) >= 0.999 else f"is similar ({m.get('score', 0):.2f}) to"
    name = str(m.get("name") or "")
    target = f'alias "{matched}" of' if matched and matched.casefold() != name.casefold() else "the name of"
    parts = [f"{m.get('query_field') or 'name'} {how} {target} {list_label(str(m.get('dataset')))}'s {name}"]
    features = m.get("explanation") or []
    parts += [p for p in (_feature_phrase(f) for f in features) if p]
    country = str((query or {}).get("country") or "").strip()
    if country and not any(f.get("feature") == "country_mismatch" for f in features):
        parts.append(f"country {country.upper()} does not conflict")  # the list may give none: never "agrees"
    return "; ".join(dict.fromkeys(parts))
