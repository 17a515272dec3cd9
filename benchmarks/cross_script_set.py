"""Builds benchmarks/data/cross_script.csv, the cross-script screening set (issue 14, item 7).

Listed rows: every Han or Hangul name in the original-script fields of the UK OFSI ConList
(2025-04-14, bundled) and the Australian DFAT list (2024-12-17) in ../shared/data/sanctions,
each citing its list and entry id, with the entry's Latin names as the expected match.
Japanese names (with kana) are left out. Further listed rows (SOURCED) are DPRK entities on the
bundled OFAC and UN lists whose lists give no Han or Hangul name: the script form comes from a
public page that names the entity in both scripts (cited per row), the Latin names from the list
record (cited by OFAC ent_num or UN reference number). Not-listed rows: real South Korean and Chinese
companies whose names look like listed ones (banks, airlines, shipping lines, trading
houses), chosen as not being the listed entities. They were not checked one by one against
every list entry: a false alarm the benchmark reports should be looked up before it is
counted as the matcher's fault.

Hand files (grown for issue 14 item 7, DPRK programme entities): benchmarks/data/cross_script_sourced.csv
(more SOURCED rows: query, list record, Latin names, cited page) and cross_script_lookalikes.csv (more
not-listed rows, each citing a public page that names the company). Their `added` column, written to
cross_script.csv as `batch`, names the batch a row came in (empty: the first); the benchmark reports each
batch apart, so rows added after a change to the matcher show how it does on names it was not built on.

Run:  .venv/bin/python benchmarks/cross_script_set.py   (rewrites the CSV)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANCTIONS = ROOT.parent / "shared" / "data" / "sanctions"
OUT = ROOT / "benchmarks" / "data" / "cross_script.csv"
SOURCED_FILE = ROOT / "benchmarks" / "data" / "cross_script_sourced.csv"
LOOKALIKES_FILE = ROOT / "benchmarks" / "data" / "cross_script_lookalikes.csv"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANA = re.compile(r"[\u3040-\u30ff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3·()（）]+")
FIELDS = ["query", "script", "label", "country", "source", "entry_id", "listed_as", "english", "batch"]

# Real companies, not on the bundled lists: (Han or Hangul name, country, the English name it trades under).
NOT_LISTED = [
    ("하나은행", "KR", "Hana Bank"), ("하나금융그룹", "KR", "Hana Financial Group"), ("대한항공", "KR", "Korean Air"),
    ("아시아나항공", "KR", "Asiana Airlines"), ("제주항공", "KR", "Jeju Air"), ("삼성전자", "KR", "Samsung Electronics"),
    ("삼성중공업", "KR", "Samsung Heavy Industries"), ("현대자동차", "KR", "Hyundai Motor Company"),
    ("현대중공업", "KR", "Hyundai Heavy Industries"), ("현대상선", "KR", "Hyundai Merchant Marine"),
    ("현대글로비스", "KR", "Hyundai Glovis"), ("기아자동차", "KR", "Kia Motors"), ("국민은행", "KR", "Kookmin Bank"),
    ("신한은행", "KR", "Shinhan Bank"), ("우리은행", "KR", "Woori Bank"), ("한국산업은행", "KR", "Korea Development Bank"),
    ("중소기업은행", "KR", "Industrial Bank of Korea"), ("한국수출입은행", "KR", "Export-Import Bank of Korea"),
    ("농협은행", "KR", "NongHyup Bank"), ("부산은행", "KR", "Busan Bank"), ("대구은행", "KR", "Daegu Bank"),
    ("한진해운", "KR", "Hanjin Shipping"), ("고려해운", "KR", "Korea Marine Transport Co"), ("대한해운", "KR", "Korea Line Corporation"),
    ("팬오션", "KR", "Pan Ocean"), ("포스코", "KR", "POSCO"), ("엘지전자", "KR", "LG Electronics"), ("롯데쇼핑", "KR", "Lotte Shopping"),
    ("한화", "KR", "Hanwha"), ("카카오", "KR", "Kakao"), ("네이버", "KR", "Naver"), ("셀트리온", "KR", "Celltrion"),
    ("한국전력공사", "KR", "Korea Electric Power Corporation"), ("대한무역투자진흥공사", "KR", "KOTRA"),
    ("한국무역협회", "KR", "Korea International Trade Association"), ("조선일보", "KR", "Chosun Ilbo"),
    ("대우조선해양", "KR", "Daewoo Shipbuilding & Marine Engineering"), ("한국가스공사", "KR", "Korea Gas Corporation"),
    ("에스케이하이닉스", "KR", "SK Hynix"), ("신세계", "KR", "Shinsegae"), ("이마트", "KR", "E-Mart"),
    ("한국항공우주산업", "KR", "Korea Aerospace Industries"), ("하나투어", "KR", "Hanatour"),
    ("한국투자증권", "KR", "Korea Investment & Securities"), ("미래에셋증권", "KR", "Mirae Asset Securities"),
    ("금호타이어", "KR", "Kumho Tire"), ("고려아연", "KR", "Korea Zinc"), ("고려대학교", "KR", "Korea University"),
    ("한국석유공사", "KR", "Korea National Oil Corporation"), ("대성산업", "KR", "Daesung Industrial"),
    ("동방", "KR", "Dongbang"), ("범한판토스", "KR", "Pantos Logistics"), ("대한통운", "KR", "CJ Korea Express"),
    ("한국조선해양", "KR", "Korea Shipbuilding & Offshore Engineering"), ("에이치엠엠", "KR", "HMM"),
    ("中国银行", "CN", "Bank of China"), ("中国工商银行", "CN", "Industrial and Commercial Bank of China"),
    ("中国建设银行", "CN", "China Construction Bank"), ("中国农业银行", "CN", "Agricultural Bank of China"),
    ("交通银行", "CN", "Bank of Communications"), ("招商银行", "CN", "China Merchants Bank"), ("中信银行", "CN", "China CITIC Bank"),
    ("中国远洋海运集团有限公司", "CN", "China COSCO Shipping Corporation"), ("中远海运", "CN", "COSCO Shipping"),
    ("中国国际航空", "CN", "Air China"), ("中国东方航空", "CN", "China Eastern Airlines"),
    ("中国南方航空", "CN", "China Southern Airlines"), ("海南航空", "CN", "Hainan Airlines"), ("厦门航空", "CN", "Xiamen Airlines"),
    ("青岛啤酒", "CN", "Tsingtao Brewery"), ("青岛啤酒股份有限公司", "CN", "Tsingtao Brewery Co., Ltd."),
    ("河南瑞贝卡发制品股份有限公司", "CN", "Henan Rebecca Hair Products Co., Ltd."), ("瑞贝卡", "CN", "Rebecca"),
    ("阿里巴巴", "CN", "Alibaba"), ("腾讯", "CN", "Tencent"), ("联想集团", "CN", "Lenovo Group"), ("小米科技", "CN", "Xiaomi"),
    ("比亚迪", "CN", "BYD"), ("中国石油天然气集团", "CN", "China National Petroleum Corporation"), ("中国石化", "CN", "Sinopec"),
    ("中国移动", "CN", "China Mobile"), ("中国平安保险", "CN", "Ping An Insurance"), ("海尔集团", "CN", "Haier Group"),
    ("美的集团", "CN", "Midea Group"), ("格力电器", "CN", "Gree Electric"), ("中国外运", "CN", "Sinotrans"),
    ("顺丰速运", "CN", "SF Express"), ("华润集团", "CN", "China Resources"), ("中粮集团", "CN", "COFCO"),
    ("宝钢集团", "CN", "Baosteel Group"), ("鞍钢集团", "CN", "Ansteel Group"), ("中国中车", "CN", "CRRC"),
    ("万科", "CN", "Vanke"), ("大连万达集团", "CN", "Dalian Wanda Group"), ("上海汽车集团", "CN", "SAIC Motor"),
    ("吉利汽车", "CN", "Geely Automobile"), ("长城汽车", "CN", "Great Wall Motor"), ("招商局集团", "CN", "China Merchants Group"),
    ("丹东港集团", "CN", "Dandong Port Group"), ("日照港", "CN", "Rizhao Port"), ("青岛港", "CN", "Qingdao Port"),
    ("大连港", "CN", "Dalian Port"), ("中国海运", "CN", "China Shipping"), ("京东", "CN", "JD.com"),
    ("中国人寿保险", "CN", "China Life Insurance"), ("中国电信", "CN", "China Telecom"), ("中国联通", "CN", "China Unicom"),
]


# Listed entities whose lists carry no Han or Hangul name: (query, list record, its Latin names, where the script form is from).
KO_WIKI = "https://ko.m.wikipedia.org/wiki/"
SOURCED = [
    ("고려항공", "OFAC SDN ent_num 20520", "AIR KORYO | AIRKORYO", KO_WIKI + "%EC%A1%B0%EC%84%A0%EB%AF%BC%ED%95%AD (고려항공, 高麗航空, Air Koryo)"),
    ("高麗航空", "OFAC SDN ent_num 20520", "AIR KORYO | AIRKORYO", KO_WIKI + "%EC%A1%B0%EC%84%A0%EB%AF%BC%ED%95%AD (고려항공, 高麗航空, Air Koryo)"),
    ("조선광선은행", "UN KPe.025; OFAC ent_num 11581", "KOREA KWANGSON BANKING CORPORATION (KKBC) | KOREA KWANGSON BANKING CORP | KKBC",
     "https://tomorrow.paperai.life/https://ko.wikipedia.org/wiki/%EC%A1%B0%EC%84%A0%EA%B4%91%EC%84%A0%EC%9D%80%ED%96%89 (ko.wikipedia 조선광선은행, 朝鮮光鮮銀行)"),
    ("朝鮮光鮮銀行", "UN KPe.025; OFAC ent_num 11581", "KOREA KWANGSON BANKING CORPORATION (KKBC) | KOREA KWANGSON BANKING CORP | KKBC",
     "https://tomorrow.paperai.life/https://ko.wikipedia.org/wiki/%EC%A1%B0%EC%84%A0%EA%B4%91%EC%84%A0%EC%9D%80%ED%96%89 (ko.wikipedia 조선광선은행, 朝鮮光鮮銀行)"),
    ("고려상업은행", "OFAC SDN ent_num 23004", "KORYO COMMERCIAL BANK LTD.",
     "http://ko.wiki.chinapedia.org/wiki/%EA%B3%A0%EB%A0%A4%EC%83%81%EC%97%85%EC%9D%80%ED%96%89 (고려상업은행, 高麗商業銀行, Koryo Commercial Bank Ltd.)"),
    ("高麗商業銀行", "OFAC SDN ent_num 23004", "KORYO COMMERCIAL BANK LTD.",
     "http://ko.wiki.chinapedia.org/wiki/%EA%B3%A0%EB%A0%A4%EC%83%81%EC%97%85%EC%9D%80%ED%96%89 (고려상업은행, 高麗商業銀行, Koryo Commercial Bank Ltd.)"),
    ("금강은행", "OFAC SDN ent_num 20571", "KUMGANG BANK",
     "https://tomorrow.paperai.life/https://ko.wikipedia.org/wiki/%EA%B8%88%EA%B0%95%EC%9D%80%ED%96%89 (ko.wikipedia 금강은행, 金剛銀行, sanctioned by the US Treasury in 2016)"),
    ("金剛銀行", "OFAC SDN ent_num 20571", "KUMGANG BANK",
     "https://tomorrow.paperai.life/https://ko.wikipedia.org/wiki/%EA%B8%88%EA%B0%95%EC%9D%80%ED%96%89 (ko.wikipedia 금강은행, 金剛銀行, sanctioned by the US Treasury in 2016)"),
    ("단천상업은행", "UN KPe.003", "TANCHON COMMERCIAL BANK | CHANGGWANG CREDIT BANK | KOREA CHANGGWANG CREDIT BANK",
     KO_WIKI + "%EB%8B%A8%EC%B2%9C%EC%9D%80%ED%96%89 (단천상업은행, 端川商業銀行; before 1998 창광신용은행, 蒼光信用銀行)"),
    ("端川商業銀行", "UN KPe.003", "TANCHON COMMERCIAL BANK | CHANGGWANG CREDIT BANK | KOREA CHANGGWANG CREDIT BANK",
     KO_WIKI + "%EB%8B%A8%EC%B2%9C%EC%9D%80%ED%96%89 (단천상업은행, 端川商業銀行; before 1998 창광신용은행, 蒼光信用銀行)"),
    ("창광신용은행", "UN KPe.003", "TANCHON COMMERCIAL BANK | CHANGGWANG CREDIT BANK | KOREA CHANGGWANG CREDIT BANK",
     KO_WIKI + "%EB%8B%A8%EC%B2%9C%EC%9D%80%ED%96%89 (단천상업은행, 端川商業銀行; before 1998 창광신용은행, 蒼光信用銀行)"),
    ("蒼光信用銀行", "UN KPe.003", "TANCHON COMMERCIAL BANK | CHANGGWANG CREDIT BANK | KOREA CHANGGWANG CREDIT BANK",
     KO_WIKI + "%EB%8B%A8%EC%B2%9C%EC%9D%80%ED%96%89 (단천상업은행, 端川商業銀行; before 1998 창광신용은행, 蒼光信用銀行)"),
    ("조선무역은행", "UN KPe.047; OFAC ent_num 15603", "FOREIGN TRADE BANK (FTB) | MOOYOKBANK | KOREA TRADING BANK | FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA",
     "https://en.kevinzhw153.workers.dev/wiki/Joson_Trade_Bank (a mirror of en.wikipedia: Chosŏn'gŭl 조선무역은행, Hancha 朝鮮貿易銀行)"),
    ("朝鮮貿易銀行", "UN KPe.047; OFAC ent_num 15603", "FOREIGN TRADE BANK (FTB) | MOOYOKBANK | KOREA TRADING BANK | FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA",
     "https://en.kevinzhw153.workers.dev/wiki/Joson_Trade_Bank (a mirror of en.wikipedia: Chosŏn'gŭl 조선무역은행, Hancha 朝鮮貿易銀行)"),
    ("조선대성은행", "UN KPe.035; OFAC ent_num 12312", "KOREA DAESONG BANK | CHOSON TAESONG UNHAENG | TAESONG BANK",
     "http://ko.m.wikipedia.org/wiki/%EC%A1%B0%EC%84%A0%EB%8C%80%EC%84%B1%EC%9D%80%ED%96%89 (조선대성은행)"),
]


def _script(name: str) -> str:
    return "Hangul" if HANGUL.search(name) else "Han"


def listed_rows() -> list[dict[str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from tollwatch.importers.lists_sheets import read_au_dfat, read_uk_ofsi

    rows: dict[str, dict[str, str]] = {}
    files = ((read_uk_ofsi, "uk_ofsi_conlist_2025-04-14.xlsx", "UK OFSI ConList 2025-04-14, Group ID"),
             (read_au_dfat, "au_dfat_consolidated_asof-2024-12-17.xlsx", "AU DFAT 2024-12-17, reference"))
    for reader, filename, source in files:
        for entity in reader(SANCTIONS / filename):
            names = entity.all_names()
            entry = next(i.value for i in entity.identifiers if i.scheme == entity.dataset)
            latin = [n for n in names if not HAN.search(n) and not HANGUL.search(n)]
            for name in names:
                if KANA.search(name) or not (HAN.search(name) or HANGUL.search(name)):
                    continue
                query = "".join(CJK_RUN.findall(name)).strip("() ") if latin and name not in latin and re.search(r"[A-Za-z]", name) else name
                if query in rows:
                    continue
                rows[query] = {"query": query, "script": _script(query), "label": "listed", "country": "", "source": source,
                               "entry_id": entry, "listed_as": " | ".join(latin), "english": latin[0] if latin else "", "batch": ""}
    for query, record, latin, page, batch in [(*s, "") for s in SOURCED] + _hand(SOURCED_FILE, ("query", "entry_id", "listed_as", "page", "added")):
        rows.setdefault(query, {"query": query, "script": _script(query), "label": "listed", "country": "", "source": f"script form: {page}",
                                "entry_id": record, "listed_as": latin, "english": latin.split(" | ")[0], "batch": batch})
    return list(rows.values())


def _hand(path: Path, fields: tuple[str, ...]) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [tuple(row.get(f) or "" for f in fields) for row in csv.DictReader(fh)]


def not_listed_rows() -> list[dict[str, str]]:
    plain = [(q, c, e, "real company, not listed", "") for q, c, e in NOT_LISTED]
    cited = [(q, c, e, f"real company, not listed: {page}", b) for q, c, e, page, b in _hand(LOOKALIKES_FILE, ("query", "country", "english", "source", "added"))]
    seen: set[str] = set()
    return [{"query": q, "script": _script(q), "label": "not_listed", "country": c, "source": s,
             "entry_id": "", "listed_as": "", "english": e, "batch": b} for q, c, e, s, b in plain + cited if not (q in seen or seen.add(q))]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    rows = listed_rows() + not_listed_rows()
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {sum(r['label'] == 'listed' for r in rows)} listed, {sum(r['label'] != 'listed' for r in rows)} not listed")


if __name__ == "__main__":
    main()
