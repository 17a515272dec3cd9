"""Propose claims from text, each pointing at the exact passage it rests on.

Contract: extract(text, source_id, gazetteer) -> ExtractionResult with claims whose
evidence quote equals text[span]. Deterministic, rule-based, no I/O.

How it reads a report:
- sentences with their offsets (abbreviations such as "Jan." and "No." do not end one);
- mentions of known entities in every script and romanization, through the name
  intelligence in tollwatch.core.names (token keys shared by Kaechon, Kaech'ŏn,
  Gaecheon and 개천), Korean particles and facility suffixes split off first;
- a place name shared by two facilities (Kaechon: Kyohwaso No. 1 and Camp 14) is
  resolved from the words around it, and the claim's note says why;
- products are attributed only to a facility named in the same sentence, the nearest
  one before them, so a sentence about what camps in general make is nobody's claim;
- quantities, deadlines, the chain of command and toll-processing contracts come from
  small patterns, and names that look like facilities or companies but are not known
  are proposed as new entities.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from collections.abc import Sequence
from functools import lru_cache

from tollwatch.core import catalogue
from tollwatch.core import names as name_intel
from tollwatch.core.sentences import sentences
from tollwatch.core.model import (
    Claim,
    Entity,
    EntityKind,
    Evidence,
    FacilityType,
    Method,
    Name,
    Period,
    Predicate,
    Quantity,
    slug,
)

# --- the gazetteer ------------------------------------------------------------------------


@dataclass
class Gazetteer:
    entities: list[Entity]
    ids: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = {e.id for e in self.entities}
        self.by_id = {e.id: e for e in self.entities}
        self._matcher: _Matcher | None = None

    @property
    def matcher(self) -> _Matcher:
        if self._matcher is None:
            self._matcher = _Matcher(self.entities)
        return self._matcher


@dataclass
class ExtractionResult:
    claims: list[Claim] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)


# --- tokens -------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:['’ʼ‘\-]\w+)*")
_HANGUL = re.compile(r"[가-힣]")
# Korean particles and endings that attach to a noun; stripped to find the noun.
_PARTICLES = tuple(
    sorted(
        (
            "에서는 에서도 에서의 에서 에게서 에게 으로는 으로 로는 로 에는 에도 에의 에 과의 와의 과는 와는 과 와 "
            "까지 부터 마다 이며 이고 이다 였다 이었다 이라는 라는 은 는 이 가 을 를 의 도 만 들은 들이 들을 들 등"
        ).split(),
        key=len,
        reverse=True,
    )
)
# Facility words that Korean writes solid with the place ("개천교화소"): split them off.
_KO_FACILITY_SUFFIXES = (
    "정치범수용소",
    "로동단련대",
    "노동단련대",
    "노동교화소",
    "로동교화소",
    "교화소",
    "관리소",
    "수용소",
    "단련대",
    "집결소",
    "구류장",
)
_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Inc\.?|Corp\.?|Corporation|Company|LLC|GmbH|S\.A\.|有限公司|주식회사))+\s*$",
    re.I,
)


# How reports write the catalogue's goods beyond the catalogue's own terms (verb forms, plurals).
EXTRA_PRODUCT_TERMS: dict[str, tuple[str, ...]] = {
    "product-knitted-caps": ("knit caps", "knit cap", "knitted hats", "knit hats", "woolen hats", "털모자"),
    "product-crocheted-caps": ("crochet cap", "crocheted hats"),
    "product-knitted-clothes": ("knitted clothing", "knitted sweaters", "sweaters", "knitwear"),
    "product-false-eyelashes": ("eyelash", "lash strips", "인조 속눈썹"),
    "product-wigs": ("wig-making", "hair pieces", "hairpiece"),
    "product-sweater-vests": ("vests", "knit vests"),
    "product-hair": ("human hair", "raw hair", "hair for wigs"),
    "product-thread": ("yarn", "wool yarn", "knitting yarn", "threads"),
}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def _split_hangul(word: str, start: int) -> list[Token]:
    """A Hangul word without its particle, with a solid facility suffix as its own token."""
    core = word
    for p in _PARTICLES:
        if len(core) > len(p) and core.endswith(p):
            core = core[: -len(p)]
            break
    out: list[Token] = []
    for suf in _KO_FACILITY_SUFFIXES:
        if len(core) > len(suf) and core.endswith(suf):
            head = core[: -len(suf)]
            out.append(Token(head, start, start + len(head)))
            out.append(Token(suf, start + len(head), start + len(core)))
            return out
    out.append(Token(core, start, start + len(core)))
    return out


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        if _HANGUL.search(w) and re.fullmatch(r"[가-힣0-9]+", w):
            # "제1호교화소" -> "제1호", "교화소"; "개천교화소에서는" -> "개천", "교화소"
            num = re.match(r"제?\d+호", w)
            if num and len(num.group(0)) < len(w):
                out.append(Token(num.group(0), m.start(), m.start() + num.end()))
                out.extend(_split_hangul(w[num.end() :], m.start() + num.end()))
            else:
                out.extend(_split_hangul(w, m.start()))
        else:
            out.append(Token(w, m.start(), m.end()))
    return out


@lru_cache(maxsize=65536)
def token_keys(token: str) -> frozenset[str]:
    """Strict keys of one word: its normal form, and its canonical reading from the name
    intelligence (Kaechon, Kaech'ŏn, Gaecheon and 개천 read alike). The generous index keys
    of names.token_keys are not used: in running text they would match too much."""
    normal = name_intel.normalize(token)
    joined = normal.replace(" ", "")
    if not joined:
        return frozenset()
    keys = {joined}
    key_tokens = getattr(name_intel, "key_tokens", None)
    if key_tokens is not None:
        try:
            units = [k for _, k in key_tokens(token)]
        except Exception:  # pragma: no cover - name intelligence must never break extraction
            units = []
        if units:
            keys.add("=" + "|".join(units))
    return frozenset(keys)


# Words that say what kind of place a name is, not which one.
_GENERIC = {
    name_intel.normalize(w).replace(" ", "")
    for w in (
        "camp camps prison prisons concentration internment labor labour re-education reeducation re education "
        "correctional political prisoner prisoners kyohwaso kyo-hwa-so kwalliso kwan-li-so kwanliso gyohwaso gwalliso "
        "no number the of and che je ho facility centre center detention reform training danryondae rodong "
        "교화소 관리소 수용소 정치범수용소 정치범 노동단련대 로동단련대 단련대 노동교화소 로동교화소 집결소 구류장 "
        "sections section"
    ).split()
}


def _is_designation(tok: str) -> bool:
    return bool(re.fullmatch(r"제?\d+호?|[a-z]?\d+[a-z]?|(?:che|je)\d+ho", tok.casefold().replace(" ", "")))


@dataclass
class _Pattern:
    entity_id: str
    kind: EntityKind
    keys: list[frozenset[str]]
    anchor: bool  # a place name stripped of its generic words, possibly shared
    label: str


@dataclass
class Mention:
    start: int
    end: int
    candidates: tuple[str, ...]
    kind: EntityKind
    anchor: bool
    entity_id: str | None = None
    note: str | None = None
    confidence: float = 0.8

    @property
    def resolved_id(self) -> str:
        """The entity chosen for this mention: the claim rules only see resolved mentions."""
        if self.entity_id is None:
            raise ValueError(f"mention at {self.start}-{self.end} was never resolved")
        return self.entity_id


class _Matcher:
    """Token-key patterns for every name (and place anchor) of the gazetteer's entities."""

    def __init__(self, entities: list[Entity]):
        self.index: dict[str, list[_Pattern]] = {}
        self.kinds = {e.id: e.kind for e in entities}
        for e in entities:
            if e.kind not in (EntityKind.FACILITY, EntityKind.ORGANIZATION, EntityKind.PRODUCT, EntityKind.PLACE):
                continue
            seen: set[tuple[tuple[tuple[str, ...], ...], bool]] = set()
            if e.kind == EntityKind.PRODUCT:
                self._add_extra_terms(e, seen)
            for label in e.all_names():
                # A parenthesis is part of a caption, not of the name people write.
                for variant in {label, re.sub(r"\s*\([^)]*\)", "", label).strip()}:
                    # A facility "name" that is only a place ("Kaech'ŏn") may be shared: treat it as a place.
                    place_only = e.kind == EntityKind.FACILITY and all(
                        not (token_keys(t.text) & _GENERIC) and not _is_designation(t.text) for t in tokenize(variant)
                    )
                    self._add(e, variant, anchor=place_only, seen=seen)
                    if e.kind == EntityKind.ORGANIZATION:
                        # Reporting drops the legal form: "Dandong Huayang Textiles and Garments".
                        bare = _LEGAL_FORM.sub("", variant).strip(" ,.")
                        if bare != variant and len(tokenize(bare)) >= 2:
                            self._add(e, bare, anchor=False, seen=seen)
                if e.kind == EntityKind.FACILITY:
                    for variant in re.split(r"[()]", label):
                        toks = [t.text for t in tokenize(variant)]
                        core = [t for t in toks if token_keys(t) - _GENERIC and not _is_designation(t)]
                        core = [t for t in core if not (token_keys(t) & _GENERIC)]
                        if core and len(core) <= 3:
                            self._add(e, " ".join(core), anchor=True, seen=seen)

    def _add_extra_terms(self, e: Entity, seen: set[tuple[tuple[tuple[str, ...], ...], bool]]) -> None:
        for term in EXTRA_PRODUCT_TERMS.get(e.id, ()):
            self._add(e, term, anchor=False, seen=seen)

    def _add(self, e: Entity, label: str, *, anchor: bool, seen: set[tuple[tuple[tuple[str, ...], ...], bool]]) -> None:
        toks = [t.text for t in tokenize(label)]
        if not toks:
            return
        keys = [token_keys(t) for t in toks]
        if any(not k for k in keys):
            return
        if len(toks) == 1 and len(name_intel.normalize(toks[0])) < 2 and not _HANGUL.search(toks[0]):
            return
        if e.dataset != "tollwatch" and len(toks) < 2 and not (label.isupper() and len(label) <= 6):
            return  # a one-word name from a sanctions list ("Ocean") would match ordinary prose
        # Organization acronyms ("MSS") only match as written, so "mss" in a URL does not.
        sig = (tuple(tuple(sorted(k)) for k in keys), anchor)
        if sig in seen:
            return
        seen.add(sig)
        pat = _Pattern(e.id, e.kind, keys, anchor, label if not (label.isupper() and len(label) <= 6) else "=" + label)
        for k in keys[0]:
            self.index.setdefault(k, []).append(pat)

    def find(self, text: str, tokens: list[Token]) -> list[Mention]:
        """All matches, overlapping ones included."""
        tkeys = [token_keys(t.text) for t in tokens]
        found: dict[tuple[int, int, bool], set[str]] = {}
        kinds: dict[tuple[int, int, bool], EntityKind] = {}
        for i, t in enumerate(tokens):
            cands: list[_Pattern] = []
            for k in tkeys[i]:
                cands.extend(self.index.get(k, ()))
            for pat in cands:
                n = len(pat.keys)
                if i + n > len(tokens):
                    continue
                ok = True
                for j in range(n):
                    if not (pat.keys[j] & tkeys[i + j]):
                        ok = False
                        break
                    if j and not _joinable(text[tokens[i + j - 1].end : tokens[i + j].start]):
                        ok = False
                        break
                if not ok:
                    continue
                if pat.label.startswith("=") and text[t.start : tokens[i + n - 1].end] != pat.label[1:]:
                    continue
                key = (t.start, tokens[i + n - 1].end, pat.anchor)
                found.setdefault(key, set()).add(pat.entity_id)
                kinds[key] = pat.kind
        out = []
        for (s, e, anchor), ids in found.items():
            # A full name beats an anchor of the same span.
            if anchor and (s, e, False) in found:
                continue
            by_kind = sorted(ids)
            out.append(Mention(s, e, tuple(by_kind), kinds[(s, e, anchor)], anchor))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return out


def _joinable(gap: str) -> bool:
    return len(gap) <= 3 and "\n" not in gap and not re.search(r"[.;!?]\s", gap + " ") or gap in (". ",)


def select_longest(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first, in text order."""
    starts: list[int] = []  # chosen spans, kept sorted and disjoint
    ends: list[int] = []
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        i = bisect.bisect_right(starts, m.start)
        if i > 0 and ends[i - 1] > m.start:
            continue  # overlaps the chosen span starting before it
        if i < len(starts) and starts[i] < m.end:
            continue  # overlaps the chosen span starting after it
        starts.insert(i, m.start)
        ends.insert(i, m.end)
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


# --- cues -----------------------------------------------------------------------------------


def _rx(words: str) -> re.Pattern[str]:
    parts = [w.strip() for w in words.split("|") if w.strip()]
    latin = [p for p in parts if not _HANGUL.search(p)]
    korean = [p for p in parts if _HANGUL.search(p)]
    alts = []
    if latin:
        alts.append(r"\b(?:" + "|".join(latin) + r")")
    if korean:
        alts.append("(?:" + "|".join(korean) + ")")
    return re.compile("|".join(alts), re.I)


_KWALLISO_CUE = _rx(
    r"political prison camps?|political prisoners? camps?|kwalliso|kwan-?li-?so|kwanliso|internment camps?|"
    r"camp (?:no\.? ?)?14|관리소|정치범수용소|정치범 수용소|제14호"
)
_KYOHWASO_CUE = _rx(
    r"(?:forced )?labou?r camps?|prison camps?|kyohwaso|kyo-?hwa-?so|re-?education camps?|correctional|"
    r"reform(?:atory)? (?:through labou?r)?|prisons?\b|교화소|노동교화|로동교화|교도소|제1호"
)
_PRODUCE_CUE = _rx(
    r"mak\w*|made|produc\w*|manufactur\w*|assembl\w*|knit\w*|sew\w*|crochet\w*|weav\w*|process\w*|tasked|"
    r"export items?|work(?:ing|s|ed)? on|receiv\w*|output|turn(?:s|ed|ing)? out|glu(?:e|es|ed|ing)|stitch\w*|knott\w*|tying|tied|into|quotas?|"
    r"materials? for|shipp\w*|export\w*|sold|sell\w*|supplie[sd]|생산|제작|수출|만들|만드|만든|가공|뜨개|짜|짠|짰|작업|제조"
)
_RECEIVE_CUE = _rx(
    r"receiv\w*|shipped|supplied|deliver\w*|import\w*|got|gotten|sent|arriv\w*|brought in|trucked in|provided|"
    r"c(?:a|o)me(?:s)? (?:in|from)|sends? in|sent in|ships|"
    r"받|공급|들여|반입|수입|도착|들어오|들어온"
)
# "no materials arrived" (but not "Camp No 1", nor "kept no records" in another clause)
_NONE_CAME = re.compile(
    r"\bno\s+(?:more\s+|new\s+|raw\s+|fresh\s+)?(?:materials?|thread|yarn|hair|fabrics?|cloth|shipments?|deliveries|inputs?|supplies)\b", re.I
)
# Bare input words the catalogue keeps under longer names.
_INPUT_WORDS = {"hair": "product-hair"}
_INPUT_WORD = re.compile(r"\b(hair)\b(?![- ](?:clips?|bands?|pins?|ties?|dryers?|accessor|products?|salons?|styl))", re.I)
# Inputs the catalogue does not list: kept as a literal for a person to judge.
_OTHER_INPUTS = re.compile(r"\b(fabrics?|cloth|textiles)\b|(원단|천)(?=[을를이가은는과와도]|\s)", re.I)
_GENERIC_INPUTS = re.compile(r"\b(raw materials|materials)\b|(원자재|원료|자재)", re.I)
_NEGATION = _rx(
    r"not|no longer|never|stopped|halted|ceased|suspend\w*|banned|prohibited|blocked|didn't|did not|"
    r"no (?:sign|evidence|indication|trace)|mistaken|unfounded|untrue|denied|denies|않|못|중단|중지|금지|없"
)
# "every prison camp in the country takes on contract work": the camp system, with no party to name
_EVERY_CAMP = _rx(r"(?:every|all|each|any)\s+(?:[\w-]+\s+){0,2}?camps?|모든\s?(?:교화소|관리소)|각\s?(?:교화소|관리소)")
_INSPECT_CUE = _rx(
    r"visit\w*|inspect\w*|check(?:ing|ed|s)? on|supervis\w*|audit\w*|점검|검열|시찰|방문|감독|검사"
)
_GENERAL_CUE = _rx(
    r"each camp|every camp|per camp|all camps|all the camps|camps in general|camps across|across the country|nationwide|"
    r"generally|usually|typically|일반적|대체로|보통|전국|모든 교화소|각 교화소|교화소마다|교화소들"
)
_CONTRACT_CUE = _rx(r"toll[- ]manufactur\w*|toll[- ]process\w*|processing[- ]on[- ]commission|contracts?|consignment|임가공|위탁가공|계약")
_COUNTERPART = re.compile(
    r"\b(?:Chinese|China-based|foreign|overseas)\s+(?:companies|company|firms?|businesses|buyers?|partners?|clients?|traders?|suppliers?|merchants?)\b"
    r"|중국\s*(?:회사|기업|업체|측)(?:들)?",
    re.I,
)
_COMMISSION = re.compile(
    r"\bfor\s+(?:an?\s+|the\s+)?(?:Chinese|China-based|foreign|overseas)\s+(?:companies|company|firms?|businesses|buyers?|partners?|clients?|traders?)\b"
    r"|중국\s*(?:회사|기업|업체|측)(?:들)?의\s*주문",
    re.I,
)
_WORK_UNIT_CUE = _rx(r"work(?:ing)? teams?|work units?|work groups?|brigades?|작업반|작업조|작업대")
# "a team of 20 to 30 prisoners": a team right before the number is a work unit too.
_TEAM_OF = re.compile(r"\b(?:teams?|squads?|crews?|units?|groups?)\s+of\s+(?:about\s+|around\s+|some\s+|roughly\s+|up to\s+)?$", re.I)
_REVIEW_CUE = _rx(r"review\w*|evaluat\w*|assess\w*|deadline|총화|평가|검토|마감")
_ONES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                                     "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_KO_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}
_KO_ONES = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
# Korean counts people in native numbers: "서른 명" (30), "마흔다섯 명" (45)
_KO_NUMBER_WORD = (
    r"(?<![가-힣])(?:(?:" + "|".join(_KO_TENS) + r")(?:" + "|".join(sorted(_KO_ONES, key=len, reverse=True)) + r")?|"
    + "|".join(sorted(_KO_ONES, key=len, reverse=True)) + r")(?=\s?명)"
)
_NUMBER_WORD = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(k for k in _ONES if k != "zero") + r"))?|"
    + "|".join(sorted(_ONES, key=len, reverse=True)) + r")(?:\s+(?:hundred|thousand))?"
)
_QUANTITY = re.compile(
    r"(?:between\s+)?(\d[\d,]*(?:만(?:\s?\d[\d,]*천)?|천)?|\b" + _NUMBER_WORD + r"|" + _KO_NUMBER_WORD + r")\s*"
    r"(?:(?:-|–|—|~|to|and)\s*(\d[\d,]*(?:만(?:\s?\d[\d,]*천)?|천)?|" + _NUMBER_WORD + r")\s*)?(?:(?:male|female|women|young|political|short-term|long-term)\s+)?"
    r"(prisoners|inmates|people|persons|workers|women|men|detainees|convicts|명)(?![A-Za-z])",
    re.I,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
            ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
            ("nov", "november"), ("dec", "december"),
        ),
        1,
    )
    for m in names
}
_DEADLINE = re.compile(
    r"\b(?:by|until|before|no later than|deadline(?: of| is)?)\s+"
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?:(?P<kyear>\d{4})년\s*)?(?P<kmon>\d{1,2})월\s*(?P<kday>\d{1,2})일\s*(?:까지|전까지|이전)",
    re.I,
)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_UNIT_WORDS = {w: "prisoners" for w in ("inmates", "prisoners", "명", "women", "men", "detainees", "workers", "people", "persons", "convicts")}

# Names that look like a facility or a company, for proposing new entities.
_NEW_FACILITY = re.compile(
    r"\b((?:[A-Z][\w'’-]+\s+){1,3}?)(Labou?r (?:Training )?Camp|Prison Camp|Prison|Kyohwaso|Kwalliso|"
    r"Re-?education Camp|Detention Cent(?:er|re)|Holding Cent(?:er|re))\b"
    r"|(?<![\w])([가-힣]{2,6})\s?(?:제?\d+호\s?)?(교화소|관리소|노동단련대|로동단련대|집결소)(?!별|마다|들)"
)
_NEW_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&'’-]*\s+){1,5}(?:Trading\s+(?:Company|Corporation|Co\.,?\s?Ltd\.?|Co\.)|Co\.,?\s?Ltd\.?|Company|"
    r"Corporation|Corp\.|Trading|Textiles?|Garments?|Group|Ltd\.?|Limited|Products|Industries|Industrial|Enterprises?|"
    r"(?:Handi)?[Cc]rafts|Suppl(?:y|ies)|Wholesale|Distributors?|Import\s+(?:and|&)\s+Export|B\.V\.|GmbH|LLC|Inc\.|S\.A\.|S\.r\.l\.|AG)"
    r"(?:,?\s+(?:Co\.,?\s?Ltd\.?|Co\.|Ltd\.?|Inc\.|B\.V\.|GmbH|LLC))?(?![\w]))"
    r"|(?<![가-힣])([가-힣]{2,10}(?:무역회사|무역|유한공사|유한회사|상사)(?:\s[가-힣]{1,4}(?:지사|지점|분공사|사무소))?)"
    r"(?:이|가|은|는|을|를|의|와|과|에서|에|로|으로|측)?(?![가-힣])"
)
_NEW_SUBUNIT = re.compile(r"\b(?:the\s+)?([a-z]+)\s+(department|division|section|office)\s+of\s+(?:the\s+)?$", re.I)
# a word ending like a verb or a case ending, before 교화소, is not the camp's name ("소식통에 따르면 교화소에")
_KO_NOT_NAME = re.compile(r"(?:면|고|서|며|는|은|을|를|에|의|가|도|로|과|와|께|한|던|된|인|들)$")
_KO_NOT_PLACES = {"일반", "모든", "각", "해당", "다른", "여러", "이", "그", "여성", "남성", "지방", "전국", "중앙", "일부", "대부분", "이번", "인근", "북한", "국내", "도내"}
_NOT_PLACE_WORDS = {"forced", "women", "woman", "men", "female", "male", "state", "provincial", "local", "military", "secret", "former", "new", "old", "main", "central", "national", "juvenile"}
_STOP_CAPS = {"the", "a", "an", "this", "that", "north", "south", "korean", "chinese", "in", "at", "of"}


# --- the extractor ------------------------------------------------------------------------


@dataclass
class _Sentence:
    start: int
    end: int
    text: str
    mentions: list[Mention]  # non-overlapping, resolved


def extract(text: str, source_id: str, gazetteer: Gazetteer, *, reference_date: str | None = None) -> ExtractionResult:
    """Propose claims and new entities; reference_date (ISO) dates "by Jan. 8" when the year is unsaid."""
    result = ExtractionResult()
    if not text or not text.strip():
        return result
    tokens = tokenize(text)
    raw = gazetteer.matcher.find(text, tokens)
    chosen = select_longest(raw)
    _resolve_ambiguous(text, chosen, gazetteer)
    sents = []
    starts = [m.start for m in chosen]
    for s, e in sentences(text):
        i = bisect.bisect_left(starts, s)
        inside = []
        while i < len(chosen) and chosen[i].start < e:
            if chosen[i].end <= e:
                inside.append(chosen[i])
            i += 1
        sents.append(_Sentence(s, e, text[s:e], inside))
    raw.sort(key=lambda m: m.start)
    raw_starts = [m.start for m in raw]
    parents = {p.candidates[0] for _, p in _part_of_pairs(text, [m for m in raw if m.kind == EntityKind.ORGANIZATION])}
    lead_body = _lead_body(chosen, parents, gazetteer)
    out = _Claims(source_id)
    new_entities: dict[str, Entity] = {}
    previous_facilities: list[Mention] = []
    last_facilities: list[Mention] = []  # of the last sentence that named or referred to any
    previous_companies: list[Mention] = []
    short_names: dict[str, str] = {}  # "Ryongsong" → the company first named "Ryongsong Export Company"
    named_so_far: dict[str, Mention] = {}  # facilities the report has named (not just referred to) so far
    previous_end = 0
    for sent in sents:
        facilities = [m for m in sent.mentions if m.kind == EntityKind.FACILITY and m.entity_id]
        orgs = [m for m in sent.mentions if m.kind == EntityKind.ORGANIZATION and m.entity_id]
        products = [m for m in sent.mentions if m.kind == EntityKind.PRODUCT and m.entity_id]
        new_facs = _new_facilities(text, sent, sent.mentions, new_entities, source_id)
        facilities = sorted(facilities + new_facs, key=lambda m: m.start)
        # "carried over the border at Hoeryong": a crossing point, not the Hoeryong camp
        crossings = [(sent.start + r.start(r.lastindex or 0), sent.start + r.end(r.lastindex or 0)) for r in _BORDER_ROUTE.finditer(sent.text)]
        facilities = [f for f in facilities if not any(a <= f.start and f.end <= b for a, b in crossings)]
        for f in facilities:
            named_so_far.setdefault(f.resolved_id, f)
        implicit: list[Mention] = []
        same_paragraph = "\n\n" not in text[previous_end : sent.start]
        if not facilities:
            # "The camp" opening a paragraph still means the camp just named: news runs a
            # sentence or two per paragraph. Only the unspoken subject stays within one.
            facilities = _coreference(sent, last_facilities, gazetteer, new_entities)
            if not facilities and same_paragraph:
                implicit = _implicit_receiver(text, sent, previous_facilities, products, gazetteer, new_entities)
        topic = [] if facilities or implicit else _topic(sent, named_so_far, gazetteer, new_entities)
        previous_facilities = facilities
        last_facilities = facilities or last_facilities
        new_orgs = _new_companies(text, sent, sent.mentions, new_entities, source_id)
        new_orgs += _short_names(text, sent, sent.mentions + new_orgs, short_names)
        companies = sorted((o for o in orgs + new_orgs if not _is_state_body(o.entity_id, gazetteer)), key=lambda m: m.start)
        for c in companies:
            _learn_short_name(text[c.start : c.end], c.resolved_id, short_names)
        # "Dandong Meilong Hair Products Co.": the hair in a company's name is not a product
        products = [p for p in products if not any(c.start <= p.start and p.end <= c.end for c in new_orgs)]
        if not companies:
            companies = _company_coreference(sent, previous_companies, gazetteer, new_entities)
        previous_companies, previous_end = companies, sent.end
        _products(text, sent, facilities or _first_person(sent, implicit or topic), products, out, gazetteer)
        _inspection(sent, facilities or topic, orgs, parents, out, gazetteer)
        _chain(text, sent, _within(raw, raw_starts, sent), out, new_entities, gazetteer, source_id)
        general_subject = _first_unnested([o for o in orgs if _is_state_body(o.entity_id, gazetteer)], parents) or lead_body
        _quantities(sent, facilities, general_subject, out, gazetteer, topic)
        _deadlines(sent, facilities, orgs, parents, general_subject, out, reference_date, gazetteer)
        _contracts(text, sent, facilities, orgs + new_orgs, parents, general_subject, out, gazetteer, topic)
        _locations(text, sent, facilities, out)
        _routes(text, sent, facilities or topic, companies, out)
        _other_goods(sent, facilities, products, out)
        _inputs(text, sent, facilities or implicit or topic, products, gazetteer, out)
        _supplies(text, sent, companies, products, gazetteer, out)
        _company_places(text, sent, companies, out)
        _company_links(text, sent, companies, out)
    result.claims = out.claims
    result.new_entities = list(new_entities.values())
    return result


_COREF = re.compile(
    r"\b(?:the|this|that|the same)\s+(?:camp|prison|kyohwaso|facility|labou?r camp|prison camp)\b(?!s)"
    r"|\b(?:prisoners|inmates|detainees|workers|women|men)\s+there\b"
    r"|\b(?:her|his|their|our|my)\s+(?:work\s+)?(?:team|unit|brigade|workshop)\b"
    r"|(?:이|해당|그|같은)\s?(?:교화소|수용소|관리소|단련대|시설)|이곳|그곳"
    r"|(?:^|(?<=[\s“\"']))(?:교화소|관리소)(?=는|에서|에|가|를|의|와|도)",  # a bare "the prison" in Korean
    re.I,
)


def _coreference(sent: _Sentence, previous: list[Mention], gaz: Gazetteer, new_entities: dict[str, Entity] | None = None) -> list[Mention]:
    """"This camp" right after a sentence naming exactly one facility means that facility."""
    ids = {m.entity_id for m in previous}
    if len(ids) != 1 or _GENERAL_CUE.search(sent.text):
        return []
    m = _COREF.search(sent.text)
    if not m:
        return []
    why = f"the sentence says '{m.group(0)}', taken to be {{name}} named in the sentence before"
    return [_referred(previous[0], why, sent.start + m.start(), sent.start + m.end(), 0.6, gaz, new_entities, anchor=True)]


def _referred(
    ref: Mention, why: str, start: int, end: int, ceiling: float, gaz: Gazetteer, new_entities: dict[str, Entity] | None,
    *, kind: EntityKind = EntityKind.FACILITY, anchor: bool = False,
) -> Mention:
    """A mention standing for an entity named elsewhere, weaker than the original, with a note
    saying why ({name} is filled in) followed by the original's own note."""
    entity = gaz.by_id.get(ref.resolved_id) or (new_entities or {}).get(ref.resolved_id)
    note = why.replace("{name}", entity.caption if entity else ref.resolved_id)  # not format(): quotes may hold braces
    if ref.note:
        note += "; " + ref.note
    return Mention(start, end, (ref.resolved_id,), kind, anchor, ref.resolved_id, note, min(ref.confidence, ceiling))


def _topic(sent: _Sentence, named_so_far: dict[str, Mention], gaz: Gazetteer, new_entities: dict[str, Entity]) -> list[Mention]:
    """A report that has named only one camp so far is still about it when a sentence names none:
    its work teams, routes, inspections and inputs go to that camp, at low confidence, with a note.
    Products never do (they need the camp in the sentence), nor does anything said in general."""
    if len(named_so_far) != 1 or _GENERAL_CUE.search(sent.text):
        return []
    why = "the sentence names no camp; the report has named only {name} so far"
    return [_referred(next(iter(named_so_far.values())), why, sent.start, sent.start, 0.45, gaz, new_entities)]


_FIRST_PERSON = re.compile(r"\b(?:we|I)\s+(?:\w+\s+)?(?:made|make|produced|sewed|knitted|assembled|wove|had to make)\b|우리는|우리가", re.I)


def _first_person(sent: _Sentence, topic: list[Mention]) -> list[Mention]:
    """ "We made wigs from hair..." in a testimony about the one camp the report names: the
    witness speaks of that camp. Nothing else puts products at a camp the sentence does not name."""
    return topic if topic and _FIRST_PERSON.search(sent.text) else []


def _implicit_receiver(text: str, sent: _Sentence, previous: list[Mention], products: list[Mention], gaz: Gazetteer, new_entities: dict[str, Entity]) -> list[Mention]:
    """ "Materials arrive by truck every month." right after a sentence naming exactly one camp:
    the inputs go to that camp. Only inputs carry over this way, at lower confidence; what a
    sentence without a camp says is made stays unattributed."""
    ids = {m.entity_id for m in previous}
    if len(ids) != 1 or _GENERAL_CUE.search(sent.text) or not _RECEIVE_CUE.search(sent.text):
        return []
    if not _input_mentions(text, sent, products, gaz):
        return []
    why = "the sentence names no camp; taken to be {name} named in the sentence before"
    return [_referred(previous[0], why, sent.start, sent.start, 0.5, gaz, new_entities)]


def _role(p: Mention, gaz: Gazetteer) -> str:
    product = catalogue.BY_ID.get(p.resolved_id)
    return product.role if product else (gaz.by_id[p.resolved_id].attributes or {}).get("role", "output")


def _clause(text: str, sent: _Sentence, pos: int) -> str:
    """The clause around a position: a negation elsewhere in the sentence does not reach it."""
    start, end = _clause_span(text, sent, pos)
    return text[start:end]


def _input_mentions(text: str, sent: _Sentence, products: list[Mention], gaz: Gazetteer) -> list[tuple[int, str | None, str | None]]:
    """(position, catalogue id, literal) for each input the sentence names. Generic words
    ("materials", "원료") count only when no specific input is named: in "원료인 머리카락"
    the raw material *is* the hair."""
    found: list[tuple[int, str | None, str | None]] = [(p.start, p.entity_id, None) for p in products if _role(p, gaz) == "input"]
    covered = [(p.start, p.end) for p in products]
    for m in _INPUT_WORD.finditer(sent.text):
        pos = sent.start + m.start()
        if m.group(1)[0].isupper() and m.start() > 0:
            continue  # "Glamour Hair B.V.": part of a name
        if not any(a <= pos < b for a, b in covered):
            found.append((pos, _INPUT_WORDS[m.group(1).casefold()], None))
    found += [(sent.start + m.start(), None, (m.group(1) or m.group(2)).casefold()) for m in _OTHER_INPUTS.finditer(sent.text)]
    if not found:
        found = [(sent.start + m.start(), None, (m.group(1) or m.group(2)).casefold()) for m in _GENERIC_INPUTS.finditer(sent.text)]
    return [f for f in found if not _NEGATION.search(_clause(text, sent, f[0])) and not _NONE_CAME.search(_clause(text, sent, f[0]))]


def _inputs(text: str, sent: _Sentence, receivers: list[Mention], products: list[Mention], gaz: Gazetteer, out: _Claims) -> None:
    """Inputs shipped in to a camp: named in the sentence, referred to, or the report's only camp."""
    if not receivers or not (_RECEIVE_CUE.search(sent.text) or _SUPPLY_CUE.search(sent.text)):
        return
    for _, obj, value in _input_mentions(text, sent, products, gaz):
        for f in {x.entity_id: x for x in receivers}.values():
            conf = f.confidence if obj else min(0.5, f.confidence)
            out.add(sent, f.resolved_id, Predicate.RECEIVES_INPUT, obj=obj, value=value, confidence=conf, note=f.note)


class _Claims:
    def __init__(self, source_id: str):
        self.source_id = source_id
        self.claims: list[Claim] = []
        self._seen: set[str] = set()

    def add(
        self,
        sent: _Sentence,
        subject: str,
        predicate: Predicate,
        *,
        obj: str | None = None,
        value: str | None = None,
        quantity: Quantity | None = None,
        period: Period | None = None,
        confidence: float,
        note: str | None = None,
    ) -> None:
        if obj is not None and obj == subject:
            return
        span = (sent.start, sent.end)
        claim = Claim(
            id="",
            subject_id=subject,
            predicate=predicate,
            object_id=obj,
            value=value,
            quantity=quantity,
            period=period,
            evidence=Evidence(self.source_id, sent.text, span, Method.RULE, round(confidence, 2)),
            note=note,
        )
        if claim.id in self._seen:
            return
        self._seen.add(claim.id)
        self.claims.append(claim)


def _facility_type(entity: Entity | None) -> str:
    return (entity.attributes or {}).get("facility_type") or FacilityType.OTHER.value if entity else ""


def _resolve_ambiguous(text: str, mentions: list[Mention], gaz: Gazetteer) -> None:
    """Pick one entity for each mention; a shared place name is decided by the words around it."""
    sent_spans = sentences(text)
    sent_starts = [a for a, _ in sent_spans]
    doc_kw = len(_KWALLISO_CUE.findall(text))
    doc_ky = len(_KYOHWASO_CUE.findall(_KWALLISO_CUE.sub(" ", text)))
    last_seen: dict[str, int] = {}
    cues_of: dict[int, list[_Cues]] = {}  # each sentence's cues, found once however many mentions it has
    for m in mentions:
        if len(m.candidates) == 1:
            m.entity_id = m.candidates[0]
            last_seen[m.entity_id] = m.start
            continue
        if m.kind != EntityKind.FACILITY:
            # Two organizations or products under one name: leave it to a person.
            continue
        ents = [gaz.by_id[c] for c in m.candidates if c in gaz.by_id]
        political = [e for e in ents if _facility_type(e) == FacilityType.KWALLISO.value]
        other = [e for e in ents if _facility_type(e) != FacilityType.KWALLISO.value]
        label = text[m.start : m.end]
        names = ", ".join(f"{e.id} {e.caption}" for e in ents)
        k = bisect.bisect_right(sent_starts, m.start) - 1
        if k >= 0 and sent_spans[k][0] <= m.start < sent_spans[k][1]:
            if k not in cues_of:
                cues_of[k] = _sentence_cues(text, *sent_spans[k])
            cue = _nearest_cue(cues_of[k], m)
        else:
            cue = _nearest_cue(_sentence_cues(text, m.start, m.end), m)
        choice: Entity | None = None
        if cue and political and other:
            kind, word = cue
            choice = political[0] if kind == "kwalliso" else other[0]
            m.note = (
                f"'{label}' names {len(ents)} facilities ({names}); chose {choice.id} because the sentence calls it "
                f"'{word}' ({'a political prison camp' if kind == 'kwalliso' else 'a labor/prison camp, not a political prison camp'})"
            )
            m.confidence = 0.8
        elif any(c in last_seen for c in m.candidates):
            chosen_id = max((c for c in m.candidates if c in last_seen), key=lambda c: last_seen[c])
            choice = gaz.by_id[chosen_id]
            m.note = f"'{label}' names {len(ents)} facilities ({names}); chose {choice.id}, the one the text last named"
            m.confidence = 0.7
        elif political and other and (doc_kw or doc_ky):
            choice = political[0] if doc_kw > doc_ky else other[0]
            m.note = (
                f"'{label}' names {len(ents)} facilities ({names}); chose {choice.id}: the text calls camps "
                f"{'political prison camps' if doc_kw > doc_ky else 'labor/prison camps'} more often ({max(doc_kw, doc_ky)} to {min(doc_kw, doc_ky)})"
            )
            m.confidence = 0.55
        elif other:
            choice = other[0]
            m.note = (
                f"'{label}' names {len(ents)} facilities ({names}); nothing in the text says which: chose {choice.id}, "
                "since a political prison camp is usually named as one — check before accepting"
            )
            m.confidence = 0.45
        if choice is not None:
            m.entity_id = choice.id
            last_seen[choice.id] = m.start


@dataclass
class _Cues:
    """One kind of camp cue in a sentence: disjoint matches, in order."""

    kind: str
    starts: list[int]
    ends: list[int]
    words: list[str]


def _sentence_cues(text: str, s: int, e: int) -> list[_Cues]:
    sentence = text[s:e]
    out = []
    for kind, rx in (("kwalliso", _KWALLISO_CUE), ("kyohwaso", _KYOHWASO_CUE)):
        masked = sentence if kind == "kwalliso" else _KWALLISO_CUE.sub(lambda x: " " * len(x.group(0)), sentence)
        found = list(rx.finditer(masked))
        out.append(_Cues(kind, [s + c.start() for c in found], [s + c.end() for c in found], [c.group(0) for c in found]))
    return out


def _nearest_cue(cues: list[_Cues], m: Mention) -> tuple[str, str] | None:
    """The cue nearest the mention (ties by kind, then word), by bisection, not a scan.

    A cue starting before the mention is |m.start - its end| away, one starting at or after
    it |its start - m.end|; each is V-shaped along the sorted cues, so only the cues either
    side of each bottom can be nearest."""
    best: tuple[int, str, str] | None = None
    for c in cues:
        split = bisect.bisect_left(c.starts, m.start)
        j = bisect.bisect_left(c.ends, m.start, 0, split)
        i = bisect.bisect_left(c.starts, m.end, split)
        for x in {j - 1, j, i - 1, i}:
            if 0 <= x < len(c.starts):
                dist = m.start - c.ends[x] if x < split else c.starts[x] - m.end
                cand = (abs(dist), c.kind, c.words[x])
                if best is None or cand < best:
                    best = cand
    return (best[1], best[2]) if best else None


def _is_state_body(entity_id: str | None, gaz: Gazetteer) -> bool:
    e = gaz.by_id.get(entity_id or "")
    return e is not None and "state_body" in (e.attributes or {}).get("roles", [])


def _lead_body(mentions: list[Mention], parents: set[str], gaz: Gazetteer) -> str | None:
    """The narrowest state body a report names most often: general statements about the camps are
    about it. A Chinese buyer named in the report never runs the camps."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    orgs = [m for m in mentions if m.kind == EntityKind.ORGANIZATION and _is_state_body(m.entity_id, gaz)]
    if any(m.entity_id not in parents for m in orgs):
        orgs = [m for m in orgs if m.entity_id not in parents]
    for m in orgs:
        if m.entity_id:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
            first.setdefault(m.entity_id, m.start)
    if not counts:
        return None
    return max(counts, key=lambda k: (counts[k], -first[k]))


def _first_unnested(orgs: list[Mention], parents: set[str]) -> str | None:
    """The narrowest organization named: in "the bureau of the ministry", the bureau."""
    for m in orgs:
        if m.entity_id not in parents:
            return m.entity_id
    return orgs[0].entity_id if orgs else None


def _within(mentions: list[Mention], starts: list[int], sent: _Sentence) -> list[Mention]:
    i = bisect.bisect_left(starts, sent.start)
    out = []
    while i < len(mentions) and mentions[i].start < sent.end:
        if mentions[i].end <= sent.end:
            out.append(mentions[i])
        i += 1
    return out


def _part_of_pairs(text: str, raw: list[Mention]) -> list[tuple[Mention, Mention]]:
    """(unit, parent) pairs: "the X bureau of the Y ministry" and "사회안전성 교화국"."""
    orgs = sorted((m for m in raw if m.kind == EntityKind.ORGANIZATION and len(m.candidates) == 1), key=lambda m: m.start)
    pairs = []
    for i, a in enumerate(orgs):
        for b in orgs[i + 1 :]:
            if b.start > a.end + 40:
                break  # the two names must be next to each other
            if a.candidates == b.candidates or b.start < a.end:
                continue
            gap = text[a.end : b.start]
            if re.fullmatch(r"\s+of\s+(?:the\s+)?", gap, re.I):
                pairs.append((a, b))
            elif re.fullmatch(r",\s+(?:a|an|the)\s+(?:department|division|unit|arm|branch|bureau|body|office|section)\s+(?:of|under|within)\s+(?:the\s+)?", gap, re.I):
                pairs.append((a, b))  # "the Corrections Bureau, a department of the Ministry"
            elif (
                _HANGUL.search(text[a.start : a.end])
                and re.fullmatch(r"\s*(?:산하\s*|의\s*)?", gap)
                and re.search(r"(?:국|처|과|부|소)$", text[b.start : b.end])
                and re.search(r"(?:성|부|위원회)$", text[a.start : a.end])
            ):
                pairs.append((b, a))
            elif re.fullmatch(r"(?:'s)?\s+", gap) and re.search(
                r"(?:bureau|department|division|office|section)$", text[b.start : b.end], re.I
            ) and not re.search(r"(?:bureau|department|division|office|section)$", text[a.start : a.end], re.I):
                pairs.append((b, a))  # "the MoSS corrections bureau": the ministry's bureau
    return pairs


def _clause_groups(text: str, facilities: list[Mention]) -> list[list[Mention]]:
    """Facilities joined only by "and", commas or a parenthesis share what follows them."""
    groups: list[list[Mention]] = []
    for m in facilities:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end : m.start]
            if re.fullmatch(r"[\s,(/]*(?:and|or|및|과|와|,)?[\s,(/]*", gap, re.I) or re.fullmatch(r"\s*\(\s*", gap):
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


_DOUBT = re.compile(r"\b(?:mistaken|unfounded|untrue|denied|incorrect|not true)\b", re.I)  # not "false": false eyelashes
_WORKPLACE_AFTER = re.compile(r"\s+(?:shops?|workshops?|halls?|rooms?|sections?|lines?|departments?|factor(?:y|ies)|units?)\b", re.I)
_CLAUSE_BREAK = re.compile(
    r"[;:]|,\s*(?=(?:but|although|though|while|whereas|and)\b)|\b(?:but|although|though|whereas)\b|(?<=[며고데만]),\s"
    r"|\band\s+(?=(?:now|instead|also|still|then|today|since)\b)", re.I
)


def _clause_start(text: str, sent: _Sentence, pos: int) -> int:
    start = sent.start
    for m in _CLAUSE_BREAK.finditer(text, sent.start, pos):
        start = m.end()
    return start


def _clause_span(text: str, sent: _Sentence, start: int, end: int | None = None) -> tuple[int, int]:
    """Where the clause holding text[start:end] begins and ends."""
    nxt = _CLAUSE_BREAK.search(text, start if end is None else end, sent.end)
    return _clause_start(text, sent, start), nxt.start() if nxt else sent.end


def _products(text: str, sent: _Sentence, facilities: list[Mention], products: list[Mention], out: _Claims, gaz: Gazetteer) -> None:
    if not facilities or not products:
        return
    # "a toll-processing contract with an eyelash packager" says nothing about what is made
    # "the knitting shop", "a sewing workshop": the word names a place of work, not what is made
    plain = _CONTRACT_CUE.sub(" ", sent.text)
    if not any(not _WORKPLACE_AFTER.match(plain, c.end()) for c in _PRODUCE_CUE.finditer(plain)):
        return
    groups = _clause_groups(text, facilities)
    receive = bool(_RECEIVE_CUE.search(sent.text))
    years = sorted(set(_YEAR.findall(sent.text)))
    period = Period(years[0], years[0]) if len(years) == 1 else None
    for p in products:
        before = [g for g in groups if g[-1].end <= p.start]
        group = before[-1] if before else (groups[0] if len(groups) == 1 else None)
        if group is None:
            continue
        anchor = group[-1] if before else group[0]
        # From the start of the clause holding both: "did not see eyelashes made at Kaechon" too.
        # "has not taken wig orders and now makes caps": the negation stays in its own clause
        from_ = _clause_start(text, sent, p.start if anchor.start < p.start else anchor.start)
        between = text[min(from_, p.start) : max(anchor.start, p.end)]
        if _DOUBT.search(text, p.end, _clause_span(text, sent, p.start, p.end)[1]):
            continue  # "reports of knitted caps there appear to be mistaken"
        if _HANGUL.search(text, p.start, p.end) or _HANGUL.search(between):
            # Korean puts the verb, and its negation, after the object: "가발은 만들지 않는다"
            between = _clause(text, sent, p.start) if anchor.start < p.start else between + _clause(text, sent, p.start)
        if _NEGATION.search(between):
            continue
        if _role(p, gaz) == "input":
            predicate = Predicate.RECEIVES_INPUT
            if not receive:
                continue
        else:
            predicate = Predicate.PRODUCES
        for f in {x.entity_id: x for x in group}.values():
            conf = min(0.85, f.confidence + (0.05 if not f.anchor else 0.0))
            note = f.note
            if not before:
                conf -= 0.1
            out.add(sent, f.resolved_id, predicate, obj=p.entity_id, period=period, confidence=conf, note=note)


_BORDER_ROUTE = re.compile(
    r"\b(?:to|via|through|from|for|(?:buyers?|traders?|customers?|clients?|wholesalers?) in|(?:border|river|frontier) at|"
    r"enter(?:s|ed|ing)?\s+China\s+at|into\s+China\s+at)\s+"
    r"(Dandong|Hunchun|Linjiang|Ji'?an|Tumen|Sinuiju|Rason|Nampo|Namp'o|Chongjin|Hoeryong|Manpo|Hyesan|Namyang|Onsong|Musan|Sakju)\b"
    r"(?!\s+[A-Z][a-z])"  # "to Dandong Meilong Hair Products": the city opens a company's name
    r"|(단둥|단동|훈춘|린장|신의주|나선|라선|남포|청진|회령|만포|혜산|남양|온성|무산)(?:으로|로|을 통해|를 통해|을 거쳐|를 거쳐)"
)
# Claims carry the English form of a place, whatever the script of the report.
_PLACE_EN = {
    "단둥": "Dandong", "단동": "Dandong", "훈춘": "Hunchun", "린장": "Linjiang", "신의주": "Sinuiju", "나선": "Rason",
    "라선": "Rason", "남포": "Nampo", "청진": "Chongjin", "회령": "Hoeryong", "만포": "Manpo", "혜산": "Hyesan",
    "남양": "Namyang", "온성": "Onsong", "무산": "Musan", "평양": "Pyongyang", "투먼": "Tumen", "도문": "Tumen",
    "선양": "Shenyang", "심양": "Shenyang", "옌지": "Yanji", "연길": "Yanji", "지안": "Ji'an", "집안": "Ji'an",
}
_CHINESE_SIDE = {"Dandong", "Hunchun", "Linjiang", "Ji'an", "Jian", "Tumen"}
_CHINA_CITIES = r"Dandong|Hunchun|Linjiang|Ji'?an|Tumen|Shenyang|Yanji|Qingdao|Dalian|Changchun|Jilin|Pingdu|Xuchang|Yiwu|Guangzhou"
# "Jilin Huaxin Beauty Products, a company in the border city of Hunchun": where a company is.
_CITY_WORD = r"(?-i:[A-Z][a-z]{3,})(?!\s+(?:Korea|Province|China))"  # a capitalised place name, case kept
_COMPANY_PLACE_AFTER = re.compile(
    r",?\s+(?:(?:an?|the)\s+(?:[\w-]+\s+){0,4}?(?:company|firm|trader|supplier|packager|wholesaler|manufacturer|exporter|importer|processor)\s+)?"
    r"(?:based\s+|located\s+|headquartered\s+)?in\s+(?:the\s+)?(?:(?:Chinese\s+)?(?:border\s+)?city\s+of\s+)?(" + _CHINA_CITIES + r"|Pyongyang|" + _CITY_WORD + r")\b"
    r"|,?\s+(?:an?|the)\s+(" + _CHINA_CITIES + r"|Pyongyang|" + _CITY_WORD + r")(?:-based\b|\s+(?:[\w-]+\s+){0,2}?(?:company|firm|house|trader|exporter|importer|wholesaler|processor|manufacturer|maker|producer)\b)"
    r"|,?\s+(?:(?:is|was|are|were)\s+|an?\s+(?:[\w-]+\s+){0,4}?)?(?:based|headquartered|registered|incorporated|located)\s+in\s+(" + _CITY_WORD + r")\b"
    r"|,?\s+(?:an?\s+(?:[\w-]+\s+){0,4}?)?with\s+(?:an?\s+|its\s+)?(?:office|offices|branch|plant|factory|warehouse|headquarters)\s+in\s+(" + _CHINA_CITIES + r"|Pyongyang|Sinuiju|Rason|" + _CITY_WORD + r")\b",
    re.I,
)
_COMPANY_PLACE_BEFORE = re.compile(
    r"\b(" + _CHINA_CITIES + r")-based\s+(?:company\s+|firm\s+)?$|(단둥|단동|훈춘|선양|심양|옌지|연길|도문|투먼|평양)시?(?:의|에 있는|소재)\s*$"
)
_SUPPLY_CUE = _rx(
    r"suppl(?:y|ies|ied|ying)|provid\w*|deliver\w*|sent by|sends?(?: in)?|ships|shipping|shipped (?:in )?(?:from \w+ )?by|sourced from|brought in by|"
    r"대주|대고|대준|공급|보내"
)
_EXPORT_CUE = _rx(
    r"shipp\w*|export\w*|sent|sold|sells?|selling|smuggl\w*|transport\w*|truck(?:ed|s|ing)|taken|carri\w*|collected|mov(?:ed|es|ing)|travel\w*|cross\w*|leav(?:e|es|ing)|left|"
    r"수출|보냈|반출|운송|넘어가|넘어간|건너"
)
# "produced gloves": goods the catalogue does not list, kept as a literal for a person to judge.
_OTHER_GOODS = re.compile(
    r"\b(?:produc(?:e|es|ed|ing)|make|makes|made|making|manufactur(?:e|es|ed|ing)|sew(?:s|ed|ing)?|assembl(?:e|es|ed|ing))\s+"
    r"(?:(?:only|also|mainly|mostly|export|more)\s+)?((?:[a-z]+\s)?[a-z]{3,}s)\b"
)
_NOT_GOODS = {"goods", "items", "products", "things", "tasks", "deliverables", "materials", "others", "inmates", "prisoners", "items", "numbers", "plans", "efforts"}


def _other_goods(sent: _Sentence, facilities: list[Mention], products: list[Mention], out: _Claims) -> None:
    if not facilities or _NEGATION.search(sent.text):
        return
    ids = {x.entity_id: x for x in facilities}
    for m in _OTHER_GOODS.finditer(sent.text):
        goods = m.group(1)
        if goods.split()[-1] in _NOT_GOODS or goods.split()[0] in _STOP_CAPS:
            continue
        at = sent.start + m.start(1)
        if any(p.start < at + len(goods) and at < p.end for p in products):
            continue  # the catalogue knows these goods: claimed by their id, not as a literal
        for f in ids.values():
            out.add(sent, f.resolved_id, Predicate.PRODUCES, value=goods, confidence=min(0.5, f.confidence), note=f.note)


def _routes(text: str, sent: _Sentence, facilities: list[Mention], companies: list[Mention], out: _Claims) -> None:
    """A company named in the route's clause carries the goods; otherwise the camp does."""
    if not (companies or facilities) or not _EXPORT_CUE.search(sent.text):
        return
    for m in _BORDER_ROUTE.finditer(sent.text):
        cs, ce = _clause_span(text, sent, sent.start + m.start(), sent.start + m.end())

        def inside(ms: list[Mention]) -> list[Mention]:
            return [x for x in ms if cs <= x.start and x.end <= ce]

        # who moves the goods: a company or camp in the route's own clause; else a company the
        # sentence names (not one that is only the other party of a contract); else the camp
        carriers = (
            inside(companies) or inside([f for f in facilities if f.end > f.start])
            or [c for c in companies if not _is_partner(text, c)] or facilities
        )
        place = m.group(1) or _PLACE_EN.get(m.group(2), m.group(2))
        if m.group(0).casefold().startswith("from") and place in _CHINESE_SIDE:
            continue  # goods come *from* Dandong into North Korea: an input, not an export route
        for f in {x.entity_id: x for x in carriers}.values():
            out.add(sent, f.resolved_id, Predicate.EXPORTS_VIA, value=place, confidence=min(0.6, f.confidence), note=f.note)


def _supplies(text: str, sent: _Sentence, companies: list[Mention], products: list[Mention], gaz: Gazetteer, out: _Claims) -> None:
    """ "Processed hair is supplied by X", "X delivered the yarn": a company supplies an input."""
    if not companies or not _SUPPLY_CUE.search(sent.text):
        return
    by = [c for c in companies if re.search(r"\bby\s+(?:the\s+)?$", text[max(sent.start, c.start - 12) : c.start], re.I)]
    if len({c.entity_id for c in by or companies}) != 1:
        return  # with several companies, which one supplies what is not clear from the sentence
    c = (by or companies)[0]
    for _, obj, value in _input_mentions(text, sent, products, gaz):
        conf = min(0.6 if obj else 0.5, c.confidence)
        out.add(sent, c.resolved_id, Predicate.SUPPLIES, obj=obj, value=value, confidence=conf, note=c.note)


_SELL_TO = re.compile(
    r"\b(?:sells?|sold|selling|ships?|shipped|shipping|suppl(?:y|ies|ied|ying)|deliver(?:s|ed|ing)?|export(?:s|ed|ing)?|"
    r"pass(?:es|ed)|hand(?:s|ed)|re-?sells?|re-?sold|forward(?:s|ed)?)\b[^.;]{0,80}?\bto\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?$",
    re.I,
)
_BUY_FROM = re.compile(
    r"\b(?:buys?|bought|purchas(?:es|ed|ing)|imports?|imported|sources?|sourced|orders?|ordered)\b[^.;]{0,80}?\bfrom\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?$",
    re.I,
)


_ITS_ROLE = r"'s\s+(?:main\s+|sole\s+|chief\s+|only\s+)?{}s?\s+(?:was|is|were|are)\s+"
# (test on the words between two companies A…B, does A supply B?, note)
_LINKS = (
    (re.compile(_ITS_ROLE.format("(?:buyer|customer|client)"), re.I).fullmatch, True, "its buyer"),
    (re.compile(_ITS_ROLE.format("supplier"), re.I).fullmatch, False, "its supplier"),
    (_SELL_TO.search, True, "sold on"),
    (_BUY_FROM.search, False, "bought from"),
)


def _company_links(text: str, sent: _Sentence, companies: list[Mention], out: _Claims) -> None:
    """The chain past the camp: "A sells the wigs to B" and "B buys them from A" say A supplies B."""
    ordered = sorted({c.entity_id: c for c in companies}.values(), key=lambda m: m.start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            gap = text[a.end : b.start]
            if len(gap) > 120 or re.search(r"[.;]", gap) or _NEGATION.search(gap):
                continue
            for test, first_supplies, note in _LINKS:
                if test(gap):
                    seller, buyer = (a, b) if first_supplies else (b, a)
                    conf = min(0.6, a.confidence, b.confidence)
                    out.add(sent, seller.resolved_id, Predicate.SUPPLIES, obj=buyer.entity_id, confidence=conf, note=note)
                    break


def _company_places(text: str, sent: _Sentence, companies: list[Mention], out: _Claims) -> None:
    for c in {x.entity_id: x for x in companies}.values():
        after = _COMPANY_PLACE_AFTER.match(text, c.end, sent.end)
        before = _COMPANY_PLACE_BEFORE.search(text, sent.start, c.start)
        if after:
            place = after.group(1) or after.group(2) or after.group(3) or after.group(4)
        elif before:
            place = before.group(1) or _PLACE_EN.get(before.group(2), before.group(2))
        else:
            continue
        out.add(sent, c.resolved_id, Predicate.LOCATED_IN, value=place, confidence=min(0.6, c.confidence), note=c.note)


_NOT_SHORT = {"dandong", "hunchun", "shenyang", "yanji", "jilin", "korea", "korean", "china", "chinese", "north", "south",
              "pyongyang", "the", "new", "general", "international", "golden", "great", "first", "trading", "hair",
              "beauty", "sinuiju", "rason", "liaoning", "shandong", "qingdao", "hong", "asia", "global", "united"}


def _learn_short_name(full: str, entity_id: str, short_names: dict[str, str]) -> None:
    """News names a company in full once, then by its distinctive word: "Ryongsong", "Huayang".
    A word two companies share is dropped: it no longer says which one is meant."""
    words = [w for w in re.findall(r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?", full)]
    for i, w in enumerate(words[:3]):
        if w.casefold() in _NOT_SHORT or len(w) < 4:
            continue
        key = w if i == 0 or words[i - 1].casefold() in _NOT_SHORT else None
        if key is None:
            break
        if short_names.get(key, entity_id) != entity_id:
            short_names[key] = ""  # ambiguous
        else:
            short_names[key] = entity_id
        break


def _short_names(text: str, sent: _Sentence, taken: list[Mention], short_names: dict[str, str]) -> list[Mention]:
    found: list[Mention] = []
    for key, eid in short_names.items():
        if not eid:
            continue
        for m in re.finditer(r"\b" + re.escape(key) + r"\b(?:'s)?", sent.text):
            s, e = sent.start + m.start(), sent.start + m.start() + len(key)
            if any(t.start < e and s < t.end for t in taken + found):
                continue
            found.append(Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, f"'{key}' short for the company named before", 0.55))
    return found


_COMPANY_COREF = re.compile(r"\b(?:the|this|that)\s+(?:trading\s+)?(?:company|firm|trader|supplier)\b(?!s)|(?:이|그|해당)\s?(?:회사|업체|무역회사)", re.I)


def _company_coreference(sent: _Sentence, previous: list[Mention], gaz: Gazetteer, new_entities: dict[str, Entity]) -> list[Mention]:
    """ "The trading company" right after a sentence naming exactly one company means that company."""
    ids = {m.entity_id for m in previous}
    m = _COMPANY_COREF.search(sent.text)
    if len(ids) != 1 or not m:
        return []
    why = f"the sentence says '{m.group(0)}', taken to be {{name}} named in the sentence before"
    return [_referred(previous[0], why, sent.start + m.start(), sent.start + m.end(), 0.5, gaz, new_entities,
                      kind=EntityKind.ORGANIZATION, anchor=True)]


def _inspection(sent: _Sentence, facilities: list[Mention], orgs: list[Mention], parents: set[str], out: _Claims, gaz: Gazetteer) -> None:
    if not facilities or not orgs or not _INSPECT_CUE.search(sent.text):
        return
    inspector = _first_unnested(orgs, parents)
    for f in {x.entity_id: x for x in facilities}.values():
        out.add(sent, f.resolved_id, Predicate.INSPECTED_BY, obj=inspector, confidence=min(0.75, f.confidence), note=f.note)


def _chain(text: str, sent: _Sentence, raw: list[Mention], out: _Claims, new_entities: dict[str, Entity], gaz: Gazetteer, source_id: str) -> None:
    """ "the X bureau of the Y ministry" and "사회안전성 교화국" say X is part of Y."""
    orgs = [
        m for m in raw if m.kind == EntityKind.ORGANIZATION and len(m.candidates) == 1 and sent.start <= m.start and m.end <= sent.end
    ]
    unit_after: dict[int, Mention] = {}
    for unit, parent in _part_of_pairs(text, orgs):
        out.add(sent, unit.candidates[0], Predicate.PART_OF, obj=parent.candidates[0], confidence=0.85)
        if unit.start > parent.start:
            unit_after[parent.start] = unit
    # "the production department of the corrections bureau": a unit we do not know yet.
    for named in orgs:
        if any(o.start < named.start < o.end for o in orgs):
            continue  # part of a longer name
        b = unit_after.get(named.start, named)  # "... of the MoSS corrections bureau": the bureau
        prefix = text[max(sent.start, named.start - 60) : named.start]
        m = _NEW_SUBUNIT.search(prefix)
        if not m or m.group(1).casefold() in _STOP_CAPS:
            continue
        parent_entity = gaz.by_id.get(b.candidates[0])
        unit_name = f"{m.group(1).capitalize()} {m.group(2).casefold()}"
        caption = f"{unit_name}, {parent_entity.caption if parent_entity else b.candidates[0]}"
        eid = "org-new-" + _id_fragment(f"{b.candidates[0]} {unit_name}")
        if eid not in new_entities:
            new_entities[eid] = Entity(
                id=eid,
                kind=EntityKind.ORGANIZATION,
                caption=caption,
                names=[Name.of(caption), Name.of(text[max(sent.start, named.start - 60) + m.start(1) : b.end])],
                attributes={"proposed_from": source_id, "parent": b.candidates[0]},
                is_new=True,
            )
        out.add(sent, eid, Predicate.PART_OF, obj=b.candidates[0], confidence=0.7, note="a unit the graph does not know yet")
    return None


_TEAM_NEAR = re.compile(r"\b(?:every|each)\s+(?:team|brigade|unit|squad)\b[^.,;]{0,30}$|작업반\w{0,3}\s*$|반(?:마다|에)\s*$", re.I)


def _number(written: str) -> float:
    """ "3,000", "sixty-five", "two hundred", and the Korean "4천" (4,000), "1만5천" (15,000)."""
    if written and written[0] in "열스서마쉰예일여아한하두둘세셋네넷다":
        tens = next((v for k, v in _KO_TENS.items() if written.startswith(k)), 0)
        rest = written[len(next((k for k in _KO_TENS if written.startswith(k)), "")) :]
        return float(tens + _KO_ONES.get(rest, 0))
    words = written.casefold().replace("-", " ").split()
    if words and words[0] in _ONES or words and words[0] in _TENS:
        n = sum(_TENS.get(w, 0) + _ONES.get(w, 0) for w in words if w not in ("hundred", "thousand"))
        if "hundred" in words:
            n *= 100
        if "thousand" in words:
            n *= 1000
        return float(n)
    written = written.replace(",", "").replace(" ", "")
    m = re.fullmatch(r"(\d+)(?:만(?:(\d+)천)?|(천))?", written)
    if not m:
        return float(written)
    if "만" in written:
        return int(m.group(1)) * 10000 + int(m.group(2) or 0) * 1000
    return int(m.group(1)) * (1000 if m.group(3) else 1)


def _quantities(sent: _Sentence, facilities: list[Mention], general_subject: str | None, out: _Claims, gaz: Gazetteer, topic: Sequence[Mention] = ()) -> None:
    found = list(_QUANTITY.finditer(sent.text))
    # a work-unit word elsewhere in the sentence counts only when no other number could be its own
    lone_team = len(found) == 1 and _WORK_UNIT_CUE.search(sent.text)
    for q in found:
        low = _number(q.group(1))
        high = _number(q.group(2)) if q.group(2) else low
        scale = re.search(r"(hundred|thousand)\s*$", q.group(2) or "", re.I)
        if scale and not re.search(r"hundred|thousand", q.group(1), re.I):
            low *= 100 if scale.group(1).casefold() == "hundred" else 1000  # "two to three thousand"
        if low > high:
            continue
        unit = _UNIT_WORDS.get(q.group(3).casefold(), q.group(3).casefold())
        qty = Quantity(low, high, unit)
        near = sent.text[max(0, q.start() - 40) : q.start()]
        if lone_team or _WORK_UNIT_CUE.search(near) or _TEAM_OF.search(near) or _TEAM_NEAR.search(near):
            if (facilities or topic) and not _GENERAL_CUE.search(sent.text):
                for f in {x.entity_id: x for x in facilities or topic}.values():
                    conf = 0.7 if facilities else f.confidence
                    out.add(sent, f.resolved_id, Predicate.WORK_UNIT_SIZE, quantity=qty, confidence=conf, note=f.note)
            elif general_subject and _GENERAL_CUE.search(sent.text):
                # only a statement about the camp system goes to the body running it; a team
                # in a sentence that merely mentions the bureau is not the bureau's
                out.add(
                    sent,
                    general_subject,
                    Predicate.WORK_UNIT_SIZE,
                    quantity=qty,
                    confidence=0.5,
                    note="general practice across camps, not a claim about a named camp; attributed to the body the report says runs them",
                )
        elif facilities and unit == "prisoners" and not _GENERAL_CUE.search(sent.text):
            for f in {x.entity_id: x for x in facilities}.values():
                out.add(sent, f.resolved_id, Predicate.HOLDS_PRISONERS, quantity=qty, confidence=0.6, note=f.note)


def _deadlines(sent: _Sentence, facilities: list[Mention], orgs: list[Mention], parents: set[str], general_subject: str | None, out: _Claims, reference_date: str | None, gaz: Gazetteer) -> None:
    if not _REVIEW_CUE.search(sent.text):
        return
    for d in _DEADLINE.finditer(sent.text):
        if d.group("mon"):
            month = _MONTHS[d.group("mon").casefold().rstrip(".")[:4] if d.group("mon").casefold().startswith("sept") else d.group("mon").casefold()[:3]]
            day, year = int(d.group("day")), d.group("year")
        else:
            month, day, year = int(d.group("kmon")), int(d.group("kday")), d.group("kyear")
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if year is None and reference_date:
            ref_y = int(reference_date[:4])
            ref_m = int(reference_date[5:7]) if len(reference_date) >= 7 else 1
            year = str(ref_y + 1 if month < ref_m else ref_y)
        value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        subject = _first_unnested(orgs, parents) or (facilities[0].entity_id if facilities else general_subject)
        if not subject:
            continue
        out.add(
            sent,
            subject,
            Predicate.REVIEW_DEADLINE,
            value=value,
            period=Period(None, value) if year else None,
            confidence=0.7 if orgs or facilities else 0.45,
            note=None if year else "the text gives no year; set the source date to date it",
        )


_FOR_COMPANY = re.compile(r"\bfor\s+(?:the\s+)?$", re.I)
# "X buys wigs made at the Kaechon camp": the company right before a buying verb, the camp later in the clause
_BUYS_GOODS = re.compile(r"\s*,?\s*(?:which\s+|that\s+)?(?:buys?|bought|purchas(?:es|ed)|imports?|imported|orders?|ordered|takes?|took)\s+[^.;]{0,60}?\b(?:made|produced|manufactured|sewn|knitted)\s+(?:at|in|by)\b", re.I)


def _is_partner(text: str, m: Mention) -> bool:
    """ "대성무역회사와 … 계약": a company joined by 와/과 to the contract is its other party."""
    return bool(re.match(r"(?:와|과|하고|이랑)\s", text[m.end : m.end + 4]))


def _buyers(text: str, sent: _Sentence, facilities: list[Mention], orgs: list[Mention], out: _Claims, gaz: Gazetteer) -> None:
    """A company that buys goods made at a named camp: a proposal linking the two, for a reviewer to weigh."""
    for c in orgs:
        if _is_state_body(c.entity_id, gaz):
            continue
        m = _BUYS_GOODS.match(text, c.end, sent.end)
        after = [f for f in facilities if m and m.end() <= f.start]
        if m and after:
            f = after[0]
            out.add(sent, f.resolved_id, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=min(0.5, f.confidence),
                    note="; ".join(filter(None, ["the company buys goods made at the camp: an order placed with it, or bought on from a trader", f.note])))


def _contracts(text: str, sent: _Sentence, facilities: list[Mention], orgs: list[Mention], parents: set[str], general_subject: str | None, out: _Claims, gaz: Gazetteer, topic: Sequence[Mention] = ()) -> None:
    cue = _CONTRACT_CUE.search(sent.text)
    if not cue and facilities and _PRODUCE_CUE.search(sent.text):
        # "Kaechon makes wigs for Sinhwa Trading Company": work done on a named company's order
        for c in orgs:
            if not _is_state_body(c.entity_id, gaz) and _FOR_COMPANY.search(text[max(sent.start, c.start - 10) : c.start]):
                for f in {x.entity_id: x for x in facilities}.values():
                    out.add(sent, f.resolved_id, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=min(0.6, f.confidence), note="work done on the company's order")
    if not cue and facilities:
        _buyers(text, sent, facilities, orgs, out, gaz)
    if not cue:
        # "made caps for a Chinese buyer": work done on a foreign order
        if not facilities or not _COMMISSION.search(sent.text):
            return
    orgs = sorted(orgs, key=lambda m: m.start)
    counterparts = [m for m in orgs if not _is_state_body(m.entity_id, gaz)]
    if cue:
        # A company in another clause ("..., and X supplies the hair") is not the contract's party.
        clause_start, clause_end = _clause_span(text, sent, sent.start + cue.start())
        counterparts = [m for m in counterparts if clause_start <= m.start and m.end <= clause_end]
    phrases = list(_COUNTERPART.finditer(sent.text))
    state = [m for m in orgs if m not in counterparts and _is_state_body(m.entity_id, gaz)]
    if facilities or state:
        subjects = [f.resolved_id for f in facilities] or [state[0].resolved_id]
    elif topic and not (counterparts and cue and counterparts[0].start - sent.start < cue.start() and not _is_partner(text, counterparts[0])):
        subjects = [topic[0].resolved_id]
    elif len(counterparts) >= 2 or (counterparts and phrases):
        # "X Trading, which signed a contract with Y": the first company is the party that contracts.
        subjects, counterparts = [counterparts[0].resolved_id], counterparts[1:]
    else:
        subjects = [general_subject] if general_subject else []
    if not counterparts and not phrases:
        return
    general = not facilities and not state and subjects == [general_subject]
    if general and _EVERY_CAMP.search(sent.text):
        return
    for subj in dict.fromkeys(subjects):
        for c in counterparts:
            out.add(sent, subj, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=0.6, note="toll manufacturing")
        for p in phrases:
            out.add(
                sent,
                subj,
                Predicate.CONTRACTS_WITH,
                value=p.group(0),
                confidence=0.4 if general else 0.6,
                note="toll manufacturing"
                + ("; the text names no camp: attributed to the body the report says runs the camps" if general else ""),
            )


_PROVINCE_AFTER = re.compile(
    r"(?:\s+(?:labou?r|prison|prisoner|political|concentration|internment|re-?education|correctional))*(?:\s+camp)?"
    r",?\s+(?:in\s+)?((?:North|South)\s+(?:Hamgyong|Pyongan|Hwanghae)|Kangwon|Chagang|Ryanggang|Yanggang)\s+Province\b",
)
_PROVINCE_BEFORE = re.compile(r"(함경북도|함경남도|평안북도|평안남도|황해북도|황해남도|강원도|자강도|량강도|양강도)\s*$")


_NK_CITY_AFTER = re.compile(
    r"(?:\s+(?:labou?r|prison|prisoner|political|concentration|internment|re-?education|correctional))*(?:\s+(?:camp|prison))?"
    r",?\s+(?:in|near|outside|on the outskirts of)\s+(Chongjin|Hamhung|Hoeryong|Pyongyang|Sinuiju|Hyesan|Kimchaek|Wonsan|Nampo|"
    r"Sariwon|Kanggye|Tanchon|Onsong|Musan|Kaechon|Pukchang|Yodok|Hwasong|Chongori|Kangdong|Sunchon|Anju|Kilju)\b"
)


def _province_before(text: str, start: int, end: int) -> re.Match[str] | None:
    """_PROVINCE_BEFORE searched in text[start:end], looking back only past the whitespace and
    one province name (four characters at most), not to the start of the sentence."""
    k = end
    while k > start and text[k - 1].isspace():
        k -= 1
    return _PROVINCE_BEFORE.search(text, max(start, k - 4), end)


def _locations(text: str, sent: _Sentence, facilities: list[Mention], out: _Claims) -> None:
    """ "the camp in Hwasong, North Hamgyong Province" and "함경북도 화성": where a facility is."""
    for f in facilities:  # every mention: "Camp 25 in Chongjin" may name the camp twice
        after = _PROVINCE_AFTER.match(text, f.end, sent.end)
        before = _province_before(text, sent.start, f.start)
        city = _NK_CITY_AFTER.match(text, f.end, sent.end)
        if after:
            value = after.group(1) + " Province"
        elif before:
            value = before.group(1)
        elif city:
            value = city.group(1)
        else:
            continue
        out.add(sent, f.resolved_id, Predicate.LOCATED_IN, value=" ".join(value.split()), confidence=min(0.6, f.confidence), note=f.note)


def _new_facilities(text: str, sent: _Sentence, chosen: list[Mention], new_entities: dict[str, Entity], source_id: str) -> list[Mention]:
    out = []
    for m in _NEW_FACILITY.finditer(sent.text):
        s = sent.start + m.start()
        e = sent.start + m.end()
        if m.group(3):
            place, kind_word = m.group(3), m.group(4)
            place_start = s
            if _split_hangul(place, 0)[0].text != place or place in _KO_NOT_PLACES or _KO_NOT_NAME.search(place):
                continue  # "15일까지 교화소", "여성 교화소", "따르면 교화소": not a place name
        else:
            words = [w for w in m.group(1).split() if w.casefold() not in _STOP_CAPS]
            if not words or all(w.casefold().strip("'’s") in _NOT_PLACE_WORDS or token_keys(w) & _GENERIC for w in words):
                continue  # "Forced Labor Camp", "Women's Prison": a kind of place, not a name
            place, kind_word = " ".join(words), m.group(2)
            place_start = s + m.group(1).find(words[0])
        if any(c.start < e and c.end > place_start for c in chosen):
            continue  # a known facility (or part of one)
        caption = f"{place} {kind_word}"
        eid = "facility-new-" + _id_fragment(caption)
        if eid not in new_entities:
            ftype = (
                FacilityType.KWALLISO
                if re.search("kwalliso|관리소", kind_word, re.I)
                else FacilityType.KYOHWASO
                if re.search("kyohwaso|교화소", kind_word, re.I)
                else FacilityType.RODONG_DANRYONDAE
                if "단련대" in kind_word or "Training" in kind_word
                else FacilityType.OTHER
            )
            new_entities[eid] = Entity(
                id=eid,
                kind=EntityKind.FACILITY,
                caption=caption,
                names=[Name.of(text[place_start:e])],
                attributes={"facility_type": ftype.value, "proposed_from": source_id, "country": "kp"},
                is_new=True,
            )
        out.append(Mention(place_start, e, (eid,), EntityKind.FACILITY, False, eid, "a facility the graph does not know yet", 0.6))
    return out


def _new_companies(text: str, sent: _Sentence, chosen: list[Mention], new_entities: dict[str, Entity], source_id: str) -> list[Mention]:
    out = []
    for m in _NEW_COMPANY.finditer(sent.text):
        g = 1 if m.group(1) else 2
        name = m.group(g).strip()
        words = name.split()
        while words and words[0].casefold() in _STOP_CAPS:
            words.pop(0)
        if len(words) < 2 and g == 1:
            continue
        name = " ".join(words)
        s = sent.start + m.start(g) + m.group(g).find(words[0] if g == 1 else name)
        e = s + len(name)
        if text[s:e] != name:
            continue
        if any(c.start < e and c.end > s and c.kind in (EntityKind.ORGANIZATION, EntityKind.FACILITY) for c in chosen):
            continue
        eid = "org-new-" + _id_fragment(name)
        if eid not in new_entities:
            new_entities[eid] = Entity(
                id=eid,
                kind=EntityKind.ORGANIZATION,
                caption=name,
                names=[Name.of(name)],
                attributes={"proposed_from": source_id, "roles": ["other"]},
                is_new=True,
            )
        out.append(Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, None, 0.6))
    return out


def _id_fragment(name: str) -> str:
    """A readable id part; names in Hangul or Han get a short digest instead of an empty slug."""
    import hashlib

    readable = slug(name)[:60].strip("-")
    if readable and name.isascii():
        return readable
    return (readable + "-" if readable else "") + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
