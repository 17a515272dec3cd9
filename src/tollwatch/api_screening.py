"""The Python API for screening: `tollwatch.screen(...)` and `tollwatch.match(query)`.

Imported lazily from `tollwatch/__init__.py`, so `import tollwatch` stays light.
"""

from __future__ import annotations


_CACHES: dict = {}


def _prepared(db: str | None):
    """The prepared index for this store, rebuilt when its lists or evidence change."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screen import PreparedCache

    store = open_store(db)
    try:
        return _CACHES.setdefault(db, PreparedCache()).get(store)
    finally:
        store.close()


def match(query: str, schema: str | None = None, *, lists: list[str] | None = None, limit: int = 5, threshold: float | None = None, db: str | None = None) -> list[dict]:
    """Best matches of one name across the loaded lists and the evidence graph, with explanations."""
    from tollwatch.app.screening import match_one

    return match_one(_prepared(db), query, schema, lists=lists, limit=limit, threshold=threshold)


def screen(input_path, output=None, *, format: str = "jsonl", lists: list[str] | None = None, threshold: float | None = None, limit: int = 5, mapping: dict[str, str] | None = None, db: str | None = None, progress: bool = False):
    """Screen a file; with `output` writes it and returns counts by risk level, else returns the results."""
    from tollwatch.app.screen import screen_file, screen_rows_of

    prepared = _prepared(db)
    mapping = {k.casefold(): v for k, v in (mapping or {}).items()}
    if output is None:
        return list(screen_rows_of(prepared, input_path, mapping=mapping, threshold=threshold, limit=limit, datasets=lists))
    done = screen_file(None, input_path, output, format, mapping=mapping, threshold=threshold, limit=limit, datasets=lists, progress=progress, prepared=prepared)
    return dict(done.counts)
