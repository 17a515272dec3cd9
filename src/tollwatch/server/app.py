"""The web app and API: `create_app(store_url)` gives a FastAPI app over the same store as the CLI.

Access rule, applied in one place: every read opens the store at the caller's
sensitivity ceiling (`ServerState.read(principal)`), so material above it is never
loaded, and anything not visible answers 404 exactly like something that does not exist.

`create_app` builds the shared state completely, then includes one router per area
(server/routes/); errors are translated by the handlers in server/errors.py.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import replace

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import tollwatch
from tollwatch.core.limits import UploadLimits, limits_from
from tollwatch.server import auth, errors, proxies
from tollwatch.server.routes import ROUTERS
from tollwatch.server.routes.meta import swagger_ui_dir
from tollwatch.server.state import ServerState
from tollwatch.server.templating import PKG_DIR, make_templates
from tollwatch.server.throttle import SignInThrottle

log = logging.getLogger("tollwatch.server")

UVICORN_OPTIONS = proxies.UVICORN_OPTIONS  # for `tollwatch serve`: the peer address is never rewritten

SECRET_META_KEY = "server_secret_key"
DESCRIPTION = (
    "Evidence graph, screening and a yente-compatible match API (`POST /match/{dataset}`). "
    "Machine clients authenticate with `Authorization: Bearer <API key>` (`tollwatch users key NAME`)."
)
CSP_PAGES = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


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
    max_upload_bytes: int | None = None,
    limits: UploadLimits | None = None,
    warm_screening: bool = False,
    sign_in_throttle: SignInThrottle | None = None,
    trusted_proxies: list[str] | tuple[str, ...] | None = None,
) -> FastAPI:
    """The app. `tiles_url` (or TOLLWATCH_TILES_URL), e.g. an XYZ template, turns on online map tiles.
    `trusted_proxies` (addresses or networks) are the only peers whose `X-Forwarded-For` is read.
    `limits` (default: core.limits defaults with TOLLWATCH_MAX_* overrides) bound every upload."""
    limits = limits if limits is not None else limits_from()
    if max_upload_bytes is not None:
        limits = replace(limits, max_upload_bytes=max_upload_bytes)
    if store is None:
        from tollwatch.app.evidence import open_store

        store = open_store(store_url, load_reference=load_reference)
    state = ServerState(
        store=store,
        templates=make_templates(),
        sessions=auth.Sessions(_secret_key(store, secret_key)),
        tiles_url=tiles_url if tiles_url is not None else (os.environ.get("TOLLWATCH_TILES_URL") or None),
        max_upload_bytes=limits.max_upload_bytes,
        limits=limits,
        sign_in_throttle=sign_in_throttle or SignInThrottle(),
        trusted_proxies=proxies.parse_trusted(trusted_proxies),
    )
    app = FastAPI(title="tollwatch", version=tollwatch.__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.tw = state
    app.mount("/static", StaticFiles(directory=str(PKG_DIR / "static")), name="static")
    swagger_dir = swagger_ui_dir()
    if swagger_dir:
        app.mount("/docs-assets", StaticFiles(directory=swagger_dir), name="docs-assets")
    app.add_middleware(SessionAndPrincipal)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    if warm_screening:
        # Load the lists and build the match index now, not on the first /match call.
        threading.Thread(target=_warm, args=(state,), name="tollwatch-warm", daemon=True).start()
    return app


class SessionAndPrincipal:
    """Load the session, resolve who is asking, and add cookies and security headers to the answer.

    Plain ASGI, not `@app.middleware("http")`: Starlette's BaseHTTPMiddleware ran every request
    in a task group with memory streams between middleware and app, a large part of a 1-query
    /match (benchmarks/match_profile.py). What a request sees (`request.state.session`,
    `.session_dirty`, `.client_address`, `.principal`) and what it answers are unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        state: ServerState = scope["app"].state.tw
        request.state.session = state.sessions.load(request)
        request.state.session_dirty = auth.SESSION_COOKIE not in request.cookies
        request.state.client_address = proxies.client_address(
            request.client.host if request.client else None,
            request.headers.getlist("x-forwarded-for"),
            state.trusted_proxies,
        )
        try:
            request.state.principal = auth.resolve_principal(request, state.store)
        except HTTPException as exc:
            await JSONResponse({"detail": exc.detail}, status_code=exc.status_code)(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                _set_session_cookie(request, headers, message["status"], state)
                _security_headers(request, headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001
            # Caught here, not by Starlette's error middleware, which would re-raise it for the
            # server to log with its message, and a message may quote stored text.
            if started:
                raise
            await errors.internal_error(request, exc)(scope, receive, send_with_headers)


def _set_session_cookie(request: Request, headers: MutableHeaders, status: int, state: ServerState) -> None:
    # Cookies go with pages and form redirects only: API clients stay cookie-free.
    is_page = (
        headers.get("content-type", "").startswith("text/html") and "content-disposition" not in headers
    ) or status in (302, 303)
    if request.state.session_dirty and is_page and auth.api_key_from(request) is None:
        cookie = Response()
        cookie.set_cookie(
            auth.SESSION_COOKIE,
            state.sessions.dump(request.state.session),
            max_age=auth.SESSION_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        headers.append("set-cookie", cookie.headers["set-cookie"])


def _security_headers(request: Request, headers: MutableHeaders) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if headers.get("content-type", "").startswith("text/html"):
        headers.setdefault(
            "Content-Security-Policy",
            CSP_PAGES if not request.url.path.startswith("/docs") else "frame-ancestors 'none'",
        )


def _warm(state: ServerState) -> None:
    """In the background at start-up: the screening index, then (the lists now loaded) the
    annotation gazetteers, then the fork server with the Korean model, so that no first request
    pays for them. Each failure is logged; the first request that needs the thing retries."""
    from tollwatch.app import annotation, isolated

    # The gazetteers first (an analyst's first suggestion), and again after the index in case
    # loading the lists changed the entities (two small queries when nothing changed).
    gazetteers = ("annotation gazetteers", lambda: annotation.warm_gazetteers(state.store))
    steps = (gazetteers, ("screening index", state.prepared.get), gazetteers, ("fork server", isolated.warm))
    for what, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - the first request will retry and report
            log.warning("%s not prepared at start-up: %s", what, type(exc).__name__)
        else:
            log.info("%s ready in %.1f s", what, time.perf_counter() - started)
