"""Who is asking, and what they may read: sessions, API keys, CSRF.

Every request resolves to a Principal; its `ceiling` is the only thing reads use to
decide what sensitivity a response may contain. Anonymous visitors are viewers of
public material.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tollwatch.core.model import Sensitivity
from tollwatch.app import auth as accounts
from tollwatch.app.users import User

SESSION_COOKIE = "tw_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Principal:
    name: str | None
    role: str
    clearance: Sensitivity
    via: str  # "anonymous", "session" or "api_key"

    @property
    def actor(self) -> str:
        """The name audit entries carry (writers are always signed in)."""
        return self.name or "anonymous"

    @property
    def ceiling(self) -> Sensitivity:
        return self.clearance

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "analyst")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def anonymous(self) -> bool:
        return self.name is None


ANONYMOUS = Principal(None, "viewer", Sensitivity.PUBLIC, "anonymous")


def principal_from_user(user: User, via: str) -> Principal:
    # A viewer never reads above public, whatever clearance a row says.
    clearance = Sensitivity.PUBLIC if user.role == "viewer" else user.clearance
    return Principal(user.name, user.role, clearance, via)


class Sessions:
    """Signed cookies: {'sid': a server-side session id or absent, 'csrf': token}.

    The cookie alone signs no one in: 'sid' must name a live session in the store
    (app.auth.session_user), which sign-out, a password change, disabling the account
    and "sign out everywhere" end at once."""

    def __init__(self, secret_key: str):
        self.serializer = URLSafeTimedSerializer(secret_key, salt="tollwatch-session")

    def load(self, request: Request) -> dict:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=SESSION_MAX_AGE)
                if isinstance(data, dict) and isinstance(data.get("csrf"), str):
                    return data
            except BadSignature:
                pass
        return {"csrf": secrets.token_urlsafe(24)}

    def dump(self, data: dict) -> str:
        return self.serializer.dumps(data)


def api_key_from(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    auth = request.headers.get("authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() in ("bearer", "apikey") and value.strip():
        return value.strip()
    return None


def resolve_principal(request: Request, store) -> Principal:
    key = api_key_from(request)
    if key is not None and not key.startswith("tw_"):
        # Someone else's key (a yente client configured for another service): no rights here,
        # but no reason to refuse a public read either.
        key = None
    if key is not None:
        user = accounts.user_for_api_key(store, key)
        if not user:
            raise HTTPException(status_code=401, detail="invalid API key")
        return principal_from_user(user, "api_key")
    session = request.state.session
    session_id = session.get("sid")
    if isinstance(session_id, str) and session_id:
        user = accounts.session_user(store, session_id, time.time())
        if user:
            return principal_from_user(user, "session")
    if "sid" in session or "u" in session:
        # Ended, expired, or a cookie from before sessions were kept in the store.
        session.pop("sid", None)
        session.pop("u", None)
        request.state.session_dirty = True
    return ANONYMOUS


def check_csrf(request: Request, submitted: str | None) -> None:
    """Unsafe requests carried by the session cookie must echo the session's token."""
    if request.state.principal.via in ("api_key", "anonymous"):
        # No ambient authority to abuse: keys are sent deliberately, and an anonymous
        # caller holds nothing (sign-in checks its own token, see server/routes/signin.py).
        return
    expected = request.state.session.get("csrf", "")
    token = submitted or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), str(token)):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page and try again")


def require_writer(request: Request) -> Principal:
    p: Principal = request.state.principal
    if not p.can_write:
        raise HTTPException(status_code=401 if p.anonymous else 403, detail="analyst or admin role required")
    return p


def require_admin(request: Request) -> Principal:
    p: Principal = request.state.principal
    if not p.is_admin:
        raise HTTPException(status_code=401 if p.anonymous else 403, detail="admin role required")
    return p
