"""One translation from the project's errors to HTTP: JSON for the API, the error page for pages.

Routes raise what the app layer raises (ModelError, InputError, NotFound, Forbidden,
Conflict, the store's errors) or an HTTPException; nothing else catches them. A 404
says "not found" whether a thing does not exist or may not be seen, and an unexpected
error is logged by type only, because its message may quote stored text.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tollwatch.app.errors import (
    USER_ERRORS,
    Conflict,
    Forbidden,
    InputError,
    ModelError,
    NotFound,
    NotFoundError,
    StoreError,
    UserError,
)
from tollwatch.server.templating import render

log = logging.getLogger("tollwatch.server")

# What a page with a form shows on the form itself rather than on the error page.
FORM_ERRORS: tuple[type[Exception], ...] = (StarletteHTTPException, *USER_ERRORS)

__all__ = ["FORM_ERRORS", "USER_ERRORS", "install", "status_and_detail", "wants_html"]


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.startswith("/match") or path in ("/healthz", "/openapi.json"):
        return False
    return "text/html" in (request.headers.get("accept") or "") or request.method == "GET"


def status_and_detail(exc: Exception) -> tuple[int, str]:
    """The status and the one-line message a user-facing error answers with."""
    if isinstance(exc, NotFound | NotFoundError):
        return 404, "not found"
    if isinstance(exc, Forbidden):
        return 403, str(exc)
    if isinstance(exc, Conflict | StoreError):
        return 409, str(exc)
    if isinstance(exc, ModelError | InputError | UserError):
        return 400, str(exc)
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str | dict | list) else "error"
        return exc.status_code, "not found" if exc.status_code == 404 else detail
    return 500, "internal error"


def error_response(request: Request, status: int, detail, headers: dict | None = None) -> Response:
    if wants_html(request):
        return render(request, "error.html", {"status": status, "detail": detail}, status=status)
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def user_error(request: Request, exc: Exception) -> Response:
    status, detail = status_and_detail(exc)
    return error_response(request, status, detail, getattr(exc, "headers", None))


async def validation_error(request: Request, exc: Exception) -> Response:
    # Field locations and messages only: never echo the submitted body back.
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg")} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


def internal_error(request: Request, exc: BaseException) -> Response:
    # The type only: an exception message may quote stored text.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(request, 500, "internal error")


async def unexpected_error(request: Request, exc: Exception) -> Response:
    return internal_error(request, exc)


def install(app: FastAPI) -> None:
    """Register the handlers: user-facing errors, HTTP errors, validation, and the rest."""
    app.add_exception_handler(StarletteHTTPException, user_error)
    for cls in (*USER_ERRORS, NotFoundError):
        app.add_exception_handler(cls, user_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
