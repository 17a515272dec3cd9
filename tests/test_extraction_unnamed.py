"""The rules added when tuning on our own real reports (issue 11), on invented sentences only (no
article text): unnamed plants in English, a city standing for unnamed employers, goods of unnamed
prisons, quoted Korean company names kept whole, exports to a country or a named buyer, the body
that dispatches workers, joint ventures and firms listed in a zone. Each claim names its rule."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tollwatch.core.extraction import Gazetteer, extract
from tollwatch.core.model import Predicate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extraction import reference_gazetteer

    return reference_gazetteer()


def _claims(text: str, gaz: Gazetteer, predicate: Predicate):
    result = extract(text, "src-u", gaz)
    names = {e.id: e.caption for e in result.new_entities} | {e.id: e.caption for e in gaz.entities}
    return [(names.get(c.subject_id, c.subject_id), c) for c in result.claims if c.predicate == predicate]


def test_unnamed_plants_in_a_city_employ_the_workers_and_are_placed_there(gaz):
    text = "Inspectors saw North Korean women sewing garments in factories in Dandong."
    employs = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.evidence.rule) for s, c in employs] == [("factories (Dandong)", "workforce")]
    assert "making garments" in (employs[0][1].value or "")
    assert [(s, c.value) for s, c in _claims(text, gaz, Predicate.LOCATED_IN)] == [("factories (Dandong)", "Dandong")]


def test_the_apposition_of_a_named_firm_is_no_second_plant(gaz):
    text = "Haixin Foods, a seafood processing company in Dandong, employs 40 North Korean workers."
    subjects = {s for s, _ in _claims(text, gaz, Predicate.EMPLOYS_WORKERS)}
    assert subjects == {"Haixin Foods"}


def test_a_named_company_after_the_city_is_not_unnamed(gaz):
    text = "The yarn was supplied by a company in Dandong that the guards called Jinxing."
    assert not [s for s, _ in _claims(text, gaz, Predicate.LOCATED_IN) if "company (" in s]


def test_a_korean_city_stands_for_the_unnamed_employers_with_the_nearest_count(gaz):
    text = "소식통은 \"300여 명의 북한 여성 노동자들이 옌지시에 새로 파견됐고, 다른 곳에도 50여 명이 갔다\"고 말했다."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.quantity.low if c.quantity else None) for s, c in found] == [("employers of North Korean workers in Yanji", 300)]


def test_korean_worker_count_after_the_noun_and_with_man(gaz):
    text = "옌지 시의 경우 봉제공장 등에서 북한 노동자가 현재 2만 명 이상 일하고 있다."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [c.quantity.low for _, c in found] == [20000]


def test_goods_of_prisons_the_text_does_not_name(gaz):
    text = "A source said the wigs are assembled in workshops in various North Korean prisons."
    found = _claims(text, gaz, Predicate.PRODUCES)
    assert [(s, c.object_id, c.evidence.rule) for s, c in found] == [("North Korean prisons (North Korea, unnamed)", "product-wigs", "prison_goods")]


def test_a_quoted_korean_company_name_is_kept_whole(gaz):
    text = "허베이성에 있는 의류 대기업인 ‘화성 복장유한공사’가 북한 노동자를 고용한 기업이다."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [s for s, _ in found] == ["화성 복장유한공사"]
    assert [c.value for _, c in _claims(text, gaz, Predicate.LOCATED_IN)] == ["Hebei"]


def test_exports_to_a_country_and_to_a_named_buyer(gaz):
    found = _claims("Haixin Foods exported frozen squid to the United States.", gaz, Predicate.SUPPLIES)
    assert [(s, c.value, c.evidence.rule) for s, c in found] == [("Haixin Foods", "United States", "exports")]
    found = _claims("‘동방 수산’이 일본으로 수출한 조개는 코스트코 등 대형 유통업체에 납품됐다.", gaz, Predicate.SUPPLIES)
    assert sorted(c.value for _, c in found) == ["일본", "코스트코"]


def test_the_body_that_dispatches_workers_and_a_joint_venture(gaz):
    text = ("중국 단동에 있는 ‘대성복장유한공사’는 의류 업체다. 이 회사는 북한 모란무역 회사측의 기술인력 30명을 파견받았고, "
            "이후 북한의 ‘은하 수출회사’와 합작으로 공장을 세웠다.")
    dispatched = _claims(text, gaz, Predicate.DISPATCHED_BY)
    assert [(s, c.evidence.rule) for s, c in dispatched] == [("대성복장유한공사", "dispatched")]
    venture = _claims(text, gaz, Predicate.CONTRACTS_WITH)
    assert [(s, c.evidence.rule) for s, c in venture] == [("대성복장유한공사", "joint_venture")]


def test_firms_listed_in_a_zone_are_located_in_its_city(gaz):
    text = "훈춘경제합작구에 들어선 의류 가공업체도 훈춘화평무역유한공사, 대명복장 등 20여 개에 이른다."
    found = _claims(text, gaz, Predicate.LOCATED_IN)
    assert {(s, c.value) for s, c in found if c.evidence.rule == "zone_firms"} == {("훈춘화평무역유한공사", "Hunchun"), ("대명복장", "Hunchun")}


def test_it_in_the_next_sentence_is_the_company_named_before(gaz):
    text = "Hongda Seafood Co. opened a new plant last year. It employed about 80 North Korean women."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.quantity.low) for s, c in found] == [("Hongda Seafood Co.", 80)]


def test_a_named_buyer_and_a_korean_count_right_after_the_noun(gaz):
    found = _claims("Ocean Star Foods supplies frozen fish to Kroger, according to shipping records.", gaz, Predicate.SUPPLIES)
    assert [(s, c.value) for s, c in found] == [("Ocean Star Foods", "Kroger")]
    text = "홍성수산유한공사는 북한 노동자 120명을 고용하고 있다. 이 업체는 미국으로 오징어를 수출했다."
    assert [c.quantity.low for _, c in _claims(text, gaz, Predicate.EMPLOYS_WORKERS)] == [120]
    assert [(s, c.value) for s, c in _claims(text, gaz, Predicate.SUPPLIES)] == [("홍성수산유한공사", "미국")]


def test_a_firm_founded_in_a_city_is_located_there(gaz):
    text = "이 회사는 2015년 중국 단동에 ‘단동화신복장공사’를 설립했다."
    found = _claims(text, gaz, Predicate.LOCATED_IN)
    assert ("단동화신복장공사", "Dandong") in [(s, c.value) for s, c in found]
