"""Where a 1-query `/match` spends its time: cProfile inside a real uvicorn server, on loopback.

Run from the repository root:
    nice -n 10 .venv/bin/python benchmarks/match_profile.py [--requests 400] [--port 8715] [--dir DIR]

The server runs in this process (one uvicorn worker, as `tollwatch serve` runs it) over a
SQLite store with the bundled lists (`--dir` keeps it for the next run); the client is a
subprocess with one keep-alive connection, sending 1-query requests one at a time, on the
names benchmarks/match_load.py uses. Two profiles are printed: the event loop thread
(HTTP parsing, middleware, routing, body validation, response) and the worker threads
(FastAPI's thread pool: sync dependencies and the endpoint). Also printed: SQL statements
per request, and the client's mean latency.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

CLIENT = r"""
import http.client, json, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
names = json.loads(sys.stdin.read())
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
def ask(name):
    b = json.dumps({"queries": {"q0": {"schema": "LegalEntity", "properties": {"name": [name]}}}}).encode()
    conn.request("POST", "/match/default", b, {"Content-Type": "application/json"})
    r = conn.getresponse(); r.read(); assert r.status == 200, r.status
for name in names[:20]:
    ask(name)
print("WARM", flush=True); sys.stdin.close()
sys.stdout.flush(); time.sleep(0.5)
t = time.perf_counter()
for name in names[20:20 + n]:
    ask(name)
print("MEAN_MS", (time.perf_counter() - t) / n * 1000, flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--port", type=int, default=8715)
    ap.add_argument("--dir")
    ap.add_argument("--top", type=int, default=35)
    args = ap.parse_args()
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="tollwatch-prof-"))
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["TOLLWATCH_CACHE"] = str(tmp / "cache")
    import uvicorn
    from screening import _typo
    from sqlalchemy import event

    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import UVICORN_OPTIONS, create_app

    store = open_store(f"sqlite:///{tmp / 'm.db'}")
    app = create_app(store=store)
    prepared = app.state.tw.prepared.get()
    recs = [r for r in prepared.index.records if r.dataset != "tollwatch"]
    rng = random.Random(19)
    names = [_typo(rng, n) if rng.random() < 0.5 else n for n in rng.sample([n for r in recs for n in r.names], 30000)]

    statements = [0]
    kinds: Counter = Counter()

    def count(conn, cursor, statement, *a) -> None:
        statements[0] += 1
        kinds[" ".join(statement.split())[:70]] += 1
    event.listen(store.engine, "before_cursor_execute", count)
    worker = [cProfile.Profile()]  # replaced once the client is warm
    lock = threading.Lock()
    _profile_thread_pool(worker, lock)

    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, **UVICORN_OPTIONS)
    server = uvicorn.Server(config)
    loop_prof = cProfile.Profile()
    client_out: dict = {}

    # cProfile records the thread that enabled it: enable the loop's profile from the loop thread.
    ready = threading.Event()

    async def start_loop_profile() -> None:
        while not ready.is_set():
            import asyncio
            await asyncio.sleep(0.05)
        loop_prof.enable()

    def drive_outer() -> None:
        while not server.started:
            time.sleep(0.1)
        import json
        proc = subprocess.Popen([sys.executable, "-c", CLIENT, str(args.port), str(args.requests)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        proc.stdin.write(json.dumps(names[: args.requests + 20]))
        proc.stdin.close()
        assert proc.stdout.readline().strip() == "WARM"
        with lock:
            worker[0] = cProfile.Profile()
        statements[0] = 0
        kinds.clear()
        ready.set()
        client_out["line"] = proc.stdout.readline()
        proc.wait()
        server.should_exit = True

    threading.Thread(target=drive_outer, daemon=True).start()

    async def serve() -> None:
        import asyncio
        asyncio.get_running_loop().create_task(start_loop_profile())
        await server.serve()

    import asyncio
    asyncio.run(serve())
    loop_prof.disable()
    report(args, client_out, statements[0], kinds, loop_prof, worker[0])
    store.close()


def _profile_thread_pool(worker: list, lock: threading.Lock) -> None:
    """FastAPI's thread-pool calls (sync dependencies, the endpoint) run under `worker[0]`."""
    from fastapi import routing
    from fastapi.dependencies import utils as dep_utils

    def profiled(func, *a, **k):
        with lock:  # one request at a time: at most one worker thread is profiled at once
            prof = worker[0]
            prof.enable()
            try:
                return func(*a, **k)
            finally:
                prof.disable()

    for mod in (routing, dep_utils):
        async def rip(func, *a, _orig=mod.run_in_threadpool, **k):
            return await _orig(profiled, func, *a, **k)
        mod.run_in_threadpool = rip


def report(args, client_out: dict, statements: int, kinds: Counter, loop_prof, worker_prof) -> None:
    n = args.requests
    print(f"client: {client_out.get('line', '').strip()} over {n} requests; SQL statements per request: {statements / n:.2f}")
    for statement, k in kinds.most_common():
        print(f"  {k / n:5.2f} per request: {statement}")
    for title, prof in (("event loop thread", loop_prof), ("worker threads", worker_prof)):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(f"==== {title} (cumulative seconds over {n} requests) ====")
        print(out.getvalue())


if __name__ == "__main__":
    main()
