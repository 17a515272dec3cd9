"""Exchange with other tools: export the graph (FtM, native JSON lines, claims CSV) and import FtM.

Exports never contain confidential sources; restricted ones only when asked for.
Imports run in one transaction: a bad line stores nothing.
"""

from __future__ import annotations

from pathlib import Path

from tollwatch.importers import ftm
from tollwatch.store.repository import Store
from tollwatch.writers.claims import CLAIM_COLUMNS, claims_csv

EXPORT_FORMATS = ("ftm", "jsonl", "csv")


def export_graph(store: Store, path: Path, fmt: str = "ftm", *, include_restricted: bool = False) -> int:
    """Write the graph to `path`; the number of records written."""
    return ftm.export_file(store, path, fmt, include_restricted=include_restricted)


def import_graph(store: Store, path: Path, actor: str) -> dict[str, int]:
    """Import FollowTheMoney JSON lines (ours or another tool's); counts by kind of record."""
    return ftm.import_file(store, path, actor)


def claims_table(claims: list[dict]) -> str:
    """Claim dicts (app.evidence) as the claims CSV: the same bytes `export --format csv` writes."""
    return claims_csv(claims)


__all__ = ["CLAIM_COLUMNS", "EXPORT_FORMATS", "claims_table", "export_graph", "import_graph"]
