"""What the server needs to know who is asking: password and API-key checks, account lookup.

The server turns the `User` returned here into its Principal (and its read ceiling);
these functions only read, so none of them is audited.
"""

from __future__ import annotations

from tollwatch.core.model import Sensitivity
from tollwatch.store import users_repo
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


__all__ = ["User", "get_user", "user_for_api_key", "verify_password"]
