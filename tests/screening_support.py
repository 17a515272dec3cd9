"""One store with the bundled lists and one prepared index per test session (building them is the slow part)."""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANCTIONS = ROOT.parent / "shared" / "data" / "sanctions"
OFAC_SDN = SANCTIONS / "ofac_sdn_2024-05-03.csv"
OFAC_ALT = SANCTIONS / "ofac_alt_2026-06-02.csv"
OFAC_ADD = SANCTIONS / "ofac_add_2026-06-02.csv"
UN_XML = SANCTIONS / "un_sc_consolidated_2018-10-29.xml"


@lru_cache(maxsize=1)
def session_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="tollwatch-screening-tests-"))
    os.environ["TOLLWATCH_CACHE"] = str(d / "cache")
    return d


@lru_cache(maxsize=1)
def template_db() -> Path:
    """A store with the reference data and the bundled lists, built once."""
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import ensure_default_lists

    path = session_dir() / "template.db"
    store = open_store(f"sqlite:///{path}")
    ensure_default_lists(store)
    store.close()
    return path


def fresh_db(tmp_path: Path) -> str:
    """A private copy of the template store (the WAL is checkpointed into the main file on close)."""
    target = tmp_path / "tollwatch.db"
    shutil.copy(template_db(), target)
    return f"sqlite:///{target}"


@lru_cache(maxsize=1)
def prepared():
    from tollwatch.app.evidence import open_store
    from tollwatch.app.screening import prepare

    store = open_store(f"sqlite:///{template_db()}")
    try:
        return prepare(store)
    finally:
        store.close()
