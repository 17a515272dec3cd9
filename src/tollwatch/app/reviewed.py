"""Judgements the maintainers reviewed, shipped as data (data/reviewed_judgements.jsonl).

Like OpenSanctions' resolver file: pairs no automatic rule decides, each with its reviewer,
date and the basis compared from the list fields themselves (names, identifiers, birth dates,
designations). `tollwatch xref` records them before proposing candidates, only for pairs whose
records are loaded and that nobody has judged or un-judged yet: a person's decision wins.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from tollwatch.app.visibility import Reader, Store
from tollwatch.core.model import Sensitivity
from tollwatch.core.resolution import pair_key, parse_judgement
from tollwatch.store import judgements_repo

REVIEWER = "tollwatch maintainers"


def reviewed_judgements() -> list[dict[str, Any]]:
    text = resources.files("tollwatch").joinpath("data/reviewed_judgements.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def note_of(row: dict[str, Any]) -> str:
    """The note a reviewed judgement carries: who, when and what was compared."""
    basis = "; ".join(f"{k}: {v}" for k, v in row["basis"].items())
    return f"reviewed by {row['reviewer']} on {row['reviewed_on']}; {basis}"


def _touched(reader: Reader) -> set[tuple[str, str]]:
    """Pairs someone judged or un-judged: a shipped judgement never overrides them."""
    out = {(j.left_id, j.right_id) for j in judgements_repo.all_judgements(reader)}
    for entry in reader.audit(action="unjudge", limit=100_000):
        detail = entry.get("detail")
        detail = json.loads(detail) if isinstance(detail, str) else detail or {}
        if detail.get("with"):
            out.add(pair_key(entry["target_id"], detail["with"]))
    return out


def apply_reviewed(store: Store, clearance: Sensitivity) -> int:
    """Record the shipped judgements whose two records are loaded; returns how many were recorded."""
    rows = reviewed_judgements()
    ids = {i for r in rows for i in (r["left_id"], r["right_id"])}
    with store.read(clearance) as r:
        known = {i for i in ids if r.get_entity(i) is not None}
        touched = _touched(r)
    todo = [row for row in rows if {row["left_id"], row["right_id"]} <= known and pair_key(row["left_id"], row["right_id"]) not in touched]
    if not todo:
        return 0
    with store.begin(REVIEWER) as tx:
        for row in todo:
            judgements_repo.judge(tx, row["left_id"], row["right_id"], parse_judgement(row["judgement"]), note=note_of(row))
    return len(todo)
