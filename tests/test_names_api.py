"""The public name-intelligence API: normalize, token_keys, query_keys, name_key, ngrams,
name_variants — and cross-script lookups in a real store."""

import pytest

from tollwatch.core import names
from tollwatch.core.model import Sensitivity


def meets(query: str, name: str) -> bool:
    return names.query_keys(query) <= names.token_keys(name)


def test_normalize():
    assert names.normalize("Kaech'ŏn") == "kaechon"
    assert names.normalize("  KIM   Jong-Un ") == "kim jong un"
    assert names.normalize("개천 제14호 관리소") == "개천 제14호 관리소"
    assert names.normalize("ＤＡＮＤＯＮＧ") == "dandong"  # full-width
    assert names.normalize("Co., Ltd.") == "co ltd"
    assert names.normalize("") == "" and names.normalize("!!! ---") == ""


GROUPS = [
    ("Kaechon", "Kaech'ŏn", "Gaecheon", "개천", "KAECHON", "Kaech'on"),
    ("Pyongyang", "P'yŏngyang", "Pyeongyang", "평양", "平壤"),
    ("Jang Pom Su", "JANG Bom Su", "Jang Pom-su", "장범수"),
    ("Min Pyo'ng-ch'o'l", "Min Byong Chol", "MIN Pyŏng-ch'ŏl", "민병철"),
    ("Taesong", "Daesong", "대성"),
    ("Ryonbong", "Yonbong", "련봉", "Ryŏnbong"),
    ("Ri", "Rhee", "Lee", "Yi", "리", "이"),
    ("Kwangson", "Gwangseon", "광선"),
    ("Kim Jong Un", "KIM Jong-un", "Kim Chŏng-ŭn", "김정은", "Kim Jeong-eun", "KIM JONG UN"),
    ("Ri Yong Ho", "Ri Yŏng-ho", "리영호", "Lee Young Ho", "Yi Yong-ho"),
    ("Choe Ryong Hae", "Ch'oe Ryong-hae", "최룡해", "Choi Yong-hae"),
    ("Hoeryong", "Hoeryŏng", "회령", "Hoeryeong"),
    ("Sinuiju", "Sinŭiju", "신의주", "新义州"),
    ("Dandong Xinda Hair Products Co., Ltd.", "丹东鑫达发制品有限公司", "丹東鑫達髮製品有限公司",
     "DANDONG XINDA HAIR PRODUCTS COMPANY LIMITED"),
    ("Kwalliso No. 14", "관리소 제14호", "Kwalliso 14", "Kwalliso Che14ho"),
    ("Korea Kwangson Banking Corp", "조선광선은행", "KOREA KWANGSON BANK"),
]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g[0])
def test_spellings_meet_both_ways(group):
    for a in group:
        for b in group:
            assert meets(a, b), (a, b, sorted(names.query_keys(a)), sorted(names.token_keys(b)))


@pytest.mark.parametrize("group", GROUPS[:13], ids=lambda g: g[0])
def test_same_name_key(group):
    keys = {names.name_key(s, sort=True) for s in group}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a,b", [
    ("Kim Jong Un", "Kim Jong Il"),
    ("Kim Jong Un", "Kim Yong Nam"),
    ("Kaechon", "Kaesong"),
    ("Kaechon", "Chongjin"),
    ("김정은", "김정일"),
    ("리영호", "리영길"),
    ("Jang Yong Son", "Jang Bom Su"),
    ("Ri Hong-Sop", "Ri Hong-Chul"),
    ("Pak Yong-Chun", "Pak Il Kyu"),
    ("Kim Song Min", "Kim Song Chol"),
    ("Korea Daesong Bank", "Korea Daesong Trading"),
    ("丹东鑫达发制品有限公司", "丹东鑫达服装有限公司"),
    ("Dandong Xinda Hair Products", "Dandong Xinxing Hair Products"),
    ("Kwalliso No. 14", "Kwalliso No. 15"),
    ("개천 제1호교화소", "개천 제14호 관리소"),
])
def test_different_names_do_not_meet(a, b):
    assert not meets(a, b)
    assert not meets(b, a)
    assert names.name_key(a) != names.name_key(b)


def test_person_names_are_not_split_into_terms():
    assert meets("조선희", "Cho Son Hui") and meets("Cho Sŏn-hŭi", "조선희")
    assert not meets("조선희", "Korea Hui")
    assert meets("조선무역은행", "Korea Trading Bank")


def test_glued_given_names_and_name_order():
    assert meets("Kim Jongun", "Kim Jong Un") and meets("Kim Jongun", "김정은")
    assert meets("Jong Un Kim", "Kim Jong Un") and meets("Jong Un Kim", "김정은")
    assert names.name_key("Kim Jongun") == names.name_key("Kim Jong Un") == names.name_key("김정은")


def test_token_keys_include_normalized_tokens_and_syllable_keys():
    keys = names.token_keys("Kaech'ŏn Kyohwaso")
    assert {"kaechon", "kyohwaso", "k:kecon", "k:kyohwaso"} <= keys
    # keys name whole tokens: Kaechon and Kenya share none
    assert not (names.token_keys("Kaechon") & names.token_keys("Kenya"))
    assert names.token_keys("Kaechon") & names.token_keys("개천") == {"k:kecon"}
    keys = names.token_keys("Dandong Xinda Hair Products Co., Ltd.")
    assert {"dandong", "xinda", "hair", "prod", "co", "ltd"} <= keys
    keys = names.token_keys("丹东鑫达发制品有限公司")
    assert {"dandong", "xinda", "xin", "da", "hair", "prod", "co", "ltd", "丹东鑫达发制品有限公司"} <= keys
    assert names.token_keys("") == set() and names.token_keys("  !! ") == set()


def test_query_keys_leave_out_legal_forms_and_stopwords():
    assert names.query_keys("Xinda Co., Ltd.") == {"xinda"}
    assert names.query_keys("Bank of the Xinda") == {"bank", "xinda"}
    assert names.query_keys("Co., Ltd.") == {"co", "ltd"}  # nothing else: keep them
    assert names.query_keys("Daedong Credit Bank (DCB)") == names.query_keys("Daedong Credit Bank")


def test_key_tokens_kinds():
    kinds = dict((k, kind) for kind, k in names.key_tokens("Xinda Trading Co., Ltd. of Kaechon No. 14"))
    assert kinds["co"] == "legal" and kinds["ltd"] == "legal" and kinds["of"] == "stop"
    assert kinds["trade"] == "word" and kinds["k:kecon"] == "ko" and kinds["14"] == "num"


def test_numbers_meet_across_scripts():
    assert names.query_keys("No. 14") == names.query_keys("제14호") == names.query_keys("Che 14 ho") == {"14"}
    assert names.query_keys("Camp No. 14") == {"camp", "14"}
    assert names.name_key("No. 014") == "no 14"
    assert names.name_key("제14호") == "no 14"
    # No is also a Korean surname (노, Roh): alone it is a name, not a number sign.
    for a in ("No Kwang Chol", "노광철", "Roh Kwang-chol"):
        for b in ("No Kwang Chol", "노광철", "Roh Kwang-chol"):
            assert meets(a, b)


def test_mixed_scripts_in_one_name():
    keys = names.query_keys("Kaechon 개천 丹东")
    assert {"k:kecon", "k:tantong"} <= keys
    assert meets("개천 Kwalliso", "Kaechon Kwalliso")


def test_name_variants():
    v = names.name_variants("김정은")
    assert {"Kim Jeong-eun", "Kim Chŏng-ŭn", "Kim Jong Un"} <= set(v)
    v = names.name_variants("개천")
    assert {"Gaecheon", "Kaech'ŏn", "Kaechon"} <= set(v)
    v = names.name_variants("丹东鑫达发制品有限公司")
    assert "Dandong Xinda Hair Products Co., Ltd." in v
    assert "Dandong Xinda Fazhipin Youxiangongsi" in v
    assert "Korea Kwangson Bank" in names.name_variants("조선광선은행")
    assert names.name_variants("Daedong Credit Bank (DCB)") == ["Daedong Credit Bank (DCB)", "Daedong Credit Bank", "DCB"]
    assert names.name_variants("") == [] and names.name_variants("!!!") == []


def test_ngrams():
    g = names.ngrams("Kaechon")
    assert g == names.ngrams("개천") == names.ngrams("Gaecheon")
    assert " ke" in g and "con" in g and "on " in g
    assert names.ngrams("") == set()
    assert names.ngrams("Kim Jong Un", n=2) >= {" k", "ki", "im"}
    assert len(names.ngrams("Kaechon") & names.ngrams("Kaesong")) < len(names.ngrams("Kaechon"))


def test_all_caps_and_punctuation():
    assert names.query_keys("KIM JONG UN") == names.query_keys("kim jong un") == names.query_keys("Kim, Jong-Un.")
    assert names.query_keys("DANDONG XINDA HAIR PRODUCTS CO., LTD.") == names.query_keys("dandong xinda hair products")


def test_reexports():
    assert names.romanize_mr("평양") == "P'yŏngyang"
    assert names.translate("丹东") == "Dandong"
    assert names.acronym_matches("DCB", "Daedong Credit Bank (DCB)")
    assert names.is_truncation("DANDONG XINDA HAIR PRODUCTS CO LT", "Dandong Xinda Hair Products Co., Ltd.")


def test_entities_show_finds_camps_in_every_script(tmp_path):
    from tollwatch.app.evidence import open_store

    store = open_store("sqlite:///" + str(tmp_path / "t.db"))
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        for q in ["Kaechon", "Gaecheon", "개천", "Kaech'ŏn", "KAECHON", "Kaech'on"]:
            ids = {e.id for e in r.find_entities(q)}
            assert {"KP-KHS-001", "KP-KLS-014"} <= ids, (q, ids)
        assert {e.id for e in r.find_entities("Yodŏk")} == {e.id for e in r.find_entities("요덕")} != set()
        assert "KP-KLS-014" in {e.id for e in r.find_entities("관리소 제14호")}
        assert "KP-KLS-014" not in {e.id for e in r.find_entities("Kwalliso No. 15")}
        assert r.find_entities("Xyzzy Nonexistent") == []


@pytest.mark.parametrize("a,b", [
    ("Xinda Co Ltd", "XINDA CO., LTD."),
    ("Xinda Co.,Ltd", "Xinda Company Limited"),
    ("Xinda Corp", "XINDA CORPORATION"),
    ("Xinda Inc", "Xinda Incorporated"),
    ("Xinda J/V", "XINDA JV"),
    ("Xinda Grp", "Xinda Group"),
    ("Xinda Comm Srvces", "Xinda Commercial Services"),
    ("Xinda Intl Trdg", "XINDA INTERNATIONAL TRADING"),
    ("Xinda INT'L Trading", "Xinda International Trading"),
    ("Xinda Mfg", "Xinda Manufacturing"),
    ("Xinda Imp Exp", "Xinda Import and Export"),
    ("Xinda Imp/Exp", "Xinda Import & Export"),
    ("주식회사 광명", "(주)광명"),
    ("광명 주식회사", "㈜광명"),
    ("鑫达有限公司", "Xinda Co., Ltd."),
])
def test_legal_forms_fold_in_token_keys(a, b):
    assert names.query_keys(a) == names.query_keys(b)
    legal_a = {k for kind, k in names.key_tokens(a) if kind == "legal"}
    legal_b = {k for kind, k in names.key_tokens(b) if kind == "legal"}
    assert legal_a == legal_b
    assert sorted(names.name_key(a).split()) == sorted(names.name_key(b).split())


def test_legal_tokens_are_marked():
    kinds = {k: kind for kind, k in names.key_tokens("Xinda Trading Co., Ltd.")}
    assert kinds == {"xinda": "word", "trade": "word", "co": "legal", "ltd": "legal"}
    assert names.token_weight("Ltd") < names.token_weight("Trading") < names.token_weight("Xinda")


@pytest.mark.parametrize("query,expected", [
    ("Kaech'ŏn", {"KP-KHS-001", "KP-KLS-014"}),
    ("KAECHON", {"KP-KHS-001", "KP-KLS-014"}),
    ("Yodŏk", {"KP-KLS-015"}),
    ("요덕", {"KP-KLS-015"}),
    ("Hoeryŏng", {"KP-KLS-022"}),
    ("회령", {"KP-KLS-022"}),
])
def test_cli_entities_show_across_scripts(cli, query, expected):
    ids = {r["id"] for r in cli.json("entities", "show", query, "--format", "json")}
    assert expected <= ids, (query, ids)
