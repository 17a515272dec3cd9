"""Load test: a real `tollwatch serve` on the bundled data, 2,000 requests at concurrency 8.

Run from the repository root:  nice -n 19 .venv/bin/python benchmarks/load.py [--requests 2000] [--concurrency 8] [--write-doc]

The server is started as a subprocess on a fresh SQLite store (the bundled lists, facilities
and companies), warmed with one /match, then sent a fixed mix of routes in turn: /healthz,
yente's POST /match/default, entity pages, /api/entities/{id}, /trade and /search. Every
answer must be 200 (errors are counted and must be 0); latency percentiles are per route and
overall. With --write-doc the results replace the load section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
NAMES = ["Korea Kwangson Banking Corp", "Jang Pom Su", "Kaechon", "Acme Garden Furniture GmbH", "조선광업무역회사", "Korea Mining Development"]
SEARCHES = ["kaechon", "mining", "wigs", "bank", "camp 14", "hwasong"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TOLLWATCH_CACHE": str(tmp / "cache")}
    cmd = [sys.executable, "-m", "tollwatch.cli.main", "--db", f"sqlite:///{tmp / 'load.db'}", "serve", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(client, proc: subprocess.Popen, timeout: float = 900.0) -> float:
    """Seconds until /healthz and one /match answer (the index is built on start)."""
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if client.get("/healthz").status_code == 200 and client.post("/match/default", json=_match(NAMES[0])).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


def _match(name: str) -> dict:
    return {"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [name]}}}}


def request_mix(entity_ids: list[str]) -> list[tuple[str, str, str, dict | None]]:
    """(route label, method, path, JSON body): one round of the mix."""
    mix: list[tuple[str, str, str, dict | None]] = []
    for i, name in enumerate(NAMES):
        eid = entity_ids[i % len(entity_ids)]
        mix += [
            ("/healthz", "GET", "/healthz", None),
            ("/match", "POST", "/match/default", _match(name)),
            ("entity page", "GET", f"/entities/{eid}", None),
            ("/api/entities", "GET", f"/api/entities/{eid}", None),
            ("/search", "GET", f"/search?q={SEARCHES[i]}", None),
        ]
        if i % 2 == 0:
            mix.append(("/trade", "GET", "/trade", None))
    return mix


def run_load(base: str, entity_ids: list[str], total: int, concurrency: int) -> tuple[dict[str, list[float]], list[str], float]:
    import httpx

    mix = request_mix(entity_ids)
    lock = threading.Lock()
    nxt = [0]
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                with lock:
                    i = nxt[0]
                    nxt[0] += 1
                if i >= total:
                    return
                label, method, path, body = mix[i % len(mix)]
                t = time.perf_counter()
                try:
                    r = c.request(method, path, json=body)
                    ok = r.status_code == 200
                    why = f"{label} {path}: {r.status_code}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{label} {path}: {type(exc).__name__}"
                elapsed = time.perf_counter() - t
                with lock:
                    times[label].append(elapsed)
                    if not ok:
                        errors.append(why)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, errors, time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def section(times: dict[str, list[float]], errors: list[str], wall: float, total: int, concurrency: int, ready_s: float) -> str:
    every = [t for ts in times.values() for t in ts]
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    lines = [START, "## Load", "",
             f"`benchmarks/load.py`: a real `tollwatch serve` on the bundled data (fresh SQLite store), {total:,} requests at "
             f"concurrency {concurrency} over a fixed mix of routes, run under `nice -n 19` on a shared 2-core machine "
             f"({platform.python_implementation()} {platform.python_version()}). Ready (index built, first /match) after {ready_s:.0f} s.", "",
             f"**Errors: {len(errors)}** of {len(every):,}. Throughput {len(every) / wall:,.1f} requests/s over {wall:.1f} s.", "",
             "| route | requests | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for label in sorted(times):
        ts = times[label]
        lines.append(f"| {label} | {len(ts):,} | {ms(pct(ts, 50))} | {ms(pct(ts, 95))} | {ms(pct(ts, 99))} | {ms(max(ts))} |")
    lines.append(f"| **all** | {len(every):,} | {ms(pct(every, 50))} | {ms(pct(every, 95))} | {ms(pct(every, 99))} | {ms(max(every))} |")
    if errors:
        lines += ["", "First errors: " + "; ".join(errors[:5])]
    lines += ["", "/trade is computed once per trade-data version and then served from the cache (`app/trade_cache.py`).", END, ""]
    return "\n".join(lines)


def write_doc(text_section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + text_section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + text_section
    DOC.write_text(text, encoding="utf-8")


def entity_ids_from(client) -> list[str]:
    rows = client.get("/api/facilities").json()
    rows = rows.get("facilities", rows) if isinstance(rows, dict) else rows
    ids = [r["id"] for r in rows if isinstance(r, dict) and r.get("id")][:12]
    if not ids:
        raise SystemExit("no facilities to visit")
    return ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--write-doc", action="store_true", help=f"update the load section of {DOC.relative_to(ROOT)}")
    args = ap.parse_args()
    import httpx

    with tempfile.TemporaryDirectory(prefix="tollwatch-load-") as tmp:
        proc, base = start_server(Path(tmp))
        try:
            with httpx.Client(base_url=base, timeout=600) as c:
                ready_s = wait_ready(c, proc)
                ids = entity_ids_from(c)
            times, errors, wall = run_load(base, ids, args.requests, args.concurrency)
        finally:
            proc.terminate()
            proc.wait(30)
    text = section(times, errors, wall, args.requests, args.concurrency, ready_s)
    print(text)
    every = [t for ts in times.values() for t in ts]
    print(f"p50 {statistics.median(every) * 1000:.0f} ms, errors {len(errors)}", file=sys.stderr)
    if args.write_doc:
        write_doc(text)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
