"""The Spark screening engine: the local engine's per-row logic, run on a cluster.

Nothing here decides a match. `tollwatch.engines.local.Columns` maps input columns to
screening fields and `tollwatch.engines.local.screen_rows` screens them; this adapter
only moves data: it broadcasts the prepared list index once per executor, maps
`screen_rows` over each input partition, and writes JSONL or Parquet part files whose
records `tollwatch.writers.screening` shapes (the same as the local engine's). So
`--engine spark` and `--engine local` give the same matches and scores by construction.

Needs `pip install 'tollwatch[spark]'` and a Java 17 runtime; executors need tollwatch
installed in the Python that runs them (PYSPARK_PYTHON).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.writers.screening import count, jsonl_line, parquet_record

INPUT_FORMATS = ("csv", "tsv", "parquet", "jsonl")
OUTPUT_FORMATS = ("jsonl", "parquet")
_COMPRESSION_SUFFIXES = (".gz", ".bz2", ".deflate", ".lz4", ".snappy", ".zst")
_CORRUPT = "_corrupt_record"


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise InputError("--engine spark needs pyspark: pip install 'tollwatch[spark]' (and a Java 17 runtime)", field="engine") from None


def session(master: str | None = None, app_name: str = "tollwatch-screen"):
    """The active SparkSession, or a new one on `master` (default local[*])."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and (master is None or active.sparkContext.master == master):
        return active
    # Executors must run the Python that has tollwatch installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master or "local[*]")
        .appName(app_name)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - typically no JVM: say so in one line
        raise InputError(f"cannot start Spark on {master or 'local[*]'}: {_first_line(exc)} (is Java 17 installed?)", field="spark-master") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def detect_format(path: str) -> str:
    name = path.rstrip("/")
    for suffix in _COMPRESSION_SUFFIXES:
        if name.casefold().endswith(suffix):
            name = name[: -len(suffix)]
    suffix = Path(name).suffix.casefold().lstrip(".")
    fmt = {"csv": "csv", "txt": "csv", "tsv": "tsv", "tab": "tsv", "parquet": "parquet", "pq": "parquet", "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl"}.get(suffix)
    if fmt:
        return fmt
    local = Path(path)
    if local.is_dir():  # a directory of part files, as Spark itself writes them
        kinds = {detect_format(str(p)) for p in local.iterdir() if p.is_file() and not p.name.startswith(("_", "."))}
        if len(kinds) == 1:
            return kinds.pop()
    if suffix == "xlsx":
        raise InputError("--engine spark reads CSV, TSV, Parquet or JSON lines; convert the workbook or use --engine local", path=path, field="format")
    raise InputError(f"cannot tell the input format of {path!r}: name it .csv, .tsv, .parquet or .jsonl", path=path, field="format")


def read_dataframe(spark, path: str, fmt: str):
    reader = spark.read
    if fmt in ("csv", "tsv"):
        # RFC 4180 quoting like the local reader; PERMISSIVE pads short rows and drops extra cells, as it does.
        df = (
            reader.option("header", "true")
            .option("inferSchema", "false")
            .option("escape", '"')
            .option("sep", "\t" if fmt == "tsv" else ",")
            .option("encoding", "UTF-8")
            .option("mode", "PERMISSIVE")
            .csv(path)
        )
    elif fmt == "parquet":
        df = reader.parquet(path)
    elif fmt == "jsonl":
        df = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", _CORRUPT).json(path)
    else:
        raise InputError(f"unknown input format {fmt!r} for --engine spark", path=path, field="format")
    return df


def _row_offset(fmt: str) -> int:
    # The local reader numbers rows by file line: a header is line 1 in CSV/TSV (and counted for Parquet).
    return 1 if fmt == "jsonl" else 2


def _cells(values, row_type) -> list:
    """Spark values as the local readers hand them to `Columns.row` (nested values as JSON text)."""
    out = []
    for v in values:
        if isinstance(v, row_type):
            v = json.dumps(v.asDict(recursive=True))
        elif isinstance(v, list | dict):
            v = json.dumps(v)
        out.append(v)
    return out


def _partition_screener(prepared_bc, cols, path: str, *, threshold, limit, datasets, counts_acc):
    from tollwatch.engines.local import screen_rows

    corrupt_at = cols.corrupt_at

    def screen_partition(items):
        from pyspark.sql import Row

        prepared = prepared_bc.value  # unpickled once per Python worker, then reused

        def rows():
            for spark_row, lineno in items:
                values = list(spark_row)
                if corrupt_at is not None:
                    if values[corrupt_at] is not None:
                        raise InputError("malformed JSON", path=path, line=lineno, field="json")
                    values = values[:corrupt_at]
                yield cols.row(_cells(values, Row), lineno, path)

        local = Counter()
        started = time.perf_counter()
        for result in screen_rows(prepared, rows(), threshold=threshold, limit=limit, datasets=datasets):
            count(local, result)
            yield result
        # Worker-side time per partition: what capacity planning multiplies by (docs/scaling.md).
        local["partition_seconds"] += time.perf_counter() - started
        local["partitions"] += 1
        counts_acc.add(local)

    return screen_partition


def _numbered(df, fmt: str, need_lines: bool):
    """(row, line number) pairs. Line numbers follow the local reader (header = line 1), counted
    per input partition on the JVM side, so no extra pass through Python; skipped when unused."""
    rdd = df.rdd
    if not need_lines:
        return rdd.map(lambda r: (r, None))
    from pyspark.sql.functions import spark_partition_id

    sizes = dict(df.select(spark_partition_id().alias("p")).groupBy("p").count().collect())
    starts, total = [], _row_offset(fmt)
    for pid in range(rdd.getNumPartitions()):
        starts.append(total)
        total += sizes.get(pid, 0)

    def number(pid, it):
        first = starts[pid]
        for i, r in enumerate(it):
            yield r, first + i

    return rdd.mapPartitionsWithIndex(number, preservesPartitioning=True)


def _counter_accumulator(sc):
    from pyspark.accumulators import AccumulatorParam

    class CounterParam(AccumulatorParam):
        def zero(self, value):
            return Counter()

        def addInPlace(self, a, b):
            a.update(b)
            return a

    return sc.accumulator(Counter(), CounterParam())


def results_rdd(spark, prepared, input_path: str, *, mapping: dict[str, str] | None = None, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None, input_format: str | None = None, partitions: int | None = None):
    """(rdd of result dicts, counts accumulator): the lazy plan, for writing or inspecting."""
    from tollwatch.engines.local import Columns

    if datasets:
        unknown = [d for d in datasets if d not in prepared.index.datasets]
        if unknown:
            raise InputError(f"unknown list {', '.join(unknown)} (loaded: {', '.join(sorted(prepared.index.datasets))})", field="list")
    fmt = input_format or detect_format(input_path)
    try:
        df = read_dataframe(spark, input_path, fmt)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException: path missing, unreadable
        raise InputError(f"Spark cannot read the input: {_first_line(exc)}", path=input_path, field="input") from None
    header = [c for c in df.columns if c != _CORRUPT]
    if not header:
        raise InputError("file is empty", path=input_path)
    if _CORRUPT in df.columns:
        df = df.select(*header, _CORRUPT)
    header = [header[0].lstrip("\ufeff"), *header[1:]]
    cols = Columns(header, dict(mapping or {}), input_path)  # a bad header fails here, before any output
    cols.corrupt_at = len(header) if _CORRUPT in df.columns else None
    # Without a query_id column the local engine uses the line number as the id: number rows the same way.
    numbered = _numbered(df, fmt, need_lines="query_id" not in cols.fields)
    if partitions:
        numbered = numbered.repartition(partitions)
    sc = spark.sparkContext
    prepared_bc = sc.broadcast(prepared)
    counts = _counter_accumulator(sc)
    screen = _partition_screener(prepared_bc, cols, input_path, threshold=threshold, limit=limit, datasets=datasets, counts_acc=counts)
    return numbered.mapPartitions(screen), counts


def run(prepared, input_path: str, out: str, fmt: str = "jsonl", *, mapping: dict[str, str] | None = None, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None, master: str | None = None, spark=None, input_format: str | None = None, partitions: int | None = None) -> Counter:
    """Screen INPUT (any path Spark reads) into OUT, a directory of JSONL or Parquet part files.

    Output is written beside OUT and moved into place when complete: a failed run leaves no
    partial result (and an earlier OUT stays as it was)."""
    if fmt not in OUTPUT_FORMATS:
        raise InputError(f"--engine spark writes {' or '.join(OUTPUT_FORMATS)}, not {fmt!r}", field="format")
    if not out:
        raise InputError("--engine spark needs -o OUT (a directory of part files)", field="output")
    own = spark is None and not _active_session()
    spark = spark or session(master)
    try:
        return _run(spark, prepared, str(input_path), str(out), fmt, mapping=mapping, threshold=threshold, limit=limit, datasets=datasets, input_format=input_format, partitions=partitions)
    finally:
        if own:  # a session we started for this command ends with it
            spark.stop()


def _active_session() -> bool:
    require_pyspark()
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() is not None


def _run(spark, prepared, input_path: str, out: str, fmt: str, **kw) -> Counter:
    mapping, threshold, limit, datasets = kw["mapping"], kw["threshold"], kw["limit"], kw["datasets"]
    input_format, partitions = kw["input_format"], kw["partitions"]
    results, counts = results_rdd(spark, prepared, str(input_path), mapping=mapping, threshold=threshold, limit=limit, datasets=datasets, input_format=input_format, partitions=partitions)
    staging = f"{out.rstrip('/')}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        if fmt == "jsonl":
            results.map(jsonl_line).saveAsTextFile(staging)
        else:
            _to_frame(spark, results).write.parquet(staging)
    except Exception as exc:  # noqa: BLE001
        _delete(spark, staging)
        raise _input_error_from(exc) from None
    _replace(spark, staging, out)
    return counts.value


def _to_frame(spark, results):
    from pyspark.sql.types import ArrayType, BooleanType, DoubleType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("query_id", StringType(), False),
            StructField("risk_level", StringType(), False),
            StructField("top_score", DoubleType(), True),
            StructField("entity_ids", ArrayType(StringType()), False),
            StructField("scores", ArrayType(DoubleType()), False),
            StructField("hit", BooleanType(), False),
            StructField("result", StringType(), False),  # the full record, exactly the JSONL line
        ]
    )

    return spark.createDataFrame(results.map(parquet_record), schema)


def _fs(spark, path: str):
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hpath


def _delete(spark, path: str) -> None:
    try:
        fs, p = _fs(spark, path)
        if fs.exists(p):
            fs.delete(p, True)
    except Exception:  # noqa: BLE001 - cleanup is best effort; the error that matters is raised
        pass


def _replace(spark, staging: str, out: str) -> None:
    fs, src = _fs(spark, staging)
    _, dst = _fs(spark, out)
    if fs.exists(dst):
        if fs.getFileStatus(dst).isFile():
            _delete(spark, staging)
            raise InputError("is a file; --engine spark writes a directory of part files", path=out, field="output")
        fs.delete(dst, True)
    if not fs.rename(src, dst):
        raise InputError(f"could not move the result from {staging} into place", path=out, field="output")


_INPUT_ERROR = re.compile(r"InputError: (.+)")
_WHERE = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+))?: (?:(?P<field>[\w.-]+): )?(?P<message>.+)$")


def _input_error_from(exc: Exception) -> Exception:
    """A bad row fails inside an executor; bring its one-line message back to the user."""
    if isinstance(exc, InputError):
        return exc
    found = _INPUT_ERROR.findall(str(exc))
    if not found:
        return exc
    m = _WHERE.match(found[-1].strip())
    if not m:
        return InputError(found[-1].strip())
    return InputError(m["message"], path=m["path"], line=int(m["line"]) if m["line"] else None, field=m["field"])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
