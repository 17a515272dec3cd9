"""What every command receives: the store (opened on first use), who acts, and what they may read.

Kept apart from `main` so that command modules import it without importing `main`.
"""

from __future__ import annotations

import click

from tollwatch.core.model import Sensitivity


class AppContext:
    """The command's context object (`pass_app`)."""

    # The CLI is a trusted local admin's tool: it reads everything, and says so here, once.
    clearance = Sensitivity.CONFIDENTIAL

    def __init__(self, db: str | None, actor: str):
        self.db = db
        self.actor = actor
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from tollwatch.app.evidence import open_store

            self._store = open_store(self.db)
        return self._store

    def read(self):
        """A reader at the actor's clearance."""
        return self.store.read(self.clearance)


pass_app = click.make_pass_decorator(AppContext)
