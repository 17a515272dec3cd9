"""Sign-in and sign-out for the pages; API clients use keys instead (see server/auth.py)."""

from __future__ import annotations

import logging
import secrets
import time

from fastapi import APIRouter, Form, HTTPException, Request

from tollwatch.app import auth as accounts
from tollwatch.server import auth
from tollwatch.server.deps import State
from tollwatch.server.templating import local_url, no_store, redirect, render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("tollwatch.server")


@router.get("/login")
def login_page(request: Request, next: str = "/"):  # noqa: A002
    return no_store(render(request, "login.html", {"next": local_url(next, "/"), "error": None}))


@router.post("/login")
def login(request: Request, state: State, name: str = Form(...), password: str = Form(...), csrf_token: str = Form(""), next: str = Form("/")):  # noqa: A002
    expected = request.state.session.get("csrf", "")
    if not expected or csrf_token != expected:
        raise HTTPException(403, "CSRF token missing or wrong; reload the page and try again")
    throttle = state.sign_in_throttle
    address = request.state.client_address
    attempt, wait = throttle.reserve(state.store, name, address)
    if attempt is None:
        # Refused before the password is checked: a guesser learns nothing from more tries.
        log.warning("sign-in refused from %s: too many failures", address)
        page = render(
            request, "login.html",
            {"next": local_url(next, "/"), "error": f"Too many failed sign-ins. Try again in {wait} seconds."},
            status=429,
        )
        page.headers["Retry-After"] = str(wait)
        return no_store(page)
    user = None
    try:
        user = accounts.verify_password(state.store, name, password)
    finally:
        # Recorded whatever happens: an attempt left pending still counts as a failure.
        if user:
            throttle.succeeded(state.store, attempt)
        else:
            throttle.failed(state.store, attempt)
    if not user:
        return no_store(render(request, "login.html", {"next": local_url(next, "/"), "error": "Wrong name or password."}, status=401))
    # A new session on sign-in: a token planted before it is not carried over.
    session_id = accounts.open_session(state.store, user.name, time.time(), auth.SESSION_MAX_AGE)
    _new_session(request, sid=session_id)
    return redirect(local_url(next, "/"))


@router.post("/logout")
def logout(request: Request, state: State, csrf_token: str = Form("")):
    auth.check_csrf(request, csrf_token)
    session_id = request.state.session.get("sid")
    if isinstance(session_id, str) and session_id:
        # Ended in the store: a copy of the cookie saved elsewhere stops working too.
        accounts.end_session(state.store, session_id)
    _new_session(request)
    return redirect("/")


def _new_session(request: Request, **values) -> None:
    request.state.session.clear()
    request.state.session.update({**values, "csrf": secrets.token_urlsafe(24)})
    request.state.session_dirty = True
