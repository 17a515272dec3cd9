"""The errors a caller of the app layer may meet, in one place.

The store's own errors are re-exported here so that the CLI and the server can catch
them without importing `tollwatch.store`; the generic ones live in `core.errors`.
"""

from __future__ import annotations

from tollwatch.core.errors import Conflict, Forbidden, InputError, NotFound
from tollwatch.core.model import ModelError
from tollwatch.store.repository import DuplicateSourceError, NotFoundError, StoreError
from tollwatch.store.users_repo import UserError

# What a front end turns into one line (CLI) or a 4xx response (server), never a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (InputError, ModelError, StoreError, UserError, NotFound, Forbidden, Conflict)

__all__ = [
    "USER_ERRORS",
    "Conflict",
    "DuplicateSourceError",
    "Forbidden",
    "InputError",
    "ModelError",
    "NotFound",
    "NotFoundError",
    "StoreError",
    "UserError",
]
