"""Screening use cases: the one way the CLI, the server and the Python API screen.

- `screen_file` screens a file into a file, on the local or the Spark engine;
- `read_upload`, `screen_upload` and `write_results` are the same steps taken one at a
  time, for a server job that reports progress and keeps its results for downloads;
- `PreparedCache` holds the prepared index in memory, rebuilt when the store changes.

The lists and the prepared index itself are `app.screening`'s; the per-row logic is
`engines.local.screen_rows`; the files are `writers.screening`'s.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tollwatch.app.list_freshness import freshness_now
from tollwatch.app import visibility
from tollwatch.app.screening import Prepared, _fingerprint, prepare, prepare_keyed
from tollwatch.core.errors import InputError
from tollwatch.core.limits import UploadLimits
from tollwatch.core.model import Entity, Sensitivity
from tollwatch.engines.local import FIELDS, parse_mapping, read_rows, run, screen_rows
from tollwatch.store.repository import Store
from tollwatch.writers.screening import OUTPUT_FORMATS, explanation_text, table_with_inputs, write_all
from tollwatch.writers.screening_summary import summary_counts

ENGINES = ("local", "spark")
ENTITY_CACHE_SIZE = 20_000  # hydrated entities PreparedCache keeps per store version

__all__ = [
    "ENGINES", "FIELDS", "OUTPUT_FORMATS", "PreparedCache", "Screened", "dated", "explanation_text", "parse_mapping",
    "read_upload", "screen_file", "screen_rows_of", "screen_upload", "write_results",
]


@dataclass
class Screened:
    """What a file screening did: counts by risk level (and with_hits...), and the lists used."""

    counts: Counter = field(default_factory=Counter)
    lists: dict[str, dict] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(v for k, v in self.counts.items() if k in ("high", "medium", "low", "none"))


class PreparedCache:
    """The prepared index of one store in memory, and the ids each clearance may not see.

    Both are checked against the store's write counter (`Store.version`): one integer query per
    call while nothing was written. After a write the index's fingerprint says whether what the
    index reads changed (an upload that only proposes does not), and only then is it rebuilt.
    Every process (each `uvicorn` worker) keeps its own and reads the same counter, so a write
    through any worker is seen by all."""

    def __init__(self, store: Store | None = None):
        self.store = store
        self._lock = threading.Lock()
        self._key: str | None = None
        self._version: int | None = None
        self._prepared: Prepared | None = None
        self._hidden: dict[Sensitivity, tuple[int, frozenset[str]]] = {}
        self._entities: dict[tuple[Sensitivity, str], Entity | None] = {}
        self._entities_version: int | None = None

    def get(self, store: Store | None = None, version: int | None = None) -> Prepared:
        """The index of `store` (default: the one given at creation; the Python API opens one per call).

        `version`: the store's counter as the caller just read it (one read serves a whole request)."""
        store = store or self.store
        if store is None:
            raise ValueError("PreparedCache.get needs a store")
        with self._lock:
            # Read before the fingerprint: a write meanwhile is seen next time.
            version = store.version() if version is None else version
            if self._prepared is not None and version == self._version:
                return self._prepared
            key = _fingerprint(store) if self._prepared is not None else None
            if self._prepared is None or key != self._key:
                self._prepared, self._key = prepare_keyed(store)
            self._version = version
            return self._prepared

    def hidden(self, clearance: Sensitivity, version: int | None = None) -> frozenset[str]:
        """`visibility.hidden_entity_ids` at `clearance`, recomputed only when the store was written."""
        store = self.store
        if store is None:
            raise ValueError("PreparedCache.hidden needs a store")
        version = store.version() if version is None else version
        with self._lock:
            cached = self._hidden.get(clearance)
        if cached is not None and cached[0] == version:
            return cached[1]
        with store.read(max_sensitivity=clearance) as r:
            ids = frozenset(visibility.hidden_entity_ids(r))
        with self._lock:
            self._hidden[clearance] = (version, ids)
        return ids

    def entities(self, clearance: Sensitivity, ids: Iterable[str], version: int | None = None) -> dict:
        """`Reader.entities(ids)` at `clearance`, kept until the store is written (a hit's list
        entry is read once, not on every /match that finds it); bounded by ENTITY_CACHE_SIZE."""
        store = self.store
        if store is None:
            raise ValueError("PreparedCache.entities needs a store")
        wanted = list(dict.fromkeys(ids))
        version = store.version() if version is None else version
        with self._lock:
            if self._entities_version != version:
                self._entities, self._entities_version = {}, version
            have = {i: self._entities[(clearance, i)] for i in wanted if (clearance, i) in self._entities}
        missing = [i for i in wanted if i not in have]
        if missing:
            with store.read(max_sensitivity=clearance) as r:
                got = r.entities(missing)
            have.update({i: got.get(i) for i in missing})
            with self._lock:
                if self._entities_version == version:
                    if len(self._entities) + len(missing) > ENTITY_CACHE_SIZE:
                        self._entities = {}
                    self._entities.update({(clearance, i): have[i] for i in missing})
        return {i: e for i, e in have.items() if e is not None}


def screen_file(
    store: Store | None,
    input_path: str | Path,
    out_path: str | Path | None,
    fmt: str = "jsonl",
    *,
    mapping: dict[str, str] | None = None,
    threshold: float | None = None,
    limit: int = 5,
    datasets: list[str] | None = None,
    engine: str = "local",
    progress: bool = True,
    use_cache: bool = True,
    spark_master: str | None = None,
    prepared: Prepared | None = None,
    max_list_age: int | None = None,
) -> Screened:
    """Screen INPUT into OUT (stdout for jsonl/csv when None; a directory of part files on Spark).

    `prepared` skips building the index (a caller that holds one already, e.g. a PreparedCache).
    Every output names each list's snapshot date and whether it is older than `max_list_age` days."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})", field="engine")
    if prepared is None:
        if store is None:
            raise ValueError("screen_file needs a store or a prepared index")
        prepared = prepare(store, use_cache=use_cache)
    prepared = dated(prepared, max_list_age)
    if engine == "spark":
        try:
            from tollwatch.engines import spark as spark_engine
        except ImportError:
            raise InputError("the spark engine is not available in this installation", field="engine") from None

        counts = spark_engine.run(prepared, str(input_path), str(out_path) if out_path else "", fmt, mapping=mapping, threshold=threshold, limit=limit, datasets=datasets, master=spark_master)
    else:
        counts = run(prepared, Path(input_path), Path(out_path) if out_path else None, fmt, mapping=mapping, threshold=threshold, limit=limit, datasets=datasets, progress=progress)
    lists = {ds: m for ds, m in prepared.lists.items() if not datasets or ds in datasets}
    return Screened(counts, lists)


def dated(prepared: Prepared, max_list_age: int | None = None) -> Prepared:
    """The index with each list's age and staleness as of today, for every output to name."""
    return dataclasses.replace(prepared, lists=freshness_now(prepared.lists, max_list_age))


def screen_rows_of(prepared, input_path: str | Path, *, mapping: dict[str, str] | None = None, threshold: float | None = None, limit: int = 5, datasets: list[str] | None = None) -> Iterator[dict]:
    """A file's screening results as a stream, for a caller that keeps them (the Python API)."""
    return screen_rows(dated(prepared), read_rows(Path(input_path), mapping), threshold=threshold, limit=limit, datasets=datasets)


def read_upload(path: Path, display: str, limits: UploadLimits, mapping: dict[str, str] | None = None) -> list[dict]:
    """Every row of an uploaded file, within the upload limits (the CLI screens big files).

    `mapping`: {column (casefolded): field}, as the upload page's column choices give it.
    Messages name the file as the user called it (`display`), never the temporary path."""
    try:
        rows = []
        for row in read_rows(path, mapping, limits=limits):
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise limits.refuse(f"more than {limits.max_rows:,} rows: split the file, or screen it with the command-line tool", "max_rows", display)
        return rows
    except InputError as exc:
        where = display if exc.path is None else exc.path.replace(str(path), display)
        raise InputError(exc.message.replace(str(path), display), path=where, line=exc.line, field=exc.field) from None


def read_upload_isolated(path: Path, display: str, limits: UploadLimits, timeout: float, mapping: dict[str, str] | None = None) -> list[dict]:
    """read_upload in its own process (app.isolated): a hostile workbook never stalls the server."""
    from tollwatch.app.isolated import run_isolated

    return run_isolated(read_upload, path, display, limits, mapping, timeout=timeout, what=display)


def screen_upload(prepared, rows: list[dict], threshold: float | None, limit: int, report: Callable[[int, int], None], datasets: list[str] | None = None) -> list[dict]:
    """Screen every row (against `datasets` only, when given), calling report(done, total) at
    the start, every ten rows and at the end."""
    report(0, len(rows))
    results = []
    for i, res in enumerate(screen_rows(prepared, rows, threshold=threshold, limit=limit, datasets=datasets), 1):
        results.append(res)
        if i % 10 == 0 or i == len(rows):
            report(i, len(rows))
    return results


def write_results(results: Iterable[dict], lists: dict[str, dict], out: Path, fmt: str, *, inputs: list[dict] | None = None, bom: bool = False) -> Counter:
    """A job's results as one file (jsonl, csv, xlsx, html, parquet); a half-written file is removed.

    With `inputs` (each row's own cells) CSV and XLSX keep the input's columns before the
    results'; `bom` starts a CSV with the UTF-8 byte-order mark Excel needs for Hangul."""
    if inputs is not None and fmt in ("csv", "xlsx"):
        results = list(results)
        table_with_inputs(results, inputs, lists, out, fmt, bom=bom)
        return summary_counts(results)
    return write_all(results, out, fmt, lists)
