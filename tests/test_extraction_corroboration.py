"""Corroboration of extracted claims: independent sources, grades, and contradictions."""

from __future__ import annotations

import json

import pytest

from tollwatch.core.corroboration import contradictions, corroborate, independence_groups
from tollwatch.core.model import Claim, Evidence, Predicate, Review, ReviewStatus, Source

KEY = ("KP-KHS-001", "produces", "entity:product-wigs")


def _claim(cid: str, source: str, obj: str = "product-wigs", predicate=Predicate.PRODUCES, status=ReviewStatus.ACCEPTED, value=None):
    return Claim(cid, "KP-KHS-001", predicate, Evidence(source, confidence=1.0), object_id=None if value else obj, value=value, review=Review(status))


def test_one_publisher_one_informant_counts_once():
    sources = {
        "a": Source("a", "A", publisher="Daily NK", grade="B", origin="informant-1"),
        "b": Source("b", "B", publisher="Daily NK", grade="C", origin="informant-1"),
    }
    got = corroborate([_claim("1", "a"), _claim("2", "b")], sources)[KEY]
    assert got.independent_sources == 1 and got.strength == pytest.approx(0.75)


def test_one_publisher_with_an_unstated_origin_counts_once():
    sources = {
        "a": Source("a", "A", publisher="Daily NK", grade="B", origin="informant-1"),
        "b": Source("b", "B", publisher="Daily NK", grade="B"),
    }
    assert corroborate([_claim("1", "a"), _claim("2", "b")], sources)[KEY].independent_sources == 1


def test_one_publisher_with_two_named_informants_counts_twice():
    sources = {
        "a": Source("a", "A", publisher="Daily NK", grade="B", origin="informant-1"),
        "b": Source("b", "B", publisher="Daily NK", grade="B", origin="informant-2"),
    }
    got = corroborate([_claim("1", "a"), _claim("2", "b")], sources)[KEY]
    assert got.independent_sources == 2 and got.strength == pytest.approx(1 - 0.25 * 0.25)


def test_one_informant_through_two_publishers_counts_once_and_chains():
    sources = [
        Source("a", "A", publisher="Daily NK", origin="informant-1"),
        Source("b", "B", publisher="AsiaNews", origin="informant-1"),
        Source("c", "C", publisher="AsiaNews"),  # same publisher as b, origin unstated
        Source("d", "D", publisher="Reuters"),
    ]
    groups = independence_groups(sources)
    assert groups["a"] == groups["b"] == groups["c"] != groups["d"]
    # order does not change the grouping
    assert independence_groups(list(reversed(sources))) == groups


def test_grades_and_review_status_weigh_in():
    sources = {"a": Source("a", "A", publisher="P", grade="A"), "e": Source("e", "E", publisher="Q", grade="E")}
    assert corroborate([_claim("1", "a")], sources)[KEY].strength > corroborate([_claim("2", "e")], sources)[KEY].strength
    rejected = corroborate([_claim("3", "a", status=ReviewStatus.REJECTED)], sources)[KEY]
    assert rejected.strength == 0 and rejected.statuses == {"rejected": 1}
    proposed = corroborate([_claim("4", "a", status=ReviewStatus.PROPOSED)], sources)[KEY]
    assert proposed.statuses == {"proposed": 1}


def test_contradiction_on_a_functional_predicate():
    claims = [
        _claim("1", "a", predicate=Predicate.LOCATED_IN, value="South Pyongan"),
        _claim("2", "b", predicate=Predicate.LOCATED_IN, value="North Hamgyong"),
        _claim("3", "c"),
        _claim("4", "d", obj="product-dolls"),  # producing two goods is no contradiction
    ]
    (found,) = contradictions(claims)
    assert found.predicate == "located_in" and set(found.sides) == {"value:south pyongan", "value:north hamgyong"}


def test_reviewed_extraction_from_two_reports_of_one_informant(cli, store, tmp_path):
    """End to end: two articles by one publisher quoting one informant make one independent source."""
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    a.write_text("Chongori prison camp makes wigs for export.", encoding="utf-8")
    b.write_text("A source said Chongori prison camp makes wigs again this year.", encoding="utf-8")
    c.write_text("Satellite analysts say Chongori prison camp makes wigs.", encoding="utf-8")
    ids = []
    for f, pub, origin in ((a, "Daily NK", "informant-9"), (b, "Daily NK", "informant-9"), (c, "HRNK", None)):
        extra = ["--origin", origin] if origin else []
        ids.append(json.loads(cli("ingest", str(f), "--publisher", pub, "--grade", "B", "--format", "json", *extra).stdout)["source_id"])
    for sid in ids[:2]:
        cli("review", "--source", sid, input="a\n")
    report = json.loads(cli("entities", "show", "KP-KHS-012", "--format", "json").stdout)[0]
    wigs = [x for x in report["claims"] if x["predicate"] == "produces" and (x.get("object") or {}).get("id") == "product-wigs" and x["source_id"] in ids]
    assert len(wigs) == 3
    others = {x["source_id"] for x in report["claims"] if x["predicate"] == "produces" and (x.get("object") or {}).get("id") == "product-wigs"} - set(ids)
    assert others == {"gazetteer-kp-khs-012"}
    # Daily NK (two articles, one informant) and HRNK: 2. The gazetteer row compiles the same
    # reporting, so beside primary sources it adds nothing.
    assert {x["corroboration"]["independent_sources"] for x in wigs} == {2}
    assert sorted(x["status"] for x in wigs) == ["accepted", "accepted", "proposed"]
