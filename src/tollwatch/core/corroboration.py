"""How strong is a claim, and what contradicts it.

Strength counts independent sources, not articles: reports that share a publisher
or an origin (one informant, one wire story) count once, at their best grade.
Contradictions are listed side by side, never resolved silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tollwatch.core.disjoint import DisjointSets
from tollwatch.core.model import (
    GRADE_WEIGHT,
    Claim,
    ReviewStatus,
    Source,
    SourceKind,
)
from tollwatch.core.schema import functional_predicates

UNGRADED_WEIGHT = GRADE_WEIGHT["F"]


@dataclass
class Corroboration:
    subject_id: str
    predicate: str
    object_key: str
    claim_ids: list[str]
    independent_sources: int
    strength: float  # in [0, 1]: 1 - Π(1 - w) over independent source groups
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass
class Contradiction:
    subject_id: str
    predicate: str
    sides: dict[str, list[str]]  # object_key -> claim ids


def _group_key(claim: Claim) -> tuple[str, str, str]:
    return (claim.subject_id, str(claim.predicate), claim.object_key)


def _publisher_key(source: Source) -> str | None:
    if not source.publisher:
        return None
    return re.sub(r"\W+", " ", source.publisher).strip().casefold() or None


def independence_groups(sources: list[Source]) -> dict[str, str]:
    """Source id -> group key; sources in one group count once.

    Two sources depend on each other when they share an origin (one informant, one wire
    story), or share a publisher unless both name different origins: two articles from one
    publisher may rest on one informant, and without a stated origin we cannot tell.
    """
    sets = DisjointSets()
    find, union = sets.find, sets.union

    by_origin: dict[str, str] = {}
    by_publisher: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        find(s.id)
        if s.origin:
            key = s.origin.strip().casefold()
            if key in by_origin:
                union(s.id, by_origin[key])
            else:
                by_origin[key] = s.id
        pub = _publisher_key(s)
        if pub:
            by_publisher[pub].append(s)
    for same in by_publisher.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                if not (a.origin and b.origin and a.origin.strip().casefold() != b.origin.strip().casefold()):
                    union(a.id, b.id)
    members: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        members[find(s.id)].append(s)
    # A readable, order-independent key per group: its smallest independence key.
    names = {root: min(x.independence_key for x in group) for root, group in members.items()}
    return {s.id: names[find(s.id)] for s in sources}


def corroborate(claims: list[Claim], sources: dict[str, Source]) -> dict[tuple[str, str, str], Corroboration]:
    """Rejected claims carry no weight; proposed ones count, but are reported as such."""
    groups: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        groups[_group_key(c)].append(c)
    result = {}
    for key, members in groups.items():
        best_by_origin: dict[str, float] = {}
        statuses: dict[str, int] = defaultdict(int)
        live = []
        for c in members:
            statuses[str(c.review.status)] += 1
            if c.review.status != ReviewStatus.REJECTED:
                live.append(c)
        # A compiled reference (our gazetteer) is built from the very reporting it cites, so it
        # adds weight only to claims that no primary source supports.
        if any((s := sources.get(c.evidence.source_id)) is not None and s.kind != SourceKind.REFERENCE for c in live):
            live = [c for c in live if (s := sources.get(c.evidence.source_id)) is None or s.kind != SourceKind.REFERENCE]
        group_of = independence_groups([sources.get(c.evidence.source_id) or Source(c.evidence.source_id, "") for c in live])
        for c in live:
            src = sources.get(c.evidence.source_id)
            origin = group_of[c.evidence.source_id]
            weight = GRADE_WEIGHT.get(src.grade, UNGRADED_WEIGHT) if src and src.grade else UNGRADED_WEIGHT
            weight *= max(0.0, min(1.0, c.evidence.confidence))
            best_by_origin[origin] = max(best_by_origin.get(origin, 0.0), weight)
        remaining = 1.0
        for w in best_by_origin.values():
            remaining *= 1.0 - w
        result[key] = Corroboration(
            subject_id=key[0],
            predicate=key[1],
            object_key=key[2],
            claim_ids=[c.id for c in members],
            independent_sources=len(best_by_origin),
            strength=round(1.0 - remaining, 4),
            statuses=dict(statuses),
        )
    return result


def contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Functional predicates with more than one live value for the same subject."""
    sides: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    functional = functional_predicates()
    for c in claims:
        if c.predicate in functional and c.review.status != ReviewStatus.REJECTED:
            sides[(c.subject_id, str(c.predicate))][c.object_key].append(c.id)
    out = []
    for (subject, predicate), by_value in sides.items():
        if len(by_value) > 1:
            out.append(Contradiction(subject, predicate, {k: v for k, v in sorted(by_value.items())}))
    return out
