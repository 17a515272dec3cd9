"""Saved rows screened on Spark (`screen --save --engine spark`, `rescreen --engine spark`).

The rows are written to a temporary JSONL file that maps back to the same screening fields,
screened by `engines.spark.results_rdd` (the local engine's per-row function on each
partition), and read back in order. Each row's near score (its best candidate, also under
the report floor) is computed in the driver from the same index.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tollwatch.app.runs import near_score

_FIELDS = ("address", "country", "hs_code", "description", "schema")


def _as_input(rows: list[dict], path: Path) -> dict[str, str]:
    """Write rows as JSONL; returns the --map that reads their name columns back as names."""
    mapping: dict[str, str] = {"query_id": "query_id"}
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            obj: dict[str, str] = {"query_id": str(row["query_id"])}
            for col, name in row["names"]:
                obj[col] = name
                mapping[col.casefold()] = "name"
            for f in _FIELDS:
                obj["tw_" + f] = row.get(f) or ""
                mapping["tw_" + f] = f
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return mapping


def screen_on_spark(prepared, rows: list[dict], *, threshold: float | None, limit: int, datasets: list[str] | None, master: str | None = None) -> Iterator[tuple[dict, dict, float]]:
    """(row, result, near) per row, screened on Spark, in the rows' order."""
    from tollwatch.engines import spark as spark_engine

    if not rows:
        return iter(())
    tmp = Path(tempfile.mkdtemp(prefix="tollwatch-rescreen-"))
    try:
        mapping = _as_input(rows, tmp / "rows.jsonl")
        spark = spark_engine.session(master)
        rdd, _ = spark_engine.results_rdd(spark, prepared, str(tmp / "rows.jsonl"), mapping=mapping, threshold=threshold, limit=limit, datasets=datasets, input_format="jsonl")
        results = rdd.collect()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    matcher = prepared.matcher(threshold)
    ds = frozenset(datasets) if datasets else None
    return iter([(row, res, near_score(matcher, row, limit, ds)) for row, res in zip(rows, results, strict=True)])
