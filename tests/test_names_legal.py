"""Legal forms, trade-record abbreviations, acronyms and truncated names."""

import pytest

from tollwatch.core.names import legal


@pytest.mark.parametrize("a,b", [
    ("Dandong Xinda Hair Products Co., Ltd.", "DANDONG XINDA HAIR PRODUCTS COMPANY LIMITED"),
    ("Korea Mining Development Trading Corporation", "KOREA MINING DEV TRDG CORP"),
    ("Sino-Korean J/V Trading Co", "SINO KOREAN JV TRADING COMPANY"),
    ("Rason International Group", "RASON INTL GRP"),
    ("Haegumgang Comm Srvces", "Haegumgang Commercial Services"),
    ("Pingdu Mfg Imp Exp Co", "Pingdu Manufacturing Import and Export Company"),
    ("Pingdu Imp/Exp Co", "Pingdu Imp & Exp Co."),
    ("Arts & Crafts Industrial Co", "Handicrafts Industries Company"),
    ("주식회사 삼성", "Samsung Co Ltd".replace("Samsung", "삼성")),
    ("(주)삼성", "삼성 Co., Ltd."),
    ("㈜삼성", "주식회사 삼성"),
    ("丹东鑫达有限公司", "丹东鑫达 Co. Ltd"),
    ("Democratic People's Republic of Korea", "DPRK"),
    ("Korea, DPR", "North Korea"),
])
def test_forms_fold_to_the_same_tokens(a, b):
    # Korean legal forms go before or after the name: compare the tokens.
    assert sorted(legal.fold_legal(a).split()) == sorted(legal.fold_legal(b).split())


@pytest.mark.parametrize("a,b", [
    ("Xinda Trading Co", "Xinda Mining Co"),
    ("Korea Daesong Bank", "Korea Daesong Group"),
    ("Pingdu Imp Co", "Pingdu Exp Co"),
])
def test_different_words_stay_apart(a, b):
    assert legal.fold_legal(a) != legal.fold_legal(b)


def test_fold_token_and_weights():
    assert legal.fold_token("TRDG") == "trade"
    assert legal.fold_token("Co.") == "co"
    assert legal.fold_token("J/V") == "jv"
    assert legal.fold_token("Xinda") == "xinda"
    assert legal.is_legal_form("LIMITED") and legal.is_legal_form("Corp") and not legal.is_legal_form("Bank")
    assert legal.token_weight("Ltd") < legal.token_weight("Trading") < legal.token_weight("Xinda")
    assert legal.token_weight("of") < legal.token_weight("Trading")
    assert legal.token_weight("Xinda") == 1.0


def test_strip_legal_forms():
    assert legal.strip_legal_forms("Dandong Xinda Hair Products Co., Ltd.") == "dandong xinda hair prod"
    assert legal.strip_legal_forms("주식회사 삼성") == "삼성"


@pytest.mark.parametrize("acr,name", [
    ("DCB", "Daedong Credit Bank (DCB)"),
    ("DCB", "Daedong Credit Bank"),
    ("DCB", "DAEDONG CREDIT BANK LIMITED"),
    ("KOMID", "Korea Mining Development Trading Corporation"),
    ("FTB", "Foreign Trade Bank of the DPRK"),
    ("KKBC", "Korea Kwangson Banking Corp (KKBC)"),
    ("d.c.b.", "Daedong Credit Bank"),
])
def test_acronyms_match(acr, name):
    assert legal.acronym_matches(acr, name)


@pytest.mark.parametrize("acr,name", [
    ("DCB", "Korea Daesong Bank"),
    ("DCB", "Daedong Bank"),
    ("KDB", "Daedong Credit Bank (DCB)"),
    ("D", "Daedong"),
    ("DC", "Dandong"),
    ("KOMID", "Korea Mining Corporation"),
    ("", "Daedong Credit Bank"),
])
def test_acronyms_do_not_match(acr, name):
    assert not legal.acronym_matches(acr, name)


def test_split_and_extract_acronym():
    assert legal.split_acronym("Daedong Credit Bank (DCB)") == ("Daedong Credit Bank", "DCB")
    assert legal.split_acronym("Korea Kwangson Banking Corp. (KKBC)") == ("Korea Kwangson Banking Corp.", "KKBC")
    assert legal.extract_acronym("Daedong Credit Bank") is None
    assert legal.extract_acronym("Kaechon (ambiguous with Kwalliso 14)") is None
    assert legal.extract_acronym("Camp (No 14)") is None


@pytest.mark.parametrize("query,candidate", [
    ("DANDONG XINDA HAIR PRODUCTS CO LT", "Dandong Xinda Hair Products Co., Ltd."),  # 35 columns
    ("DANDONG XINDA HAIR PRODUCTS COMPAN", "Dandong Xinda Hair Products Co., Ltd."),
    ("KOREA MINING DEVELOPMENT TRADING C", "Korea Mining Development Trading Corporation"),
    ("KOREA MINING DEV TRDG CORPORATI", "KOREA MINING DEVELOPMENT TRADING CORPORATION"),
    ("Dandong Xinda Hair Prod", "Dandong Xinda Hair Products Co., Ltd."),
])
def test_truncations(query, candidate):
    assert legal.is_truncation(query, candidate)


@pytest.mark.parametrize("query,candidate", [
    ("DANDONG XINDA HAIR PRODUCTS CO LTD", "Dandong Xinda Hair Products Co., Ltd."),  # complete, not cut
    ("DANDONG XINDA WIGS CO", "Dandong Xinda Hair Products Co., Ltd."),
    ("DANDONG", "Dandong Xinda Hair Products Co., Ltd."),  # too short to tell
    ("DANDONG XINDA HAIR PRODUCTS CO LTD BRANCH", "Dandong Xinda Hair Products Co., Ltd."),
    ("XINDA HAIR PRODUCTS CO", "Dandong Xinda Hair Products Co., Ltd."),
    ("Korea Kwangson Banking Corp", "KOREA KWANGSON BANKING CORPORATION"),  # abbreviated, not cut
])
def test_not_truncations(query, candidate):
    assert not legal.is_truncation(query, candidate)
