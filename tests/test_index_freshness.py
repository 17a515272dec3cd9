"""The screening index is rebuilt when a source's sensitivity changes, so a source raised to
confidential stops feeding public screening at once (not only when some count happens to move)."""

from __future__ import annotations

from test_graph_in_screening import seeded

from tollwatch.app.screen import PreparedCache
from tollwatch.app.screening import _fingerprint
from tollwatch.app.sources import edit_source
from tollwatch.core.model import ReviewStatus, Sensitivity
from tollwatch.engines.local import screen_rows


def _goldleaf_matched(prepared) -> bool:
    row = {"query_id": "1", "names": [("name", "Liaoning Goldleaf")]}
    return any(m["entity_id"] == "org-new-goldleaf" for m in next(screen_rows(prepared, [row]))["matches"])


def test_raising_a_sources_sensitivity_takes_its_company_out_of_the_cached_index(tmp_path):
    store = seeded(tmp_path)
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-goldleaf", ReviewStatus.ACCEPTED)
    cache = PreparedCache(store)
    assert _goldleaf_matched(cache.get()), "positive control: accepted and public, the company screens"
    before = _fingerprint(store)
    edit_source(store, "admin", "src-goldleaf", {"sensitivity": "confidential"}, Sensitivity.CONFIDENTIAL)
    assert _fingerprint(store) != before
    assert not _goldleaf_matched(cache.get())
    store.close()


def _records(prepared) -> list:
    return sorted((r.entity_id, r.dataset, tuple(r.names), repr(sorted(r.info.items()))) for r in prepared.index.records)


def test_an_ingest_that_only_proposes_keeps_the_index_and_an_accept_rebuilds_it(tmp_path):
    """An upload stores a source and proposals; none of them feeds screening, so the index's key
    stays and `/match` does not wait for a rebuild. Accepting one of its claims changes the key."""
    from pathlib import Path

    from tollwatch.app.ingest import IngestOptions, ingest
    from tollwatch.app.review import accept
    from tollwatch.app.screening import build_prepared

    store = seeded(tmp_path)
    before_key, before = _fingerprint(store), _records(build_prepared(store))
    seed = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "dailynk-more-production-tasks.txt"
    [result] = ingest(store, seed, "analyst", IngestOptions(title="seed report", url="https://www.dailynk.com/english/"))
    assert result.claims and result.new_entities, "precondition: the ingest proposed claims and new entities"
    assert _fingerprint(store) == before_key
    assert _records(build_prepared(store)) == before, "the same key must mean the same index"
    with store.begin("reviewer") as tx:
        accept(tx, result.claims[0].id)
    assert _fingerprint(store) != before_key
    store.close()
