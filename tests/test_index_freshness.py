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
