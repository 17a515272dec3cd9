"""The screening index as one caller may see it, shared by search, /match and file screening."""

from __future__ import annotations

from tollwatch.app.visibility import VisiblePrepared
from tollwatch.server.auth import Principal
from tollwatch.server.state import ServerState

SIMILAR_SCORE = 0.6  # the results page hides weaker candidates; downloads keep them all


def hidden_graph_ids(state: ServerState, p: Principal) -> set[str]:
    """Proposed graph entities the caller may not see (their evidence is above the ceiling)."""
    return set(state.prepared.hidden(p.ceiling))


def visible_prepared(state: ServerState, p: Principal, also_hidden: set[str] | None = None, version: int | None = None) -> VisiblePrepared:
    """The shared index as `p` may see it; the hidden ids are kept per store version (PreparedCache).

    `version`: the store's write counter, read once for the request (`state.store.version()`)."""
    version = state.store.version() if version is None else version
    prepared = state.prepared.get(version=version)
    hidden = state.prepared.hidden(p.ceiling, version)
    return VisiblePrepared(prepared, set(hidden | (also_hidden or set())), p.ceiling)


def similar_names(state: ServerState, p: Principal, q: str, limit: int = 10) -> list[dict]:
    """Close matches by the screening matcher, for a search whose exact keys found nothing."""
    matcher = visible_prepared(state, p).matcher(SIMILAR_SCORE)
    out = []
    for m in matcher.match(q, None, limit=limit):
        if m.score >= SIMILAR_SCORE:
            d = m.as_dict()
            out.append({"id": d["entity_id"], "caption": d["name"], "dataset": d["dataset"], "matched_name": d["matched_name"], "score": d["score"]})
    return out
