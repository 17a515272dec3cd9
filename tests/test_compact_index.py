"""The compact, array-based screening index gives the same matches as the dict-based index it
replaced, on the bundled lists and real query sets, to 4 decimals and in the same order; and it
survives pickling (Spark broadcasts it) and a round trip through the on-disk cache."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import pytest
from reference_index import DictIndex

from tollwatch.app.screening import build_prepared, ensure_default_lists
from tollwatch.core.matching import MatchIndex, Matcher

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"


def _queries() -> list[tuple[str, str | None]]:
    with open(DATA / "screen_3000.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = [(r["shipper"], r.get("country") or None) for r in rows[::10]]
    with open(DATA / "cross_script.csv", encoding="utf-8") as fh:
        out += [(r["query"], r.get("country") or None) for r in csv.DictReader(fh)]
    return out


def _answers(index, queries) -> list[list[tuple]]:
    m = Matcher(index)
    return [[(x.record.entity_id, round(x.score, 4), x.is_match, x.matched_name, repr(x.explanation)) for x in m.match(q, country=c, limit=8)] for q, c in queries]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    from tollwatch.app.evidence import open_store

    path = tmp_path_factory.mktemp("compact")
    store = open_store(f"sqlite:///{path / 'store.db'}")
    ensure_default_lists(store)
    recs = list(build_prepared(store).index.records)
    store.close()
    return recs


def test_compact_index_matches_the_dict_index_on_the_bundled_lists(records):
    queries = _queries()
    compact, old = MatchIndex(records), DictIndex(records)
    assert len(compact.name_tokens) == len(old.name_tokens) and len(compact.records) == len(old.records)
    assert sorted(compact.vocab) == sorted(old.vocab)
    got, want = _answers(compact, queries), _answers(old, queries)
    assert sum(1 for a in want if a) > len(queries) // 3, "positive control: many queries find candidates"
    assert got == want


def test_compact_index_answers_the_same_after_a_pickle_round_trip(records):
    queries = _queries()[:200]
    index = MatchIndex(records[:3000])
    again = pickle.loads(pickle.dumps(index))
    assert _answers(again, queries) == _answers(index, queries)


def test_lookups_of_absent_strings_are_absent(records):
    index = MatchIndex(records[:500])
    assert "zzqqxx" not in index.vocab and index.postings.get("zzqqxx") is None
    assert index.acronyms.get("zzqqxx", ()) == ()
    tok = next(iter(index.vocab))
    assert tok in index.vocab and index.vocab[tok] and index.idf(tok) > 0


def test_a_pool_doing_the_text_work_builds_the_same_arrays(records):
    import multiprocessing

    import numpy as np

    part = records[:2000]
    serial = MatchIndex(part)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pooled = MatchIndex(part, mapper=lambda f, it: pool.imap(f, it, chunksize=64))
    assert sorted(serial.arrays) == sorted(pooled.arrays)
    assert all(np.array_equal(serial.arrays[k], pooled.arrays[k]) for k in serial.arrays)
