"""Rows per second and peak memory of `--engine local` and `--engine spark` (local[2]).

    .venv/bin/python benchmarks/scale.py                      # 1M generated rows, both engines
    .venv/bin/python benchmarks/scale.py --rows 200000 --budget-s 600 --write-docs

Input is a generated bill-of-lading CSV (shipper, consignee, addresses, HS code, goods) with
a realistic repeat structure: a pool of suppliers with Zipf-like shipment counts, about 1% of
rows naming a listed party (often misspelt) and a few naming companies from the evidence
graph. Each engine runs in a child process; peak memory is the largest summed RSS of that
process tree (driver, JVM and Python workers), sampled every 0.2 s with psutil.

When the requested rows would not fit the time budget at the calibrated local rate, both
engines run on the largest count that does, and the report says so. The Spark run also
measures per-partition throughput (rows / partition-seconds inside the Python worker) and
the cost of broadcasting the prepared index, the two numbers docs/scaling.md projects from.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"

# --- input ----------------------------------------------------------------------------------

PLACES = ["Dandong", "Hunchun", "Yanji", "Qingdao", "Shenyang", "Dalian", "Yiwu", "Ningbo", "Guangzhou", "Xuchang", "Pingdu", "Jiaozhou", "Tumen", "Longjing", "Weihai", "Yantai", "Shantou", "Xiamen", "Fuzhou", "Hangzhou"]
STEMS = ["Huaxin", "Jinhui", "Hengda", "Xinyuan", "Ruifeng", "Tianli", "Haoyang", "Minghua", "Shengda", "Lixin", "Jiahe", "Kaiyuan", "Yongsheng", "Hongtai", "Fuyuan", "Baoli", "Zhongxing", "Dongfang", "Xinghai", "Ruixiang", "Anda", "Guanghui", "Meili", "Huamei"]
TRADES = ["Hair Products", "Wig", "Seafood", "Aquatic Products", "Garment", "Textile", "Trading", "Import and Export", "Cosmetics", "Foodstuff", "Knitting", "Apparel", "Industrial", "Electronics", "Commerce"]
FORMS = ["Co., Ltd.", "Co Ltd", "Company Limited", "Co., Ltd", "Limited", "Trading Co.", "Group Co., Ltd."]
BUYERS_A = ["Atlantic", "Pacific", "Summit", "Global", "Prime", "Northstar", "Evergreen", "Keystone", "Liberty", "Sterling", "Harbor", "Pinnacle", "Golden Gate", "Lakeside", "Metro"]
BUYERS_B = ["Beauty Supply", "Imports", "Distribution", "Trading", "Seafood", "Apparel", "Hair Company", "Brands", "Wholesale", "Foods"]
BUYER_FORMS = ["LLC", "Inc.", "Corp.", "Co.", "Ltd", "GmbH", "B.V."]
GOODS = [
    ("670411", "wigs of synthetic textile materials"),
    ("670420", "human hair wigs and false eyelashes"),
    ("670490", "false beards and eyebrows"),
    ("030489", "frozen fish fillets"),
    ("030617", "frozen shrimps and prawns"),
    ("620342", "men's cotton trousers"),
    ("611020", "cotton sweaters"),
    ("940360", "wooden furniture"),
    ("851762", "network equipment"),
    ("392690", "plastic articles"),
]
GOODS_WEIGHTS = [6, 5, 2, 6, 4, 5, 5, 4, 3, 4]


def _company(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)} {rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def _buyer(rng: random.Random) -> str:
    return f"{rng.choice(BUYERS_A)} {rng.choice(BUYERS_B)} {rng.choice(BUYER_FORMS)}"


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 6:
        return name
    i = rng.randrange(1, len(name) - 1)
    op = rng.randrange(3)
    if op == 0:
        return name[:i] + name[i + 1 :]
    if op == 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name.lower()


def generate(path: Path, rows: int, listed: list[str], graph: list[str], *, seed: int = 42, suppliers: int = 50_000) -> dict:
    """Write `rows` shipments; returns what the file holds (for the report)."""
    rng = random.Random(seed)
    pool = [_company(rng) for _ in range(suppliers)]
    buyers = [_buyer(rng) for _ in range(2_000)]
    # Zipf-like: a few suppliers ship often, most rarely.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(pool))]
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    from bisect import bisect

    listed_rows = graph_rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["bol_number", "arrival_date", "shipper", "shipper_address", "consignee", "country_of_origin", "hs_code", "goods_description", "weight_kg"])
        for n in range(rows):
            r = rng.random()
            if r < 0.01:
                shipper = _misspell(rng, rng.choice(listed)) if rng.random() < 0.5 else rng.choice(listed)
                listed_rows += 1
            elif r < 0.012:
                shipper = rng.choice(graph)
                graph_rows += 1
            else:
                shipper = pool[bisect(cum, rng.random() * acc)]
            hs, desc = rng.choices(GOODS, GOODS_WEIGHTS)[0]
            w.writerow([
                f"BOL{n:09d}",
                f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                shipper,
                f"No. {rng.randrange(1, 999)} {rng.choice(PLACES)} Road, {rng.choice(PLACES)}",
                rng.choice(buyers),
                rng.choices(["CN", "CN", "CN", "VN", "KR", "KP", ""], [40, 20, 20, 8, 6, 1, 5])[0],
                hs,
                desc,
                rng.randrange(50, 25_000),
            ])
    return {"rows": rows, "distinct_suppliers_in_pool": suppliers, "listed_rows": listed_rows, "graph_rows": graph_rows, "bytes": path.stat().st_size}


# --- measuring ------------------------------------------------------------------------------


class TreePeak:
    """Peak summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, every: float = 0.2):
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_child(args: list[str], timeout: float) -> dict:
    """Run this script as a child engine run; returns its JSON report plus peak tree memory."""
    cmd = [sys.executable, __file__, *args]
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
    env.pop("PYTHONHASHSEED", None)  # each process its own hash seed: identity must not depend on it
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        peak = TreePeak(proc.pid)
    except ImportError:
        peak = None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise SystemExit(f"child {args[:2]} ran past {timeout:.0f} s") from None
    finally:
        mem = peak.stop() if peak else None
    if proc.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed:\n{err[-3000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    report["peak_tree_rss_mb"] = round(mem / 1e6, 1) if mem else None
    return report


def child_local(prepared_path: str, input_path: str, out_path: str) -> dict:
    from tollwatch.engines import local

    t0 = time.perf_counter()
    with open(prepared_path, "rb") as fh:
        prepared = pickle.load(fh)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    counts = local.run(prepared, Path(input_path), Path(out_path), "jsonl", mapping={"bol_number": "query_id"}, progress=False)
    screen_s = time.perf_counter() - t1
    rows = sum(counts[k] for k in ("high", "medium", "low", "none"))
    return {"engine": "local", "rows": rows, "load_index_s": round(load_s, 2), "screen_s": round(screen_s, 2), "rows_per_s": round(rows / screen_s, 1), "output_mb": round(_du(out_path) / 1e6, 1), "counts": dict(counts)}


def child_spark(prepared_path: str, input_path: str, out_path: str, master: str) -> dict:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from tollwatch.engines import spark as engine

    t0 = time.perf_counter()
    spark = (
        SparkSession.builder.master(master).appName("tollwatch-scale")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start_s = time.perf_counter() - t0
    with open(prepared_path, "rb") as fh:
        prepared = pickle.load(fh)
    sc = spark.sparkContext

    # Broadcast cost: pickle size, and the time until every worker has unpickled it.
    t = time.perf_counter()
    blob = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
    pickle_s = time.perf_counter() - t
    t = time.perf_counter()
    bc = sc.broadcast(prepared)
    slots = sc.defaultParallelism
    sc.parallelize(range(slots), slots).map(lambda _: len(bc.value.index.records)).collect()
    broadcast_s = time.perf_counter() - t
    bc.unpersist(blocking=True)

    # End to end, exactly as `tollwatch screen --engine spark` runs it.
    t = time.perf_counter()
    counts = engine.run(prepared, input_path, out_path, "jsonl", mapping={"bol_number": "query_id"}, spark=spark)
    run_s = time.perf_counter() - t
    rows = sum(counts[k] for k in ("high", "medium", "low", "none"))

    # Per-partition throughput inside the Python workers, timed by the engine during that run.
    partitions = int(counts.get("partitions", 0))
    part_secs = float(counts.get("partition_seconds", 0.0))
    spark.stop()
    return {
        "engine": f"spark {master}",
        "rows": rows,
        "session_start_s": round(start_s, 2),
        "index_pickle_mb": round(len(blob) / 1e6, 2),
        "index_pickle_s": round(pickle_s, 2),
        "broadcast_to_all_workers_s": round(broadcast_s, 2),
        "screen_s": round(run_s, 2),
        "rows_per_s": round(rows / run_s, 1),
        "partitions": partitions,
        "per_partition_rows_per_s": round(rows / part_secs, 1) if part_secs else None,
        "partition_seconds_total": round(part_secs, 1),
        "output_mb": round(_du(out_path) / 1e6, 1),
        "counts": {k: v for k, v in counts.items() if k not in ("partitions", "partition_seconds")},
    }


def _du(path: str) -> int:
    p = Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.name.startswith((".", "_")))  # not .crc, _SUCCESS


# --- parent ---------------------------------------------------------------------------------


def build_prepared(workdir: Path) -> tuple[Path, list[str], list[str]]:
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import prepare

    store = open_store(f"sqlite:///{workdir / 'tw.db'}")
    try:
        prepared = prepare(store, use_cache=False)
    finally:
        store.close()
    path = workdir / "prepared.pkl"
    with path.open("wb") as fh:
        pickle.dump(prepared, fh, protocol=pickle.HIGHEST_PROTOCOL)
    recs = prepared.index.records
    rng = random.Random(1)
    listed = [r.caption for r in rng.sample([r for r in recs if r.dataset != "tollwatch"], 2000)]
    graph = [r.caption for r in recs if r.dataset == "tollwatch" and r.info.get("kind") == "organization"] or ["Dandong Huayang Textiles and Garments Co., Ltd."]
    return path, listed, graph


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--budget-s", type=float, default=600, help="Wall time both engine runs together may take.")
    ap.add_argument("--engines", default="local,spark")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--from-json", type=Path, help="Rewrite the docs section from a saved scale.json.")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--rescreen", action="store_true", help="Measure a saved run's rescreen after a 1%% list delta against a full run (benchmarks/rescreen_scale.py).")
    args = ap.parse_args()

    if args.rescreen:
        import rescreen_scale

        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tollwatch-rescreen-"))
        workdir.mkdir(parents=True, exist_ok=True)
        result = rescreen_scale.run(args.rows, workdir)
        (workdir / "rescreen.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))
        if args.write_docs:
            rescreen_scale.write_docs(result, DOCS, f"{platform.machine()}, {os.cpu_count()} cores (shared with other jobs), Python {platform.python_version()}")
        return

    if args.from_json:
        write_docs(json.loads(args.from_json.read_text()))
        return

    if args.child:
        kind, *rest = args.child
        report = child_local(*rest) if kind == "local" else child_spark(*rest)
        print(json.dumps(report))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tollwatch-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    prepared_path, listed, graph = build_prepared(workdir)
    print(f"prepared index in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    # Calibrate: how many rows fit the budget at the local engine's rate?
    calib = workdir / "calibrate.csv"
    generate(calib, 5_000, listed, graph, seed=7)
    cal = run_child(["--child", "local", str(prepared_path), str(calib), str(workdir / "calibrate.jsonl")], timeout=600)
    rate = cal["rows_per_s"]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    # Spark on 2 cores is expected near 2x local; budget for both runs plus fixed costs.
    share = args.budget_s - 60 * len(engines)
    fit = int(rate * share / (1 + (0.6 if "spark" in engines else 0)))
    rows = min(args.rows, max(10_000, fit // 10_000 * 10_000))
    print(f"local calibration: {rate:.0f} rows/s; measuring on {rows:,} rows (asked {args.rows:,})", file=sys.stderr)

    data = workdir / "shipments.csv"
    t = time.perf_counter()
    info = generate(data, rows, listed, graph)
    info["generate_s"] = round(time.perf_counter() - t, 1)
    reports = []
    for engine in engines:
        if engine == "local":
            reports.append(run_child(["--child", "local", str(prepared_path), str(data), str(workdir / "local.jsonl")], timeout=args.budget_s * 2))
        else:
            reports.append(run_child(["--child", "spark", str(prepared_path), str(data), str(workdir / "spark-out"), args.master], timeout=args.budget_s * 2))
        print(json.dumps(reports[-1]), file=sys.stderr)
    if len(reports) == 2:
        result_identity = compare(workdir / "local.jsonl", workdir / "spark-out")
        print(json.dumps(result_identity), file=sys.stderr)
    else:
        result_identity = None
    result = {
        "asked_rows": args.rows,
        "identity": result_identity,
        "input": info,
        "calibration_rows_per_s": rate,
        "reports": reports,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other jobs), Python {platform.python_version()}",
    }
    (workdir / "scale.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs(result)


def _digests(lines) -> dict[str, str]:
    import hashlib

    out = {}
    for line in lines:
        if line.strip():
            qid = json.loads(line)["query_id"]
            out[qid] = hashlib.sha1(line.rstrip("\n").encode()).hexdigest()[:16]
    return out


def compare(local_out: Path, spark_dir: Path) -> dict:
    """Row-by-row identity of the two engines' JSONL (by query id, whole record)."""
    with local_out.open(encoding="utf-8") as fh:
        a = _digests(fh)

    def spark_lines():
        for part in sorted(spark_dir.glob("part-*")):
            with part.open(encoding="utf-8") as fh:
                yield from fh

    b = _digests(spark_lines())
    same = sum(1 for k, v in a.items() if b.get(k) == v)
    return {"rows_local": len(a), "rows_spark": len(b), "identical_rows": same}


def write_docs(result: dict) -> None:
    info = result["input"]
    lines = [
        START,
        "## Scale",
        "",
        f"`benchmarks/scale.py`: generated bill-of-lading CSV, {info['rows']:,} rows ({info['bytes'] / 1e6:.0f} MB; "
        f"suppliers drawn Zipf-like from a pool of {info['distinct_suppliers_in_pool']:,}, {info['listed_rows']:,} rows naming a listed party, "
        f"{info['graph_rows']:,} naming a company from the evidence graph), screened against the bundled OFAC SDN + UN lists and the graph.",
    ]
    if result["asked_rows"] != info["rows"]:
        lines.append(
            f"Asked for {result['asked_rows']:,} rows; at the calibrated local rate ({result['calibration_rows_per_s']:,.0f} rows/s) "
            f"that would not fit the ~10-minute budget on this machine, so both engines ran on {info['rows']:,}."
        )
    lines += ["", "| engine | rows | wall s (screen + write) | rows/s | peak memory, process tree | JSONL output |", "|---|---|---|---|---|---|"]
    for r in result["reports"]:
        out_mb = f"{r['output_mb']:,.0f} MB" if r.get("output_mb") else "—"
        mem = f"{r['peak_tree_rss_mb']:,.0f} MB" if r.get("peak_tree_rss_mb") else "— (install psutil)"
        lines.append(f"| {r['engine']} | {r['rows']:,} | {r['screen_s']:.1f} | {r['rows_per_s']:,.0f} | {mem} | {out_mb} |")
    spark = next((r for r in result["reports"] if r["engine"].startswith("spark")), None)
    if spark:
        lines += [
            "",
            f"Spark: {spark['partitions']} input partitions; per-partition throughput inside the Python worker "
            f"{spark['per_partition_rows_per_s']:,.0f} rows/s; session start {spark['session_start_s']:.1f} s (not in the wall time). "
            f"Prepared index: {spark['index_pickle_mb']:.1f} MB pickled in {spark['index_pickle_s']:.2f} s; "
            f"broadcast and unpickled on every worker in {spark['broadcast_to_all_workers_s']:.2f} s. "
            "Peak memory counts the JVM (driver heap 2 GB) and the Python workers. What this means for 100M rows on a cluster: docs/scaling.md.",
        ]
        local = next((r for r in result["reports"] if r["engine"] == "local"), None)
        if local and spark.get("per_partition_rows_per_s"):
            lines += [
                "",
                f"Spark local[2] ran {spark['rows_per_s'] / local['rows_per_s']:.2f}× as fast as the local engine; each of its workers screened at "
                f"{spark['per_partition_rows_per_s'] / local['rows_per_s']:.0%} of the single local process's rate. The two cores are shared "
                "with other jobs and with the JVM reading CSV and writing output, so this is not the speed-up of two free cores. "
                "The calibration rate is the cold-cache rate on the first 5,000 rows; repeated supplier names make later rows cheaper.",
            ]
    ident = result.get("identity")
    if ident:
        lines += ["", f"Identity: {ident['identical_rows']:,} of {ident['rows_local']:,} result records are byte-identical between the engines "
                  f"(each process with its own random hash seed)."]
    lines += ["", f"Machine: {result['machine']}.", END]
    text = DOCS.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        marker = "## Scale\n\n_Not yet measured: run `python benchmarks/scale.py`._"
        text = text.replace(marker, block) if marker in text else text.rstrip("\n") + "\n\n" + block + "\n"
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
