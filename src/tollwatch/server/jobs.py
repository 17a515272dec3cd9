"""Background work (screening uploads, document ingest) off the event loop, with quotas.

Parsing and extraction run in one bounded pool of worker threads, never on the event loop,
so a hostile file slows its own job, not /healthz or another user's /match. Each owner
(a user, or anonymous callers together) may have only a few jobs queued or running, and
each job has a wall-clock limit. Finished jobs are kept for their owner: a job is evicted
only after its owner has read its outcome (or it expired), and anonymous jobs are kept in
their own, smaller room, so they can never push out a signed-in user's job. When no room
can be made the new job is refused (429), never an old one dropped.

A job belongs to whoever started it (user name, or the anonymous session); its id is a
random token and other callers get 404 for it.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

MAX_JOBS = 200  # kept jobs of signed-in users
MAX_ANON_JOBS = 100  # kept jobs of anonymous callers, a room of their own
JOB_TTL_S = 6 * 3600  # an unread finished job is dropped after this long
WORKERS = 2
ACTIVE_PER_USER = 2  # queued or running jobs one signed-in user may have
ACTIVE_ANON = 2  # queued or running jobs all anonymous callers together may have
JOB_WALL_S = 300.0  # wall-clock limit per job
RETRY_AFTER_S = "10"


class JobTimeout(Exception):
    """A job ran past its wall-clock limit."""


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
    read: bool = False  # the owner has seen it finished: only then may it be evicted

    @property
    def anonymous(self) -> bool:
        return self.owner.startswith("anon")

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


def error_line(exc: BaseException) -> str:
    """What a failed job says: the user's one-line error, else the exception's type only."""
    from tollwatch.core.errors import InputError
    from tollwatch.core.model import ModelError

    if isinstance(exc, JobTimeout | InputError | ModelError):
        return str(exc)
    return type(exc).__name__


class JobManager:
    def __init__(self, workers: int = WORKERS, wall_s: float = JOB_WALL_S, max_jobs: int = MAX_JOBS, max_anon_jobs: int = MAX_ANON_JOBS):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tollwatch-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._active: dict[str, int] = {}  # quota key -> queued or running jobs
        self.wall_s = wall_s
        self.max_jobs = max_jobs
        self.max_anon_jobs = max_anon_jobs

    # --- quotas -------------------------------------------------------------------------

    @staticmethod
    def _quota_key(owner: str) -> str:
        return "anon" if owner.startswith("anon") else owner

    def _take_slot(self, owner: str) -> str:
        key = self._quota_key(owner)
        cap = ACTIVE_ANON if key == "anon" else ACTIVE_PER_USER
        with self._lock:
            if self._active.get(key, 0) >= cap:
                who = "anonymous callers" if key == "anon" else "you"
                raise HTTPException(429, f"jobs: {who} already have {cap} jobs queued or running; wait for one to finish",
                                    headers={"Retry-After": RETRY_AFTER_S})
            self._active[key] = self._active.get(key, 0) + 1
        return key

    def _free_slot(self, key: str) -> None:
        with self._lock:
            self._active[key] = max(0, self._active.get(key, 0) - 1)

    # --- background jobs ----------------------------------------------------------------

    def submit(self, owner: str, kind: str, label: str, work: Callable[[Callable[[int, int], None]], object]) -> Job:
        """Run work(report) in the pool; work calls report(done, total) as it goes, and a
        report after the job's wall-clock limit stops it."""
        job = Job(id=secrets.token_urlsafe(16), owner=owner, kind=kind, label=label)
        key = self._take_slot(owner)
        try:
            with self._lock:
                self._make_room(job)
                self._jobs[job.id] = job
        except BaseException:
            self._free_slot(key)
            raise
        deadline = time.monotonic() + self.wall_s

        def report(done: int, total: int) -> None:
            job.done, job.total = done, total
            if time.monotonic() > deadline:
                raise JobTimeout(f"{label}: took longer than the {self.wall_s:g}-second limit per job")

        def run() -> None:
            job.status = "running"
            try:
                job.result = work(report)
                job.status = "done"
            except Exception as exc:  # noqa: BLE001 - a job reports its failure, it does not crash the server
                job.error = error_line(exc)
                job.status = "failed"
            finally:
                job.finished = time.time()
                self._free_slot(key)

        self._pool.submit(run)
        return job

    async def run(self, owner: str, fn: Callable[[], Any]) -> Any:
        """fn() in the pool, awaited: the event loop serves others meanwhile. Past the
        wall-clock limit the caller gets 503 (the thread finishes its step and is dropped)."""
        key = self._take_slot(owner)
        future = self._pool.submit(fn)
        future.add_done_callback(lambda _: self._free_slot(key))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.wall_s)
        except asyncio.TimeoutError:
            raise HTTPException(503, f"took longer than the {self.wall_s:g}-second limit per job", headers={"Retry-After": RETRY_AFTER_S}) from None

    def get(self, job_id: str, owner: str, reading: bool = False) -> Job | None:
        """The owner's job; `reading` (its results are being read) lets it make room from now on,
        as does looking at a failed job, whose error is all there is to read."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        if job.finished is not None and (reading or job.status == "failed"):
            job.read = True
        return job

    # --- keeping jobs -------------------------------------------------------------------

    def _make_room(self, new: Job) -> None:
        """Drop expired jobs, then read ones of the new job's kind of owner, oldest first."""
        now = time.time()
        for jid in [j for j, job in self._jobs.items() if job.finished and now - job.finished > JOB_TTL_S]:
            del self._jobs[jid]
        same = [j for j in self._jobs.values() if j.anonymous == new.anonymous]
        cap = self.max_anon_jobs if new.anonymous else self.max_jobs
        if len(same) < cap:
            return
        read = sorted((j for j in same if j.read), key=lambda j: j.created)
        for j in read[: len(same) - cap + 1]:
            del self._jobs[j.id]
        if len(same) - len(read[: len(same) - cap + 1]) >= cap:
            raise HTTPException(429, "jobs: the server holds as many unread jobs as it keeps; read or wait for one",
                                headers={"Retry-After": RETRY_AFTER_S})
