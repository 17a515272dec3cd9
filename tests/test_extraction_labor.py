"""Issue 11's rules on invented sentences (no article text): the labour facts, firms without a legal
form, unnamed plants, lists and coordinations, a counted group named in the next sentence, toll goods,
a camp's status and population. Each claim names its rule."""

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


def _claims(text: str, gaz: Gazetteer, predicate: Predicate | None = None):
    result = extract(text, "src-t", gaz)
    names = {e.id: e.caption for e in result.new_entities} | {e.id: e.caption for e in gaz.entities}
    return [(names.get(c.subject_id, c.subject_id), c) for c in result.claims if predicate is None or c.predicate == predicate]


def test_a_plant_without_a_legal_form_employs_counted_north_korean_workers(gaz):
    found = _claims("Lianhe Seafoods, a processor in Hunchun, employs 120 North Korean workers.", gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.quantity.low, c.evidence.rule) for s, c in found] == [("Lianhe Seafoods", 120, "workforce")]


def test_a_number_counting_officials_is_no_head_count(gaz):
    found = _claims("Jinbo Garment Company received 3 officials and hires North Korean women.", gaz, Predicate.EMPLOYS_WORKERS)
    assert len(found) == 1 and found[0][1].quantity is None


def test_workers_of_a_generic_head_are_not_the_named_buyers(gaz):
    assert not _claims("Acme Foods cut ties with processors that used North Korean labor.", gaz, Predicate.EMPLOYS_WORKERS)


def test_an_unnamed_korean_plant_placed_in_a_city(gaz):
    found = _claims("최근 단둥시의 한 봉제 공장에 40명의 북한 여성들이 고용됐다.", gaz)
    by_predicate = {c.predicate: (s, c) for s, c in found}
    assert by_predicate[Predicate.EMPLOYS_WORKERS][1].quantity.low == 40
    assert by_predicate[Predicate.LOCATED_IN][1].value == "Dandong"
    assert "봉제 공장" in by_predicate[Predicate.EMPLOYS_WORKERS][0]


def test_a_counted_group_is_named_in_the_next_sentence(gaz):
    text = "Customs said two Chinese companies used North Korean labor. It named Hengli Trading Ltd. and Boda Foods Ltd. in its order."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert sorted(s for s, _ in found) == ["Boda Foods Ltd.", "Hengli Trading Ltd."]
    three = "Customs said three Chinese companies used North Korean labor. It named Hengli Trading Ltd. and Boda Foods Ltd. in its order."
    assert not _claims(three, gaz, Predicate.EMPLOYS_WORKERS)  # two names for three firms: not those


def test_toll_goods_go_to_every_firm_of_a_list_and_to_a_relative_clause_s_firm(gaz):
    text = "의류 분야 : 백두무역공사, 해성복장공장 등에서 남성복을 위탁 가공하고, 자수 등을 위탁 가공하는 금강무역공사가 있다."
    found = {(s, c.value or c.object_id) for s, c in _claims(text, gaz, Predicate.PRODUCES)}
    assert {("백두무역공사", "남성복"), ("해성복장공장", "남성복"), ("금강무역공사", "자수")} <= found
    assert ("금강무역공사", "남성복") not in found and ("백두무역공사", "자수") not in found


def test_quoted_firms_of_one_list_are_one_side_of_the_contract(gaz):
    text = "소식통은 \u201c'금성', '대양' 같은 회사들이 원단을 제공하면서 임가공을 의뢰했다\u201d고 말했다."
    found = _claims(text, gaz, Predicate.CONTRACTS_WITH)
    assert sorted(s for s, _ in found) == ["금성", "대양"]
    assert all(c.object_id is None and c.value == "임가공" for _, c in found)


def test_a_camp_that_remains_operational_and_its_population_bound(gaz):
    found = _claims("Kwan-li-so No. 25 remains a fully operational prison. Its prison population is no higher than 4,000.", gaz)
    status = [c for _, c in found if c.predicate == Predicate.HAS_STATUS]
    assert [c.value for c in status] == ["active"]
    heads = [c.quantity for _, c in found if c.predicate == Predicate.HOLDS_PRISONERS]
    assert heads and heads[0].low is None and heads[0].high == 4000


def test_goods_listed_with_catalogue_products_are_literals_of_that_camp(gaz):
    found = _claims("함흥교화소에서는 털모자, 속눈썹, 가발, 가죽 장갑, 팔찌를 생산했다.", gaz, Predicate.PRODUCES)
    values = {c.value for _, c in found if c.value}
    assert {"가죽 장갑", "팔찌"} <= values
    assert any(c.evidence.rule == "listed_goods" for _, c in found)


def test_a_border_city_is_never_a_camp_unless_the_text_says_so(gaz):
    assert not _claims("회령의 한 소식통은 주민들이 가발을 만들어 판다고 말했다.", gaz)
    assert not _claims("A source in Hoeryong said residents make wigs.", gaz)
    said = _claims("Hoeryong camp is in the north. At Hoeryong, prisoners make wigs.", gaz, Predicate.PRODUCES)
    assert said  # the text calls it a camp: the bare name then means the camp


def test_a_korean_number_counts_the_noun_after_it(gaz):
    text = "회령교화소에는 3명의 수행원이 왔고 약 30명의 증언이 있었다. 이곳에는 500명의 수감자가 있다."
    heads = [c.quantity.low for _, c in _claims(text, gaz, Predicate.HOLDS_PRISONERS)]
    assert heads == [500]


def test_goods_made_at_the_plant_the_sentence_refers_back_to(gaz):
    text = "기자가 단둥시의 한 봉제 공장을 찾은 결과, 이 업체에서 생산한 셔츠, 바지는 미국으로 팔렸다."
    found = [(s, c.value) for s, c in _claims(text, gaz, Predicate.PRODUCES) if c.evidence.rule == "company_goods"]
    assert found == [("봉제 공장 (Dandong)", "셔츠, 바지")]


# --- general causes of the misses on the blind batches 3 and 4 (invented sentences, no article text)

def test_a_group_named_before_and_referred_to_as_these_firms(gaz):
    text = "세관은 하이룽무역(Hailong Trading Ltd.), 보다식품(Boda Foods. Ltd.) 등 2곳의 제품을 억류했다. 이들 업체가 북한 노동력을 사용해 제품을 만들었다고 한다."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert {c.evidence.rule for _, c in found} == {"workforce"}
    assert {"Hailong Trading Ltd.", "Boda Foods"} <= {s for s, _ in found}


def test_a_legal_form_after_a_stop_goes_on_with_the_name():
    from tollwatch.core.sentences import sentences

    text = "The order names Boda Foods. Ltd.) and two others. It ends here."
    assert [text[s:e] for s, e in sentences(text)] == ["The order names Boda Foods. Ltd.) and two others.", "It ends here."]


def test_a_count_past_an_adjective_and_an_unnamed_chinese_factory(gaz):
    found = _claims("Inspectors saw about 40 young North Korean women laboring at a Chinese factory.", gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.quantity.low) for s, c in found] == [("Chinese factory", 40)]


def test_an_unnamed_plant_past_a_parenthesis_is_placed_in_its_town(gaz):
    found = _claims("A textile factory (name withheld) in Longjing employed 90 North Korean laborers.", gaz)
    by_predicate = {c.predicate: c for _, c in found}
    assert by_predicate[Predicate.LOCATED_IN].value == "Longjing"
    assert by_predicate[Predicate.EMPLOYS_WORKERS].quantity.low == 90


def test_a_korean_plant_after_its_city_and_an_employer_clause(gaz):
    assert any(c.value == "Tumen" for _, c in _claims("북한 인력 60명이 투먼(圖們)시 신발공장에 취업했다.", gaz, Predicate.LOCATED_IN))
    found = _claims("북한 노동자를 고용한 신발 공장도 주문이 늘었다.", gaz, Predicate.EMPLOYS_WORKERS)
    assert [s for s, _ in found] == ["신발 공장"]


def test_goods_said_by_the_head_noun_before_a_firm(gaz):
    found = _claims("단둥의 대표적인 신발 생산업체인 대명신발유한공사는 공장을 늘렸다.", gaz, Predicate.PRODUCES)
    assert [(c.value, c.evidence.rule) for _, c in found] == [("신발", "company_goods")]


def test_workers_manufacturing_goods_and_prisoners_mobilized_for_mining(gaz):
    made = _claims("North Korean laborers are manufacturing face masks at a clothing factory in Dandong.", gaz, Predicate.PRODUCES)
    assert [c.value for _, c in made] == ["face masks"]
    mined = _claims("The authorities mobilized prisoners at the Kaechon labor camp for copper mining.", gaz, Predicate.PRODUCES)
    assert "copper" in [c.value for _, c in mined]


def test_numbered_units_listed_under_their_parent(gaz):
    found = _claims("소식통에 따르면 노동자를 보낸 회사는 대외건설지도국 산하의 3총국과 5총국이다.", gaz, Predicate.PART_OF)
    assert sorted((s, c.evidence.rule) for s, c in found) == [("3총국", "units_under"), ("5총국", "units_under")]


def test_counted_workers_referred_to_in_the_next_sentence_go_to_the_plant(gaz):
    text = "중국 지린성이 북한 노동력을 들여오기로 하고 이달 안에 50명을 고용하기로 했다. 이들 북한 노동자들은 시내의 '신흥공업원'에 위치한 전자 공장으로 보내질 예정이다."
    found = _claims(text, gaz, Predicate.EMPLOYS_WORKERS)
    assert [(s, c.quantity.low if c.quantity else None) for s, c in found] == [("전자 공장", 50)]
