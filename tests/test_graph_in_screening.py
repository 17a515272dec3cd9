"""Companies from the evidence graph reach screening once a claim about them is accepted (issue 14, item 6).

A company proposed by ingest is not screened against while its only claim is proposed; once a
reviewer accepts "Kaechon prison camp contracts with Liaoning Goldleaf", the name screens high,
and the reason names the accepted claim it rests on. Place reasons cite accepted claims only.
"""

from __future__ import annotations

from screening_support import fresh_db

from tollwatch.app.screening import build_prepared
from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Name, Predicate, Review, ReviewStatus, Source
from tollwatch.engines.local import screen_rows
from tollwatch.store.repository import Store

TEXT = "Kaechon prison camp took orders from Liaoning Goldleaf, a wig trader in Dandong, last spring."
SPAN = (0, len(TEXT) - 1)
CAMP = "KP-KHS-001"


def seeded(tmp_path) -> Store:
    store = Store(fresh_db(tmp_path))
    with store.begin("analyst") as tx:
        tx.add_source(Source(id="src-goldleaf", title="A report on Kaechon's orders", text=TEXT, url="https://example.org/goldleaf"))
        tx.upsert_entity(Entity(id="org-new-goldleaf", kind=EntityKind.ORGANIZATION, caption="Liaoning Goldleaf",
                                names=[Name.of("Liaoning Goldleaf")], attributes={"proposed_from": "src-goldleaf"}, is_new=True))
        tx.add_claim(Claim(id="cl-goldleaf", subject_id=CAMP, predicate=Predicate.CONTRACTS_WITH, object_id="org-new-goldleaf",
                           evidence=Evidence("src-goldleaf", TEXT[SPAN[0]:SPAN[1]], SPAN), review=Review(ReviewStatus.PROPOSED)))
    return store


def screen_one(store: Store, row: dict) -> dict:
    prepared = build_prepared(store)
    base = {"query_id": "1", "names": [("name", row.get("name", ""))]}
    return next(screen_rows(prepared, [{**base, **{k: v for k, v in row.items() if k != "name"}}]))


def test_proposed_company_is_not_screened_until_its_claim_is_accepted(tmp_path):
    store = seeded(tmp_path)
    before = screen_one(store, {"name": "Liaoning Goldleaf"})
    assert not any(m["entity_id"] == "org-new-goldleaf" for m in before["matches"])
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-goldleaf", ReviewStatus.ACCEPTED)
    after = screen_one(store, {"name": "Liaoning Goldleaf"})
    assert after["matches"][0]["entity_id"] == "org-new-goldleaf"
    assert after["risk"]["level"] == "high"
    [reason] = [r for r in after["risk"]["reasons"] if r["reason"] == "facility_link_match"]
    assert reason["claims"] == ["cl-goldleaf"] and "cl-goldleaf" in reason["text"]
    assert "Kaechon prison camp (Kyohwaso No. 1)" in reason["text"] and "not a sanctions listing" in reason["text"]
    assert reason["sources"][0]["url"] == "https://example.org/goldleaf"
    store.close()


def test_rejected_claim_takes_the_company_out_again(tmp_path):
    store = seeded(tmp_path)
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-goldleaf", ReviewStatus.REJECTED)
    res = screen_one(store, {"name": "Liaoning Goldleaf"})
    assert not any(m["entity_id"] == "org-new-goldleaf" for m in res["matches"]) and res["risk"]["level"] != "high"
    store.close()


def test_place_reasons_cite_accepted_claims_only(tmp_path):
    store = seeded(tmp_path)
    res = screen_one(store, {"name": "Acme", "address": "Dandong"})
    [route] = [r for r in res["risk"]["reasons"] if r["reason"] == "route_place"]
    assert "src-goldleaf" not in {s["source_id"] for s in route["sources"]}  # its only claim is proposed
    assert route["claims"], "a route reason names the accepted claims behind it"
    assert len(route["claims"]) >= len({s["source_id"] for s in route["sources"]})
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-goldleaf", ReviewStatus.ACCEPTED)
    res = screen_one(store, {"name": "Acme", "address": "Dandong"})
    [route] = [r for r in res["risk"]["reasons"] if r["reason"] == "route_place"]
    assert all(c for c in route["claims"])
    store.close()
