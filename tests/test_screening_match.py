"""Matching against the full bundled lists: retrieval, scores, explanations, scripts."""

from __future__ import annotations

import pickle

import pytest
from screening_support import prepared

from tollwatch.core.matching import MatchIndex, Matcher, Record, pair_score


@pytest.fixture(scope="module")
def matcher():
    return prepared().matcher()


def _top(matcher, name, schema=None, datasets=None):
    return matcher.match(name, schema, limit=5, datasets=frozenset(datasets) if datasets else None)


def test_yente_checks_match(matcher):
    bank = _top(matcher, "Korea Kwangson Banking Corp")
    # The same bank on the OFAC, UN and UK lists.
    assert {m.record.source_id for m in bank[:3]} == {"11581", "KPe.025", "12452"}
    assert all(m.is_match for m in bank[:3])
    jang = _top(matcher, "Jang Pom Su", "Person")
    assert {m.record.source_id for m in jang if m.is_match} >= {"18556", "KPi.016", "13327"}


def test_scores_are_calibrated_not_saturated(matcher):
    def best(q):
        return max((m.score for m in _top(matcher, q) if m.record.source_id == "11581"), default=0.0)

    exact = best("KOREA KWANGSON BANKING CORP")
    missing_word = best("Kwangson Banking Corp")
    typo = best("Korea Kwangsen Banking Corp")
    other_word = best("Kwangson Trading Bank")
    assert exact == 1.0
    assert 1.0 > missing_word > typo > other_word > 0.0
    unrelated = _top(matcher, "Acme Widget Factory of Ohio")
    assert all(not m.is_match for m in unrelated)


def test_explanation_names_each_feature_with_both_values(matcher):
    m = _top(matcher, "Jang Pom Su", "Person")[0]
    feats = {f["feature"]: f for f in m.explanation}
    assert {"name", "tokens", "coverage", "characters"} <= set(feats)
    assert feats["name"]["query"] == "Jang Pom Su" and feats["name"]["candidate"] in m.record.names
    assert all("query" in f and "candidate" in f for f in m.explanation)


def test_list_filter(matcher):
    only_un = _top(matcher, "Korea Kwangson Banking Corp", datasets=["un_sc_sanctions"])
    assert only_un and all(m.record.dataset == "un_sc_sanctions" for m in only_un)


def test_evidence_graph_is_screened(matcher):
    m = _top(matcher, "Kaechon")[0]
    assert m.record.dataset == "tollwatch" and m.is_match


def test_schema_mismatch_lowers_the_score():
    same = pair_score("Korea Kwangson Banking Corp", "KOREA KWANGSON BANKING CORP", "Organization").score
    idx = MatchIndex([Record("a", "x", "1", "KOREA KWANGSON BANKING CORP", "Organization", ("KOREA KWANGSON BANKING CORP",))])
    as_person = Matcher(idx).match("Korea Kwangson Banking Corp", "Person")[0]
    assert as_person.score < same
    assert any(f["feature"] == "schema_mismatch" for f in as_person.explanation)


def test_conflicting_given_names_do_not_match():
    assert pair_score("Octavian Scholz", "Olaf Scholz", "Person").score < 0.5
    assert pair_score("Olaf Scholze", "Olaf Scholz", "Person").score >= 0.7


def test_index_is_picklable_and_retrieval_is_indexed():
    idx = prepared().index
    clone = pickle.loads(pickle.dumps(idx))
    assert Matcher(clone).match("Jang Pom Su")[0].record.source_id in ("18556", "KPi.016", "13327")
    # Retrieval touches only candidates sharing a key: far fewer than the whole list.
    hits = idx.retrieve([("jang", "pom", "su")], None)
    assert 0 < len(hits) < len(idx.records) / 20


def test_acronym_meets_the_name_it_abbreviates():
    idx = MatchIndex([Record("d", "x", "1", "Daedong Credit Bank", "Organization", ("Daedong Credit Bank", "DCB"))])
    ms = Matcher(idx).match("DCB")
    assert ms and ms[0].record.entity_id == "d"


# These need the name-intelligence module (Korean and Chinese); they pass as it lands.


def test_hangul_meets_romanized_name():
    assert pair_score("김정은", "Kim Jong Un", "Person").score >= 0.7


def test_han_company_meets_english_name():
    assert pair_score("丹东鑫达发制品有限公司", "Dandong Xinda Hair Products Co., Ltd.", "Company").score >= 0.7


def test_hangul_query_finds_list_entry(matcher):
    ms = _top(matcher, "장범수", "Person")
    assert any(m.record.source_id in ("18556", "KPi.016") and m.is_match for m in ms)


def test_hangul_query_finds_kim_jong_un_on_ofac(matcher):
    ms = _top(matcher, "김정은", "Person", datasets=["us_ofac_sdn"])
    assert ms and ms[0].is_match and "KIM" in ms[0].matched_name.upper() and "JONG UN" in ms[0].matched_name.upper().replace("-", " ")
    assert any(f["feature"] == "script_variant" for f in ms[0].explanation)


def test_han_query_finds_english_company_in_an_index():
    idx = MatchIndex(
        [
            Record("w1", "watch", "W1", "Dandong Xinda Hair Products Co., Ltd.", "Company", ("Dandong Xinda Hair Products Co., Ltd.",)),
            Record("w2", "watch", "W2", "Dandong Huayang Textiles and Garments Co., Ltd.", "Company", ("Dandong Huayang Textiles and Garments Co., Ltd.",)),
        ]
    )
    ms = Matcher(idx).match("丹东鑫达发制品有限公司", "Company")
    assert ms[0].record.entity_id == "w1" and ms[0].is_match
    assert all(not m.is_match for m in ms[1:])
