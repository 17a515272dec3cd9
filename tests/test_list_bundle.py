"""The pre-parsed bundled lists (importers.list_bundle) fill a store exactly as reading the files does."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tollwatch.app import screening
from tollwatch.app.evidence import open_store
from tollwatch.importers.list_bundle import preparsed
from tollwatch.importers.reference import manifest

# Each table's columns as stored, in insertion order; timestamps left out (they say when).
TABLES = {
    "entities": "SELECT id, kind, caption, dataset, attributes, is_new FROM entities WHERE dataset != 'tollwatch' ORDER BY rowid",
    "names": "SELECT id, entity_id, position, value, script, system, lang, sensitivity, source_id FROM names ORDER BY id",
    "name_keys": "SELECT entity_id, key FROM name_keys ORDER BY rowid",
    "identifiers": "SELECT entity_id, position, scheme, value FROM identifiers ORDER BY rowid",
    "coordinates": "SELECT * FROM coordinates ORDER BY rowid",
    "audit": "SELECT actor, action, target_kind, target_id, detail FROM audit_log WHERE action = 'replace' ORDER BY id",
}


def _dump(url: str) -> dict:
    store = open_store(url)
    screening.ensure_default_lists(store)
    with store.engine.connect() as conn:
        out = {name: [tuple(r) for r in conn.execute(text(sql))] for name, sql in TABLES.items()}
        meta = {}
        for key, value in conn.execute(text("SELECT key, value FROM meta WHERE key LIKE 'list:%' OR key = :k"), {"k": screening.BUNDLE_META_KEY}):
            record = json.loads(value) if key.startswith("list:") else value
            if isinstance(record, dict):
                record.pop("imported_at")
            meta[key] = record
        out["meta"] = meta
    store.close()
    return out


def test_the_committed_pre_parsed_lists_are_current():
    files = manifest()["files"]
    for dataset, (_fmt, names) in screening.BUNDLED.items():
        assert preparsed(dataset, {n: files[n] for n in names}) is not None, (
            f"{dataset}: src/tollwatch/data/lists_preparsed.json.gz was made from other files or code; "
            "rerun `PYTHONPATH=src python scripts/build_list_bundle.py`")


def test_a_store_loaded_from_the_pre_parsed_rows_equals_one_loaded_from_the_files(tmp_path, monkeypatch):
    fast = _dump(f"sqlite:///{tmp_path / 'fast.db'}")
    monkeypatch.setattr(screening, "preparsed", lambda *a, **k: None)
    slow = _dump(f"sqlite:///{tmp_path / 'slow.db'}")
    assert len(fast["entities"]) > 20_000 and len(fast["name_keys"]) > 100_000
    for table in (*TABLES, "meta"):
        assert fast[table] == slow[table], table


def test_rows_from_other_files_are_not_used():
    files = manifest()["files"]
    names = screening.BUNDLED["us_ofac_sdn"][1]
    assert preparsed("us_ofac_sdn", {n: files[n] for n in names}) is not None
    assert preparsed("us_ofac_sdn", {**{n: files[n] for n in names}, names[0]: "0" * 64}) is None
    assert preparsed("no_such_dataset", {}) is None


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_rows_round_trip_through_the_grouped_form(dialect):
    from tollwatch.core.model import Entity, EntityKind, Identifier, Name
    from tollwatch.store.lists import entity_rows, grouped_rows, rows_of

    ents = [Entity(id="x-1", kind=EntityKind.ORGANIZATION, caption="Korea Kwangson Banking Corp", dataset="x",
                   names=[Name.of("Korea Kwangson Banking Corp"), Name.of("조선광선은행")], identifiers=[Identifier("x", "1")], attributes={"a": [1, "b"]})]
    rows = entity_rows(ents)
    assert rows_of(grouped_rows(rows), "x") == rows
