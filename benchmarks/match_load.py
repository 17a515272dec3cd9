"""`/match` under load: requests/s and p50/p95/p99 at concurrency 1, 4 and 16, 1- and 20-query requests.

Run from the repository root:  nice -n 10 .venv/bin/python benchmarks/match_load.py [--seconds 15] [--workers 1] [--write-doc]

A real `tollwatch serve` (or, with --workers N, `uvicorn --factory ... --workers N`) on a fresh
SQLite store with the bundled lists, on loopback. Each client thread keeps one HTTP/1.1
connection (http.client, far cheaper than httpx, so the client steals less of the shared cores).
Queries are distinct list-like names drawn from the loaded lists with typos, so the matcher's
query cache rarely answers. The peer (WRatio top-20 over every list name, then nomenklatura
logic-v2, as in benchmarks/screening.py) is timed in this process on the same names: its
requests/s is what one process doing only the matching could serve, with no HTTP at all.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from load import _free_port, pct  # noqa: E402
from screening import _typo, peer_matcher  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- match-load:start -->", "<!-- match-load:end -->"


def start(tmp: Path, workers: int, port: int, src: Path = ROOT / "src", site: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), *([site] if site else [])]), "TOLLWATCH_CACHE": str(tmp / "cache"), "TOLLWATCH_DB": f"sqlite:///{tmp / 'm.db'}"}
    if workers > 1:
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "tollwatch.server.app:create_app", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    else:
        cmd = [sys.executable, "-m", "tollwatch.cli.main", "serve", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def body(names: list[str]) -> bytes:
    return json.dumps({"queries": {f"q{i}": {"schema": "LegalEntity", "properties": {"name": [n]}} for i, n in enumerate(names)}}).encode()


def post(conn: http.client.HTTPConnection, payload: bytes) -> int:
    conn.request("POST", "/match/default", payload, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    return resp.status


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 900) -> float:
    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        if proc.poll() is not None:
            raise SystemExit("server exited")
        try:
            if post(http.client.HTTPConnection("127.0.0.1", port, timeout=600), body(["Korea Kwangson Banking Corp"])) == 200:
                return time.perf_counter() - t
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server not ready")


def run(port: int, payloads: list[bytes], concurrency: int, seconds: float, start_at: int) -> dict:
    """`seconds` of requests from `concurrency` threads, taking payloads in turn from `start_at`."""
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(start_at, 10**9))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop:
            payload = payloads[next(counter) % len(payloads)]
            t = time.perf_counter()
            status = post(conn, payload)
            with lock:
                lat.append((time.perf_counter() - t) * 1000)
                errors[0] += status != 200
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"n": len(lat), "rps": len(lat) / wall, "p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99), "errors": errors[0], "next": next(counter)}


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of `pid` and its children (uvicorn's worker processes), from /proc:
    the server's own cost per request, which other jobs on a shared machine change much less than
    its requests/s."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cell(proc: subprocess.Popen, port: int, payloads: list[bytes], conc: int, seconds: float, start_at: int) -> dict:
    cpu = cpu_seconds(proc.pid)
    out = run(port, payloads, conc, seconds, start_at)
    out["cpu_ms"] = (cpu_seconds(proc.pid) - cpu) * 1000 / max(out["n"], 1)
    return out


def peer_qps(recs, names: list[str]) -> float:
    """The peer's matching alone (benchmarks/screening.peer_matcher), one process, in queries/s
    (after five warm-up queries)."""
    scores = peer_matcher(recs)
    if scores is None:
        raise SystemExit("the peer needs the bench extra: pip install -e '.[bench]'")
    t = time.perf_counter()
    for i, name in enumerate(names):
        if i == 5:
            t = time.perf_counter()
        scores(name)
    return (len(names) - 5) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--peer-queries", type=int, default=40)
    ap.add_argument("--write-doc", action="store_true")
    ap.add_argument("--baseline", help="src/ of an earlier checkout, served beside this one on the same names (e.g. /work/main/src)")
    ap.add_argument("--site", help="a directory added to the measured server's PYTHONPATH (not the baseline's), e.g. `pip install --target DIR httptools uvloop`, "
                                   "which uvicorn then uses, measured without installing them")
    ap.add_argument("--cells", default="1x1,1x4,1x16,20x1,20x4,20x16", help="QUERIESxCONCURRENCY cells to run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tollwatch-match-"))
    os.environ["TOLLWATCH_CACHE"] = str(tmp / "cache")
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import prepare

    store = open_store(f"sqlite:///{tmp / 'm.db'}")
    recs = [r for r in prepare(store).index.records if r.dataset != "tollwatch"]
    store.close()
    rng = random.Random(19)
    names = [_typo(rng, n) if rng.random() < 0.5 else n for n in rng.sample([n for r in recs for n in r.names], 30000)]
    port, base_port = _free_port(), _free_port()
    proc = start(tmp, args.workers, port, site=args.site)
    base = start(tmp, args.workers, base_port, Path(args.baseline)) if args.baseline else None
    cells = {tuple(int(x) for x in c.split("x")) for c in args.cells.split(",")}
    try:
        ready = wait_ready(port, proc)
        if base is not None:
            wait_ready(base_port, base)
        rows = []
        asked = 0  # names asked so far: each cell goes on where the last stopped, no name asked twice until all were
        for per in (1, 20):
            payloads = [body(names[i : i + per]) for i in range(0, len(names) - per, per)]
            start_at = -(-asked // per)
            for conc in (1, 4, 16):
                if (per, conc) not in cells:
                    continue
                row = {"queries": per, "concurrency": conc, **cell(proc, port, payloads, conc, args.seconds, start_at)}
                if base is not None:  # the same names, right after, on the code before this change
                    row["base"] = cell(base, base_port, payloads, conc, args.seconds, start_at)
                rows.append(row)
                start_at = max(row["next"], row.get("base", row)["next"])
                asked = start_at * per
                print(rows[-1], flush=True)
    finally:
        for p in (proc, base):
            if p is not None:
                p.terminate()
                p.wait(30)
    qps = peer_qps(recs, names[: args.peer_queries + 5])
    peer = {per: qps / per for per in (1, 20)}
    text = render(rows, peer, ready, args)
    print(text)
    if args.write_doc:
        doc = DOC.read_text(encoding="utf-8")
        if START in doc:
            doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END) :]
        else:
            doc += "\n" + text + "\n"
        DOC.write_text(doc, encoding="utf-8")


def render(rows: list[dict], peer: dict[int, float], ready: float, args) -> str:
    lines = [START, "## /match under load", "",
             f"`benchmarks/match_load.py`: a real server ({args.workers} worker(s)) on loopback, fresh SQLite store with the bundled lists, "
             f"{args.seconds:.0f} s per cell, one keep-alive connection per client thread; 30,000 distinct list names, half with a typo, "
             "each cell going on where the last stopped (no name is asked twice until all 30,000 were). "
             f"Ready (lists imported, index built, first /match) after {ready:.1f} s. "
             "Run under `nice -n 10` on the shared 2-core machine, the client on the same cores; "
             f"load average at the end {os.getloadavg()[0]:.1f} (other engineers' jobs).", "",
             "| queries/request | concurrency | requests | requests/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/request | before: requests/s, p99 ms, CPU ms/request | peer requests/s | ratio to peer |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        p = peer[r["queries"]]
        b = r.get("base")
        before = f"{b['rps']:,.1f}, {b['p99']:,.0f}, {b['cpu_ms']:,.1f} ({r['rps'] / b['rps']:,.2f}× the requests/s now)" if b else "–"
        lines.append(f"| {r['queries']} | {r['concurrency']} | {r['n']:,} | {r['rps']:,.1f} | {r['p50']:,.1f} | {r['p95']:,.1f} | {r['p99']:,.1f} | {r['errors']} | {r['cpu_ms']:,.1f} | {before} | {p:,.2f} | {r['rps'] / p:,.0f}× |")
    lines += ["", "Peer: WRatio top-20 over every list name then logic-v2, timed in-process on "
              f"{args.peer_queries} of the same names after 5 warm-up queries (no HTTP): the most one peer process "
              f"could serve, {peer[1]:,.2f} queries/s divided by the queries per request. "
              "\"Before\": the same cells, on the same names, right after each, against a server on the code of `--baseline` "
              f"({args.baseline}), reading the same store. Server CPU ms/request: the server processes' user and system CPU "
              "time over the cell (from /proc) divided by its requests, which the other jobs on the machine move much less than requests/s.", END]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
