"""What the server needs to know who is asking: password and API-key checks, account lookup,
server-side sessions and the sign-in throttle (both kept in the store, shared by every worker).

The server turns the `User` returned here into its Principal (and its read ceiling).
Signing in and out is not audited (the audit log records changes to evidence and
accounts); ending a user's sessions by an admin is, in app.users.
"""

from __future__ import annotations

from tollwatch.core.model import Sensitivity
from tollwatch.store import sessions_repo, throttle_repo, users_repo
from tollwatch.store.throttle_repo import Limits
from tollwatch.store.repository import Store
from tollwatch.store.users_repo import User


def verify_password(store: Store, name: str, password: str) -> User | None:
    """The user if name and password match and the account is enabled; else None, in the same time either way."""
    with store.read(Sensitivity.PUBLIC) as r:
        return users_repo.verify_password(r, name, password)


def user_for_api_key(store: Store, key: str) -> User | None:
    """The enabled user holding this unrevoked `tw_<id>_<secret>` key; else None."""
    with store.read(Sensitivity.PUBLIC) as r:
        return users_repo.user_for_api_key(r, key)


def get_user(store: Store, name: str) -> User | None:
    """The account by name, disabled or not (a session checks `disabled` itself)."""
    with store.read(Sensitivity.PUBLIC) as r:
        return users_repo.get_user(r, name)


def reserve_sign_in(store: Store, name: str, address: str | None, now: float, limits: Limits) -> tuple[int | None, int]:
    """Atomically claim one password check for this name and address: (attempt id, 0), or
    (None, seconds to wait) when a limit is reached. See store/throttle_repo.py for the rules."""
    return throttle_repo.reserve(store, name, address, now, limits)


def sign_in_outcome(store: Store, attempt_id: int, ok: bool) -> None:
    throttle_repo.resolve(store, attempt_id, ok)


def open_session(store: Store, name: str, now: float, max_age_s: float) -> str:
    """A new session id for the cookie; only its digest is stored."""
    with store.begin(name) as tx:
        return sessions_repo.open_session(tx.conn, name, now, max_age_s)


def session_user(store: Store, session_id: str, now: float) -> User | None:
    """The enabled user of this live session, or None once it ended or expired."""
    with store.read(Sensitivity.PUBLIC) as r:
        return sessions_repo.session_user(r, session_id, now)


def end_session(store: Store, session_id: str) -> None:
    """Sign-out: this session ends at once, wherever its cookie was saved."""
    with store.begin("sign-out") as tx:
        sessions_repo.end_session(tx.conn, session_id)


__all__ = [
    "Limits",
    "User",
    "end_session",
    "get_user",
    "open_session",
    "reserve_sign_in",
    "session_user",
    "sign_in_outcome",
    "user_for_api_key",
    "verify_password",
]
