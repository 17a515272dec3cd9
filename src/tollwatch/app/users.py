"""Accounts and API keys: the use cases behind `tollwatch users ...` (and any admin page).

Every change runs in one store transaction with its audit entry (who, what, which
fields; never a password or a key's secret). Errors are `UserError` with a
`field: message` text. A new password or disabling an account ends the user's
sessions in the same transaction; `end_sessions` is "sign out everywhere".
"""

from __future__ import annotations

from dataclasses import dataclass

from tollwatch.core.model import Sensitivity
from tollwatch.store import sessions_repo, users_repo
from tollwatch.store.repository import Store
from tollwatch.store.users_repo import DEFAULT_CLEARANCE, ROLES, User, UserError

CLEARANCES = tuple(s.value for s in Sensitivity)


@dataclass(frozen=True)
class NewKey:
    user: str
    key_id: str
    key: str  # shown once: only its digest is stored


def add_user(store: Store, actor: str, name: str, role: str, *, password: str | None = None,
             clearance: str | None = None) -> User:
    """Create an account; no password means it signs in with API keys only."""
    with store.begin(actor) as tx:
        return users_repo.create_user(tx, name, role, password=password, clearance=clearance)


def set_password(store: Store, actor: str, name: str, password: str) -> None:
    with store.begin(actor) as tx:
        users_repo.change_password(tx, name, password)
        sessions_repo.end_user_sessions(tx.conn, name)


def set_account(store: Store, actor: str, name: str, *, role: str | None = None, clearance: str | None = None,
                disabled: bool | None = None) -> User:
    """Change role, clearance or the disabled flag; a new role without a clearance takes that role's default."""
    with store.begin(actor) as tx:
        user = users_repo.change_account(tx, name, role=role, clearance=clearance, disabled=disabled)
        if disabled:
            sessions_repo.end_user_sessions(tx.conn, name)
        return user


def end_sessions(store: Store, actor: str, name: str) -> int:
    """Sign NAME out everywhere: every session ends at once (API keys are revoked separately).
    Returns how many sessions ended; audited even when there were none."""
    with store.begin(actor) as tx:
        if not users_repo.get_user(tx.conn, name):
            raise UserError(f"name: no user named {name}")
        ended = sessions_repo.end_user_sessions(tx.conn, name)
        tx.record_audit("revoke", "sessions", name, {"ended": ended})
    return ended


def list_users(store: Store) -> list[User]:
    with store.read(Sensitivity.PUBLIC) as r:
        return users_repo.list_users(r)


def has_users(store: Store) -> bool:
    return bool(list_users(store))


def create_api_key(store: Store, actor: str, name: str, label: str | None = None) -> NewKey:
    with store.begin(actor) as tx:
        key = users_repo.issue_api_key(tx, name, label)
    key_id = users_repo.split_api_key(key)[0]  # type: ignore[index]
    return NewKey(name, key_id, key)


def list_api_keys(store: Store, name: str | None = None) -> list[dict]:
    """Ids, owners, labels and dates; never the secrets."""
    with store.read(Sensitivity.PUBLIC) as r:
        return users_repo.list_api_keys(r, name)


def revoke_api_key(store: Store, actor: str, key_id: str) -> None:
    with store.begin(actor) as tx:
        if not users_repo.withdraw_api_key(tx, key_id):
            raise UserError(f"key_id: no active key {key_id}")


__all__ = [
    "CLEARANCES",
    "DEFAULT_CLEARANCE",
    "ROLES",
    "NewKey",
    "User",
    "UserError",
    "add_user",
    "create_api_key",
    "end_sessions",
    "has_users",
    "list_api_keys",
    "list_users",
    "revoke_api_key",
    "set_account",
    "set_password",
]
