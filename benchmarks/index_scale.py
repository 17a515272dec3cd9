"""The screening index at list sizes up to OpenSanctions' default collection (about 4M names).

    nice -n 10 python benchmarks/index_scale.py --sizes real,600000,4000000 --queries 500

For each size, in a fresh process: the build of the compact index (core.match_index) in one
streaming pass and its save to disk (app.index_cache), with the peak RSS the process reached
and the folder's size; then, in another fresh process that memory-maps the saved index, cold
queries/s (every query new to the process: no cached expansion or result) over the distinct
names of benchmarks/data/screen_3000.csv. "real" is the bundled OFAC, UN and UK lists as they
are (about 36k names); larger lists are generated from them: each generated record copies a
real record's shape (schema, number of names, words per name, info) and replaces each word,
with probability 0.6, by a word drawn from all the lists' words as they occur, so token
frequencies stay those of real lists. Then two worker processes map the largest index and
answer the same queries; their RSS, PSS and private memory (/proc/PID/smaps_rollup) show what
they share. `--peer` times the dict-based index this replaced (tests/reference_index.py) on
the real lists: build, peak RSS and pickled size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
REPLACE = 0.6


def _status_mb(field: str) -> float:
    return _pid_status_mb("self", field)


def _pid_status_mb(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Starts VmHWM (the peak RSS) again from the current RSS (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def _rss_mb() -> float:
    return _status_mb("VmHWM")


def _rollup(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        k, v = line.split(":", 1)
        if k in ("Rss", "Pss", "Shared_Clean", "Private_Clean", "Private_Dirty"):
            out[k] = int(v.split()[0]) / 1024
    return out


def real_records(tmp: Path) -> Path:
    """The bundled lists' records, pickled once for the child processes."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import build_prepared, ensure_default_lists

    path = tmp / "real.pkl"
    if not path.exists():
        store = open_store(f"sqlite:///{tmp / 'store.db'}")
        ensure_default_lists(store)
        recs = [r for r in build_prepared(store).index.records if r.dataset != "tollwatch"]
        store.close()
        path.write_bytes(pickle.dumps(recs))
    return path


def generated(real: list, n_names: int, seed: int = 19):
    """Records until `n_names` names (labels) are made; yields (record, seconds spent generating)."""
    from tollwatch.core.match_types import Record

    if n_names <= 0:
        for r in real:
            yield r, 0.0
        return
    rng = random.Random(seed)
    pool = [w for r in real for label in r.names for w in label.split()]
    made, i = 0, 0
    while made < n_names:
        t0 = time.perf_counter()
        tpl = real[rng.randrange(len(real))]
        names = tuple(dict.fromkeys(" ".join(rng.choice(pool) if rng.random() < REPLACE else w for w in label.split()) for label in tpl.names))
        rec = Record(f"gen-{i}", "generated", f"G{i}", names[0], tpl.schema, names, tpl.info)
        made += len(names)
        i += 1
        yield rec, time.perf_counter() - t0


def child_build(real_path: Path, size: int, out: Path, workers: int) -> dict:
    import multiprocessing

    from tollwatch.app import index_cache
    from tollwatch.core.matching import MatchIndex

    real = pickle.loads(real_path.read_bytes())
    _reset_peak()
    base = _status_mb("VmRSS")
    gen = [0.0, 0]

    def stream():
        for rec, s in generated(real, size):
            gen[0] += s
            gen[1] += len(rec.names)
            yield rec

    t0 = time.perf_counter()
    worker_peak = 0.0
    if workers > 1:  # the names' text work in a pool; ids, tables and arrays in this process
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            index = MatchIndex(stream(), mapper=lambda f, it: pool.imap(f, it, chunksize=256))
            worker_peak = sum(_pid_status_mb(p.pid, "VmHWM") for p in pool._pool)  # type: ignore[attr-defined]
    else:
        index = MatchIndex(stream())
    built = time.perf_counter() - t0 - gen[0]
    t1 = time.perf_counter()
    index_cache.save(types.SimpleNamespace(index=index), out)
    saved = time.perf_counter() - t1
    disk = sum(f.stat().st_size for f in out.iterdir())
    return {"labels": gen[1], "index_names": len(index.name_tokens), "records": len(index.records), "tokens": len(index.vocab),
            "keys": len(index.key), "build_s": round(built, 1), "generate_s": round(gen[0], 1), "save_s": round(saved, 1),
            "peak_rss_mb": round(_rss_mb(), 0), "rss_before_mb": round(base, 0), "workers": workers, "workers_peak_rss_mb": round(worker_peak, 0), "disk_mb": round(disk / 2**20, 1)}


def _queries(n: int) -> list[str]:
    with open(ROOT / "benchmarks" / "data" / "screen_3000.csv", encoding="utf-8") as fh:
        names = list(dict.fromkeys(r["shipper"] for r in csv.DictReader(fh)))
    return names[:n]


def child_query(path: Path, n: int, hold: bool) -> dict:
    from tollwatch.app import index_cache
    from tollwatch.core.matching import Matcher

    t0 = time.perf_counter()
    prepared = index_cache.load(path, lambda index: types.SimpleNamespace(index=index))
    load_s = time.perf_counter() - t0
    matcher = Matcher(prepared.index)
    out = {"load_s": round(load_s, 3), **_timed(matcher, _queries(n)), **_rollup(os.getpid())}
    if hold:  # a worker: stay alive (mapped) until the parent has read both workers' memory
        print(json.dumps(out), flush=True)
        sys.stdin.read()
    return out


def child_peer(real_path: Path, n: int, size: int = 0) -> dict:
    from reference_index import DictIndex

    from tollwatch.core.matching import Matcher

    real = pickle.loads(real_path.read_bytes())
    recs = [r for r, _ in generated(real, size)]
    _reset_peak()
    base = _status_mb("VmRSS")
    t0 = time.perf_counter()
    index = DictIndex(recs)
    took = time.perf_counter() - t0
    peak = _rss_mb()
    size = len(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    return {"index_names": len(index.name_tokens), "build_s": round(took, 1), "peak_rss_mb": round(peak, 0), "rss_before_mb": round(base, 0),
            "pickle_mb": round(size / 2**20, 1), **_timed(Matcher(index), _queries(n))}


def _timed(matcher, queries: list[str]) -> dict:
    """Queries/s on first sight (nothing of these names seen by the process), then cold as
    benchmarks/screening.py measures it: the same names again after the index's caches are
    cleared (the name code's own memo of these names stays warm)."""
    t0 = time.perf_counter()
    hits = sum(1 for q in queries if matcher.match(q))
    first = time.perf_counter() - t0
    matcher.index.clear_caches()
    t0 = time.perf_counter()
    for q in queries:
        matcher.match(q)
    cold = time.perf_counter() - t0
    return {"queries": len(queries), "with_candidates": hits, "first_sight_qps": round(len(queries) / first, 1), "cold_qps": round(len(queries) / cold, 1)}


def child_paired(dirs: list[str], n: int, rounds: int, peer_real: str | None) -> dict:
    """Cold queries/s of several saved indexes measured in turn in one process, `rounds`
    times, so a shared machine's changing load falls on all of them alike: medians."""
    import statistics

    from tollwatch.app import index_cache
    from tollwatch.core.matching import Matcher

    matchers = {d: Matcher(index_cache.load(Path(d), lambda index: types.SimpleNamespace(index=index)).index) for d in dirs}
    if peer_real:
        from reference_index import DictIndex

        matchers["dict index (before), real lists"] = Matcher(DictIndex(pickle.loads(Path(peer_real).read_bytes())))  # type: ignore[arg-type]
    queries = _queries(n)
    for m in matchers.values():  # the name code's memo of these names warms once, as in benchmarks/screening.py
        for q in queries:
            m.match(q)
    runs: dict[str, list[float]] = {d: [] for d in matchers}
    for _ in range(rounds):
        for d, m in matchers.items():
            m.index.clear_caches()
            t0 = time.perf_counter()
            for q in queries:
                m.match(q)
            runs[d].append(len(queries) / (time.perf_counter() - t0))
    return {"queries": len(queries), "rounds": rounds, "load_average": os.getloadavg(),
            "cold_qps_median": {d: round(statistics.median(v), 1) for d, v in runs.items()}, "cold_qps_runs": {d: [round(x, 1) for x in v] for d, v in runs.items()}}


def _run(*args: str) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def workers(path: Path, n: int) -> list[dict]:
    procs = [subprocess.Popen([sys.executable, __file__, "--child", "query", "--dir", str(path), "--queries", str(n), "--hold"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    own = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
    both = [{**o, "both_alive": _rollup(p.pid)} for o, p in zip(own, procs)]
    for p in procs:
        p.communicate("")
    return both


def server_workers(store_dir: Path, port: int, src: Path, n: int) -> dict:
    """`uvicorn --workers 2` on a warm store (`store.db` and `cache/` in `store_dir`): after `n`
    one-query /match requests on fresh connections, each worker's memory (smaps_rollup)."""
    import http.client

    env = {**os.environ, "PYTHONPATH": str(src), "TOLLWATCH_CACHE": str(store_dir / "cache"), "TOLLWATCH_DB": f"sqlite:///{store_dir / 'store.db'}"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "tollwatch.server.app:create_app", "--port", str(port), "--workers", "2", "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    names = _queries(n)
    try:
        status, deadline = 0, time.time() + 600
        for i in range(n):
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    payload = json.dumps({"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [names[i]]}}}})
                    conn.request("POST", "/match/default", payload, {"Content-Type": "application/json"})
                    status = conn.getresponse().status
                    conn.close()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)
        kids = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        return {"status": status, "requests": n, "workers": {str(k): _rollup(k) for k in kids}}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="real,600000,4000000")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--peer", action="store_true")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--child", default=None)
    ap.add_argument("--size", type=int, default=0)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--real", default=None)
    ap.add_argument("--hold", action="store_true")
    ap.add_argument("--workers", type=int, default=1, help="processes doing the names' text work in the build")
    ap.add_argument("--server-store", default=None, help="a warm store folder: measure uvicorn --workers 2 on it and stop")
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--port", type=int, default=8712)
    a = ap.parse_args()
    if a.server_store:
        print(json.dumps(server_workers(Path(a.server_store), a.port, Path(a.src), a.queries), indent=1))
        return
    if a.child == "build":
        print(json.dumps(child_build(Path(a.real), a.size, Path(a.dir), a.workers)))
        return
    if a.child == "query":
        print(json.dumps(child_query(Path(a.dir), a.queries, a.hold)))
        return
    if a.child == "paired":
        print(json.dumps(child_paired(a.dir.split(","), a.queries, a.rounds, a.real), indent=1))
        return
    if a.child == "peer":
        print(json.dumps(child_peer(Path(a.real), a.queries, a.size)))
        return
    tmp = Path(a.tmp or tempfile.mkdtemp(prefix="tw-index-scale-"))
    os.environ["TOLLWATCH_CACHE"] = str(tmp / "cache")
    real = real_records(tmp)
    report: dict = {"load_average_start": os.getloadavg(), "sizes": {}}
    if a.peer:
        report["peer_dict_index_real"] = _run("--child", "peer", "--real", str(real), "--queries", str(a.queries))
        print(json.dumps(report["peer_dict_index_real"]), flush=True)
    last = None
    for label in a.sizes.split(","):
        size = 0 if label == "real" else int(label)
        out = tmp / f"index-{label}"
        built = _run("--child", "build", "--real", str(real), "--size", str(size), "--dir", str(out), "--workers", str(a.workers))
        queried = _run("--child", "query", "--dir", str(out), "--queries", str(a.queries))
        report["sizes"][label] = {**built, **queried, "load_average": os.getloadavg()}
        print(label, json.dumps(report["sizes"][label]), flush=True)
        last = out
    if last is not None:
        report["two_workers"] = workers(last, a.queries)
        print(json.dumps(report["two_workers"]), flush=True)
    report["load_average_end"] = os.getloadavg()
    (tmp / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
