"""The Python API for screening: `tollwatch.screen(...)` and `tollwatch.match(query)`.

Imported lazily from `tollwatch/__init__.py`, so `import tollwatch` stays light.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path


_PREPARED: dict[str | None, tuple[str, object]] = {}


def _prepared(db: str | None):
    """The prepared index for this store, rebuilt when its lists or evidence change."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import _fingerprint, ensure_default_lists, prepare

    store = open_store(db)
    try:
        ensure_default_lists(store)
        key = _fingerprint(store)
        hit = _PREPARED.get(db)
        if hit is None or hit[0] != key:
            hit = (key, prepare(store))
            _PREPARED[db] = hit
        return hit[1]
    finally:
        store.close()


def match(query: str, schema: str | None = None, *, lists: list[str] | None = None, limit: int = 5, threshold: float | None = None, db: str | None = None) -> list[dict]:
    """Best matches of one name across the loaded lists and the evidence graph, with explanations."""
    from tollwatch.app.screening import match_one

    return match_one(_prepared(db), query, schema, lists=lists, limit=limit, threshold=threshold)


def screen(input_path, output=None, *, format: str = "jsonl", lists: list[str] | None = None, threshold: float | None = None, limit: int = 5, mapping: dict[str, str] | None = None, db: str | None = None, progress: bool = False):
    """Screen a file; with `output` writes it and returns counts by risk level, else returns the results."""
    from tollwatch.engines.local import read_rows, run, screen_rows

    prepared = _prepared(db)
    mapping = {k.casefold(): v for k, v in (mapping or {}).items()}
    if output is None:
        return list(screen_rows(prepared, read_rows(Path(input_path), mapping), threshold=threshold, limit=limit, datasets=lists))
    counts: Counter = run(prepared, Path(input_path), Path(output), format, mapping=mapping, threshold=threshold, limit=limit, datasets=lists, progress=progress)
    return dict(counts)
