"""The domain model and corroboration: pure logic, no store."""

import pytest

from tollwatch.core.corroboration import contradictions, corroborate
from tollwatch.core.model import claim_id
from tollwatch.core.model import (
    Claim,
    Coordinates,
    Evidence,
    ModelError,
    Name,
    Predicate,
    Quantity,
    Review,
    ReviewStatus,
    Romanization,
    Script,
    Source,
    SourceKind,
    parse_date,
    parse_enum,
    parse_grade,
    Sensitivity,
)


def test_names_record_their_script():
    assert Name.of("개천 제1호교화소").script == Script.HANGUL
    assert Name.of("丹东鑫达发制品有限公司").script == Script.HAN
    assert Name.of("Kaechŏn", system=Romanization.MR).script == Script.LATIN
    with pytest.raises(ModelError):
        Name.of("   ")


def test_evidence_span_must_match_source_text():
    text = "The camp makes wigs."
    Evidence("s1", "wigs", (15, 19)).check_against(text)
    with pytest.raises(ModelError) as err:
        Evidence("s1", "wigs", (14, 18)).check_against(text)
    assert err.value.field == "span"
    with pytest.raises(ModelError):
        Evidence("s1", "wigs", (15, 99)).check_against(text)
    with pytest.raises(ModelError):
        Evidence("s1", "wigs", (15, 19)).check_against(None)
    with pytest.raises(ModelError):
        Evidence("s1", "x", None, confidence=1.5).check_against(text)


def test_claim_needs_one_object():
    ev = Evidence("s1")
    with pytest.raises(ModelError):
        Claim("c", "e1", Predicate.PRODUCES, ev)
    with pytest.raises(ModelError):
        Claim("c", "e1", Predicate.PRODUCES, ev, object_id="e2", value="wigs")
    Claim("c", "e1", Predicate.WORK_UNIT_SIZE, ev, quantity=Quantity(30, 70, "prisoners"))
    with pytest.raises(ModelError):
        Quantity(70, 30, "prisoners")


def test_parsers_name_the_field():
    with pytest.raises(ModelError) as err:
        parse_enum(Predicate, "manufactures", "predicate")
    assert err.value.field == "predicate" and "produces" in str(err.value)
    assert parse_enum(Sensitivity, "Confidential", "sensitivity") == Sensitivity.CONFIDENTIAL
    assert parse_grade("b") == "B"
    with pytest.raises(ModelError):
        parse_grade("G")
    assert parse_date("2023-04") == "2023-04"
    with pytest.raises(ModelError):
        parse_date("April 2023")
    with pytest.raises(ModelError):
        Coordinates(91, 0)


def _claim(cid, source, value="active", predicate=Predicate.HAS_STATUS, status=ReviewStatus.ACCEPTED, conf=1.0):
    return Claim(cid, "camp", predicate, Evidence(source, confidence=conf), value=value, review=Review(status))


def test_same_publisher_or_origin_counts_once():
    sources = {
        "a": Source("a", "A", publisher="Daily NK", grade="B"),
        "b": Source("b", "B", publisher="Daily NK", grade="C"),
        "c": Source("c", "C", publisher="Reuters", grade="B"),
        "d": Source("d", "D", publisher="AsiaNews", grade="B", origin="Daily NK"),
    }
    claims = [_claim("1", "a"), _claim("2", "b")]
    two_articles = corroborate(claims, sources)[("camp", "has_status", "value:active")]
    assert two_articles.independent_sources == 1
    assert two_articles.strength == pytest.approx(0.75)
    three = corroborate(claims + [_claim("3", "c")], sources)[("camp", "has_status", "value:active")]
    assert three.independent_sources == 2
    assert three.strength == pytest.approx(1 - 0.25 * 0.25)
    # A citing outlet whose origin is Daily NK adds nothing.
    same_origin = corroborate(claims + [_claim("4", "d")], {**sources, "a": Source("a", "A", publisher="x", origin="Daily NK", grade="B")})
    assert same_origin[("camp", "has_status", "value:active")].independent_sources == 2


def test_rejected_claims_carry_no_weight_and_grades_matter():
    sources = {"a": Source("a", "A", publisher="P", grade="A"), "e": Source("e", "E", publisher="Q", grade="E")}
    strong = corroborate([_claim("1", "a")], sources)[("camp", "has_status", "value:active")].strength
    weak = corroborate([_claim("2", "e")], sources)[("camp", "has_status", "value:active")].strength
    assert strong > weak > 0
    rejected = corroborate([_claim("3", "a", status=ReviewStatus.REJECTED)], sources)
    assert rejected[("camp", "has_status", "value:active")].strength == 0


def test_contradictions_stay_side_by_side():
    claims = [_claim("1", "a", "closed"), _claim("2", "b", "active"), _claim("3", "c", "wigs", Predicate.PRODUCES)]
    (found,) = contradictions(claims)
    assert found.predicate == "has_status"
    assert set(found.sides) == {"value:active", "value:closed"}
    claims[0].review = Review(ReviewStatus.REJECTED)
    assert contradictions(claims) == []


def test_claim_ids_are_content_addressed():
    a = claim_id("e1", "produces", "entity:p", "s1", (1, 5))
    assert a == claim_id("e1", "produces", "entity:p", "s1", (1, 5))
    assert a != claim_id("e1", "produces", "entity:p", "s1", (1, 6))


def test_source_hash_and_independence_key():
    s = Source("x", "t", kind=SourceKind.TESTIMONY, text="hello")
    assert s.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert Source("y", "t", publisher="Daily NK").independence_key == Source("z", "t", publisher="daily nk").independence_key


def test_compiled_reference_adds_nothing_beside_primary_sources():
    sources = {
        "gaz": Source("gaz", "gazetteer row", kind=SourceKind.REFERENCE, publisher="tollwatch gazetteer"),
        "dnk": Source("dnk", "report", publisher="Daily NK", grade="B"),
    }
    alone = corroborate([_claim("1", "gaz")], sources)[("camp", "has_status", "value:active")]
    assert alone.independent_sources == 1 and alone.strength > 0
    both = corroborate([_claim("1", "gaz"), _claim("2", "dnk")], sources)[("camp", "has_status", "value:active")]
    assert both.independent_sources == 1 and both.strength == pytest.approx(0.75)


def test_a_claim_without_id_takes_its_content_id():
    ev = Evidence("s1", "wigs", (15, 19))
    c = Claim(None, "e1", Predicate.PRODUCES, ev, object_id="p")
    assert c.id == claim_id("e1", "produces", "entity:p", "s1", (15, 19))
    assert Claim("given", "e1", Predicate.PRODUCES, ev, object_id="p").id == "given"
