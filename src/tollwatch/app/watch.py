"""`tollwatch watch NAME --every 24h`: lists update, then rescreen, then the diff out.

Each round writes the diff as JSON (into --out DIR, one file per version) and, with a
webhook, POSTs it. `--once` does one round, for cron. A failed download or webhook is
one line and a non-zero exit; the rescreen's version is stored before the webhook is
called, so a webhook that is down loses no diff (the diff stays in the run).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tollwatch.app.lists import update_lists
from tollwatch.app.rescreen import rescreen
from tollwatch.core.errors import InputError
from tollwatch.store.repository import Store

_EVERY = re.compile(r"^(\d+)\s*([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> int:
    """"24h", "30m", "7d", "90s" -> seconds."""
    m = _EVERY.match((text or "").strip().casefold())
    if not m or int(m.group(1)) == 0:
        raise InputError(f"--every {text!r}: a number and s, m, h or d (24h)", field="every")
    return int(m.group(1)) * _UNIT[m.group(2)]


def write_diff(diff: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{diff['run']}-v{diff['to_version']}.diff.json"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".tollwatch-diff-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(diff, fh, ensure_ascii=False, indent=1, default=str)
    os.replace(tmp, target)
    return target


def post_diff(url: str, diff: dict, timeout: float = 30.0) -> int:
    import httpx

    if not url.startswith(("http://", "https://")):
        raise InputError(f"--webhook {url!r} is not an http(s) URL", field="webhook")
    try:
        resp = httpx.post(url, content=json.dumps(diff, ensure_ascii=False, default=str).encode(), headers={"content-type": "application/json"}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise InputError(f"webhook failed: {exc}", path=url, field="webhook") from None
    if resp.status_code >= 300:
        raise InputError(f"webhook answered HTTP {resp.status_code}", path=url, field="webhook")
    return resp.status_code


def watch_once(store: Store, actor: str, name: str, *, update: Callable[[], object] | None, out_dir: Path | None, webhook: str | None, engine: str = "local") -> dict:
    """One round: update the lists (unless `update` is None), rescreen, write and post the diff."""
    if update is not None:
        update()
    diff = rescreen(store, actor, name, engine=engine)
    if out_dir is not None:
        diff = diff | {"file": str(write_diff(diff, out_dir))}
    if webhook:
        post_diff(webhook, diff)
    return diff


def list_updater(store: Store, actor: str, config: dict, force: bool = False) -> Callable[[], object]:
    return lambda: update_lists(store, actor, config, force=force)


def watch(store: Store, actor: str, name: str, every: str, *, update, out_dir: Path | None, webhook: str | None, once: bool,
          engine: str = "local", report: Callable[[dict], None] = lambda d: None, rounds: int | None = None) -> None:
    """Round after round, `every` apart (only one with `once`); `rounds` bounds it for tests."""
    seconds = parse_every(every)
    done = 0
    while True:
        started = time.monotonic()
        report(watch_once(store, actor, name, update=update, out_dir=out_dir, webhook=webhook, engine=engine))
        done += 1
        if once or (rounds is not None and done >= rounds):
            return
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
