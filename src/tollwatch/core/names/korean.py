"""Korean names: Hangul romanization (RR, McCune–Reischauer, DPRK) and a
canonical syllable key that lets every Latin spelling of a Korean name meet.

Why our own: no PyPI package writes McCune–Reischauer with its sound-change
rules, and ICU's transliterator drops vowels.  Syllables are decomposed
arithmetically (U+AC00 + (L*21 + V)*28 + T), sound changes are applied at
syllable boundaries, then each system renders the result.

Systems:
- ``rr``   Revised Romanization (South Korea, 2000): Gaecheon, Dongnip, Silla.
- ``mr``   McCune–Reischauer with breves and aspirate apostrophes:
           Kaech'ŏn, P'yŏngyang, Tongnip, Han'gŭl.
- ``dprk`` the DPRK's own practice (its 1992 system without breves, as KCNA
           writes it): Kaechon, Chongjin, Nampho, Kim Jong Un, Jang Song Thaek.

Syllable keys (``syllable_keys``) fold what romanizations disagree on:
voiced/unvoiced/aspirated/tense initials (k g kh k' kk), ŏ/eo/o' → o,
ŭ/eu/u' → u, ae/e, oe/wae/we, word-initial r/l/n before i/y (Ri, Yi, Lee,
Rhee) — but keep o apart from u and a apart from e, so that different
names stay different.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .terms import load_terms

SBASE, SCOUNT = 0xAC00, 11172
# Jamo in Unicode order.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
          "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]

# Vowels per system (index = jamo order above).
_V_RR = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
         "wi", "yu", "eu", "ui", "i"]
_V_MR = ["a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we",
         "wi", "yu", "ŭ", "ŭi", "i"]

# Consonants are handled as jamo letters during sound change.
_ASPIRATE = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅈ": "ㅊ", "ㅂ": "ㅍ"}
# Final → (consonant kept as coda, consonant moved to a following vowel-initial syllable).
_FINAL_SPLIT = {
    "ㄳ": ("ㄱ", "ㅅ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄶ": ("ㄴ", "ㅎ"), "ㄺ": ("ㄹ", "ㄱ"), "ㄻ": ("ㄹ", "ㅁ"),
    "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅅ"), "ㄾ": ("ㄹ", "ㅌ"), "ㄿ": ("ㄹ", "ㅍ"), "ㅀ": ("ㄹ", "ㅎ"),
    "ㅄ": ("ㅂ", "ㅅ"),
}
# Final consonant as heard before a consonant or at the end: the seven codas.
_NEUTRAL = {
    "": "", "ㄱ": "k", "ㄲ": "k", "ㅋ": "k", "ㄳ": "k", "ㄺ": "k",
    "ㄴ": "n", "ㄵ": "n", "ㄶ": "n",
    "ㄷ": "t", "ㅅ": "t", "ㅆ": "t", "ㅈ": "t", "ㅊ": "t", "ㅌ": "t", "ㅎ": "t",
    "ㄹ": "l", "ㄼ": "l", "ㄽ": "l", "ㄾ": "l", "ㅀ": "l",
    "ㅁ": "m", "ㄻ": "m",
    "ㅂ": "p", "ㅍ": "p", "ㅄ": "p", "ㄿ": "p",
    "ㅇ": "ng",
}
_NASAL_OF = {"k": "ng", "t": "n", "p": "m"}

# Onset renderings: (RR, MR plain/initial, MR voiced, DPRK plain, DPRK voiced).
_ONSET = {
    "ㄱ": ("g", "k", "g", "k", "g"), "ㄲ": ("kk", "kk", "kk", "kk", "kk"), "ㅋ": ("k", "k'", "k'", "kh", "kh"),
    "ㄷ": ("d", "t", "d", "t", "d"), "ㄸ": ("tt", "tt", "tt", "tt", "tt"), "ㅌ": ("t", "t'", "t'", "th", "th"),
    "ㅂ": ("b", "p", "b", "p", "b"), "ㅃ": ("pp", "pp", "pp", "pp", "pp"), "ㅍ": ("p", "p'", "p'", "ph", "ph"),
    "ㅈ": ("j", "ch", "j", "j", "j"), "ㅉ": ("jj", "tch", "tch", "jj", "jj"), "ㅊ": ("ch", "ch'", "ch'", "ch", "ch"),
    "ㅅ": ("s", "s", "s", "s", "s"), "ㅆ": ("ss", "ss", "ss", "ss", "ss"), "ㅎ": ("h", "h", "h", "h", "h"),
    "ㄴ": ("n", "n", "n", "n", "n"), "ㅁ": ("m", "m", "m", "m", "m"), "ㄹ": ("r", "r", "r", "r", "r"),
    "ㅇ": ("", "", "", "", ""),
}
_VOICED_CODAS = {"", "n", "m", "ng", "l"}

# Conventional spellings a system's rules would not produce.
# Surnames North Koreans spell with initial ㄹ (리, 림, 류, 량, 로) when the South's spelling is given.
_DPRK_SURNAMES = {"이": "Ri", "임": "Rim", "유": "Ryu", "양": "Ryang", "노": "Ro"}
_DPRK_EXCEPTIONS = {"평양": "Pyongyang", "김일성": "Kim Il Sung"}

DOUBLE_SURNAMES = frozenset("남궁 황보 제갈 선우 독고 사공 서문 동방 을지 망절 어금".split())
# Common single-syllable surnames (for telling person names from other words).
SURNAMES = frozenset(
    "김 이 리 박 최 정 강 조 윤 장 임 림 한 오 서 신 권 황 안 송 류 유 홍 전 고 문 손 양 배 백 허 남 심 노 로 하 곽 "
    "성 차 주 우 구 민 진 지 엄 채 원 천 방 공 현 함 변 염 렴 여 려 추 도 소 석 선 설 마 길 연 련 위 표 명 기 반 "
    "왕 금 옥 육 륙 인 맹 제 모 탁 국 어 은 편 용 룡 예 경 봉 사 부 가 복 태 목 형 계 피 두 감 음 빈 동 온 호 범 "
    "좌 팽 승 간 상 갈 나 라 진 량 랑 리".split()
)
# How each surname is usually written, beyond the systems' own output.
SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "김": ("Kim", "Gim"), "이": ("Lee", "Yi", "I", "Rhee", "Ri", "Li"), "리": ("Ri", "Lee", "Yi", "Rhee", "Li"),
    "박": ("Park", "Pak", "Bak"), "최": ("Choi", "Choe", "Ch'oe"), "정": ("Jung", "Jeong", "Chung", "Chong", "Jong"),
    "강": ("Kang", "Gang"), "조": ("Cho", "Jo", "Joe"), "윤": ("Yoon", "Yun", "Youn"), "장": ("Jang", "Chang"),
    "임": ("Lim", "Im", "Rim"), "림": ("Rim", "Lim", "Im"), "한": ("Han",), "오": ("Oh", "O"), "서": ("Seo", "Suh", "So"),
    "신": ("Shin", "Sin"), "권": ("Kwon", "Gwon"), "황": ("Hwang",), "안": ("Ahn", "An"), "송": ("Song",),
    "류": ("Ryu", "Yu", "Yoo"), "유": ("Yoo", "Yu", "Ryu"), "홍": ("Hong",), "전": ("Jeon", "Chon", "Jon", "Chun"),
    "고": ("Ko", "Koh", "Go"), "문": ("Moon", "Mun"), "손": ("Son", "Sohn"), "양": ("Yang", "Ryang"),
    "량": ("Ryang", "Yang"), "배": ("Bae", "Pae"), "백": ("Baek", "Paek", "Paik"), "허": ("Heo", "Hur", "Ho"),
    "남": ("Nam",), "심": ("Shim", "Sim"), "노": ("Noh", "Roh", "No", "Ro"), "로": ("Ro", "Roh", "No", "Noh"),
    "하": ("Ha",), "곽": ("Kwak", "Gwak"), "성": ("Sung", "Seong", "Song"), "차": ("Cha",), "주": ("Joo", "Ju", "Chu"),
    "우": ("Woo", "U"), "구": ("Koo", "Ku", "Gu"), "민": ("Min",), "진": ("Jin", "Chin"), "지": ("Ji", "Chi"),
    "현": ("Hyun", "Hyon", "Hyeon"), "문": ("Moon", "Mun"), "방": ("Bang", "Pang"), "변": ("Byun", "Pyon", "Byeon"),
    "천": ("Chun", "Cheon", "Chon"), "공": ("Kong", "Gong"), "태": ("Tae", "Thae", "T'ae"), "표": ("Pyo", "Phyo"),
}

_HANGUL_RE = re.compile("[\uac00-\ud7a3]+")

# Words in Korean organization and place names → the English their Latin names use:
# data, in core/data/terms_ko.tsv (the usual rendering first, then others: 해운 Shipping|Marine).
TERM_RENDERINGS: dict[str, tuple[str, ...]] = load_terms("terms_ko.tsv")
TERMS: dict[str, str] = {k: v[0] for k, v in TERM_RENDERINGS.items()}
_MAX_TERM = max(len(k) for k in TERMS)


def segment_terms(word: str) -> list[tuple[str, str | None]]:
    """Split a Hangul run into (hangul, english-or-None): known terms get their English.

    조선광선은행 → [('조선', 'Korea'), ('광선', None), ('은행', 'Bank')].
    """
    out: list[tuple[str, str | None]] = []
    rest = ""
    i = 0
    while i < len(word):
        for n in range(min(_MAX_TERM, len(word) - i), 1, -1):
            w = word[i:i + n]
            if w in TERMS:
                if rest:
                    out.append((rest, None))
                    rest = ""
                out.append((w, TERMS[w]))
                i += n
                break
        else:
            rest += word[i]
            i += 1
    if rest:
        out.append((rest, None))
    return out


def has_hangul(text: str) -> bool:
    return bool(_HANGUL_RE.search(text))


def decompose(syllable: str) -> tuple[str, str, str]:
    """Split one Hangul syllable into (initial, vowel, final) jamo, arithmetically."""
    s = ord(syllable) - SBASE
    if not 0 <= s < SCOUNT:
        raise ValueError(f"not a Hangul syllable: {syllable!r}")
    return INITIALS[s // 588], VOWELS[(s % 588) // 28], FINALS[s % 28]


def compose(initial: str, vowel: str, final: str = "") -> str:
    return chr(SBASE + (INITIALS.index(initial) * 21 + VOWELS.index(vowel)) * 28 + FINALS.index(final))


# --- sound change --------------------------------------------------------------------------------

class _Syl:
    """A syllable during sound change: onset jamo, vowel index, coda (jamo or neutral letter)."""

    __slots__ = ("onset", "vowel", "coda", "moved")

    def __init__(self, onset: str, vowel: int, coda: str):
        self.onset = onset  # jamo
        self.vowel = vowel  # index into VOWELS
        self.coda = coda  # jamo (original final) until resolved; then a neutral letter or "" / moved
        self.moved = False  # coda consonant moved into the next (vowel-initial) syllable


def _surface(word: str, liaison: bool = True) -> list[tuple[str, int, str, str]]:
    """Apply boundary sound changes to a Hangul word.

    Returns per syllable (onset jamo, vowel index, coda letter, coda-before-vowel jamo).
    The coda letter is one of '', k n t l m p ng; when the syllable's final consonant is pronounced
    at the start of a following vowel-initial syllable, coda letter is '' and the 4th field holds the
    jamo so renderers can write it (RR/MR write it as if it still closed the syllable: Togil, Sinŭiju).
    """
    syls = []
    for ch in word:
        i, v, f = decompose(ch)
        syls.append(_Syl(i, VOWELS.index(v), f))
    out: list[tuple[str, int, str, str]] = []
    for idx, s in enumerate(syls):
        nxt = syls[idx + 1] if idx + 1 < len(syls) else None
        final = s.coda
        linked = ""
        if nxt is None or not final:
            coda = _NEUTRAL[final]
        elif nxt.onset == "ㅇ" and final != "ㅇ" and liaison:
            kept, moving = _FINAL_SPLIT.get(final, ("", final))
            if moving == "ㅎ":  # ㅎ is silent before a vowel
                coda, linked = _NEUTRAL[kept], ""
            else:
                if moving in ("ㄷ", "ㅌ") and VOWELS[nxt.vowel] == "ㅣ":  # palatalization: 같이 kach'i
                    moving = "ㅈ" if moving == "ㄷ" else "ㅊ"
                coda, linked = _NEUTRAL[kept] if kept else "", moving
        elif nxt.onset == "ㅇ":
            coda = _NEUTRAL[final]
        else:
            nxt_on = nxt.onset
            if final in ("ㅎ", "ㄶ", "ㅀ") and nxt_on in _ASPIRATE:  # 좋고 → 조코
                coda = _NEUTRAL[final] if final != "ㅎ" else ""
                nxt.onset = _ASPIRATE[nxt_on]
            elif final == "ㅎ" and nxt_on == "ㅅ":
                coda, nxt.onset = "", "ㅆ"
            else:
                coda = _NEUTRAL[final]
                if final == "ㅎ" and nxt_on == "ㄴ":
                    coda = "n"
                if nxt_on == "ㄹ":
                    if coda in ("n", "l"):  # 신라 Silla, 설령
                        coda = "l"
                    elif coda:  # 종로 Chongno, 독립 → 독닙
                        nxt.onset = "ㄴ"
                elif nxt_on == "ㄴ" and coda == "l":  # 설날 sŏllal
                    nxt.onset = "ㄹ"
                if nxt.onset in ("ㄴ", "ㅁ") and coda in _NASAL_OF:  # 독닙 → 동닙
                    coda = _NASAL_OF[coda]
        out.append((s.onset, s.vowel, coda, linked))
    return out


def _render(word: str, system: str, liaison: bool = True, initial_voiceless: bool = True) -> list[str]:
    """Per-syllable romanization of one Hangul word after sound change."""
    sur = _surface(word, liaison=liaison)
    parts: list[str] = []
    prev_coda = None  # None = word start
    prev_linked = ""
    for onset, vi, coda, linked in sur:
        if prev_linked:  # consonant carried over from the previous syllable's final
            onset = prev_linked
        voiced = prev_coda is not None and (prev_coda in _VOICED_CODAS or prev_linked != "")
        if prev_coda is None and not initial_voiceless:
            voiced = True
        rr, mr_plain, mr_voiced, kp_plain, kp_voiced = _ONSET[onset]
        if system == "rr":
            on = rr
            if onset == "ㄹ" and prev_coda == "l":
                on = "l"
            vow = _V_RR[vi]
        elif system == "mr":
            on = mr_voiced if voiced else mr_plain
            if onset == "ㄹ" and prev_coda == "l":
                on = "l"
            elif prev_coda == "l" and onset in ("ㄷ", "ㅈ") and not prev_linked:
                on = mr_plain  # said tense after ㄹ: Ulchin, kyŏlchŏng, paltal
            if onset == "ㅅ" and VOWELS[vi] == "ㅟ":
                on = "sh"
            vow = _V_MR[vi]
        else:  # dprk
            on = kp_voiced if voiced else kp_plain
            if onset == "ㄹ" and prev_coda == "l":
                on = "l"
            vow = _V_MR[vi].replace("ŏ", "o").replace("ŭ", "u")
        if system == "mr" and prev_coda == "n" and on.startswith(("k", "g")) and not prev_linked:
            on = "'" + on  # Han'gŭl: n + g, not ng
        # A carried-over consonant was written by the previous syllable already.
        if prev_linked:
            on = ""
        text = on + vow
        if linked:
            # Written at the end of this syllable (same letters as moving it): before a vowel, so voiced.
            lrr, _, lmr, _, lkp = _ONSET[linked]
            text += {"rr": lrr, "mr": lmr, "dprk": lkp}[system]
        else:
            text += coda
        parts.append(text)
        prev_coda, prev_linked = coda, linked
    return parts


def _cap(s: str) -> str:
    for i, c in enumerate(s):
        if c.isalpha():
            return s[:i] + c.upper() + s[i + 1:]
    return s


def romanize_word(word: str, system: str = "rr") -> str:
    """Romanize one run of Hangul (no spaces) as a single word: 평양 → Pyeongyang / P'yŏngyang / Pyongyang."""
    if system == "dprk" and word in _DPRK_EXCEPTIONS:
        return _DPRK_EXCEPTIONS[word]
    return _cap("".join(_render(word, system)))


def _split_person(name: str) -> tuple[str, str] | None:
    if 3 <= len(name) <= 5 and name[:2] in DOUBLE_SURNAMES:
        return name[:2], name[2:]
    if 2 <= len(name) <= 4 and name[0] in SURNAMES:
        return name[0], name[1:]
    return None


def looks_like_person(word: str) -> bool:
    """A three-syllable Hangul run starting with a common surname, or four with a two-syllable
    one (a guess: most Korean names have three syllables; 신의주 also passes)."""
    return bool(_HANGUL_RE.fullmatch(word)) and _person_split(word) is not None


def _surname(sur: str, system: str) -> str:
    if system == "rr":
        conventional = SURNAME_SPELLINGS.get(sur)
        if conventional:
            return conventional[0]
        return _cap("".join(_render(sur, "rr", liaison=False)))
    if system == "mr" and sur == "이":
        return "Yi"
    if system == "dprk" and sur in _DPRK_SURNAMES:
        return _DPRK_SURNAMES[sur]
    return _cap("".join(_render(sur, system, liaison=False)))


def romanize_person(name: str, system: str = "rr") -> str:
    """Romanize a Hangul person name: surname, then given name.

    rr:   Kim Jeong-eun (conventional surname spellings: Lee, Park, Choi)
    mr:   Kim Chŏng-ŭn (sound changes inside the given name, hyphenated)
    dprk: Kim Jong Un (each given-name syllable written apart and capitalized)
    """
    name = name.replace(" ", "")
    if system == "dprk" and name in _DPRK_EXCEPTIONS:
        return _DPRK_EXCEPTIONS[name]
    split = _split_person(name)
    if split is None:
        return _cap(romanize_word(name, system))
    sur, given = split
    surname = _surname(sur, system)
    if not given:
        return surname
    if system == "rr":
        # RR writes given names without sound change between syllables.
        parts = ["".join(_render(ch, "rr", liaison=False)) for ch in given]
        return f"{surname} {_cap('-'.join(parts))}"
    if system == "mr":
        parts = _render(given, "mr", liaison=False)
        return f"{surname} {_cap('-'.join(p.lstrip(chr(39)) for p in parts))}"
    parts = ["".join(_render(ch, "dprk", liaison=False)) for ch in given]
    return f"{surname} {' '.join(_cap(p) for p in parts)}"


def romanize(text: str, system: str = "rr", person: bool | None = False) -> str:
    """Romanize every Hangul run in ``text``; other characters pass through.

    person=True treats each run as a person name; None guesses (surname + 1–3 syllables).
    """
    if system not in ("rr", "mr", "dprk"):
        raise ValueError(f"unknown romanization system {system!r}")

    def one(m: re.Match[str]) -> str:
        run = m.group(0)
        is_person = person if person is not None else looks_like_person(run)
        if is_person:
            return romanize_person(run, system)
        word = romanize_word(run, system)
        glued = m.start() > 0 and text[m.start() - 1].isalnum()
        return word[0].lower() + word[1:] if glued and word[:1].isalpha() else word

    return _HANGUL_RE.sub(one, text)


def romanize_rr(text: str, person: bool | None = False) -> str:
    return romanize(text, "rr", person)


def romanize_mr(text: str, person: bool | None = False) -> str:
    return romanize(text, "mr", person)


def romanize_dprk(text: str, person: bool | None = False) -> str:
    return romanize(text, "dprk", person)


def surname_variants(surname: str) -> list[str]:
    """Every usual Latin spelling of a Hangul surname (system outputs plus conventions)."""
    seen: dict[str, None] = {}
    for v in SURNAME_SPELLINGS.get(surname, ()):
        seen.setdefault(v, None)
    for system in ("rr", "mr", "dprk"):
        seen.setdefault(_surname(surname, system), None)
    return list(seen)


# --- canonical syllable keys for Latin spellings --------------------------------------------------

# Longest first: the splitter is greedy.
_VOWEL_KEYS = {
    "yae": "ye", "yeo": "yo", "yoo": "yu", "you": "yo", "wae": "we", "weo": "wo", "woo": "u", "eui": "ui",
    "ae": "e", "ai": "e", "ya": "ya", "ye": "ye", "eo": "o", "yo": "yo", "wa": "wa", "oe": "we", "oi": "we",
    "we": "we", "wo": "wo", "wi": "wi", "yu": "yu", "eu": "u", "ui": "ui", "oo": "u", "ee": "i", "yi": "i",
    "wu": "u", "a": "a", "e": "e", "o": "o", "u": "u", "i": "i",
}
_VOWEL_SPELLINGS = sorted(_VOWEL_KEYS, key=len, reverse=True)
_ONSET_KEYS = {
    "": "", "g": "k", "k": "k", "kk": "k", "kh": "k", "gg": "k",
    "d": "t", "t": "t", "tt": "t", "th": "t", "dd": "t",
    "b": "p", "p": "p", "pp": "p", "ph": "p", "bb": "p",
    # ㅉ is said as ㄷ-final + ㅈ: both key as "tc" (Tettchwi = Detjjwi)
    "j": "c", "ch": "c", "jj": "tc", "tch": "tc", "chh": "c",
    "s": "s", "ss": "s", "sh": "s",
    "h": "h", "m": "m", "n": "n", "r": "l", "l": "l", "rh": "l",
}
_CODA_KEYS = {"": "", "k": "k", "g": "k", "n": "n", "t": "t", "d": "t", "l": "l", "r": "l", "m": "m",
              "p": "p", "b": "p", "ng": "ng", "kk": "k"}
# Codas a clean parse (query side) accepts; the others only show up as alternatives.
_STRICT_CODAS = {"", "k", "n", "t", "l", "m", "p", "ng"}
_CONSONANT_LETTERS = set("bcdghjklmnprst")
_VOWEL_LETTERS = set("aeiouwy")
# Whole-word spellings that the letter rules cannot read (Park, Choi are handled by rules: ar, oi).
_WORD_OVERRIDES = {
    "park": "pak", "lee": "i", "rhee": "i", "yi": "i", "young": "yong", "yeoung": "yong", "youn": "yun",
    "yoon": "yun", "sohn": "son", "ahn": "an", "oh": "o", "noh": "no", "roh": "no", "koh": "ko", "suh": "so",
    "hur": "ho", "paik": "paek", "rhie": "i", "ree": "i", "lie": "i",
}


def latin_fold(text: str) -> str:
    """Lowercase ASCII for Korean romanizations: ŏ→o, ŭ→u, drop aspiration/breve apostrophes.

    Apostrophes between n and g (MR Han'gŭl) and hyphens become '-' (a syllable boundary).
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("ʼ", "'").replace("‐", "-")
    text = re.sub(r"n'g", "n-g", text)
    text = text.replace("'", "")
    return text


def _units(word: str) -> list[tuple[str, str]] | None:
    """Split a lowercase word into ('V', spelling) and ('C', letters) runs; None if not Korean-like."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c in _VOWEL_LETTERS:
            for sp in _VOWEL_SPELLINGS:
                if word.startswith(sp, i):
                    # y/w must start a glide vowel, never stand alone
                    out.append(("V", sp))
                    i += len(sp)
                    break
            else:
                return None
        elif c in _CONSONANT_LETTERS:
            j = i
            while j < n and word[j] in _CONSONANT_LETTERS:
                j += 1
            out.append(("C", word[i:j]))
            i = j
        else:
            return None
    return out


def _cluster_splits(cluster: str, at_start: bool, at_end: bool) -> list[tuple[str, str]]:
    """Ways to read a consonant run as (coda of previous syllable, onset of next)."""
    if at_start:
        return [("", cluster)] if cluster in _ONSET_KEYS else []
    if at_end:
        return [(cluster, "")] if cluster in _CODA_KEYS else []
    out = []
    for k in range(len(cluster) + 1):
        coda, onset = cluster[:k], cluster[k:]
        if coda in _CODA_KEYS and onset in _ONSET_KEYS:
            out.append((coda, onset))
    return out


def _preferred_split(splits: list[tuple[str, str]], cluster: str, next_vowel: str = "") -> tuple[str, str] | None:
    """The reading a romanizer meant: ng closes a syllable, a consonant before ui closes one
    (의 is common, 늬 all but unknown: Sinuiju is Sin-ui-ju), otherwise the longest onset wins."""
    strict = [s for s in splits if s[0] in _STRICT_CODAS]
    if not strict:
        return None
    if cluster.startswith("ng"):
        for s in strict:
            if s[0] == "ng":
                return s
    if len(cluster) == 2 and cluster[0] == cluster[1]:  # medial kk/pp/tt: k|k as RR's k|g
        for s in strict:
            if s == (cluster[0], cluster[1]):
                return s
    if next_vowel in ("ui", "eui"):
        for s in strict:
            if s[0] and not s[1]:
                return s
    return min(strict, key=lambda s: len(s[0]))


def _syllable_key(onset: str, vowel: str, coda: str, word_initial: bool) -> str:
    on = _ONSET_KEYS[onset]
    v = _VOWEL_KEYS[vowel]
    if v == "ui" and on == "h":  # 희 is said 히: Hee / Hui / Hŭi
        v = "i"
    if word_initial and on in ("l", "n"):  # 리/이, 룡/용, 로동/노동
        on = "" if v[0] in "iy" else "n"
    return on + v + _CODA_KEYS[coda]


def _prepare(word: str) -> str:
    word = _WORD_OVERRIDES.get(word, word)
    # Silent h after a vowel (Ahn, Sohn, Oh); ar before a consonant (Park-style spellings).
    word = re.sub(r"(?<=[aeiou])h(?=[^aeiouwy]|$)", "", word)
    word = re.sub(r"(?<=a)r(?=[^aeiouwy]|$)", "", word)
    return word


@lru_cache(maxsize=65536)
def _parse_part(part: str, all_readings: bool) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """Syllable keys of one separator-free part.

    Returns (keys of every plausible reading, keys of the preferred reading) or None.
    """
    units = _units(part)
    if not units or all(k == "C" for k, _ in units):
        return None
    # Build the sequence: [onset?] V [C V]* [coda?]; consonant runs between vowels are ambiguous.
    vowels = [sp for k, sp in units if k == "V"]
    clusters: list[str] = []  # cluster before vowel i (len = len(vowels) + 1, last = trailing)
    cur = ""
    for kind, sp in units:
        if kind == "C":
            cur = sp
        else:
            clusters.append(cur)
            cur = ""
    clusters.append(cur)
    if len(clusters) != len(vowels) + 1:
        return None
    nv = len(vowels)
    options: list[list[tuple[str, str]]] = []
    preferred: list[tuple[str, str]] = []
    for i, cl in enumerate(clusters):
        at_start, at_end = i == 0, i == nv
        if not cl:
            opts = [("", "")]
        else:
            opts = _cluster_splits(cl, at_start, at_end)
        if not opts:
            return None
        options.append(opts)
        pref = _preferred_split(opts, cl, vowels[i] if i < nv else "") if cl else ("", "")
        if pref is None:
            return None
        preferred.append(pref)
    pref_keys = tuple(
        _syllable_key(preferred[i][1], vowels[i], preferred[i + 1][0], i == 0) for i in range(nv)
    )
    if not all_readings:
        return frozenset(pref_keys), pref_keys
    keys: set[str] = set(pref_keys)
    for i in range(nv):
        for _, onset in options[i]:
            for coda, _ in options[i + 1]:
                keys.add(_syllable_key(onset, vowels[i], coda, i == 0))
    return frozenset(keys), pref_keys


def _parts(token: str) -> tuple[str, list[str]] | None:
    folded = latin_fold(token)
    parts = [p for p in re.split(r"[-\s]+", folded) if p]
    if not parts:
        return None
    parts = [_prepare(p) for p in parts]
    return "".join(parts), parts


@lru_cache(maxsize=65536)
def syllable_keys(token: str) -> tuple[str, ...] | None:
    """Canonical keys of a Latin token's Korean syllables, as its writer most likely split it.

    ``Kaech'ŏn``, ``Kaechon``, ``Gaecheon`` → ('ke', 'con'); ``Jong-un`` → ('cong', 'un').
    None when the token cannot be read as romanized Korean (``Hair``, ``Xinda``).
    """
    p = _parts(token)
    if p is None:
        return None
    _, parts = p
    out: list[str] = []
    for part in parts:
        r = _parse_part(part, False)
        if r is None:
            return None
        out.extend(r[1])
    return tuple(out)


# --- whole-token keys ------------------------------------------------------------------------------

@lru_cache(maxsize=131072)
def token_key(token: str) -> str | None:
    """One key for a whole Latin token read as Korean, the same for every romanization of it:
    Kaechon, Kaech'ŏn, Gaecheon → 'kecon'; Ryonbong, Yonbong → 'yonpong'; Ri, Lee, Yi → 'i'.

    Separators are ignored (Han'gŭl = Hangeul), so keys do not depend on where a writer put
    syllable breaks.  None when the token cannot be read as romanized Korean.
    """
    p = _parts(token)
    if p is None:
        return None
    glued, parts = p
    r = _parse_part(glued, False)
    if r is None:
        return None
    return "".join(r[1])


def _person_split(word: str) -> tuple[str, str] | None:
    """Surname and given name when a run reads as a person name (three syllables, or four with a
    two-syllable surname); two-syllable runs are more often places and words."""
    split = _split_person(word)
    if split and (len(split[1]) == 2 or (len(split[0]) == 2 and split[1])):
        return split
    return None


@lru_cache(maxsize=65536)
def hangul_unit(word: str) -> str | None:
    """The token key a query for a Hangul run asks for: the key of its spellings glued
    together.  개천 → 'kecon'; 김정은 → 'kimcongun' (= Kim + Jong + Un, which the index joins);
    a person name is romanized surname apart, so 박명수 is Pak-myŏngsu, not Pangmyŏngsu."""
    split = _person_split(word)
    if split:
        return _joined_key(romanize_person(word, "dprk"))
    return token_key(romanize_word(word, "mr"))


def _joined_key(spelling: str) -> str | None:
    """Keys of space/hyphen-separated tokens joined, as the index joins consecutive tokens."""
    keys = [token_key(t) for t in re.split(r"[\s\-]+", spelling) if t]
    return "".join(keys) if keys and all(keys) else None  # type: ignore[arg-type]


@lru_cache(maxsize=65536)
def hangul_keys(word: str) -> frozenset[str]:
    """Every token key a Hangul run is indexed under: each system's spelling of the whole run,
    and for person names the surname, the glued given name and each given-name syllable."""
    keys: set[str | None] = {hangul_unit(word)}
    for system in ("rr", "mr", "dprk"):
        keys.add(token_key(romanize_word(word, system)))
    split = _split_person(word)
    if split:
        sur, given = split
        for system in ("rr", "mr", "dprk"):
            keys.add(_joined_key(romanize_person(word, system)))
            keys.add(token_key(_surname(sur, system)))
            keys.add(token_key(romanize_word(given, system)))
            for ch in given:
                keys.add(token_key(romanize_word(ch, system)))
        for spelling in SURNAME_SPELLINGS.get(sur, ()):
            keys.add(token_key(spelling))
    keys.discard(None)
    return frozenset(keys)  # type: ignore[arg-type]
