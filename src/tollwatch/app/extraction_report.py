"""How reviewers judged each extraction rule's proposals: the worst rules become visible.

A proposal (a rule-made claim) is accepted, rejected, corrected (rejected because a reviewer
stored an edited claim in its place: the edit keeps the rule and the quote's span), or still
pending. Only claims the reader may see are counted."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tollwatch.core.model import Method, ReviewStatus


@dataclass
class RuleTally:
    rule: str
    proposed: int = 0
    accepted: int = 0
    rejected: int = 0
    corrected: int = 0
    pending: int = 0

    @property
    def acceptance(self) -> float | None:
        decided = self.accepted + self.rejected + self.corrected
        return self.accepted / decided if decided else None


def rule_report(reader: Any) -> list[dict[str, Any]]:
    """One row per rule, worst acceptance first (rules nobody reviewed yet last)."""
    claims = reader.list_claims()
    edits = {(c.evidence.source_id, c.evidence.span, c.evidence.rule) for c in claims
             if c.evidence.method == Method.HUMAN and c.evidence.rule}
    tallies: dict[str, RuleTally] = {}
    for c in claims:
        if c.evidence.method != Method.RULE:
            continue
        t = tallies.setdefault(c.evidence.rule or "(unknown: proposed before rules were recorded)", RuleTally(c.evidence.rule or ""))
        t.proposed += 1
        if c.review.status == ReviewStatus.ACCEPTED:
            t.accepted += 1
        elif c.review.status == ReviewStatus.PROPOSED:
            t.pending += 1
        elif (c.evidence.source_id, c.evidence.span, c.evidence.rule) in edits:
            t.corrected += 1
        else:
            t.rejected += 1
    rows = []
    for name, t in tallies.items():
        row = asdict(t) | {"rule": name, "acceptance": None if t.acceptance is None else round(t.acceptance, 2)}
        rows.append(row)
    rows.sort(key=lambda r: (r["acceptance"] is None, r["acceptance"] if r["acceptance"] is not None else 0, r["rule"]))
    return rows
