"""The errors a caller of the app layer may meet, in one place.

The store's own errors are re-exported here so that the CLI and the server can catch
them without importing `tollwatch.store`; the generic ones live in `core.errors`.
"""

from __future__ import annotations

from tollwatch.core.errors import Conflict, Forbidden, InputError, NotFound
from tollwatch.core.model import ModelError
from tollwatch.store.repository import DuplicateSourceError, NotFoundError, StoreError

__all__ = [
    "Conflict",
    "DuplicateSourceError",
    "Forbidden",
    "InputError",
    "ModelError",
    "NotFound",
    "NotFoundError",
    "StoreError",
]
