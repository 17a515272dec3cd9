"""The issue's Done-when on the seed report, the Korean path, and the gold benchmark."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tollwatch.core.extraction import Gazetteer, extract, sentences
from tollwatch.core.model import Sensitivity

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "seed" / "dailynk-more-production-tasks.txt"
GOLD = ROOT / "tests" / "gold"

KAECHON_GOODS = {
    "product-wigs",
    "product-false-eyelashes",
    "product-knitted-clothes",
    "product-crocheted-caps",
    "product-knitted-caps",
    "product-sweater-vests",
}


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    from tollwatch.app.evidence import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('gaz') / 'g.db'}")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entities = r.list_entities()
    store.close()
    return Gazetteer(entities)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_result(seed_text, gazetteer):
    return extract(seed_text, "src-seed", gazetteer)


def _triples(result, predicate: str) -> set[tuple[str, str]]:
    return {(c.subject_id, c.object_id) for c in result.claims if c.predicate.value == predicate}


def test_every_quote_is_the_text_at_its_span(seed_result, seed_text):
    assert seed_result.claims
    for c in seed_result.claims:
        start, end = c.evidence.span
        assert seed_text[start:end] == c.evidence.quote
        assert c.evidence.method.value == "rule"
        assert 0 < c.evidence.confidence <= 1


def test_kaechon_produces_each_good_with_its_quote(seed_result, seed_text):
    produced = {o for s, o in _triples(seed_result, "produces") if s == "KP-KHS-001"}
    assert produced == KAECHON_GOODS
    for c in seed_result.claims:
        if c.subject_id == "KP-KHS-001" and c.predicate.value == "produces":
            assert "Kaechon" in c.evidence.quote and "thread" in c.evidence.quote
            # the ambiguity with Camp 14 is decided and explained
            assert "KP-KLS-014" in c.note and "KP-KHS-001" in c.note


def test_kaechon_receives_thread(seed_result):
    assert ("KP-KHS-001", "product-thread") in _triples(seed_result, "receives_input")
    # thread is an input, not a product of the camp
    assert ("KP-KHS-001", "product-thread") not in _triples(seed_result, "produces")


def test_paekto_makes_dolls_and_accessories_and_they_are_not_kaechons(seed_result):
    produces = _triples(seed_result, "produces")
    assert {o for s, o in produces if s == "KP-LTC-PAEKTO"} == {"product-dolls", "product-accessories"}
    assert ("KP-KHS-001", "product-dolls") not in produces
    assert ("KP-KHS-001", "product-accessories") not in produces
    assert not any(s == "KP-KLS-014" for s, _ in produces), "Camp 14 is not the Kaechon camp of this report"


def test_general_indoor_outdoor_list_is_nobodys_claim(seed_result, seed_text):
    start = seed_text.index("Each camp is a bit different")
    end = start + next(e - s for s, e in sentences(seed_text) if s == start)
    assert "furniture" in seed_text[start:end] and "mining" in seed_text[start:end]
    inside = [c for c in seed_result.claims if c.evidence.span[0] < end and start < c.evidence.span[1]]
    assert inside == []
    facilities = {"KP-KHS-001", "KP-LTC-PAEKTO", "KP-KLS-014"}
    for c in seed_result.claims:
        if c.subject_id in facilities and c.predicate.value == "produces":
            assert c.object_id in KAECHON_GOODS | {"product-dolls", "product-accessories"}


def test_quantities_deadline_chain_of_command_and_contracts(seed_result):
    claims = seed_result.claims
    team = [c for c in claims if c.predicate.value == "work_unit_size"]
    assert len(team) == 1 and (team[0].quantity.low, team[0].quantity.high, team[0].quantity.unit) == (30, 70, "prisoners")
    assert team[0].subject_id not in {"KP-KHS-001", "KP-LTC-PAEKTO"}, "a general practice is not a named camp's"
    assert ("org-kp-mss-corrections-bureau", "org-kp-ministry-of-social-security") in _triples(seed_result, "part_of")
    inspected = _triples(seed_result, "inspected_by")
    assert {("KP-KHS-001", "org-kp-mss-corrections-bureau"), ("KP-LTC-PAEKTO", "org-kp-mss-corrections-bureau")} <= inspected
    deadline = [c for c in claims if c.predicate.value == "review_deadline"]
    assert [d.value for d in deadline] == ["--01-08"]
    contracts = [c for c in claims if c.predicate.value == "contracts_with"]
    assert contracts and contracts[0].value == "Chinese companies" and "toll" in contracts[0].evidence.quote


def test_places(seed_result, gazetteer):
    located = {(c.subject_id, c.value) for c in seed_result.claims if c.predicate.value == "located_in"}
    assert located == {("KP-KLS-016", "North Hamgyong Province")}
    ko = extract("함경북도 화성 관리소에서는 인형을 만든다.", "s", gazetteer).claims
    assert {(c.subject_id, c.predicate.value, c.object_id or c.value) for c in ko} == {
        ("KP-KLS-016", "located_in", "함경북도"),
        ("KP-KLS-016", "produces", "product-dolls"),
    }


def test_deadline_gets_its_year_from_the_source_date(seed_text, gazetteer):
    result = extract(seed_text, "src-seed", gazetteer, reference_date="2021-11-16")
    deadline = [c for c in result.claims if c.predicate.value == "review_deadline"]
    assert deadline[0].value == "2022-01-08" and deadline[0].period.end == "2022-01-08"


def test_new_entities_are_flagged(seed_result):
    new = seed_result.new_entities
    assert new and all(e.is_new for e in new)
    assert any("Production department" in e.caption for e in new)
    ids = {e.id for e in new}
    assert any(c.subject_id in ids and c.predicate.value == "part_of" for c in seed_result.claims)


def test_extraction_is_deterministic(seed_text, gazetteer, seed_result):
    again = extract(seed_text, "src-seed", gazetteer)
    assert [c.id for c in again.claims] == [c.id for c in seed_result.claims]


def test_hangul_report(gazetteer):
    text = (GOLD / "own_ko_report.txt").read_text(encoding="utf-8")
    result = extract(text, "src-ko", gazetteer)
    produces = _triples(result, "produces")
    assert {("KP-KHS-001", "product-wigs"), ("KP-KHS-001", "product-false-eyelashes"), ("KP-KHS-012", "product-dolls")} <= produces
    assert ("KP-KHS-001", "product-thread") in _triples(result, "receives_input")
    assert ("org-kp-mss-corrections-bureau", "org-kp-ministry-of-social-security") in _triples(result, "part_of")
    # 교화소 says which Kaechon: the reform-through-labor camp, not Camp 14
    assert not any(s == "KP-KLS-014" and o.startswith("product-") for s, o in produces)
    general = text.index("일반적으로")
    assert not any(c.evidence.span[0] <= general < c.evidence.span[1] for c in result.claims)
    for c in result.claims:
        assert text[c.evidence.span[0] : c.evidence.span[1]] == c.evidence.quote


def test_korean_solid_spelling_and_political_camp(gazetteer):
    text = "개천교화소에서는 가발을 생산한다. 개천 정치범수용소에서는 인형을 만든다."
    result = extract(text, "src-ko2", gazetteer)
    produces = _triples(result, "produces")
    assert ("KP-KHS-001", "product-wigs") in produces
    assert ("KP-KLS-014", "product-dolls") in produces
    assert ("KP-KHS-001", "product-dolls") not in produces


def test_kaechon_political_prison_camp_context_picks_camp_14(gazetteer):
    text = "Prisoners at the political prison camp in Kaechon make wigs."
    claims = extract(text, "s", gazetteer).claims
    assert {(c.subject_id, c.object_id) for c in claims} == {("KP-KLS-014", "product-wigs")}
    assert "political prison camp" in claims[0].note


def test_clause_attribution_and_negation(gazetteer):
    text = "Kaechon labor camp makes wigs, while Paekto makes dolls. Chongori prison camp did not produce eyelashes."
    produces = _triples(extract(text, "s", gazetteer), "produces")
    assert produces == {("KP-KHS-001", "product-wigs"), ("KP-LTC-PAEKTO", "product-dolls")}


def test_gold_benchmark_scores(gazetteer):
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "benchmarks" / "extraction.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up
    spec.loader.exec_module(bench)
    scores = {s.name: s for s in (bench.score_file(p, gazetteer) for p in sorted(GOLD.glob("*.jsonl")))}
    assert {"seed_gold", "own_en_testimony", "own_ko_report"} <= set(scores)
    for s in scores.values():
        assert s.forbidden == [], s.name
        if s.blind:
            continue  # kept untuned on purpose: its score is reported, not enforced
        # A file may set a lower floor in its meta, with the reason (cases the rules cannot reach yet).
        meta, _ = bench.load_gold(GOLD / f"{s.name}.jsonl")
        floor = meta.get("floor", {"precision": 0.9, "recall": 0.85})
        assert s.precision >= floor["precision"] and s.recall >= floor["recall"], (s.name, s.precision, s.recall, s.misses, s.extras)
    # the gold files hold offsets and labels, never the report's sentences
    seed_text = SEED.read_text(encoding="utf-8")
    gold_text = (GOLD / "seed_gold.jsonl").read_text(encoding="utf-8")
    for s, e in sentences(seed_text):
        assert seed_text[s:e][:40] not in gold_text
    for line in gold_text.splitlines()[1:]:
        rec = json.loads(line)
        assert set(rec) <= {"subject", "predicate", "object", "value", "quantity", "span", "why"}


def test_routes_other_goods_and_foreign_orders(gazetteer):
    text = (
        "In 2022, Pukchang concentration camp shipped false eyelashes to Dandong. "
        "Yodok concentration camp makes knit caps for a Chinese buyer. "
        "Chongori prison camp also produced gloves."
    )
    got = {(c.subject_id, c.predicate.value, c.object_id or c.value) for c in extract(text, "s", gazetteer).claims}
    assert got == {
        ("KP-KLS-018", "produces", "product-false-eyelashes"),
        ("KP-KLS-018", "exports_via", "Dandong"),
        ("KP-KLS-015", "produces", "product-knitted-caps"),
        ("KP-KLS-015", "contracts_with", "Chinese buyer"),
        ("KP-KHS-012", "produces", "gloves"),
    }
    period = next(c.period for c in extract(text, "s", gazetteer).claims if c.object_id == "product-false-eyelashes")
    assert (period.start, period.end) == ("2022", "2022")


def test_sanctions_list_organizations_match_by_full_name_only(gazetteer):
    from tollwatch.core.model import Entity, EntityKind, Name

    listed = [
        Entity("us_ofac_sdn-1", EntityKind.ORGANIZATION, "KOREA MINING DEVELOPMENT TRADING CORPORATION",
               [Name.of("KOREA MINING DEVELOPMENT TRADING CORPORATION"), Name.of("KOMID")], dataset="us_ofac_sdn"),
        Entity("us_ofac_sdn-2", EntityKind.ORGANIZATION, "OCEAN", [Name.of("OCEAN"), Name.of("Ocean")], dataset="us_ofac_sdn"),
    ]
    gaz = Gazetteer(gazetteer.entities + listed)
    text = "Kaechon labor camp makes wigs under a toll processing contract with Korea Mining Development Trading Corporation. The ocean was calm."
    claims = extract(text, "s", gaz).claims
    got = {(c.subject_id, c.predicate.value, c.object_id) for c in claims}
    assert ("KP-KHS-001", "contracts_with", "us_ofac_sdn-1") in got
    assert not any("us_ofac_sdn-2" in (c.subject_id, c.object_id) for c in claims)
    # an acronym matches only as written
    komid = extract("Kaechon labor camp signed a contract with KOMID.", "s", gaz).claims
    assert {(c.subject_id, c.object_id) for c in komid} == {("KP-KHS-001", "us_ofac_sdn-1")}
    assert extract("Kaechon labor camp signed a contract with komid.", "s", gaz).claims == []


def test_kinds_of_camp_are_not_new_entities(gazetteer):
    text = "The Forced Labor Camp system grew. Women's Prison staff make wigs. 여성 교화소에서는 가발을 만든다. 삼지연 교화소에서는 인형을 만든다."
    result = extract(text, "s", gazetteer)
    assert [e.caption for e in result.new_entities] == ["삼지연 교화소"]
    assert {(c.predicate.value, c.object_id) for c in result.claims} == {("produces", "product-dolls")}


def _got(text, gazetteer):
    return {(c.subject_id, c.predicate.value, c.object_id or c.value or (c.quantity and (c.quantity.low, c.quantity.high)))
            for c in extract(text, "s", gazetteer).claims}


def test_inputs_arriving_go_to_the_camp_of_the_sentence_before(gazetteer):
    text = "Inmates at Kaechon prison camp make wigs. Materials arrive by truck from Dandong every month. Thread is delivered weekly."
    claims = extract(text, "s", gazetteer).claims
    got = {(c.subject_id, c.predicate.value, c.object_id or c.value): c for c in claims}
    carried = got[("KP-KHS-001", "receives_input", "materials")]
    assert carried.evidence.confidence <= 0.5 and "names no camp" in carried.note
    # two sentences on, the report has still named no other camp: the report's only camp, weaker still
    topical = got[("KP-KHS-001", "receives_input", "product-thread")]
    assert topical.evidence.confidence < carried.evidence.confidence and "named only" in topical.note
    assert not any(k[1] == "exports_via" for k in got)  # trucked *from* Dandong is inbound


def test_the_reports_only_camp_gets_unattributed_work_teams_routes_and_inspections(gazetteer):
    text = (
        "A source described Chongori prison camp in detail. "
        "Each work team is made up of 40 to 60 female prisoners. "
        "Finished goods are trucked to Hunchun. "
        "Officials from the corrections bureau came to inspect the workshops. "
        "Dolls are also made."
    )
    got = _got(text, gazetteer)
    assert {("KP-KHS-012", "work_unit_size", (40, 60)), ("KP-KHS-012", "exports_via", "Hunchun"),
            ("KP-KHS-012", "inspected_by", "org-kp-mss-corrections-bureau")} <= got
    assert not {g for g in got if g[1] == "produces"}  # products need the camp in the sentence
    # once a second camp is named, nothing without a named camp goes to either
    two = _got("Chongori prison camp makes wigs. Hwasong camp makes dolls. Finished goods are trucked to Hunchun.", gazetteer)
    assert not {g for g in two if g[1] == "exports_via"}


def test_companies_supply_inputs_and_have_places(gazetteer):
    got = _got(
        "Inmates at Kaechon prison camp make wigs. Processed hair is supplied by Jilin Huaxin Beauty Products, "
        "a company in the border city of Hunchun. The company also sells the wigs to buyers in Dandong.",
        gazetteer,
    )
    company = "org-new-jilin-huaxin-beauty-products"
    assert {(company, "supplies", "product-hair"), (company, "located_in", "Hunchun"),
            ("KP-KHS-001", "receives_input", "product-hair"), (company, "exports_via", "Dandong")} <= got
    ko = _got("개천 제1호교화소에서는 가발을 만든다. 원료인 머리카락은 단둥의 금륜무역이 대주고 있다.", gazetteer)
    assert any(g[1:] == ("supplies", "product-hair") for g in ko)
    assert any(g[1:] == ("located_in", "Dandong") for g in ko)
    assert not any(g[2] == "원료" for g in ko)  # the raw material *is* the hair


def test_negation_before_the_product_and_first_person_testimony(gazetteer):
    got = _got("She did not see any eyelashes being made at Kaechon prison camp, although other camps produced them.", gazetteer)
    assert not {g for g in got if g[1] == "produces"}
    got = _got("She spent three years in Kaechon prison camp. \u201cWe made wigs from hair that came in sacks,\u201d she said.", gazetteer)
    assert {("KP-KHS-001", "produces", "product-wigs"), ("KP-KHS-001", "receives_input", "product-hair")} <= got


@pytest.mark.parametrize("written, number", [("4천", 4000), ("1만5천", 15000), ("2만", 20000), ("3,000", 3000)])
def test_korean_thousands_and_ten_thousands(gazetteer, written, number):
    got = _got(f"전거리교화소에는 현재 약 {written} 명이 수감돼 있는 것으로 추정된다.", gazetteer)
    assert ("KP-KHS-012", "holds_prisoners", (number, number)) in got


@pytest.mark.parametrize(
    "text",
    [
        "Inmates at Kaechon prison camp make wigs. Each camp generally receives fabric from China.",  # general
        "Inmates at Kaechon prison camp make wigs. No materials arrived this year.",  # negated
        "Inmates at Kaechon prison camp make wigs. Import of materials was suspended for two years.",  # suspended
        "Kaechon prison camp and Hwasong camp make wigs. Materials arrive every month.",  # which camp?
        "Kaechon prison camp makes wigs. Hwasong camp makes dolls.\n\nMaterials arrive every month.",  # two camps, new paragraph
        "Inmates at Kaechon prison camp make wigs. Dolls are made from the materials.",  # no arrival
    ],
)
def test_inputs_do_not_carry_over_when_the_subject_is_unclear(gazetteer, text):
    assert not {g for g in _got(text, gazetteer) if g[1] == "receives_input"}


def test_a_team_of_prisoners_is_a_work_unit_not_the_camp_population(gazetteer):
    got = _got("The Hwasong camp began making wigs last autumn, with a team of 20 to 30 female prisoners.", gazetteer)
    assert ("KP-KLS-016", "work_unit_size", (20, 30)) in got
    assert not {g for g in got if g[1] == "holds_prisoners"}
    got = _got("The Hwasong camp holds about 20,000 prisoners.", gazetteer)
    assert ("KP-KLS-016", "holds_prisoners", (20000, 20000)) in got


def test_korean_negation_after_the_object(gazetteer):
    assert not {g for g in _got("요덕 관리소에서는 가발을 만들지 않는다.", gazetteer) if g[1] == "produces"}
    assert ("KP-KLS-015", "produces", "product-wigs") in _got("요덕 관리소에서는 가발을 만든다.", gazetteer)


@pytest.mark.parametrize(
    "sentence, quantity",
    [
        ("At Yodok concentration camp, a sewing brigade of sixty-five women stitches dolls.", (65, 65)),
        ("At Yodok concentration camp, a work team of about forty convicts makes wigs.", (40, 40)),
        ("At Yodok concentration camp, work teams of twenty to thirty prisoners make wigs.", (20, 30)),
    ],
)
def test_numbers_written_in_words(gazetteer, sentence, quantity):
    assert ("KP-KLS-015", "work_unit_size", quantity) in _got(sentence, gazetteer)


def test_border_crossings_places_and_appositions(gazetteer):
    got = _got("Eyelashes glued by convicts at the Chongori camp are carried over the border at Hoeryong.", gazetteer)
    assert {("KP-KHS-012", "produces", "product-false-eyelashes"), ("KP-KHS-012", "exports_via", "Hoeryong")} <= got
    assert not any(g[0] == "KP-KLS-022" for g in got)  # Hoeryong here is a crossing, not the Hoeryong camp
    assert ("KP-KLS-025", "located_in", "Chongjin") in _got("Camp 25 in Chongjin makes sweater vests.", gazetteer)
    got = _got("Quotas are set by the Corrections Bureau, a department of the Ministry of Social Security.", gazetteer)
    assert ("org-kp-mss-corrections-bureau", "part_of", "org-kp-ministry-of-social-security") in got


def test_korean_contract_partner_and_the_camp_two_sentences_back(gazetteer):
    text = (
        "북창 18호 관리소에서 수감자들이 인조속눈썹을 가공하고 있다. 소식통은 그렇게 말했다. "
        "이 관리소는 지난해 평양의 대성무역회사와 임가공 계약을 맺었다."
    )
    claims = extract(text, "s", gazetteer)
    names = {e.id: e.caption for e in claims.new_entities}
    got = {(c.subject_id, c.predicate.value, names.get(c.object_id, c.object_id) or c.value) for c in claims.claims}
    assert ("KP-KLS-018", "contracts_with", "대성무역회사") in got
    assert any(p == "located_in" and v == "Pyongyang" for _, p, v in got)


def test_statements_about_every_camp_and_doubt_give_no_claim(gazetteer):
    text = (
        "The Corrections Bureau runs the camps. Researchers say that every prison camp in the country now takes on "
        "contract work for foreign buyers."
    )
    assert not {g for g in _got(text, gazetteer) if g[1] == "contracts_with"}
    got = _got("Pukchang concentration camp: we found no sign of garment production, and reports of knitted caps there "
               "appear to be mistaken.", gazetteer)
    assert not {g for g in got if g[1] == "produces"}


def test_a_team_in_a_sentence_naming_the_bureau_is_not_the_bureaus(gazetteer):
    text = ("She spent two years at Chongori prison camp. Her work team numbered about forty women, and officials from "
            "the Corrections Bureau came twice a year to check the counts.")
    got = _got(text, gazetteer)
    assert ("KP-KHS-012", "work_unit_size", (40, 40)) in got
    assert not any(g[0] == "org-kp-mss-corrections-bureau" and g[1] == "work_unit_size" for g in got)


def test_the_chain_past_the_camp(gazetteer):
    text = (
        "Kaechon prison camp makes wigs for Sinhwa Trading Company, a Pyongyang-based exporter. "
        "Sinhwa moved the wigs out through Sinuiju. "
        "Sinhwa's buyer was Dandong Meilong Hair Products Co., Ltd., which repacks them. "
        "Meilong in turn sold them to Glamour Hair B.V., a beauty wholesaler in Rotterdam. "
        "Bestwig LLC bought lashes from Dandong Meilong Hair Products Co., Ltd. last year."
    )
    result = extract(text, "s", gazetteer)
    names = {e.id: e.caption for e in result.new_entities}
    got = {(names.get(c.subject_id, c.subject_id), c.predicate.value, names.get(c.object_id, c.object_id) or c.value) for c in result.claims}
    sinhwa, meilong = "Sinhwa Trading Company", "Dandong Meilong Hair Products Co., Ltd."
    assert {
        ("KP-KHS-001", "contracts_with", sinhwa),
        (sinhwa, "located_in", "Pyongyang"),
        (sinhwa, "exports_via", "Sinuiju"),  # "Sinhwa" alone: short for the company named before
        (sinhwa, "supplies", meilong),
        (meilong, "supplies", "Glamour Hair B.V."),
        ("Glamour Hair B.V.", "located_in", "Rotterdam"),
        (meilong, "supplies", "Bestwig LLC"),
    } <= got
    assert not any(p == "located_in" and v and v[0].islower() for _, p, v in got)
    assert not any(p == "receives_input" for _, p, _ in got)  # the Hair in a company's name is not an input
    assert not any(p == "exports_via" and v == "Dandong" for _, p, v in got)  # "to Dandong Meilong" is a name


def test_short_names_shared_by_two_companies_are_not_used(gazetteer):
    text = ("Sinhwa Trading Company and Sinhwa Textiles Ltd both work with Kaechon prison camp. "
            "Sinhwa moved the wigs out through Sinuiju.")
    got = _got(text, gazetteer)
    assert not any(p == "exports_via" and subj.startswith("org-") for subj, p, _ in got)


def test_korean_native_numbers(gazetteer):
    got = _got("요덕 관리소의 작업반은 마흔다섯 명이고, 화성 관리소 작업반은 서른 명이다.", gazetteer)
    assert ("KP-KLS-015", "work_unit_size", (45, 45)) in got


def test_fourth_pass_english(gazetteer):
    got = _got(
        "Women at Chongori prison camp make wigs. Every team in the braiding hall has between 40 and 60 women. "
        "The finished hairpieces travel by truck to Sinuiju and cross the river to Dandong.",
        gazetteer,
    )
    assert {("KP-KHS-012", "work_unit_size", (40, 60)), ("KP-KHS-012", "exports_via", "Sinuiju"),
            ("KP-KHS-012", "exports_via", "Dandong")} <= got
    got = _got("Kangdong prison camp has not taken wig orders since 2019 and now makes only knitted caps.", gazetteer)
    assert ("KP-KHS-004", "produces", "product-knitted-caps") in got
    assert ("KP-KHS-004", "produces", "product-wigs") not in got
    got = _got("Work teams in the knitting shop at Camp 25 number 30 to 35 prisoners each.", gazetteer)
    assert not {g for g in got if g[1] == "produces"}  # a knitting shop is a place, not a product claim
    text = ("Hollandse Breiwaren B.V. buys knitted caps from Dandong Huayang Textiles and Garments Co., Ltd. "
            "Dandong Huayang is registered in Dandong. Chilbosan Textile Trading Company, a firm with an office in "
            "Sinuiju, sells yarn to it.")
    result = extract(text, "s", gazetteer)
    names = {e.id: e.caption for e in result.new_entities}
    got = {(names.get(c.subject_id, c.subject_id), c.predicate.value, names.get(c.object_id, c.object_id) or c.value) for c in result.claims}
    huayang = "org-dandong-huayang-textiles-and-garments-co-ltd"
    assert {(huayang, "supplies", "Hollandse Breiwaren B.V."), (huayang, "located_in", "Dandong"),
            ("Chilbosan Textile Trading Company", "located_in", "Sinuiju")} <= got


def test_fourth_pass_korean(gazetteer):
    text = (
        "북한 함흥교화소에서 인조속눈썹을 만들고 있다. "
        "소식통은 “교화소에 약 3천 명이 갇혀 있고, 작업반마다 45명 안팎이 배치돼 있다”고 말했다. "
        "소식통에 따르면 교화소에 들어가는 원료인 머리카락은 훈춘의 명성공예품유한공사가 대고 있다. "
        "교화소는 조선신흥무역회사 라선지사와 가공 계약을 맺었으며, 완성품은 라선을 거쳐 훈춘으로 넘어간다."
    )
    result = extract(text, "s", gazetteer)
    assert not any(e.kind.value == "facility" for e in result.new_entities)  # "따르면 교화소" is not a camp
    got = {(c.subject_id, c.predicate.value, c.object_id or c.value or (c.quantity and (c.quantity.low, c.quantity.high)))
           for c in result.claims}
    assert {("KP-KHS-009", "holds_prisoners", (3000, 3000)), ("KP-KHS-009", "work_unit_size", (45, 45)),
            ("KP-KHS-009", "receives_input", "product-hair"), ("KP-KHS-009", "exports_via", "Rason"),
            ("KP-KHS-009", "exports_via", "Hunchun")} <= got
    assert ("KP-KHS-009", "work_unit_size", (3000, 3000)) not in got
    assert not any(p == "exports_via" and s.startswith("org-") for s, p, _ in got)  # the partner does not carry
    branch = next(e for e in result.new_entities if "라선지사" in e.caption)
    assert ("KP-KHS-009", "contracts_with", branch.id) in got


def test_a_range_shares_its_scale_word(gazetteer):
    got = _got("Kaechon prison camp holds two to three thousand prisoners.", gazetteer)
    assert ("KP-KHS-001", "holds_prisoners", (2000, 3000)) in got
    got = _got("Kaechon prison camp holds between five hundred and six hundred prisoners.", gazetteer)
    assert ("KP-KHS-001", "holds_prisoners", (500, 600)) in got
