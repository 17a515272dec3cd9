"""Background jobs (screening uploads) with progress, kept in memory per server process.

A job belongs to whoever started it (user name, or the anonymous session); its id is a
random token and other callers get 404 for it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

MAX_JOBS = 200
JOB_TTL_S = 6 * 3600


@dataclass
class Job:
    id: str
    owner: str
    kind: str
    label: str
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    result: object = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def progress(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "percent": round(100.0 * self.done / self.total, 1) if self.total else (100.0 if self.status == "done" else 0.0),
            "error": self.error,
        }


class JobManager:
    def __init__(self, workers: int = 1):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tollwatch-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, owner: str, kind: str, label: str, work: Callable[[Callable[[int, int], None]], object]) -> Job:
        """Run work(report) in the background; work calls report(done, total) as it goes."""
        job = Job(id=secrets.token_urlsafe(16), owner=owner, kind=kind, label=label)
        with self._lock:
            self._expire()
            self._jobs[job.id] = job

        def report(done: int, total: int) -> None:
            job.done, job.total = done, total

        def run() -> None:
            job.status = "running"
            try:
                job.result = work(report)
                job.status = "done"
            except Exception as exc:  # noqa: BLE001 - a job reports its failure, it does not crash the server
                from tollwatch.core.errors import InputError
                from tollwatch.core.model import ModelError

                job.error = str(exc) if isinstance(exc, InputError | ModelError) else f"{type(exc).__name__}"
                job.status = "failed"
            finally:
                job.finished = time.time()

        self._pool.submit(run)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job

    def _expire(self) -> None:
        now = time.time()
        for jid in [j for j, job in self._jobs.items() if job.finished and now - job.finished > JOB_TTL_S]:
            del self._jobs[jid]
        while len(self._jobs) >= MAX_JOBS:
            oldest = min(self._jobs.values(), key=lambda j: j.created)
            del self._jobs[oldest.id]
