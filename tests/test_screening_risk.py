"""Risk beyond names: HS codes, places, graph matches; only accepted claims and visible sources count."""

from __future__ import annotations

import pytest
from screening_support import fresh_db

from tollwatch.core.risk import RiskFacts, assess, hs_reasons, place_reasons

FACTS = RiskFacts(
    hs_products={"6704": [{"product_id": "product-wigs", "product": "wigs", "claims": [{"claim_id": "c1", "source_id": "s1", "title": "T", "url": "https://example.org/a"}]}]},
    place_sources={"Dandong": [{"source_id": "s2", "title": "Dandong report", "url": "https://example.org/d"}]},
    entity_claims={"org-x": [{"claim_id": "c9", "source_id": "s9", "title": "Company report"}]},
)


@pytest.mark.parametrize("code", ["6704", "670490", "6703.00", "050100", "6505", "611020", "620342", "9503", "711719"])
def test_risky_hs_codes_give_reasons(code):
    reasons = hs_reasons(code, FACTS)
    assert reasons and all(r["reason"] == "hs_code" for r in reasons)


def test_hs_reason_cites_claims_and_sources():
    [wigs, lashes] = hs_reasons("670490", FACTS)
    assert wigs["claims"] == ["c1"] and wigs["sources"][0]["source_id"] == "s1"
    assert "false eyelashes" in lashes["text"]


def test_other_codes_give_none():
    assert hs_reasons("847130", FACTS) == [] and hs_reasons("", FACTS) == []


@pytest.mark.parametrize("value,role", [("Rason", "origin_place"), ("Sinuiju, DPRK", "origin_place"), ("丹东市", "route_place"), ("Hunchun", "route_place"), ("Tumen City", "route_place"), ("Linjiang", "route_place"), ("North Korea", "origin_place")])
def test_places(value, role):
    reasons = place_reasons({"address": value}, FACTS)
    assert reasons and {r["reason"] for r in reasons} == {role}


def test_country_code_kp_and_not_south_korea():
    assert place_reasons({"country": "KP"}, FACTS)[0]["reason"] == "origin_place"
    assert place_reasons({"country": "Korea, Republic of"}, FACTS) == []
    assert place_reasons({"country": "KR"}, FACTS) == []


def test_levels():
    assert assess({"hs_code": "8471"}, [], FACTS)["level"] == "none"
    assert assess({"hs_code": "6704"}, [], FACTS)["level"] == "low"
    assert assess({"address": "Dandong"}, [], FACTS)["level"] == "low"
    both = assess({"hs_code": "6704", "address": "Dandong, Liaoning"}, [], FACTS)
    assert both["level"] == "medium" and {r["reason"] for r in both["reasons"]} == {"hs_code", "route_place"}
    assert both["reasons"][0]["sources"] or both["reasons"][1]["sources"]
    assert assess({"country": "North Korea"}, [], FACTS)["level"] == "high"


def test_matches_drive_risk_and_allegations_are_not_sanctions():
    alleged = {"dataset": "tollwatch", "entity_id": "org-x", "name": "X Hair Co", "source_id": "org-x", "score": 0.9, "match": True, "info": {"kind": "organization", "allegation": True}}
    r = assess({}, [alleged], FACTS)
    assert r["level"] == "medium"
    [reason] = r["reasons"]
    assert "allegation" in reason["text"] and "sanction" not in reason["text"].replace("not a sanctions listing", "")
    assert reason["claims"] == ["c9"]
    camp = {**alleged, "entity_id": "kp-camp", "info": {"kind": "facility"}}
    assert assess({}, [camp], FACTS)["level"] == "high"
    listed = {"dataset": "us_ofac_sdn", "entity_id": "us_ofac_sdn-1", "name": "A", "source_id": "1", "score": 0.95, "match": True, "info": {"program": ["DPRK3"], "snapshot_date": "2024-05-03"}}
    r = assess({}, [listed], FACTS)
    assert r["level"] == "high" and r["reasons"][0]["sources"][0]["snapshot_date"] == "2024-05-03"
    below = {**listed, "match": False}
    assert assess({}, [below], FACTS)["level"] == "none"


def test_only_accepted_claims_from_public_sources_feed_risk(tmp_path):
    from tollwatch.app.screening import _risk_facts
    from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Name, Predicate, Review, ReviewStatus, Sensitivity, Source
    from tollwatch.store.repository import Store

    store = Store(fresh_db(tmp_path))
    text = "Camp Z makes dolls for export."
    with store.begin("tester") as tx:
        tx.add_source(Source(id="src-pub", title="Public note", text=text))
        tx.add_source(Source(id="src-conf", title="Testimony", text=text + " (witness)", sensitivity=Sensitivity.CONFIDENTIAL))
        tx.upsert_entity(Entity(id="camp-z", kind=EntityKind.FACILITY, caption="Camp Z", names=[Name.of("Camp Z")]))
        for cid, src, status in (("cl-proposed", "src-pub", ReviewStatus.PROPOSED), ("cl-conf", "src-conf", ReviewStatus.ACCEPTED)):
            tx.add_claim(Claim(id=cid, subject_id="camp-z", predicate=Predicate.PRODUCES, object_id="product-dolls", evidence=Evidence(src, "dolls", (13, 18)), review=Review(status)))
    with store.read(max_sensitivity=Sensitivity.PUBLIC) as r:
        facts = _risk_facts(r)
    cited = {c["claim_id"] for e in facts.hs_products["9503"] for c in e["claims"]}
    assert "cl-proposed" not in cited and "cl-conf" not in cited
    assert "camp-z" not in facts.entity_claims
    with store.begin("reviewer") as tx:
        tx.review_claim("cl-proposed", ReviewStatus.ACCEPTED)
    with store.read(max_sensitivity=Sensitivity.PUBLIC) as r:
        facts = _risk_facts(r)
    cited = {c["claim_id"] for e in facts.hs_products["9503"] for c in e["claims"]}
    assert "cl-proposed" in cited and [c["claim_id"] for c in facts.entity_claims["camp-z"]] == ["cl-proposed"]
    store.close()
