"""`--engine spark` gives exactly what `--engine local` gives: same rows, matches, scores, risk.

One local[2] SparkSession serves every test here (starting one takes seconds)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'tollwatch[spark]')"
    java = shutil.which("java") or (os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java"))
    if not java:
        return "no Java runtime (Spark needs Java 17)"
    try:
        subprocess.run([str(java), "-version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"java does not run: {exc}"
    return None


@pytest.fixture(scope="session")
def spark():
    missing = _spark_missing()
    if missing:
        pytest.skip(f"Spark tests need pyspark and Java: {missing}")
    import sys

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("tollwatch-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.executorEnv.PYTHONHASHSEED", HASH_SEED)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import prepare

    import pickle

    where = tmp_path_factory.mktemp("spark-store")
    store = open_store(f"sqlite:///{where / 'tw.db'}")
    try:
        prep = prepare(store, use_cache=False)
    finally:
        store.close()
    with (where / "prepared.pkl").open("wb") as fh:
        pickle.dump(prep, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return prep, where / "prepared.pkl"


IDS = {"shipment_id": "query_id"}  # as `--map shipment_id=query_id`


def _queries(prepared, n_listed: int = 40, seed: int = 7) -> list[dict]:
    """Shipment-like rows: listed names as given, misspelt and reordered, graph companies, clean traders."""
    rng = random.Random(seed)
    records = prepared.index.records
    listed = [records[i] for i in rng.sample(range(len(records)), n_listed)]
    graph = [r for r in records if r.dataset == "tollwatch"]
    clean = ["Acme Trading LLC", "Nordic Timber AB", "Blue Harbor Logistics", "Sunrise Garment Co", "Pacific Rim Foods Inc", "Zhejiang Meili Hair Products Co Ltd", "Qingdao Ocean Star Seafood"]
    rows = []

    def add(name, country="", hs="", desc=""):
        rows.append({"shipment_id": f"S{len(rows):04d}", "shipper": name, "consignee": rng.choice(clean), "shipper_address": "", "country": country, "hs_code": hs, "goods_description": desc})

    for r in listed:
        name = r.names[rng.randrange(len(r.names))]
        add(name, country=rng.choice(["CN", "KP", "RU", ""]))
        toks = name.split()
        if len(toks) > 1:
            add(" ".join(reversed(toks)).lower())
        if len(name) > 6:
            cut = rng.randrange(1, len(name) - 1)
            add(name[:cut] + name[cut + 1 :])  # one letter dropped
    for r in graph:
        add(r.caption, country="CN", hs=rng.choice(["6704", "670420", "030389", ""]), desc=rng.choice(["human hair wigs", "false eyelashes", "frozen fish fillets", ""]))
    for name in clean:
        add(name, country="US", hs="9403", desc="wooden furniture")
    add("", country="CN")  # a row with no shipper name at all
    return rows


def _write_csv(path: Path, rows: list[dict], drop: tuple[str, ...] = ()) -> Path:
    import csv

    keys = [k for k in rows[0] if k not in drop]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(keys)
        for r in rows:
            w.writerow([r[k] for k in keys])
    return path


# The Spark Python workers run with PYTHONHASHSEED=0 (Spark's default, set explicitly above);
# the local baseline runs in its own process with another seed, so equal results also show
# that nothing depends on a process's hash order.
HASH_SEED = "0"
LOCAL_SEED = "4242"
_LOCAL_RUNNER = """
import json, pickle, sys
from tollwatch.engines import local
with open(sys.argv[1], "rb") as fh:
    prepared = pickle.load(fh)
kw = json.loads(sys.argv[4])
local.run(prepared, sys.argv[2], sys.argv[3], "jsonl", progress=False, **kw)
"""


def _local(prepared_file: Path, path: Path, tmp_path: Path, *, seed: str = LOCAL_SEED, **kw) -> dict[str, dict]:
    import sys

    out = tmp_path / f"local-{path.stem}-{seed}.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", _LOCAL_RUNNER, str(prepared_file), str(path), str(out), json.dumps(kw)], check=True, env=env, timeout=300)
    return _by_id(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())


def _spark_jsonl(spark, prepared, path: Path, tmp_path: Path, **kw) -> tuple[dict[str, dict], dict]:
    from tollwatch.engines import spark as engine

    out = tmp_path / f"spark-{path.stem}"
    counts = engine.run(prepared, str(path), str(out), "jsonl", spark=spark, **kw)
    parts = sorted(out.glob("part-*"))
    assert parts, "Spark wrote no part files"
    lines = [ln for p in parts for ln in p.read_text(encoding="utf-8").splitlines() if ln]
    return _by_id(json.loads(ln) for ln in lines), counts


def _by_id(results) -> dict[str, dict]:
    out = {}
    for r in results:
        assert r["query_id"] not in out, f"query {r['query_id']} came out twice"
        out[r["query_id"]] = r
    return out


def _assert_same(local_results: dict, spark_results: dict) -> None:
    assert set(local_results) == set(spark_results)
    for qid, lr in local_results.items():
        sr = spark_results[qid]
        assert [m["entity_id"] for m in sr["matches"]] == [m["entity_id"] for m in lr["matches"]], qid
        assert [round(m["score"], 4) for m in sr["matches"]] == [round(m["score"], 4) for m in lr["matches"]], qid
        assert sr == lr, qid  # and everything else: explanations, risk level, reasons, citations


def test_spark_matches_local_on_shipment_csv(spark, prepared, tmp_path):
    prepared, prepared_file = prepared
    rows = _queries(prepared)
    path = _write_csv(tmp_path / "shipments.csv", rows)
    local_results = _local(prepared_file, path, tmp_path, mapping=IDS)
    spark_results, counts = _spark_jsonl(spark, prepared, path, tmp_path, mapping=IDS)
    _assert_same(local_results, spark_results)
    assert "S0000" in spark_results
    # The input really exercises matching: many listed names are found, clean traders are not.
    hits = [r for r in local_results.values() if any(m["match"] for m in r["matches"])]
    assert len(hits) >= 40
    assert sum(counts[k] for k in ("high", "medium", "low", "none")) == len(rows)
    assert counts["with_hits"] == len(hits)


def test_spark_numbers_rows_like_local_without_an_id_column(spark, prepared, tmp_path):
    prepared, prepared_file = prepared
    rows = _queries(prepared, n_listed=15, seed=11)
    path = _write_csv(tmp_path / "no-ids.csv", rows, drop=("shipment_id",))
    local_results = _local(prepared_file, path, tmp_path)
    assert "2" in local_results  # the local engine names rows by line
    spark_results, _ = _spark_jsonl(spark, prepared, path, tmp_path, partitions=None)
    _assert_same(local_results, spark_results)


def test_spark_reads_jsonl_and_parquet_and_writes_parquet(spark, prepared, tmp_path):
    prepared, prepared_file = prepared
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tollwatch.engines import spark as engine

    rows = _queries(prepared, n_listed=12, seed=3)
    jl = tmp_path / "ship.jsonl"
    jl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    pqf = tmp_path / "ship.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pqf)
    expected = _local(prepared_file, jl, tmp_path, mapping=IDS)
    assert _local(prepared_file, pqf, tmp_path, mapping=IDS) == expected

    got, _ = _spark_jsonl(spark, prepared, jl, tmp_path, mapping=IDS)
    _assert_same(expected, got)

    out = tmp_path / "spark-parquet-out"
    engine.run(prepared, str(pqf), str(out), "parquet", spark=spark, mapping=IDS)
    table = pq.read_table(out).to_pylist()
    assert len(table) == len(rows)
    for rec in table:
        want = expected[rec["query_id"]]
        assert rec["entity_ids"] == [m["entity_id"] for m in want["matches"]]
        assert rec["scores"] == [round(m["score"], 4) for m in want["matches"]]
        assert rec["risk_level"] == want["risk"]["level"]
        assert json.loads(rec["result"]) == want


def test_spark_honours_list_filter_threshold_and_limit(spark, prepared, tmp_path):
    prepared, prepared_file = prepared
    path = _write_csv(tmp_path / "filtered.csv", _queries(prepared, n_listed=12, seed=5))
    kw = dict(datasets=["us_ofac_sdn"], threshold=0.8, limit=2, mapping=IDS)
    local_results = _local(prepared_file, path, tmp_path, **kw)
    spark_results, _ = _spark_jsonl(spark, prepared, path, tmp_path, **kw)
    _assert_same(local_results, spark_results)
    assert all(m["dataset"] == "us_ofac_sdn" for r in spark_results.values() for m in r["matches"])
    assert all(len(r["matches"]) <= 2 for r in spark_results.values())


def test_spark_refuses_bad_input_before_writing(spark, prepared, tmp_path):
    prepared, _ = prepared
    from tollwatch.core.errors import InputError
    from tollwatch.engines import spark as engine

    bad = tmp_path / "no-name.csv"
    bad.write_text("id,city\n1,Dandong\n", encoding="utf-8")
    out = tmp_path / "never"
    with pytest.raises(InputError, match="no name column"):
        engine.run(prepared, str(bad), str(out), "jsonl", spark=spark)
    assert not out.exists()
    with pytest.raises(InputError, match="unknown list"):
        engine.run(prepared, str(bad), str(out), "jsonl", spark=spark, datasets=["no_such_list"])
    with pytest.raises(InputError, match="writes jsonl or parquet"):
        engine.run(prepared, str(bad), str(out), "xlsx", spark=spark)
    assert not out.exists()


def test_spark_reports_a_bad_row_with_file_and_line(spark, prepared, tmp_path):
    prepared, _ = prepared
    from tollwatch.core.errors import InputError
    from tollwatch.engines import spark as engine

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "Acme Trading"}\n{"name": "Blue Harbor"\n', encoding="utf-8")
    out = tmp_path / "bad-out"
    with pytest.raises(InputError) as err:
        engine.run(prepared, str(bad), str(out), "jsonl", spark=spark)
    assert err.value.line == 2 and err.value.field == "json"
    assert str(bad) in str(err.value)
    assert not out.exists() and not list(tmp_path.glob("bad-out.tmp-*"))


def test_cli_screen_engine_spark(spark, prepared, tmp_path, monkeypatch):
    """`tollwatch screen --engine spark` end to end, in the shared session, against the local CLI."""
    import sys

    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    prepared, _ = prepared
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = _write_csv(tmp_path / "cli-shipments.csv", _queries(prepared, n_listed=10, seed=19))
    out = tmp_path / "cli-spark-out"
    result = CliRunner().invoke(cli, ["--db", db, "screen", str(path), "--engine", "spark", "--map", "shipment_id=query_id", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "screened" in result.output
    got = _by_id(json.loads(ln) for p in sorted(out.glob("part-*")) for ln in p.read_text(encoding="utf-8").splitlines() if ln)

    local_out = tmp_path / "cli-local.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": LOCAL_SEED, "TOLLWATCH_CACHE": str(tmp_path / "cache")}
    subprocess.run(
        [sys.executable, "-c", "from tollwatch.cli.main import main; main()", "--db", db, "screen", str(path), "--map", "shipment_id=query_id", "-o", str(local_out)],
        check=True, env=env, timeout=300, capture_output=True,
    )
    want = _by_id(json.loads(ln) for ln in local_out.read_text(encoding="utf-8").splitlines())
    _assert_same(want, got)

    result = CliRunner().invoke(cli, ["--db", db, "screen", str(path), "--engine", "spark", "--format", "csv", "-o", str(tmp_path / "x")])
    assert result.exit_code != 0 and "jsonl or parquet" in result.output


def test_local_results_do_not_depend_on_the_process(spark, prepared, tmp_path):
    """Spark runs the matcher in other processes; identical results need a matcher whose output
    does not depend on the process's hash seed (nor on how the index was pickled)."""
    prepared, prepared_file = prepared
    path = _write_csv(tmp_path / "seeds.csv", _queries(prepared, n_listed=40, seed=23))
    runs = [_local(prepared_file, path, tmp_path, seed=seed, mapping=IDS) for seed in ("1", "2", "3")]
    assert runs[0] == runs[1] == runs[2]
