"""Four `lists import` runs of one dataset at once: each waits its turn, none is refused.

Each writer is its own process with its own store connection, on SQLite and on
PostgreSQL. The final dataset is exactly one import's records: no duplicate, no mix.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

from store_support import backend_url  # noqa: F401  (a fixture)

from tollwatch.core.model import Sensitivity

WRITERS = 4
RECORDS = 2100  # over one insert batch, so the writers' transactions overlap
DATASET = "watchlist"


def _list_file(tmp_path, writer: int):
    """The same ids in every file, each writer naming them its own way."""
    path = tmp_path / f"watch-{writer}.csv"
    rows = [f"W{i},Writer{writer} Trading {i}" for i in range(RECORDS)]
    path.write_text("id,name\n" + "\n".join(rows) + "\n")
    return path


def import_worker(url: str, path: str, writer: int, barrier, errors) -> None:
    """One `lists import`, started together with the others (spawned: importable from here)."""
    try:
        from pathlib import Path

        from tollwatch.app.lists import import_files
        from tollwatch.store.repository import Store

        store = Store(url)
        barrier.wait(timeout=60)
        report = import_files(store, f"desk-{writer}", "csv", [Path(path)], DATASET, "2026-01-01")
        assert report.count == RECORDS, report.count
        store.close()
    except BaseException:
        import traceback

        errors.put(f"writer {writer}: {traceback.format_exc()}")


def _run_writers(url: str, paths: list) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=import_worker, args=(url, str(p), w, barrier, errors)) for w, p in enumerate(paths)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert [p.exitcode for p in procs] == [0] * WRITERS or failures
    return failures


def test_four_concurrent_imports_of_one_dataset_all_succeed(backend_url, tmp_path):
    from tollwatch.store.repository import Store

    store = Store(backend_url)  # migrated once, before the writers race
    failures = _run_writers(backend_url, [_list_file(tmp_path, w) for w in range(WRITERS)])
    assert not failures, "\n".join(failures)

    with store.read(Sensitivity.PUBLIC) as r:
        ents = r.list_entities(dataset=DATASET)
        audit = [e for e in r.audit(limit=100_000) if e["target_id"] == DATASET and e["action"] == "replace"]
    ids = Counter(e.id for e in ents)
    assert len(ents) == RECORDS and max(ids.values()) == 1, "no duplicates"
    writers = {e.caption.split()[0] for e in ents}
    assert len(writers) == 1, f"one import's records, not a mix of {sorted(writers)}"
    names_per_entity = Counter(len(e.names) for e in ents)
    assert names_per_entity == Counter({1: RECORDS}), "no names left over from another import"
    assert sorted(e["actor"] for e in audit) == [f"desk-{w}" for w in range(WRITERS)], "each import ran and was audited"
    store.close()
