"""The errors a use case raises for its caller to show the user, in one place.

The CLI and the server import them from here, never from the store: each is a one-line
message naming the field it is about (`field: what is wrong`).
"""

from __future__ import annotations

from tollwatch.core.errors import InputError
from tollwatch.core.model import ModelError
from tollwatch.store.repository import DuplicateSourceError, NotFoundError, StoreError
from tollwatch.store.users_repo import UserError


class ClearanceError(Exception):
    """The reader's clearance does not allow the change (e.g. raising a source above it)."""


# What a front end turns into a message (CLI) or a 4xx response (server), never a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (InputError, ModelError, StoreError, UserError, ClearanceError)

__all__ = [
    "USER_ERRORS",
    "ClearanceError",
    "DuplicateSourceError",
    "InputError",
    "ModelError",
    "NotFoundError",
    "StoreError",
    "UserError",
]
