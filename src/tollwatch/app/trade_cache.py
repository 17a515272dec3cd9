"""The /trade page's analysis and charts, computed once per trade-data version.

Drawing the charts costs 0.4-2.5 s of CPU, and the page is public, so every anonymous
request used to pay it. The cache key is the reporter-partner pair and the stored
records' version (count, last id, last import time), read from the store on each
request: an import, by this server or by `tollwatch trade import` on the same database,
changes the version, so the next request recomputes.
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict

from tollwatch.core.model import Sensitivity

MAX_PAIRS = 32


class TradePageCache:
    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._compute_lock = threading.Lock()
        self._pages: OrderedDict[tuple, tuple[dict, list[tuple[str, str]]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def version(self) -> tuple:
        from tollwatch.store import trade_repo

        with self.store.read(Sensitivity.PUBLIC) as r:  # trade statistics carry no sensitivity
            return trade_repo.version(r.conn)

    def get(self, reporter: str, partner: str) -> tuple[dict, list[tuple[str, str]], bool]:
        """(report, [(chart name, data URL)], whether it came from the cache)."""
        key = (reporter, partner, self.version())
        hit = self._cached(key)
        if hit is not None:
            return hit[0], hit[1], True
        with self._compute_lock:  # one computation at a time: requests arriving meanwhile wait, then hit
            hit = self._cached(key)
            if hit is not None:
                return hit[0], hit[1], True
            return (*self._compute(key, reporter, partner), False)

    def _cached(self, key: tuple) -> tuple[dict, list[tuple[str, str]]] | None:
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None:
                self._pages.move_to_end(key)
                self.hits += 1
            return hit

    def _compute(self, key: tuple, reporter: str, partner: str) -> tuple[dict, list[tuple[str, str]]]:
        from tollwatch.app.trade import CHART_NAMES, chart_gaps, charts, report

        rep = report(self.store, reporter, partner)
        drawn = tuple(n for n in CHART_NAMES if n not in chart_gaps(rep))  # a chart with no data is not drawn
        images = [(name, "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")) for name, svg in charts(rep, "svg", drawn).items()]
        with self._lock:
            self.misses += 1
            for old in [k for k in self._pages if k[:2] == (reporter, partner)]:
                del self._pages[old]  # an older version of the same pair
            self._pages[key] = (rep, images)
            while len(self._pages) > MAX_PAIRS:
                self._pages.popitem(last=False)
        return rep, images
