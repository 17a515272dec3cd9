"""Chinese company and place names: pinyin, traditional ↔ simplified, and the
English an importer or a sanctions list writes for them.

丹东鑫达发制品有限公司 is filed as "Dandong Xinda Hair Products Co., Ltd.":
place names are translated (丹东 → Dandong, 罗先 → Rason), trade terms are
translated (发制品 → Hair Products), legal forms are folded (有限公司 →
Co., Ltd.), and what is left — the brand — is written in pinyin, glued
(鑫达 → Xinda).  Screening needs both sides to produce the same tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from opencc import OpenCC

from .terms import cantonese_readings, load_terms

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Places in China and North Korea that appear in company names and trade routes (simplified Han).
PLACES: dict[str, str] = {
    "丹东": "Dandong", "珲春": "Hunchun", "平度": "Pingdu", "许昌": "Xuchang", "罗先": "Rason", "罗津": "Rajin",
    "先锋": "Sonbong", "新义州": "Sinuiju", "图们": "Tumen", "临江": "Linjiang", "青岛": "Qingdao", "沈阳": "Shenyang",
    "延吉": "Yanji", "延边": "Yanbian", "朝鲜": "North Korea", "北朝鲜": "North Korea", "平壤": "Pyongyang",
    "南浦": "Nampo", "清津": "Chongjin", "咸兴": "Hamhung", "惠山": "Hyesan", "开城": "Kaesong", "元山": "Wonsan",
    "满浦": "Manpo", "会宁": "Hoeryong", "开川": "Kaechon", "耀德": "Yodok", "中国": "China", "韩国": "South Korea",
    "大连": "Dalian", "长春": "Changchun", "吉林": "Jilin", "辽宁": "Liaoning", "山东": "Shandong", "浙江": "Zhejiang",
    "广州": "Guangzhou", "上海": "Shanghai", "北京": "Beijing", "天津": "Tianjin", "香港": "Hong Kong",
    "集安": "Ji'an", "东港": "Donggang", "宽甸": "Kuandian", "和龙": "Helong", "龙井": "Longjing", "长白": "Changbai",
    "义乌": "Yiwu", "胶州": "Jiaozhou", "即墨": "Jimo", "莱州": "Laizhou", "烟台": "Yantai", "威海": "Weihai",
    "南阳": "Nanyang", "和田": "Hotan", "洛浦": "Lop", "新疆": "Xinjiang", "哈尔滨": "Harbin",
    "石家庄": "Shijiazhuang", "呼和浩特": "Hohhot", "乌鲁木齐": "Urumqi", "黑龙江": "Heilongjiang",
    "内蒙古": "Inner Mongolia", "河南": "Henan", "河北": "Hebei", "江苏": "Jiangsu", "福建": "Fujian",
    "广东": "Guangdong", "深圳": "Shenzhen", "厦门": "Xiamen", "宁波": "Ningbo", "苏州": "Suzhou", "杭州": "Hangzhou",
    "郑州": "Zhengzhou", "鸭绿江": "Yalu River", "图们江": "Tumen River", "辽东": "Liaodong", "营口": "Yingkou",
    "敦化": "Dunhua", "安图": "Antu", "汪清": "Wangqing", "龙口": "Longkou", "日照": "Rizhao", "潍坊": "Weifang",
    "临沂": "Linyi", "济南": "Jinan", "宁安": "Ning'an", "绥芬河": "Suifenhe", "东宁": "Dongning", "通化": "Tonghua",
    "成都": "Chengdu", "东莞": "Dongguan", "金华": "Jinhua", "武汉": "Wuhan", "重庆": "Chongqing", "南京": "Nanjing",
    "西安": "Xi'an", "珠海": "Zhuhai", "佛山": "Foshan", "无锡": "Wuxi", "常州": "Changzhou", "温州": "Wenzhou",
    "福州": "Fuzhou", "泉州": "Quanzhou", "合肥": "Hefei", "长沙": "Changsha", "昆明": "Kunming", "台湾": "Taiwan",
    "澳门": "Macau", "衡水": "Hengshui", "梅州": "Meizhou", "桂林": "Guilin", "平潭": "Pingtan",
    "白山": "Baishan", "本溪": "Benxi", "鞍山": "Anshan", "抚顺": "Fushun", "铁岭": "Tieling", "葫芦岛": "Huludao",
}

# Trade and product terms → the English used in company names (folded later by legal.fold_legal):
# data, in core/data/terms_zh.tsv. MEANINGS: single brand characters by meaning (日 → Sun).
TERM_RENDERINGS: dict[str, tuple[str, ...]] = load_terms("terms_zh.tsv")
TERMS: dict[str, str] = {k: v[0] for k, v in TERM_RENDERINGS.items()}
MEANINGS: dict[str, tuple[str, ...]] = load_terms("meanings_zh.tsv")
_MAX_MEANING = max(len(k) for k in MEANINGS)
_DICT: dict[str, tuple[str, str]] = {**{k: ("term", v) for k, v in TERMS.items()},
                                     **{k: ("place", v) for k, v in PLACES.items()}}
_MAX_WORD = max(len(k) for k in _DICT)
_ADMIN_SUFFIXES = set("市县省区镇州")


def _pinyin(text: str, **options: Any) -> list[str]:
    """pypinyin's plain readings; imported on first use (its phrase tables take a second to load,
    and a run with no Han text never needs them), with the brand readings of readings_zh.tsv."""
    from pypinyin import Style, lazy_pinyin

    _brand_readings()
    readings: list[str] = lazy_pinyin(text, style=Style.NORMAL, **options)
    return readings


@lru_cache(maxsize=1)
def _brand_readings() -> None:
    """Polyphonic characters read as brands read them (长: chang, not zhang), from core/data/readings_zh.tsv."""
    from pypinyin import load_single_dict

    load_single_dict({ord(han): ",".join(readings) for han, readings in load_terms("readings_zh.tsv").items()})


@lru_cache(maxsize=2)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → simplified (丹東鑫達髮製品 → 丹东鑫达发制品)."""
    simplified: str = _converter("t2s").convert(text)  # OpenCC ships no type hints
    return simplified


@lru_cache(maxsize=65536)
def to_traditional(text: str) -> str:
    traditional: str = _converter("s2t").convert(text)
    return traditional


def has_han(text: str) -> bool:
    return bool(HAN_RE.search(text))


@lru_cache(maxsize=65536)
def pinyin(text: str, sep: str = " ") -> str:
    """Toneless pinyin of every Han character; other text passes through (丹东 → 'dan dong')."""
    out = []
    for piece in _pinyin(to_simplified(text), errors=lambda s: s):
        out.append(piece)
    return sep.join(p.strip() for p in out if p.strip())


@lru_cache(maxsize=65536)
def segment(han: str, glue: bool = False) -> tuple[tuple[str, str, str], ...]:
    """Split a run of Han into (kind, han, english) pieces: kind is 'place', 'term' or 'brand'.

    Longest dictionary match wins; the characters between matches form brands, written in
    glued pinyin and cut into two-character names (东港金辉 → Donggang Jinhui). With `glue`,
    a term whose tail is itself a term gives its first character to the brand before it, as
    a list may write it (恒邦微电子 → Hengbangwei Electronics, not Hengbang Microelectronics).
    """
    han = to_simplified(han)
    pieces: list[tuple[str, str, str]] = []
    brand = ""

    def flush() -> None:
        nonlocal brand
        if brand:
            for chunk in _brand_chunks(brand):
                pieces.append(("brand", chunk, "".join(_pinyin(chunk)).capitalize()))
            brand = ""

    i = 0
    while i < len(han):
        for n in range(min(_MAX_WORD, len(han) - i), 0, -1):
            w = han[i:i + n]
            # A one-character term (厂) only counts at the end of a name, not inside a brand.
            if w in _DICT and (n > 1 or i + n == len(han)):
                if glue and brand and n > 2 and w[1:] in _DICT:
                    brand += w[0]
                    w = w[1:]
                    n -= 1
                    i += 1
                flush()
                kind, eng = _DICT[w]
                i += n
                # 平度市, 宽甸县: the administrative suffix is not written in English names.
                if kind == "place" and i < len(han) and han[i] in _ADMIN_SUFFIXES:
                    w += han[i]
                    i += 1
                pieces.append((kind, w, eng))
                break
        else:
            brand += han[i]
            i += 1
    flush()
    return tuple(pieces)


def _brand_chunks(run: str) -> list[str]:
    if len(run) <= 3:
        return [run]
    chunks = [run[i:i + 2] for i in range(0, len(run), 2)]
    if len(chunks[-1]) == 1:  # 5 characters: 2 + 3
        chunks[-2] += chunks.pop()
    return chunks


@lru_cache(maxsize=65536)
def translate(text: str) -> str:
    """English rendering of a Chinese company or place name, as trade records write it:
    丹东鑫达发制品有限公司 → 'Dandong Xinda Hair Products Co., Ltd.'  Non-Han text passes through."""
    return _render(text, by_meaning=False, alternative=0)[0]


@lru_cache(maxsize=65536)
def translations(text: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Renderings by meaning, each with the (Han, English) words it translated: the trade-record
    English, the second rendering of each term (海运 → Marine), brands by meaning
    (日月星 → Sun Moon Star) and by each character's second meaning with the terms' second
    renderings (宇联 → Global Unity), and the second renderings with a term's first character glued to the
    brand before it (see `segment`).  Distinct renderings only; the first is `translate(text)`."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for by_meaning, alternative, glue in ((False, 0, False), (False, 1, False), (True, 0, False), (True, 1, False), (False, 1, True)):
        rendered, pairs = _render(text, by_meaning=by_meaning, alternative=alternative, glue=glue)
        out.setdefault(rendered, pairs)
    return tuple(out.items())


def _render(text: str, *, by_meaning: bool, alternative: int, glue: bool = False) -> tuple[str, tuple[tuple[str, str], ...]]:
    pairs: list[tuple[str, str]] = []

    def one(m: re.Match[str]) -> str:
        words = []
        for kind, han, eng in segment(m.group(0), glue):
            if kind == "term" or han in TERM_RENDERINGS:  # a place may have another rendering too (中国: Sino)
                options = TERM_RENDERINGS.get(han, (eng,))
                eng = options[min(alternative, len(options) - 1)]
                pairs.append((han, eng))
            elif kind == "brand" and by_meaning:
                meaning = _brand_meaning(han, alternative)
                if meaning:
                    eng = meaning
                    pairs.append((han, eng))
            words.append(eng)
        return " " + " ".join(words) + " "

    out = HAN_RE.sub(one, text)
    out = re.sub(r"\s+([,.)])", r"\1", out)
    return " ".join(out.split()), tuple(pairs)


def _brand_meaning(han: str, alternative: int = 0) -> str | None:
    """The brand word by word by meaning, longest entries first (with `alternative` 1, each
    entry's second meaning where it has one); None if any character has none."""
    words, i = [], 0
    while i < len(han):
        for n in range(min(_MAX_MEANING, len(han) - i), 0, -1):
            if han[i:i + n] in MEANINGS:
                options = MEANINGS[han[i:i + n]]
                words.append(options[min(alternative, len(options) - 1)])
                i += n
                break
        else:
            return None
    return " ".join(words)


@lru_cache(maxsize=65536)
def pinyin_name(text: str) -> str:
    """Word-by-word pinyin, each dictionary word and brand glued and capitalized:
    丹东鑫达发制品有限公司 → 'Dandong Xinda Fazhipin Youxiangongsi'."""

    def one(m: re.Match[str]) -> str:
        words = [
            eng if kind == "place" else "".join(_pinyin(h)).capitalize()
            for kind, h, eng in segment(m.group(0))
        ]
        return " " + " ".join(words) + " "

    return " ".join(HAN_RE.sub(one, text).split())


# Common Chinese surnames, for reading a short Han name as a person's (赵伟 → Zhao Wei).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤倪"
)


def looks_like_person(text: str) -> bool:
    """Two or three Han characters, a common surname first, no dictionary term or place."""
    han = to_simplified(text.replace("·", "").replace(" ", ""))
    return bool(HAN_RE.fullmatch(han)) and 2 <= len(han) <= 3 and han[0] in SURNAMES and all(kind == "brand" for kind, _, _ in segment(han))


@lru_cache(maxsize=65536)
def person_pinyin(text: str) -> str | None:
    """A person's name in pinyin, surname apart from the given name: 赵光宗 → 'Zhao Guangzong'."""
    if not looks_like_person(text):
        return None
    han = to_simplified(text.replace("·", "").replace(" ", ""))
    given = "".join(_pinyin(han[1:]))
    return f"{_pinyin(han[0])[0].capitalize()} {given.capitalize()}"


@lru_cache(maxsize=65536)
def han_word_pinyin(han: str) -> tuple[str, ...]:
    """Per-character toneless pinyin (for indexing names a writer split syllable by syllable)."""
    return tuple(_pinyin(to_simplified(han)))


@lru_cache(maxsize=65536)
def cantonese_person(text: str) -> tuple[str, ...]:
    """A Hong Kong person's name as a Hong Kong identity card spells it (terms.cantonese_readings), surname
    first, a word a syllable, with the surname's first two spellings: 葉全發 → ('Ip Chuen Faat',
    'Yip Chuen Faat'). Only a person's name written in traditional characters, as Hong Kong writes
    them (a name in simplified characters is the mainland's, read in pinyin); () otherwise."""
    han = text.replace("·", "").replace(" ", "")
    if not looks_like_person(han) or to_simplified(han) == han:
        return ()
    table = cantonese_readings()
    readings = [table.get(ch) for ch in han]
    if not all(readings):
        return ()
    given = " ".join(r[0].capitalize() for r in readings[1:] if r)
    return tuple(f"{s.capitalize()} {given}" for s in (readings[0] or ())[:2])
