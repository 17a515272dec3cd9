"""Slow down password guessing at the sign-in form.

The server guards confidential testimony behind passwords, so repeated wrong guesses must
cost the guesser time. Failures are counted per account name and per client address in a
sliding window; once a key reaches its limit, sign-in is refused with 429 *before* the
password is checked, so a locked-out guesser learns nothing from further tries. Counts live
in this process only: a deployment with several workers gets one budget per worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Callable


class SignInThrottle:
    def __init__(
        self,
        per_account: int = 5,
        per_address: int = 20,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"account": per_account, "address": per_address}
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(name: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("account", (name or "").strip().casefold())]
        if address:
            keys.append(("address", address))
        return keys

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, name: str, address: str | None) -> int:
        """Seconds until this name and address may try again; 0 when they may try now."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(name, address):
                times = self._recent(key, now)
                if len(times) >= self.limits[key[0]]:
                    # Free again when the oldest failure that still counts leaves the window.
                    oldest = times[len(times) - self.limits[key[0]]]
                    wait = max(wait, oldest + self.window_s - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, name: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(name, address):
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        """The right password clears the account's count; the address keeps its record."""
        with self._lock:
            self._failures.pop(self._keys(name, None)[0], None)
