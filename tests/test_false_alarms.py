"""Fewer false alarms (issue 14, item 4): schema from the name, country, common words and
one-word aliases, each a feature in the explanation with the values it compared."""

from __future__ import annotations

import pytest

from tollwatch.core import countries
from tollwatch.core.matching import MatchIndex, Matcher, Record
from tollwatch.core.query_context import infer_schema

RECORDS = [
    Record("v1", "test", "1", "SUNRISE", "Vessel", ("SUNRISE",), {"country": ["Iran"]}),
    Record("o1", "test", "2", "GOLDEN STAR CO", "Organization", ("GOLDEN STAR CO",), {"country": ["Syria"]}),
    Record("p1", "test", "3", "ZHANG, Wei", "Person", ("ZHANG, Wei",), {"country": ["China"]}),
    Record("o2", "test", "4", "HANA BANKING CORPORATION", "Organization", ("HANA BANKING CORPORATION",), {"country": ["Korea, North"]}),
    Record("o3", "test", "5", "FOREIGN TRADE BANK", "Organization", ("FOREIGN TRADE BANK",), {"country": ["Democratic People's Republic of Korea"]}),
    Record("o4", "test", "6", "KOREA TRADING BANK", "Organization", ("KOREA TRADING BANK",), {"country": ["North Korea"]}),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(MatchIndex(RECORDS))


def _best(matcher, name, **kw):
    found = matcher.match(name, None, limit=3, **kw)
    return found[0] if found else None


def _feature(match, name):
    return next((f for f in match.explanation if f["feature"] == name), None)


def test_a_one_word_alias_inside_a_longer_name_is_no_match(matcher):
    m = _best(matcher, "Sunrise Bakery")
    assert m.record.entity_id == "v1" and not m.is_match
    f = _feature(m, "one_word_alias")
    assert f["candidate"] == "sunrise" and f["unexplained"] == "bakery"
    assert _best(matcher, "Sunrise").is_match  # the alias alone still matches


def test_common_words_alone_make_no_match(matcher):
    m = _best(matcher, "Golden Star Trading Co")
    assert m.record.entity_id == "o1" and not m.is_match
    f = _feature(m, "common_words_only")
    assert f["matched"] == "golden star" and "trade" in f["unexplained"]
    assert _best(matcher, "Golden Star Co").is_match
    korea = _best(matcher, "Korea Trading Company")
    assert korea is None or not korea.is_match


def test_a_legal_form_makes_the_query_a_company(matcher):
    assert infer_schema("Zhang Wei Hair Co Ltd") == ("Company", "legal form co ltd")
    assert infer_schema("김영복")[0] == "Person" and infer_schema("赵伟")[0] == "Person"
    assert infer_schema("Sunrise Bakery") is None and infer_schema("하나은행") is None
    hits = [m for m in matcher.match("Zhang Wei Hair Co Ltd", None) if m.record.entity_id == "p1"]
    assert hits and not hits[0].is_match
    assert _feature(hits[0], "schema_inferred")["value"] == "Company"
    assert _feature(hits[0], "schema_mismatch")["candidate"] == "Person"
    assert _best(matcher, "Zhang Wei").is_match  # a person's name still matches the person


def test_south_korea_is_not_north_korea(matcher):
    assert countries.codes("KR") == {"KR"} and countries.codes("Korea, North") == {"KP"}
    assert not countries.same_area(countries.codes("South Korea"), countries.codes("DPRK"))
    assert countries.same_area(countries.codes("HK"), countries.codes("China"))
    m = _best(matcher, "하나은행", country="KR")
    assert m.record.entity_id == "o2" and not m.is_match
    f = _feature(m, "country_mismatch")
    assert f["query_codes"] == ["KR"] and f["candidate_codes"] == ["KP"] and f["value"] == -0.25
    assert _best(matcher, "하나은행").is_match  # without a country the name alone is a hit to review
    assert _best(matcher, "하나은행", country="KP").is_match


def test_a_country_in_the_name_counts(matcher):
    m = _best(matcher, "Foreign Trade Bank of Iran")
    assert m is None or not m.is_match
    assert _best(matcher, "Foreign Trade Bank").is_match
