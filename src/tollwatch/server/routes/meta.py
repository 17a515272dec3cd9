"""Health, who am I, and the API docs page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html

from tollwatch.core.model import Sensitivity
from tollwatch.server.deps import CurrentPrincipal, State

PUBLIC = Sensitivity.PUBLIC

router = APIRouter()


@router.get("/healthz", tags=["meta"])
def healthz(state: State):
    with state.store.read(max_sensitivity=PUBLIC) as r:
        r.counts()
    return {"status": "ok", "version": state.templates.globals["version"]}


@router.get("/api/me", tags=["meta"])
def me(p: CurrentPrincipal):
    return {"name": p.name, "role": p.role, "clearance": p.ceiling.value, "via": p.via}


@router.get("/docs", include_in_schema=False)
def docs():
    swagger_dir = swagger_ui_dir()
    if swagger_dir:  # served from an installed package: works offline
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="tollwatch API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
    # Without the package, Swagger UI comes from its CDN (online only); /openapi.json always works.
    return get_swagger_ui_html(openapi_url="/openapi.json", title="tollwatch API")


def swagger_ui_dir() -> str | None:
    """Swagger UI's files from the installed `fastapi-offline` package (MIT); none vendored here."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    path = Path(fastapi_offline.__file__).parent / "static"
    return str(path) if (path / "swagger-ui-bundle.js").exists() else None
