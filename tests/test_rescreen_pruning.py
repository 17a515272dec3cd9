"""Rescreen's change probe skips the tokens retrieval skips, and nothing more.

In a name with a strong token (base weight 0.5 or more), legal forms and generic words
("International", "Holdings", "Company") only rank: retrieval never looks them up, so a
changed record they share cannot become a candidate through them and the probe ignores
them. In a name made only of such words they do retrieve, and the probe must follow.
The positive control makes the probe skip them always: the all-generic row is then pruned
although its result changes, and the rescreen no longer equals the full run.
"""

from __future__ import annotations

import random

import pytest
from runs_support import generate_book, generate_list, mark_bundle_handled, write_book, write_list

from tollwatch.app import rescreen as rescreen_mod
from tollwatch.app.evidence import open_store
from tollwatch.app.lists import import_files
from tollwatch.app.rescreen import ChangeProbe, compare_versions, rescreen, retrieving_tokens
from tollwatch.app.run_snapshot import record_changes, records_snapshot
from tollwatch.app.runs import get_run, save_screening
from tollwatch.app.screening import prepare
from tollwatch.core.name_tokens import base_weight, tokens
from tollwatch.store import runs_repo

GENERIC = "International Industrial Holdings Company"  # every token ranks only (base weight < 0.5)
MIXED = "Wonsan Zebra International Holdings"  # strong tokens, and generic ones the new record shares


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def delta_store(tmp_path, db_url):
    """A saved run of a book holding GENERIC and MIXED; then a list that adds GENERIC."""
    store = open_store(db_url)
    mark_bundle_handled(store)
    rng = random.Random(11)
    entries = generate_list(rng, 200)
    import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", entries)], "gen_list", "2026-01-01")
    book = generate_book(rng, entries, 120)
    book += [{"id": "G1", "supplier": GENERIC, "country": "", "hs_code": ""}, {"id": "M1", "supplier": MIXED, "country": "", "hs_code": ""}]
    write_book(tmp_path / "book.csv", book)
    save_screening(store, "tester", "book", tmp_path / "book.csv", tmp_path / "v1.jsonl")
    added = {"id": "NEW-0001", "name": GENERIC, "aliases": "", "schema": "Organization", "program": "DPRK", "country": "KP"}
    import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", [*entries, added])], "gen_list", "2026-02-01")
    yield store, tmp_path
    store.close()


def _rows(store, ref):
    v = get_run(store, ref)
    with store.engine.connect() as conn:
        return {seq: result for seq, _, result in runs_repo.iter_rows(conn, v["id"])}


def _row_of(store, ref, query_id):
    return next(r for r in _rows(store, ref).values() if str(r["query_id"]) == query_id)


def test_retrieving_tokens_mirror_retrieval():
    assert all(base_weight(t) < 0.5 for t in tokens(GENERIC))
    assert retrieving_tokens(tokens(GENERIC)) == tokens(GENERIC), "a name of generic words only retrieves by them"
    assert retrieving_tokens(tokens(MIXED)) == ("wonsan", "zebra"), "with a strong token present, generic words only rank"


def test_probe_reaches_the_generic_name_and_not_the_mixed_one(delta_store):
    store, _ = delta_store
    prepared = prepare(store)
    with store.engine.connect() as conn:
        old = runs_repo.version_blob(conn, get_run(store, "book")["id"], "records") or {}
    probe = ChangeProbe(prepared, old, record_changes(old, records_snapshot(prepared)))
    assert probe.reaches(GENERIC)
    assert not probe.reaches(MIXED), "MIXED shares only ranking words with the added record"


def test_pruned_rescreen_equals_a_full_run(delta_store):
    store, tmp = delta_store
    diff = rescreen(store, "tester", "book")
    save_screening(store, "tester", "full", tmp / "book.csv", tmp / "v2.jsonl")
    assert list(_rows(store, "book").values()) == list(_rows(store, "full").values())
    full_diff = compare_versions(store, "book@1", "full@1")
    for k in ("new_hits", "gone_hits", "risk_changes"):
        assert diff[k] == full_diff[k], k
    assert any(h["query_id"] == "G1" and h["entity_id"] for h in diff["new_hits"]), "the added record is a new hit of G1"
    assert diff["rescreened"] < 122


def test_positive_control_skipping_generic_words_always_breaks_identity(delta_store, monkeypatch):
    """If the probe dropped generic words even where they retrieve, G1 would be pruned wrongly."""
    store, tmp = delta_store
    before = _row_of(store, "book", "G1")
    assert not before["matches"], "G1 had no candidate near the floor before the change (so only the probe can pick it)"
    monkeypatch.setattr(rescreen_mod, "retrieving_tokens", lambda toks: tuple(t for t in toks if base_weight(t) >= 0.5))
    rescreen(store, "tester", "book")
    save_screening(store, "tester", "full", tmp / "book.csv", tmp / "v2.jsonl")
    assert _row_of(store, "full", "G1")["matches"], "the full run finds the added record for G1"
    assert not _row_of(store, "book", "G1")["matches"], "the broken probe pruned G1: the rescreen misses the new hit"
