"""The web app and API: `create_app(store_url)` gives a FastAPI app over the same store as the CLI.

Access rule, applied in one place: every read opens the store at the caller's
sensitivity ceiling (`read(principal)`), so material above it is never loaded, and
anything not visible answers 404 exactly like something that does not exist.
"""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

import tollwatch
from tollwatch.server import auth
from tollwatch.server.auth import ANONYMOUS, Principal

log = logging.getLogger("tollwatch.server")

PKG_DIR = Path(str(resources.files("tollwatch.server")))
SECRET_META_KEY = "server_secret_key"


class ServerState:
    """What the routes share: the store, the template environment, settings and jobs."""

    def __init__(self, store, secret_key: str, tiles_url: str | None, max_upload_bytes: int, sign_in_throttle=None):
        from tollwatch.server.throttle import SignInThrottle

        self.store = store
        self.sign_in_throttle = sign_in_throttle or SignInThrottle()
        self.sessions = auth.Sessions(secret_key)
        self.tiles_url = tiles_url
        self.max_upload_bytes = max_upload_bytes
        self.templates = Environment(
            loader=FileSystemLoader(str(PKG_DIR / "templates")),
            autoescape=select_autoescape(enabled_extensions=("html", "svg", "xml"), default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals.update(version=tollwatch.__version__, urlencode=urlencode, quote=quote)
        self.templates.filters["safe_url"] = safe_url
        from tollwatch.server.jobs import JobManager

        self.jobs = JobManager()

    @contextmanager
    def read(self, principal: Principal):
        with self.store.read(max_sensitivity=principal.ceiling) as reader:
            yield reader


def _secret_key(store, given: str | None) -> str:
    if given:
        return given
    env = os.environ.get("TOLLWATCH_SECRET_KEY")
    if env:
        return env
    existing = store.get_meta(SECRET_META_KEY)
    if existing:
        return existing
    key = secrets.token_urlsafe(32)
    with store.begin("tollwatch-server") as tx:
        tx.set_meta(SECRET_META_KEY, key)
    return store.get_meta(SECRET_META_KEY) or key


def create_app(
    store_url: str | None = None,
    *,
    store=None,
    secret_key: str | None = None,
    tiles_url: str | None = None,
    load_reference: bool = True,
    max_upload_bytes: int = 20 * 1024 * 1024,
    warm_screening: bool = False,
    sign_in_throttle=None,
) -> FastAPI:
    """The app. `tiles_url` (or TOLLWATCH_TILES_URL), e.g. an XYZ template, turns on online map tiles."""
    if store is None:
        from tollwatch.app.evidence import open_store

        store = open_store(store_url, load_reference=load_reference)
    state = ServerState(
        store,
        _secret_key(store, secret_key),
        tiles_url if tiles_url is not None else (os.environ.get("TOLLWATCH_TILES_URL") or None),
        max_upload_bytes,
        sign_in_throttle,
    )
    swagger_dir = _swagger_ui_dir()
    app = FastAPI(
        title="tollwatch",
        version=tollwatch.__version__,
        description="Evidence graph, screening and a yente-compatible match API (`POST /match/{dataset}`). "
        "Machine clients authenticate with `Authorization: Bearer <API key>` (`tollwatch users key NAME`).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.tw = state
    app.mount("/static", StaticFiles(directory=str(PKG_DIR / "static")), name="static")
    if swagger_dir:
        app.mount("/docs-assets", StaticFiles(directory=swagger_dir), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        from fastapi.openapi.docs import get_swagger_ui_html

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

    @app.middleware("http")
    async def session_and_principal(request: Request, call_next):
        request.state.session = state.sessions.load(request)
        request.state.session_dirty = auth.SESSION_COOKIE not in request.cookies
        try:
            request.state.principal = auth.resolve_principal(request, state.store)
        except HTTPException as exc:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        try:
            response = await call_next(request)
        except Exception as exc:  # noqa: BLE001
            # Caught here, not by Starlette's error middleware, which would re-raise it for the
            # server to log with its message, and a message may quote stored text.
            log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
            if wants_html(request):
                response = render(request, "error.html", {"status": 500, "detail": "internal error"}, status=500)
            else:
                response = JSONResponse({"detail": "internal error"}, status_code=500)
        # Cookies go with pages and form redirects only: API clients stay cookie-free.
        is_page = (
            response.headers.get("content-type", "").startswith("text/html") and "content-disposition" not in response.headers
        ) or response.status_code in (302, 303)
        if request.state.session_dirty and is_page and auth.api_key_from(request) is None:
            response.set_cookie(
                auth.SESSION_COOKIE,
                state.sessions.dump(request.state.session),
                max_age=auth.SESSION_MAX_AGE,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
                "frame-ancestors 'none'; form-action 'self'"
                if not request.url.path.startswith("/docs")
                else "frame-ancestors 'none'",
            )
        return response

    def wants_html(request: Request) -> bool:
        path = request.url.path
        if path.startswith("/api/") or path.startswith("/match") or path in ("/healthz", "/openapi.json"):
            return False
        return "text/html" in (request.headers.get("accept") or "") or request.method == "GET"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str | dict | list) else "error"
        if exc.status_code == 404:
            detail = "not found"  # the same words whether it does not exist or may not be seen
        if wants_html(request):
            return render(request, "error.html", {"status": exc.status_code, "detail": detail}, status=exc.status_code)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # Field locations and messages only: never echo the submitted body back.
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        # The type only: an exception message may quote stored text.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        if wants_html(request):
            return render(request, "error.html", {"status": 500, "detail": "internal error"}, status=500)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    def render(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
        principal = getattr(request.state, "principal", ANONYMOUS)
        session = getattr(request.state, "session", {})
        html = state.templates.get_template(template).render(
            request=request, principal=principal, csrf_token=session.get("csrf", ""), path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=status)

    state.render = render

    from tollwatch.server import routes_api, routes_pages, routes_screening

    routes_api.register(app, state)
    routes_screening.register(app, state)
    routes_pages.register(app, state)
    if warm_screening:
        # Load the lists and build the match index now, not on the first /match call.
        import threading

        threading.Thread(target=_warm, args=(state,), name="tollwatch-warm", daemon=True).start()
    return app


def _warm(state) -> None:
    try:
        state.prepared.get()
    except Exception as exc:  # noqa: BLE001 - the first request will retry and report
        log.warning("screening index not prepared at start-up: %s", type(exc).__name__)


def _swagger_ui_dir() -> str | None:
    """Swagger UI's files from the installed `fastapi-offline` package (MIT); none vendored here."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    path = Path(fastapi_offline.__file__).parent / "static"
    return str(path) if (path / "swagger-ui-bundle.js").exists() else None


def safe_url(url) -> str:
    """Only web links become hrefs: a stored `javascript:` URL must not run."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
