"""The chain around one entity: who and what lies one and two steps away along claims.

Camp -> product -> company -> buyer is the point of the whole graph, so a page, a report
and a dossier all draw it from the same edges. An edge is every claim that connects the
same subject, predicate and object; it is *accepted* when at least one of those claims was
accepted by a reviewer, else *proposed*. Rejected claims are never edges. Pure: the caller
passes the claims it may show (already filtered by the reader's clearance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tollwatch.core.model import Claim, Entity, ReviewStatus
from tollwatch.core.schema import predicate_label

MAX_DEPTH = 2


@dataclass(frozen=True)
class ChainNode:
    id: str
    caption: str
    kind: str
    depth: int


@dataclass
class ChainEdge:
    subject_id: str
    predicate: str
    object_id: str
    label: str
    claim_ids: list[str] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    accepted: bool = False

    @property
    def citations(self) -> int:
        """How many distinct sources cite this edge."""
        return len(self.source_ids)

    @property
    def status(self) -> str:
        return ReviewStatus.ACCEPTED.value if self.accepted else ReviewStatus.PROPOSED.value


@dataclass
class Chain:
    focus_id: str
    nodes: list[ChainNode]
    edges: list[ChainEdge]

    def node(self, entity_id: str) -> ChainNode | None:
        return next((n for n in self.nodes if n.id == entity_id), None)


def _edges(claims: Iterable[Claim], include_proposed: bool) -> dict[tuple[str, str, str], ChainEdge]:
    edges: dict[tuple[str, str, str], ChainEdge] = {}
    for c in claims:
        if not c.object_id or c.object_id == c.subject_id:
            continue
        status = c.review.status
        if status == ReviewStatus.REJECTED or (status == ReviewStatus.PROPOSED and not include_proposed):
            continue
        key = (c.subject_id, c.predicate.value, c.object_id)
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = ChainEdge(c.subject_id, c.predicate.value, c.object_id, predicate_label(c.predicate.value))
        edge.claim_ids.append(c.id)
        edge.source_ids.add(c.evidence.source_id)
        edge.accepted = edge.accepted or status == ReviewStatus.ACCEPTED
    return edges


def build_chain(focus_id: str, claims: Iterable[Claim], entities: Mapping[str, Entity], *,
                include_proposed: bool = True, max_depth: int = MAX_DEPTH) -> Chain:
    """Breadth-first from `focus_id`, in both directions, up to `max_depth` steps.

    Only entities in `entities` (those the reader may see) become nodes; an edge to any
    other entity is dropped, so a hidden entity is never drawn, not even as a stub.
    """
    all_edges = [e for e in _edges(claims, include_proposed).values() if e.subject_id in entities and e.object_id in entities]
    adjacent: dict[str, list[ChainEdge]] = {}
    for e in all_edges:
        adjacent.setdefault(e.subject_id, []).append(e)
        adjacent.setdefault(e.object_id, []).append(e)
    depth = {focus_id: 0}
    frontier = [focus_id]
    for step in range(1, max_depth + 1):
        nxt: list[str] = []
        for eid in frontier:
            for e in adjacent.get(eid, []):
                other = e.object_id if e.subject_id == eid else e.subject_id
                if other not in depth:
                    depth[other] = step
                    nxt.append(other)
        frontier = nxt
    kept = [e for e in all_edges if e.subject_id in depth and e.object_id in depth]
    kept.sort(key=lambda e: (min(depth[e.subject_id], depth[e.object_id]), e.subject_id, e.predicate, e.object_id))
    nodes = [
        ChainNode(eid, entities[eid].caption if eid in entities else eid, entities[eid].kind.value if eid in entities else "", d)
        for eid, d in sorted(depth.items(), key=lambda x: (x[1], x[0]))
    ]
    return Chain(focus_id, nodes, kept)


def chain_to_dict(chain: Chain) -> dict[str, object]:
    """The structured form (JSON, the dossier, tests)."""
    return {
        "focus": chain.focus_id,
        "nodes": [{"id": n.id, "caption": n.caption, "kind": n.kind, "depth": n.depth} for n in chain.nodes],
        "edges": [
            {"subject": e.subject_id, "predicate": e.predicate, "label": e.label, "object": e.object_id,
             "citations": e.citations, "claims": list(e.claim_ids), "status": e.status}
            for e in chain.edges
        ],
    }
