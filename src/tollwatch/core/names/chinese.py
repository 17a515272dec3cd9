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

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

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
    "白山": "Baishan", "本溪": "Benxi", "鞍山": "Anshan", "抚顺": "Fushun", "铁岭": "Tieling", "葫芦岛": "Huludao",
}

# Trade and product terms → the English used in company names (folded later by legal.fold_legal).
TERMS: dict[str, str] = {
    "发制品": "Hair Products", "假发": "Wigs", "睫毛": "Eyelashes", "假睫毛": "False Eyelashes", "头发": "Hair",
    "发饰": "Hair Accessories", "饰品": "Accessories", "工艺品": "Handicrafts", "工艺": "Crafts", "贸易": "Trading",
    "商贸": "Trading", "经贸": "Economic and Trade", "进出口": "Import and Export", "实业": "Industrial",
    "国际": "International", "科技": "Technology", "技术": "Technology", "服装": "Garments", "服饰": "Apparel",
    "制衣": "Garments", "纺织": "Textiles", "纺织品": "Textiles", "针织": "Knitting", "毛织": "Knitwear",
    "美容": "Beauty", "化妆品": "Cosmetics", "制品": "Products", "产品": "Products", "食品": "Food",
    "海产": "Seafood", "海产品": "Seafood", "水产": "Aquatic Products", "水产品": "Aquatic Products",
    "渔业": "Fishery", "矿业": "Mining", "矿产": "Minerals", "电子": "Electronics", "机械": "Machinery",
    "化工": "Chemical", "建材": "Building Materials", "钢铁": "Steel", "煤炭": "Coal", "物流": "Logistics",
    "船务": "Shipping", "航运": "Shipping", "海运": "Shipping", "投资": "Investment", "发展": "Development",
    "开发": "Development", "控股": "Holdings", "银行": "Bank", "商行": "Trading Firm", "工厂": "Factory",
    "厂": "Factory", "鞋业": "Footwear", "皮革": "Leather", "玩具": "Toys", "首饰": "Jewelry", "珠宝": "Jewelry",
    "经济": "Economic", "合作": "Cooperation", "合营": "Joint Venture", "合资": "Joint Venture",
    "分公司": "Branch", "办事处": "Office", "代表处": "Representative Office", "总公司": "General Corporation",
    "联合": "United", "友谊": "Friendship", "商务": "Business", "服务": "Services", "咨询": "Consulting",
    "文化": "Culture", "艺术": "Arts", "旅游": "Tourism", "酒店": "Hotel", "能源": "Energy", "石油": "Petroleum",
    "运输": "Transport", "汽车": "Automobile", "家具": "Furniture", "医药": "Pharmaceutical", "农业": "Agriculture",
    "加工": "Processing", "工业": "Industry", "金属": "Metals", "有色金属": "Nonferrous Metals", "电器": "Electrical",
    "信息": "Information", "网络": "Network", "软件": "Software", "生物": "Biotech", "集团": "Group",
    "有限公司": "Co., Ltd.", "有限责任公司": "Co., Ltd.", "股份有限公司": "Co., Ltd.", "公司": "Co.",
    "股份": "Shares", "商店": "Store", "市场": "Market", "中心": "Center", "研究所": "Institute",
}
_DICT: dict[str, tuple[str, str]] = {**{k: ("term", v) for k, v in TERMS.items()},
                                     **{k: ("place", v) for k, v in PLACES.items()}}
_MAX_WORD = max(len(k) for k in _DICT)
_ADMIN_SUFFIXES = set("市县省区镇州")


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
    for piece in lazy_pinyin(to_simplified(text), style=Style.NORMAL, errors=lambda s: s):
        out.append(piece)
    return sep.join(p.strip() for p in out if p.strip())


@lru_cache(maxsize=65536)
def segment(han: str) -> tuple[tuple[str, str, str], ...]:
    """Split a run of Han into (kind, han, english) pieces: kind is 'place', 'term' or 'brand'.

    Longest dictionary match wins; the characters between matches form brands, written in
    glued pinyin and cut into two-character names (东港金辉 → Donggang Jinhui).
    """
    han = to_simplified(han)
    pieces: list[tuple[str, str, str]] = []
    brand = ""

    def flush() -> None:
        nonlocal brand
        if brand:
            for chunk in _brand_chunks(brand):
                pieces.append(("brand", chunk, "".join(lazy_pinyin(chunk, style=Style.NORMAL)).capitalize()))
            brand = ""

    i = 0
    while i < len(han):
        for n in range(min(_MAX_WORD, len(han) - i), 0, -1):
            w = han[i:i + n]
            # A one-character term (厂) only counts at the end of a name, not inside a brand.
            if w in _DICT and (n > 1 or i + n == len(han)):
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

    def one(m: re.Match[str]) -> str:
        words = [eng for _, _, eng in segment(m.group(0))]
        return " " + " ".join(words) + " "

    out = HAN_RE.sub(one, text)
    out = re.sub(r"\s+([,.)])", r"\1", out)
    return " ".join(out.split())


@lru_cache(maxsize=65536)
def pinyin_name(text: str) -> str:
    """Word-by-word pinyin, each dictionary word and brand glued and capitalized:
    丹东鑫达发制品有限公司 → 'Dandong Xinda Fazhipin Youxiangongsi'."""

    def one(m: re.Match[str]) -> str:
        words = [
            eng if kind == "place" else "".join(lazy_pinyin(h, style=Style.NORMAL)).capitalize()
            for kind, h, eng in segment(m.group(0))
        ]
        return " " + " ".join(words) + " "

    return " ".join(HAN_RE.sub(one, text).split())


@lru_cache(maxsize=65536)
def han_word_pinyin(han: str) -> tuple[str, ...]:
    """Per-character toneless pinyin (for indexing names a writer split syllable by syllable)."""
    return tuple(lazy_pinyin(to_simplified(han), style=Style.NORMAL))
