"""The pair review queue, computed once per store version in the background, for the web app.

Finding candidate pairs queries every record of one list against the others: about 30 s for the
UN and OFAC lists on an idle 2-core machine, minutes under load, far past what a page may take.
So a page asks this cache: it answers at once when the queue for the store's current version
is known, waits a few seconds for one being computed, and otherwise says it is still being
computed (the page then reloads itself). After a judgement the queue already shown stays in
use, less the judged pair, while the new version's queue is computed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tollwatch.app.xref import review_queue
from tollwatch.core.model import Sensitivity
from tollwatch.store.repository import Store

__all__ = ["PairsQueue", "QueueAnswer"]

MAX_KEYS = 8  # (clearance, lists) queues kept: each one asked for costs a computation, so few are kept


@dataclass
class QueueAnswer:
    """What a page shows: the queue (None while the first one is computed) and its state."""

    result: dict[str, Any] | None
    computing_since: float | None = None  # time.monotonic() of the running computation
    provisional: bool = False  # an earlier version's queue, less the pairs judged since


@dataclass
class _Entry:
    version: int
    started: float
    done: threading.Event = field(default_factory=threading.Event)
    result: dict[str, Any] | None = None
    error: BaseException | None = None


class PairsQueue:
    """review_queue results per (clearance, datasets), each for one store version."""

    def __init__(self, store: Store, *, limit: int) -> None:
        self.store = store
        self.limit = limit
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Lock()
        self._entries: dict[tuple, _Entry] = {}
        self._shown: dict[tuple, tuple[dict[str, Any], float]] = {}  # the last finished queue per key and when it started
        self._judged: list[tuple[float, frozenset[str]]] = []  # (when, pair) of judgements made here

    def answer(self, clearance: Sensitivity, datasets: list[str] | None, *, wait_s: float) -> QueueAnswer:
        key = (clearance, tuple(sorted(set(datasets))) if datasets else None)
        version = self.store.version()
        entry = self._entry(key, version)
        if entry.done.wait(wait_s) and entry.error is not None:
            with self._lock:
                self._entries.pop(key, None)  # the next page asks again
            raise entry.error
        if entry.done.is_set() and entry.version == version and entry.result is not None:
            return QueueAnswer(entry.result)
        with self._lock:
            earlier = self._shown.get(key)
        if earlier is None:
            return QueueAnswer(None, computing_since=entry.started)
        shown, started = earlier
        judged = {pair for when, pair in self._judged if when >= started}
        return QueueAnswer(_without(shown, judged), computing_since=None if entry.done.is_set() else entry.started, provisional=True)

    def judged(self, left_id: str, right_id: str) -> None:
        """A pair was judged here: leave it out of any queue computed before."""
        with self._lock:
            self._judged.append((time.monotonic(), frozenset((left_id, right_id))))

    def _entry(self, key: tuple, version: int) -> _Entry:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry.version == version or not entry.done.is_set()):
                return entry  # current, or a computation still running (its result is then provisional)
            if key not in self._entries:
                self._forget_oldest()
            entry = self._entries[key] = _Entry(version, time.monotonic())
        threading.Thread(target=self._compute, args=(key, entry), name="tollwatch-pairs", daemon=True).start()
        return entry

    def _forget_oldest(self) -> None:
        """Keeps at most MAX_KEYS queues (finished ones go first), and the judgements newer than the oldest shown."""
        # The caller holds self._lock.
        while len(self._entries) >= MAX_KEYS:
            done = [k for k, e in self._entries.items() if e.done.is_set()] or list(self._entries)
            oldest = min(done, key=lambda k: self._entries[k].started)
            del self._entries[oldest]
            self._shown.pop(oldest, None)
        starts = [started for _, started in self._shown.values()] + [e.started for e in self._entries.values()]
        since = min(starts, default=time.monotonic())  # a queue computed since then cannot hold an older judgement's pair
        self._judged = [(when, pair) for when, pair in self._judged if when >= since]

    def _compute(self, key: tuple, entry: _Entry) -> None:
        clearance, datasets = key
        try:
            with self._one_at_a_time:  # two scans at once would each take twice as long
                entry.result = review_queue(self.store, clearance, list(datasets) if datasets else None, limit=self.limit)
        except BaseException as exc:  # noqa: BLE001 - handed to the page that asked, which reports it
            entry.error = exc
        else:
            with self._lock:
                if self._entries.get(key) is entry:  # not forgotten meanwhile
                    self._shown[key] = (entry.result, entry.started)
        finally:
            entry.done.set()


def _without(result: dict[str, Any], judged: set[frozenset[str]]) -> dict[str, Any]:
    kept = [c for c in result["candidates"] if frozenset((c["left_id"], c["right_id"])) not in judged]
    return {**result, "candidates": kept, "pending": max(0, result["pending"] - (len(result["candidates"]) - len(kept)))}
