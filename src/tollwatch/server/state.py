"""What every request shares, built once by `create_app` and kept on `app.state.tw`.

Nothing adds to it later: routes read it through `deps.get_state`, so the order in
which route modules are included never matters.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from jinja2 import Environment

from tollwatch.app.pairs_queue import PairsQueue
from tollwatch.app.screen import PreparedCache
from tollwatch.app.trade_cache import TradePageCache
from tollwatch.app.visibility import Store
from tollwatch.core.limits import UploadLimits
from tollwatch.server.auth import Principal, Sessions
from tollwatch.server.jobs import JobManager
from tollwatch.server.staged import StagedUploads
from tollwatch.server.throttle import SignInThrottle

PAIRS_PAGE_SIZE = 50  # pairs the review page shows at once


@dataclass
class ServerState:
    """The store, the templates, sessions, sign-in throttle, jobs and the screening index."""

    store: Store
    templates: Environment
    sessions: Sessions
    tiles_url: str | None
    max_upload_bytes: int
    limits: UploadLimits = field(default_factory=UploadLimits)  # per upload (core/limits.py)
    sign_in_throttle: SignInThrottle = field(default_factory=SignInThrottle)
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For is honoured (server/proxies.py)
    jobs: JobManager = field(default_factory=JobManager)
    staged: StagedUploads = field(default_factory=StagedUploads)  # uploads waiting for their column choice
    prepared: PreparedCache = field(init=False)
    trade_pages: TradePageCache = field(init=False)
    pairs_queue: PairsQueue = field(init=False)  # the pair review queue, computed in the background

    def __post_init__(self) -> None:
        self.prepared = PreparedCache(self.store)
        self.trade_pages = TradePageCache(self.store)
        self.pairs_queue = PairsQueue(self.store, limit=PAIRS_PAGE_SIZE)

    @contextmanager
    def read(self, principal: Principal):
        """A Reader at the principal's ceiling: nothing above it is ever loaded."""
        with self.store.read(max_sensitivity=principal.ceiling) as reader:
            yield reader
