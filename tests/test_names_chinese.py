"""Chinese names: pinyin, traditional ↔ simplified, and trade-record English."""

import pytest

from tollwatch.core import names
from tollwatch.core.names import chinese as zh


def test_pinyin_without_tones():
    assert zh.pinyin("丹东") == "dan dong"
    assert zh.pinyin("鑫达") == "xin da"
    assert zh.pinyin("ABC 丹东") == "ABC dan dong"
    assert zh.pinyin("") == ""


def test_traditional_and_simplified():
    assert zh.to_simplified("丹東鑫達髮製品有限公司") == "丹东鑫达发制品有限公司"
    assert zh.to_traditional("丹东") == "丹東"
    assert zh.to_simplified(zh.to_traditional("丹东鑫达发制品有限公司")) == "丹东鑫达发制品有限公司"


@pytest.mark.parametrize("han,english", [
    ("丹东鑫达发制品有限公司", "Dandong Xinda Hair Products Co., Ltd."),
    ("丹東鑫達髮製品有限公司", "Dandong Xinda Hair Products Co., Ltd."),
    ("珲春宏超制衣厂", "Hunchun Hongchao Garments Factory"),
    ("东港金辉食品", "Donggang Jinhui Food"),
    ("罗先新兴贸易公司", "Rason Xinxing Trading Co."),
    ("平度市美睫化妆品有限公司", "Pingdu Meijie Cosmetics Co., Ltd."),
    ("许昌瑞贝卡假发有限公司", "Xuchang Ruibeika Wigs Co., Ltd."),
    ("青岛工艺品进出口有限公司", "Qingdao Handicrafts Import and Export Co., Ltd."),
    ("新义州", "Sinuiju"),
    ("图们临江延吉沈阳", "Tumen Linjiang Yanji Shenyang"),
])
def test_translate_company_and_place_names(han, english):
    assert zh.translate(han) == english


def test_pinyin_name_uses_place_names():
    assert zh.pinyin_name("珲春宏超制衣厂") == "Hunchun Hongchao Zhiyi Chang"
    assert zh.pinyin_name("丹东鑫达发制品有限公司") == "Dandong Xinda Fazhipin Youxiangongsi"


def test_segment_kinds():
    kinds = [k for k, _, _ in zh.segment("丹东鑫达发制品有限公司")]
    assert kinds == ["place", "brand", "term", "term"]
    # 厂 (factory) inside a brand is part of the brand, at the end it is the term
    assert zh.segment("厂") == (("term", "厂", "Factory"),)


@pytest.mark.parametrize("han,latin", [
    ("丹东鑫达发制品有限公司", "Dandong Xinda Hair Products Co., Ltd."),
    ("丹東鑫達髮製品有限公司", "DANDONG XINDA HAIR PRODUCTS CO LTD"),
    ("丹东鑫达发制品有限公司", "Dandong Xinda Hair Products Company Limited"),
    ("许昌瑞贝卡假发有限公司", "Xuchang Ruibeika Wig Co Ltd"),
    ("青岛工艺品进出口有限公司", "QINGDAO ARTS & CRAFTS IMP/EXP CO., LTD."),
    ("朝鲜", "North Korea"),
    ("朝鲜", "DPRK"),
])
def test_han_and_english_company_names_meet(han, latin):
    assert names.query_keys(han) == names.query_keys(latin)
    assert names.query_keys(latin) <= names.token_keys(han)
    assert names.query_keys(han) <= names.token_keys(latin)
    assert names.name_key(han) and names.name_key(han).split()[:2] == names.name_key(latin).split()[:2]


@pytest.mark.parametrize("a,b", [
    ("丹东鑫达发制品有限公司", "Dandong Xinxing Hair Products Co., Ltd."),
    ("丹东鑫达发制品有限公司", "Hunchun Xinda Hair Products Co., Ltd."),
    ("丹东鑫达发制品有限公司", "丹东鑫达服装有限公司"),
])
def test_different_chinese_companies_do_not_meet(a, b):
    assert not names.query_keys(a) <= names.token_keys(b)


def test_a_polyphonic_character_is_read_as_brands_read_it_and_phrases_keep_theirs():
    from tollwatch.core.names import chinese as zh

    assert zh.translate("香港長航國際海運有限公司").startswith("Hong Kong Changhang International")  # 长 alone: chang, not zhang
    assert zh.pinyin("校长") == "xiao zhang"  # a phrase pypinyin knows keeps its reading


def test_a_hong_kong_name_in_traditional_characters_is_also_read_as_its_identity_card_spells_it():
    from tollwatch.core.matching import pair_score

    assert "Yip Chuen Faat" in zh.cantonese_person("葉全發")
    assert pair_score("葉全發", "YIP, Chuen Fat").score >= 0.7  # OFAC 30889
    assert zh.cantonese_person("马晓红") == ()  # simplified: a mainland name, read in pinyin only
    assert zh.cantonese_person("丹東銀行") == ()  # not a person's name
