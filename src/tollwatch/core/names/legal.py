"""Legal forms, trade-record abbreviations, acronyms and truncated names.

Company names in sanctions lists and bills of lading differ mostly in their
boilerplate: "CO., LTD." vs "COMPANY LIMITED", "TRDG" vs "TRADING", 有限公司
vs 주식회사.  Folding these to one canonical token each lets the distinctive
part of the name carry the match, and ``token_weight`` tells scorers which
tokens say little about identity.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tollwatch.core.names.terms import read_lines

# Canonical token → spellings (single tokens after lowercasing and dropping punctuation).
_FOLD_GROUPS: dict[str, tuple[str, ...]] = {
    # legal forms
    "co": ("co", "company", "companies", "cos", "compan", "comp", "cie", "kompaniya"),
    "ltd": ("ltd", "limited", "ltda", "limitada"),
    "corp": ("corp", "corporation", "corpn", "corporations", "crp", "korporatsiya"),
    "inc": ("inc", "incorporated"),
    "llc": ("llc",),
    "plc": ("plc",),
    "jsc": ("jsc", "ojsc", "pjsc", "cjsc", "ao", "oao", "zao", "pao"),
    "jv": ("jv", "j/v", "jointventure"),
    "ag": ("ag", "aktiengesellschaft"),
    "gmbh": ("gmbh",),
    "sa": ("sa", "sas", "sarl"),
    "bv": ("bv",), "nv": ("nv",), "srl": ("srl",), "spa": ("spa",), "llp": ("llp",), "lp": ("lp",),
    "pte": ("pte",), "pvt": ("pvt", "private"), "bhd": ("bhd", "berhad"), "sdn": ("sdn",),
    "kk": ("kk",), "ooo": ("ooo",), "fze": ("fze", "fzco", "fzc", "fzllc"),
    # trade-record abbreviations of common name words
    "group": ("group", "grp", "groups", "gp"),
    "trade": ("trade", "trading", "trdg", "trd", "tradg", "traders", "trader", "tradings"),
    "intl": ("intl", "international", "internat", "interntl", "int'l", "intern"),
    "mfg": ("mfg", "manufacturing", "manufacturer", "manufacturers", "manufacture", "manuf", "mfr", "mfrs", "mfc"),
    "service": ("service", "services", "srvces", "srvcs", "svcs", "svc", "serv", "servs", "srvc", "srv"),
    "comm": ("comm", "commercial", "commerce", "coml", "comml", "cml"),
    "imp": ("imp", "import", "imports", "importer", "importers", "importing"),
    "exp": ("exp", "export", "exports", "exporter", "exporters", "exporting"),
    "ind": ("ind", "indus", "industrial", "industries", "industry", "inds", "indl"),
    "tech": ("tech", "technology", "technologies", "technological", "techn", "technol"),
    "dev": ("dev", "development", "developments", "devt", "devel"),
    "assoc": ("assoc", "association", "associates", "assn", "asso"),
    "mgmt": ("mgmt", "management", "mgt"),
    "natl": ("natl", "national", "nat'l"),
    "gen": ("gen", "general", "genl"),
    "bros": ("bros", "brothers"),
    "dept": ("dept", "department"),
    "eng": ("eng", "engineering", "engg", "engr"),
    "elec": ("elec", "electronics", "electronic", "electric", "electrical", "elect"),
    "prod": ("prod", "products", "product", "prods"),
    "garment": ("garment", "garments", "clothing", "apparel", "apparels", "clothes"),
    "textile": ("textile", "textiles", "txtl", "tex"),
    "craft": ("craft", "crafts", "handicraft", "handicrafts", "handcraft", "handcrafts", "artcraft", "artcrafts"),
    "wig": ("wig", "wigs"),
    "eyelash": ("eyelash", "eyelashes", "lash", "lashes"),
    "bank": ("bank", "banking", "bk"),
    "ship": ("ship", "shipping", "shpg"),
    "invest": ("invest", "investment", "investments", "inv"),
    "hold": ("hold", "holding", "holdings", "hldgs", "hldg"),
    "ent": ("ent", "enterprise", "enterprises", "entp", "entrp"),
    "beauty": ("beauty", "cosmetic", "cosmetics"),
    "mining": ("mining", "mines", "mine", "mng"),
    "dprk": ("dprk", "nk"),
    "and": ("and", "&"),
}
_FOLD: dict[str, str] = {spelling: canon for canon, spellings in _FOLD_GROUPS.items() for spelling in spellings}

# Multi-word spellings (matched on normalized, space-separated text) → canonical token string.
_PHRASES: list[tuple[str, str]] = [
    ("democratic people s republic of korea", "dprk"),
    ("democratic peoples republic of korea", "dprk"),
    ("korea dpr", "dprk"), ("dpr korea", "dprk"), ("dpr of korea", "dprk"), ("north korea", "dprk"),
    ("d p r k", "dprk"), ("d p r of korea", "dprk"),
    ("joint venture", "jv"), ("j v", "jv"),
    ("co ltd", "co ltd"), ("company limited", "co ltd"), ("limited liability company", "llc"),
    ("l l c", "llc"), ("p l c", "plc"), ("s a", "sa"),
    ("import and export", "imp exp"), ("import export", "imp exp"), ("imp and exp", "imp exp"),
    ("imp ex", "imp exp"), ("impex", "imp exp"), ("imex", "imp exp"),
    ("arts and crafts", "craft"), ("art and craft", "craft"), ("arts crafts", "craft"),
    ("hair products", "hair prod"), ("open joint stock company", "jsc"), ("joint stock company", "jsc"),
    ("closed joint stock company", "jsc"), ("public joint stock company", "jsc"),
    ("gesellschaft mit beschrankter haftung", "gmbh"), ("sociedad anonima", "sa"),
    ("kabushiki kaisha", "kk"), ("private limited", "pvt ltd"), ("sdn bhd", "sdn bhd"),
    ("public limited company", "plc"), ("societatea cu raspundere limitata", "srl"),
    ("societate cu raspundere limitata", "srl"), ("societe a responsabilite limitee", "sarl"),
    ("aktsionernoe obshchestvo", "jsc"), ("aktsionernoye obshchestvo", "jsc"),
    ("otkrytoe aktsionernoe obshchestvo", "jsc"), ("zakrytoe aktsionernoe obshchestvo", "jsc"),
    ("publichnoe aktsionernoe obshchestvo", "jsc"),
]
# Russian "limited liability company" in its many transliterations (OBSHCHESTVO S
# OGRANICHENNOI / OGRANICHENNOY / OGRANICHENNOJ OTVETSTVENNOSTYU / OTVETSTVENNOSTIU ...).
_OOO_RE = re.compile(r"\bobsh?ch?estvo s ogranichenn[a-z]* otvetstvennost[a-z]*(?: yu| iu)?\b")
_ORDINAL_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
# Non-Latin legal forms (matched on the raw text, before normalization): data in
# core/data/legal_forms.tsv, the table claim extraction strips names' legal forms with.
def _legal_forms(script: str) -> dict[str, str]:
    rows = [f for _, f in read_lines("legal_forms.tsv")]
    return {f[0]: f" {f[1]} " for f in rows if f[2] == script}


HAN_LEGAL_FORMS: dict[str, str] = _legal_forms("han")
HANGUL_LEGAL_FORMS: dict[str, str] = _legal_forms("hangul")
CJK_LEGAL_FORMS: dict[str, str] = {**HAN_LEGAL_FORMS, **HANGUL_LEGAL_FORMS}

LEGAL_FORMS = frozenset(
    "co ltd corp inc llc plc jsc jv ag gmbh sa bv nv srl spa llp lp pte pvt bhd sdn kk ooo fze".split()
)
STOPWORDS = frozenset("and the of for in de la le du des von van al el".split())
# Words that appear in many company names and so say little about which company it is.
GENERIC_TERMS = frozenset(
    "group trade intl mfg service comm imp exp ind tech dev assoc mgmt natl gen bros dept eng elec prod "
    "garment textile craft bank ship invest hold ent beauty mining dprk hair general korea china "
    "chinese korean branch office factory".split()
)

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’/][^\W_]+)*", re.UNICODE)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text).casefold()


def replace_cjk_legal_forms(text: str, forms: dict[str, str] = CJK_LEGAL_FORMS) -> str:
    """Swap Han/Hangul legal forms for their canonical Latin tokens (丹东…有限公司 → 丹东… co ltd)."""
    for form, canon in forms.items():
        if form in text:
            text = text.replace(form, canon)
    return text


def fold_token(token: str) -> str:
    """One token's canonical form: TRDG → trade, CORPORATION → corp, J/V → jv."""
    t = token.casefold().replace("’", "'")
    if t in _FOLD:
        return _FOLD[t]
    t2 = t.replace("'", "").replace(".", "")
    if t2 not in _FOLD and len(t2) >= 12:
        return _long_form_typo(t2)
    return _FOLD.get(t2, t2)


_LONG_SPELLINGS = tuple(sp for sp in _FOLD if len(sp) >= 12)


@lru_cache(maxsize=65536)
def _long_form_typo(word: str) -> str:
    """A long legal-form or trade word with one letter wrong, missing or doubled
    (Aktiengeselschaft, Corporatoin): one edit in twelve letters is a typo, not another word."""
    from rapidfuzz.distance import OSA

    for spelling in _LONG_SPELLINGS:
        if abs(len(spelling) - len(word)) <= 1 and OSA.distance(word, spelling, score_cutoff=1) <= 1:
            return _FOLD[spelling]
    return word


@lru_cache(maxsize=65536)
def fold_legal(text: str) -> str:
    """Normalized text with legal forms and abbreviations folded: 'Co., Ltd.' → 'co ltd'."""
    text = replace_cjk_legal_forms(text)
    text = _plain(text).replace("&", " and ").replace("j/v", " jv ")
    text = re.sub(r"\bimp\s*/\s*exp\b", " imp exp ", text)
    words = [w.replace("'", "").replace("’", "") for w in _TOKEN_RE.findall(text)]
    folded = _OOO_RE.sub("ooo", fold_phrases(" ".join(words)))
    return " ".join(fold_token(w) for w in fold_numbers(folded.split()))


@lru_cache(maxsize=1)
def _number_words() -> dict[str, int]:
    from .terms import read_lines

    out: dict[str, int] = {}
    for lineno, fields in read_lines("numbers_en.tsv"):
        if len(fields) != 2 or not fields[1].isdigit():
            raise ValueError(f"numbers_en.tsv, line {lineno}: expected 'word<TAB>number'")
        out[fields[0].strip()] = int(fields[1])
    return out


def fold_numbers(words: list[str]) -> list[str]:
    """Number words and ordinals as digits: 'forty four' and 'forty 4' → '44', 'first' and '1st' → '1'
    (core/data/numbers_en.tsv)."""
    table = _number_words()
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        m = _ORDINAL_RE.match(w)
        value = int(m.group(1)) if m else table.get(w)
        if value is None:
            out.append(w)
            i += 1
            continue
        i += 1
        if value >= 20 and value % 10 == 0 and i < len(words):
            unit = table.get(words[i], int(words[i]) if words[i].isdigit() and len(words[i]) == 1 else None)
            if unit is not None and 0 < unit < 10:
                value += unit
                i += 1
        out.append(str(value))
    return out


def fold_phrases(normalized: str) -> str:
    """Replace multi-word forms in space-separated normalized text: 'import and export' → 'imp exp'."""
    s = " " + normalized + " "
    for phrase, canon in _PHRASES:
        if " " + phrase + " " in s and phrase != canon:
            # twice: replace() skips a match that shares its leading space with the previous one
            s = s.replace(" " + phrase + " ", " " + canon + " ").replace(" " + phrase + " ", " " + canon + " ")
    return s.strip()


def is_legal_form(token: str) -> bool:
    return fold_token(token) in LEGAL_FORMS


def token_weight(token: str) -> float:
    """How much a (folded) token says about identity: legal forms and stopwords little, generic
    trade words some, everything else full weight."""
    t = fold_token(token)
    if t in LEGAL_FORMS or t in STOPWORDS:
        return 0.1
    if t in GENERIC_TERMS:
        return 0.4
    if t.isdigit():
        return 0.6
    if t == "no":  # "No. 14": the number carries the meaning (but No is also a Korean surname)
        return 0.3
    return 1.0


def strip_legal_forms(text: str) -> str:
    """Folded text without legal-form tokens: the distinctive part of a company name."""
    return " ".join(t for t in fold_legal(text).split() if t not in LEGAL_FORMS)


# --- acronyms -----------------------------------------------------------------------------------

_PAREN_ACRONYM = re.compile(r"[(\[（]\s*([A-Za-z][A-Za-z0-9&.\-]{1,11})\s*[)\]）]")


def split_acronym(name: str) -> tuple[str, str | None]:
    """Take a parenthesised acronym out of a name: 'Daedong Credit Bank (DCB)' → ('Daedong Credit Bank', 'DCB')."""
    for m in _PAREN_ACRONYM.finditer(name):
        raw = m.group(1)
        letters = re.sub(r"[^A-Za-z0-9]", "", raw)
        if 2 <= len(letters) <= 10 and (raw.isupper() or letters.isupper()):
            rest = (name[: m.start()] + name[m.end():]).strip()
            return re.sub(r"\s{2,}", " ", rest).strip(" ,;-"), letters.upper()
    return name, None


def extract_acronym(name: str) -> str | None:
    return split_acronym(name)[1]


def _acronym_of(tokens: list[str], skippable: list[bool], acr: str) -> bool:
    """Can ``acr`` be spelled by taking a non-empty prefix of tokens in order, skipping only
    low-information tokens?  (KOMID = KOrea MIning Development [Trading Corporation])."""

    @lru_cache(maxsize=None)
    def go(ti: int, ai: int) -> bool:
        if ai == len(acr):
            return all(skippable[ti:])
        if ti == len(tokens):
            return False
        tok = tokens[ti]
        if skippable[ti] and go(ti + 1, ai):
            return True
        k = 0
        while k < len(tok) and ai + k < len(acr) and tok[k] == acr[ai + k]:
            k += 1
            if go(ti + 1, ai + k):
                return True
        return False

    return go(0, 0)


def acronym_matches(acronym: str, name: str) -> bool:
    """Whether ``acronym`` abbreviates ``name`` ('DCB' ↔ 'Daedong Credit Bank (DCB)' or 'Daedong Credit Bank')."""
    acr = re.sub(r"[^a-z0-9]", "", _plain(acronym))
    if len(acr) < 2 or len(acr) > 12:
        return False
    rest, given = split_acronym(name)
    if given and given.casefold() == acr:
        return True
    words = [re.sub(r"[^a-z0-9]", "", w) for w in _plain(rest).replace("&", " and ").split()]
    words = [w for w in words if w]
    if len(words) < 2:
        return False
    weak = [w in STOPWORDS or fold_token(w) in LEGAL_FORMS for w in words]
    skippable = [k or fold_token(w) in GENERIC_TERMS for w, k in zip(words, weak)]
    # Short acronyms must spell every strong word, except generic words trailing at the end
    # ("Foreign Trade Bank of the DPRK" is FTB).
    end = len(words)
    while end >= 2:
        if _acronym_of(words[:end], weak[:end], acr):
            return True
        if not skippable[end - 1]:
            break
        end -= 1
    if len(acr) >= 4:
        return _acronym_of(words, skippable, acr)
    return False


# --- truncation -----------------------------------------------------------------------------------

def is_truncation(query: str, candidate: str, min_len: int = 12) -> bool:
    """Whether ``query`` is ``candidate`` cut off at a fixed width (the last word may be cut mid-way).

    'DANDONG XINDA HAIR PRODUCTS CO LT' is a truncation of 'Dandong Xinda Hair Products Co., Ltd.'.
    Legal forms are folded on both sides, so 'COMPANY LIMI' also fits 'Co., Ltd.'.
    """
    q_raw = query.strip()
    if len(q_raw) < min_len:
        return False
    if fold_legal(q_raw) == fold_legal(candidate):  # 'Corp' for 'Corporation': abbreviated, not cut
        return False
    q_words = [re.sub(r"[^\w]", "", w) for w in _plain(q_raw).replace("&", " and ").split()]
    c_words = [re.sub(r"[^\w]", "", w) for w in _plain(candidate).replace("&", " and ").split()]
    q_words = [w for w in q_words if w]
    c_words = [w for w in c_words if w]
    if not q_words or len(c_words) < len(q_words):
        return False
    *full, last = q_words
    for qw, cw in zip(full, c_words):
        if qw != cw and fold_token(qw) != fold_token(cw):
            return False
    cw = c_words[len(full)]
    longer = len(c_words) > len(q_words) or len(cw) > len(last)
    if not longer:
        return False
    if cw.startswith(last):
        return True
    # A cut inside an abbreviation of the same form: 'LT' for 'Limited' folds via 'lt'.
    return fold_token(last) == fold_token(cw) and fold_token(last) != last
