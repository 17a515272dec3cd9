"""One APIRouter per area; `create_app` includes them in this order (paths never overlap)."""

from __future__ import annotations

from tollwatch.server.routes import (
    annotate,
    claims,
    exports,
    graph,
    ingest,
    match,
    meta,
    monitoring,
    pages,
    review,
    screen_pages,
    screening,
    signin,
    trade_import,
    sources,
    users,
    xref_review,
)

ROUTERS = [
    meta.router,
    graph.router,
    sources.router,
    annotate.router,
    claims.router,
    exports.router,
    match.router,
    screening.router,
    screen_pages.router,
    trade_import.router,
    ingest.router,
    pages.router,
    xref_review.router,
    review.router,
    monitoring.router,
    signin.router,
    users.router,
]
