"""Health, who am I, and the API docs page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
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


# Swagger UI's own markup, made to pass axe: a page language, darker greys where its contrast
# is too low, and no deep-link anchors inside the operations' toggle buttons (nested-interactive).
DOCS_CSS = """<style>
.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp pre { background: #1f5f8b; color: #fff; }
.swagger-ui .info .url, .swagger-ui .info a, .swagger-ui .opblock-tag small, .swagger-ui .opblock-description-wrapper p,
.swagger-ui .parameter__in, .swagger-ui .parameter__type, .swagger-ui .response-col_links, .swagger-ui .renderedMarkdown p { color: #3b4048; }
.swagger-ui .opblock .opblock-summary-description { color: #1c1f24; }
.swagger-ui .opblock-get .opblock-summary-method { background: #1f5f8b !important; } .swagger-ui .opblock-post .opblock-summary-method { background: #1d6b45 !important; }
.swagger-ui .opblock-put .opblock-summary-method { background: #8a5a00 !important; } .swagger-ui .opblock-delete .opblock-summary-method { background: #a12a2a !important; }
.swagger-ui .json-schema-2020-12-expand-deep-button, .swagger-ui .models-control, .swagger-ui .model-toggle { color: #3b4048 !important; }
.swagger-ui .opblock-patch .opblock-summary-method { background: #2f6464 !important; }
</style>"""


@router.get("/docs", include_in_schema=False)
def docs():
    swagger_dir = swagger_ui_dir()
    if not swagger_dir:  # never a CDN: nothing is downloaded at run time
        return HTMLResponse('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tollwatch API</title></head>'
                            '<body><main><h1>tollwatch API</h1><p>The interactive API page needs the fastapi-offline package, '
                            'which is not installed here. The API description is at <a href="/openapi.json">/openapi.json</a>.</p>'
                            '</main></body></html>')
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="tollwatch API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon.png",
        swagger_ui_parameters={"deepLinking": False},
    )
    html = bytes(page.body).decode("utf-8").replace("<html>", '<html lang="en">', 1).replace("</head>", DOCS_CSS + "</head>", 1)
    return HTMLResponse(html)


def swagger_ui_dir() -> str | None:
    """Swagger UI's files from the installed `fastapi-offline` package (MIT); none vendored here."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    path = Path(fastapi_offline.__file__).parent / "static"
    return str(path) if (path / "swagger-ui-bundle.js").exists() else None
