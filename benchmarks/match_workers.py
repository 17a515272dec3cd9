"""`uvicorn --workers 2`: does every worker's /match see a write made elsewhere? (issue 19)

Run from the repository root:  nice -n 10 .venv/bin/python benchmarks/match_workers.py [--port 8715] [--workers 2]

A fresh SQLite store with the bundled lists; its index is built and cached on disk first, as a
first `serve` would. Then `uvicorn --factory tollwatch.server.app:create_app --workers N` serves
it, and this process (neither worker) judges KOREA RYONBONG GENERAL CORPORATION's UN and OFAC
records to be the same, one write through the app layer. Before the write, every /match (each on
a new connection, so the kernel spreads them over the workers) gives the two records two slots;
after it, every one must give one result with the other record in `referents`. Each worker's
CPU seconds are read from /proc before and after, to show that each one served requests, and
that each rebuilt its index after the write (its store version counter moved).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from match_load import wait_ready  # noqa: E402

UN_ID, OFAC_ID = "un_sc_sanctions-KPe.002", "us_ofac_sdn-9347"
QUERY = json.dumps({"queries": {"q": {"schema": "Company", "properties": {"name": ["KOREA RYONBONG GENERAL CORPORATION"]}}}}).encode()


def children(pid: int) -> dict[int, float]:
    """CPU seconds of each child of `pid` (uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid) and "resource_tracker" not in (stat.parent / "cmdline").read_text(errors="replace"):
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ryonbong(port: int) -> list[tuple[str, list[str]]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)  # a new connection each time
    conn.request("POST", "/match/default", QUERY, {"Content-Type": "application/json", "Connection": "close"})
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    results = json.loads(resp.read())["responses"]["q"]["results"]
    return [(r["id"], r["referents"]) for r in results if r["id"] in (UN_ID, OFAC_ID)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8715)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=16)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tollwatch-workers-"))
    os.environ["TOLLWATCH_CACHE"] = str(tmp / "cache")
    from tollwatch.app.evidence import open_store
    from tollwatch.app.resolution import judge_pair
    from tollwatch.app.screening import prepare

    store = open_store(f"sqlite:///{tmp / 'm.db'}")
    prepare(store)  # the lists imported and the index cached on disk, as a first `serve` leaves them
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"), "TOLLWATCH_DB": f"sqlite:///{tmp / 'm.db'}"}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "tollwatch.server.app:create_app", "--port", str(args.port),
           "--workers", str(args.workers), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = wait_ready(args.port, proc)
        cpu0 = children(proc.pid)
        before = [ryonbong(args.port) for _ in range(args.requests)]
        cpu1 = children(proc.pid)
        t = time.perf_counter()
        judge_pair(store, "ana", UN_ID, OFAC_ID, "same", note="match_workers.py")
        after = [ryonbong(args.port) for _ in range(args.requests)]
        took = time.perf_counter() - t
        cpu2 = children(proc.pid)
        report(args, ready, before, after, took, cpu0, cpu1, cpu2)
        ok = all(len(b) == 2 and not any(r for _, r in b) for b in before) and all(a == [(UN_ID, [OFAC_ID])] for a in after)
        served = all(cpu1[w] > cpu0.get(w, 0) for w in cpu1) and all(cpu2[w] - cpu1[w] > 1.0 for w in cpu2)
        print(f"every answer right: {ok}; every worker served and rebuilt after the write: {served}")
        sys.exit(0 if ok and served else 1)
    finally:
        proc.terminate()
        proc.wait(30)
        store.close()


def report(args, ready, before, after, took, cpu0, cpu1, cpu2) -> None:
    print(f"{args.workers} workers ready (first /match) after {ready:.1f} s; RSS per worker: "
          + ", ".join(f"{rss_mb(w):,.0f} MB" for w in cpu2))
    print(f"before the write, {len(before)} requests: {sorted({str(b) for b in before})}")
    print(f"after the write, {len(after)} requests in {took:.1f} s: {sorted({str(a) for a in after})}")
    for w in sorted(cpu2):
        print(f"worker {w}: CPU s while answering before the write {cpu1[w] - cpu0.get(w, 0):.2f}, after it {cpu2[w] - cpu1[w]:.2f}")


if __name__ == "__main__":
    main()
