"""Uploads waiting for their column choice: saved, previewed, kept a short while for their owner.

The upload page is two steps (file, then columns and lists), so the file must outlive the
first request. Each staged file lives in its own temporary folder under a random token;
only its owner may use it, it is removed when screening starts, when it expires, or when
room is needed (oldest first).
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STAGED_TTL_S = 3600
MAX_STAGED = 50


@dataclass
class Staged:
    token: str
    owner: str
    folder: Path
    path: Path
    display: str
    header: list[str]
    rows: list[list[str]]
    created: float = field(default_factory=time.time)


class StagedUploads:
    def __init__(self, ttl_s: float = STAGED_TTL_S, max_staged: int = MAX_STAGED):
        self._items: dict[str, Staged] = {}
        self._lock = threading.Lock()
        self.ttl_s, self.max_staged = ttl_s, max_staged

    def add(self, owner: str, folder: Path, path: Path, display: str, header: list[str], rows: list[list[str]]) -> Staged:
        item = Staged(secrets.token_urlsafe(16), owner, folder, path, display, header, rows)
        with self._lock:
            self._expire()
            while len(self._items) >= self.max_staged:
                oldest = min(self._items.values(), key=lambda s: s.created)
                self._drop(oldest.token)
            self._items[item.token] = item
        return item

    def get(self, token: str, owner: str) -> Staged | None:
        with self._lock:
            self._expire()
            item = self._items.get(token)
        if item is None or not secrets.compare_digest(item.owner, owner):
            return None
        return item

    def take(self, token: str) -> None:
        """Forget the entry; its folder now belongs to the screening job, which removes it."""
        with self._lock:
            self._items.pop(token, None)

    def _expire(self) -> None:
        now = time.time()
        for token in [t for t, s in self._items.items() if now - s.created > self.ttl_s]:
            self._drop(token)

    def _drop(self, token: str) -> None:
        item = self._items.pop(token, None)
        if item is not None:
            shutil.rmtree(item.folder, ignore_errors=True)
