"""What `init` and `demo` say about the store: where it is (password hidden) and how much it holds."""

from __future__ import annotations

from tollwatch.core.model import Sensitivity
from tollwatch.store.repository import Store


def store_location(store: Store) -> str:
    """The store's URL with any password hidden, for messages."""
    return store.engine.url.render_as_string(hide_password=True)


def store_counts(store: Store) -> dict[str, int]:
    """Sources, entities and claims stored (counted at any sensitivity: counts name nothing)."""
    with store.read(Sensitivity.PUBLIC) as r:
        return r.counts()


__all__ = ["store_counts", "store_location"]
