"""Dates of birth, identifiers and IMO numbers in matching (#14 item 4), on real list records:
UN KPi.022 KIM KYU (born 1968-07-30), OFAC 15667 PAEK Chang-Ho (passport 381420754) and the
OFAC vessel CHONG CHON GANG (IMO 7937317)."""

from __future__ import annotations

import pytest
from screening_support import prepared

from tollwatch.core.features import DEFAULT_WEIGHTS, FEATURES
from tollwatch.core.query_facts import birth_date_feature, imo_number, normalize_identifier, parse_birth_date, query_facts


def _hit(name, source_id, schema=None, **facts):
    matcher = prepared().matcher()
    found = matcher.match(name, schema, limit=10, facts=query_facts(**facts) if facts else None)
    hit = next(m for m in found if m.record.source_id == source_id)
    return hit, {f["feature"]: f for f in hit.explanation}


@pytest.mark.parametrize(("query", "listed", "feature", "kind"), [
    ("1968-07-30", "1968-07-30", "birth_date_match", "exact"),
    ("30/07/1968", "1968-07-30", "birth_date_match", "exact"),
    ("30 Jul 1968", "1968-07-30", "birth_date_match", "exact"),
    ("1968-03-07", "1968-07-03", "birth_date_match", "swapped"),
    ("1968", "1968-07-30", "birth_date_match", "year"),
    ("1947-05-05", "circa 1947", "birth_date_match", "year"),
    ("1961", "1960 to 1962", "birth_date_match", "year"),
    ("1970-01-01", "1968-07-30", "birth_date_mismatch", "year"),
    ("1968-01-01", "1968-07-30", "birth_date_mismatch", "day"),
])
def test_birth_date_comparison(query, listed, feature, kind):
    f = birth_date_feature([query], [listed], "Person", DEFAULT_WEIGHTS)
    assert f is not None and (f["feature"], f["kind"]) == (feature, kind)
    assert (f["query"], f["candidate"]) == (query, listed)


def test_dates_parts_and_identifier_normalization():
    assert parse_birth_date("00/00/1994").year_from == 1994 and parse_birth_date("00/00/1994").month is None
    assert parse_birth_date("no date") is None
    assert birth_date_feature(["1970"], ["1968"], "Organization", DEFAULT_WEIGHTS) is None  # disagreement counts for people only
    assert normalize_identifier(" p-123.456 ") == "P123456"
    assert imo_number("IMO 7937317") == "7937317" and imo_number("7937318") is None and imo_number("937317") is None


def test_every_fact_feature_is_registered():
    for name in ("birth_date_match", "birth_date_mismatch", "identifier_match", "imo_match", "imo_mismatch", "imo_invalid"):
        assert name in FEATURES


def test_un_birth_date_agreement_raises_and_disagreement_lowers():
    plain, _ = _hit("Kim Kyu", "KPi.022", "Person")
    agree, feats = _hit("Kim Kyu", "KPi.022", "Person", birth_dates="1968-07-30")
    assert feats["birth_date_match"]["candidate"] == "1968-07-30" and agree.score >= plain.score
    differ, feats = _hit("Kim Kyu", "KPi.022", "Person", birth_dates="1985-02-11")
    assert feats["birth_date_mismatch"]["value"] < 0 and differ.score < plain.score
    assert differ.score < 0.7 <= plain.score  # a clear disagreement clears this hit


def test_ofac_passport_match_makes_a_weak_name_a_hit():
    plain, _ = _hit("Paek Chang Hyok", "15667", "Person")  # a name that alone is no hit (0.43)
    strong, feats = _hit("Paek Chang Hyok", "15667", "Person", identifiers="381 420 754")
    f = feats["identifier_match"]
    assert (f["query"], f["candidate"], f["scheme"]) == ("381 420 754", "381420754", "passportNumber")
    assert not plain.is_match and strong.score == pytest.approx(plain.score + DEFAULT_WEIGHTS["identifier_match"])


def test_ofac_vessel_imo_match_mismatch_and_invalid():
    plain, _ = _hit("Chong Chon Gang", "17069", "Vessel")
    same, feats = _hit("Chong Chon Gang", "17069", "Vessel", imo="IMO 7937317")
    assert feats["imo_match"]["candidate"] == "7937317" and same.score >= plain.score
    other, feats = _hit("Chong Chon Gang", "17069", "Vessel", imo="9074729")  # a valid IMO of another hull
    assert imo_number("9074729") and feats["imo_mismatch"]["candidate"] == ["7937317"] and other.score < plain.score
    bad, feats = _hit("Chong Chon Gang", "17069", "Vessel", imo="7937318")
    assert feats["imo_invalid"]["value"] is None and bad.score == plain.score
