"""Name intelligence: one place that knows how names in every script meet.

Pure functions, no I/O.  Public API (used by the store, screening and extraction):

- ``normalize(text) -> str``: casefolded, accent- and breve-free, punctuation-free
  ("Kaech'ŏn" → "kaechon"); Hangul and Han are kept as they are.
- ``token_keys(text) -> set[str]``: every key a name is *indexed* under.  Per token: the
  normalized token, its folded legal form or abbreviation (co ltd corp trade intl …), a
  Korean token key ("k:kecon") when the token reads as romanized Korean or is Hangul, and
  English + pinyin for Han (丹东鑫达发制品有限公司 → dandong xinda hair prod co ltd).  Kaechon,
  Kaech'ŏn, Gaecheon and 개천 all carry "k:kecon".  Keys identify a whole token, never a
  part of one (Kaechon and Kenya share nothing), so two tokens that share a key are the
  same token in another spelling.  A whole name's keys also hold consecutive Korean tokens
  glued ("Kim Jong Un" → "k:congun", "k:kimcongun"), so split and glued given names meet.
- ``query_keys(text) -> set[str]``: the keys a *query* must find, one canonical key per
  meaningful token, a subset of ``token_keys`` of any spelling that meets it.  Legal forms,
  stopwords and "No." are left out unless nothing else is left.  A store finds an entity
  when ``query_keys(q) <= token_keys(name)`` for one of its names.
- ``name_variants(text) -> list[str]``: Latin renderings: for Hangul RR, MR and DPRK
  (person names split surname / given name); for Han the English trade-record name and
  pinyin; Latin text itself (and without its parenthesised acronym).
- ``name_key(text, sort=False) -> str``: one comparable string of the whole name —
  romanized, Korean tokens keyed (consecutive ones glued), legal forms folded — for string
  similarity: "Kim Jong-un", "KIM Jong Un", 김정은 → "kimcongun".
- ``ngrams(text, n=3) -> set[str]``: character n-grams of ``name_key`` for candidate retrieval.
- ``key_tokens(text) -> list[tuple[str, str]]``: (kind, key) per unit in order, kind one of
  word, ko (Korean token key), legal, stop, num — lets scorers weight units (see token_weight).

Re-exported helpers: korean (romanize, romanize_rr/mr/dprk, romanize_person, syllable_keys,
token_key, hangul_unit, surname_variants), chinese (pinyin, translate, pinyin_name,
to_simplified, to_traditional), legal (fold_legal, fold_token, is_legal_form, token_weight,
acronym_matches, split_acronym, extract_acronym, is_truncation).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import chinese, hanja, korean, legal
from .chinese import has_han, pinyin, pinyin_name, to_simplified, to_traditional, translate
from .korean import (
    has_hangul,
    hangul_unit,
    romanize,
    romanize_dprk,
    romanize_mr,
    romanize_person,
    romanize_rr,
    surname_variants,
    syllable_keys,
    token_key,
)
from .legal import (
    GENERIC_TERMS,
    LEGAL_FORMS,
    STOPWORDS,
    acronym_matches,
    extract_acronym,
    fold_legal,
    fold_token,
    is_legal_form,
    is_truncation,
    split_acronym,
    token_weight,
)

__all__ = [
    "normalize", "token_keys", "query_keys", "name_variants", "explained_variants", "name_key", "ngrams", "key_tokens",
    "korean", "chinese", "legal",
    "romanize", "romanize_rr", "romanize_mr", "romanize_dprk", "romanize_person", "syllable_keys",
    "token_key", "hangul_unit", "surname_variants", "has_hangul",
    "pinyin", "pinyin_name", "translate", "to_simplified", "to_traditional", "has_han",
    "fold_legal", "fold_token", "is_legal_form", "token_weight", "acronym_matches", "split_acronym",
    "extract_acronym", "is_truncation", "LEGAL_FORMS", "STOPWORDS", "GENERIC_TERMS",
]

KANA_RE = re.compile(r"[\u3040-\u30ff]")  # Japanese: its Han are not read in Korean
KO = "k:"  # prefix of Korean syllable keys, so they never collide with plain words

_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)['’‘ʼ`](?=\w)")
_HANGUL_RUN = re.compile("[\uac00-\ud7a3]+")
# Boundaries between scripts and between letters and digits: 제14호 → 제 14 호, Che1ho → che 1 ho.
_SCRIPT_SPLIT = re.compile(
    r"(?<=\d)(?=\D)|(?<=\D)(?=\d)"
    r"|(?<=[\uac00-\ud7a3])(?=[^\uac00-\ud7a3])|(?<=[^\uac00-\ud7a3])(?=[\uac00-\ud7a3])"
)
_NUMBERED = re.compile(r"(?:^|(?<= ))(?:제|che|je|no|nr|number|num)\s(\d+)(?: (?:호|ho))?(?= |$)")


_CACHE_MAX_LEN = 400  # longer texts are not names; do not keep them in the caches


def normalize(text: str) -> str:
    """Casefolded, accent-free, punctuation-free; apostrophes inside words vanish (Kaech'ŏn → kaechon)."""
    return _normalize_cached(text) if len(text) <= _CACHE_MAX_LEN else _normalize(text)


@lru_cache(maxsize=131072)
def _normalize_cached(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text)  # recompose Hangul syllables
    text = _APOSTROPHE_IN_WORD.sub("", text.casefold())
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def _split_scripts(normalized: str) -> str:
    return " ".join(_SCRIPT_SPLIT.sub(" ", normalized).split())


def _latin_units(token: str, canon: list[tuple[str, str]], index: set[str]) -> None:
    index.add(token)
    if token in STOPWORDS:
        canon.append(("stop", token))
        return
    if token.isdigit():
        canon.append(("num", token.lstrip("0") or "0"))
        index.add(token.lstrip("0") or "0")
        return
    if token in legal._FOLD:
        folded = legal._FOLD[token]
        index.add(folded)
        canon.append(("legal" if folded in LEGAL_FORMS else ("stop" if folded in STOPWORDS else "word"), folded))
        return
    key = korean.token_key(token)
    if key:
        canon.append(("ko", KO + key))
        return
    canon.append(("word", token))


def _hangul_units(word: str, canon: list[tuple[str, str]], index: set[str]) -> None:
    index.add(word)
    index.update(KO + k for k in korean.hangul_keys(word))
    # A person's name is not made of terms (조선희 is Cho Sŏn-hŭi, not "Korea hŭi").
    pieces = [(word, None)] if korean.looks_like_person(word) else korean.segment_terms(word)
    if len(pieces) == 1 and pieces[0][1] is None:
        key = korean.hangul_unit(word)
        canon.append(("ko", KO + key) if key else ("word", word))
        return
    for han, eng in pieces:
        if eng is None:
            index.update(KO + k for k in korean.hangul_keys(han))
            key = korean.token_key(korean.romanize_word(han, "mr"))
            canon.append(("ko", KO + key) if key else ("word", han))
        else:
            index.add(han)
            sub_canon: list[tuple[str, str]] = []
            _text_units(eng, sub_canon, index)
            canon.extend(sub_canon)


def _han_to_latin(text: str, index: set[str]) -> str:
    """Replace Han runs with their trade-record English; index the Han and its pinyin too."""

    def one(m: re.Match[str]) -> str:
        run = m.group(0)
        simp = chinese.to_simplified(run)
        index.add(normalize(run))
        index.add(simp)
        words = []
        for kind, han, eng in chinese.segment(run):
            if kind == "brand":
                index.update(chinese.han_word_pinyin(han))
            words.append(eng)
        index.add("".join(chinese.han_word_pinyin(simp)))
        return " " + " ".join(words) + " "

    return chinese.HAN_RE.sub(one, text)


def _text_units(text: str, canon: list[tuple[str, str]], index: set[str]) -> None:
    text = legal.replace_cjk_legal_forms(text, legal.HANGUL_LEGAL_FORMS)
    if chinese.has_han(text):
        text = _han_to_latin(text, index)
    norm = _split_scripts(normalize(text))
    norm = _NUMBERED.sub(r"no \1", norm)
    norm = legal.fold_phrases(norm)
    tokens = norm.split()
    for i, token in enumerate(tokens):
        if token == "no" and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            canon.append(("stop", "no"))  # "No. 14" = "14" = 제14호
            index.add("no")
        elif _HANGUL_RUN.fullmatch(token):
            _hangul_units(token, canon, index)
        else:
            _latin_units(token, canon, index)


def _analyze(text: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    return _analyze_cached(text) if len(text) <= _CACHE_MAX_LEN else _analyze_uncached(text)


@lru_cache(maxsize=131072)
def _analyze_cached(text: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    return _analyze_uncached(text)


def _analyze_uncached(text: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    canon: list[tuple[str, str]] = []
    index: set[str] = set()
    _text_units(text, canon, index)
    index.update(k for _, k in canon)
    # Given names written apart (Jong Un) are indexed glued too (Jongun), up to three syllables.
    for i, (kind, key) in enumerate(canon):
        if kind != "ko":
            continue
        glued = key
        for kind2, key2 in canon[i + 1:i + 3]:
            if kind2 != "ko":
                break
            glued += key2[len(KO):]
            index.add(glued)
    index.discard("")
    return tuple(canon), frozenset(index)


def token_keys(text: str) -> set[str]:
    """Every key a name is indexed under (see module docstring)."""
    return set(_analyze(text)[1])


def key_tokens(text: str) -> list[tuple[str, str]]:
    """(kind, key) for each unit of the name, in order."""
    return list(_analyze(text)[0])


def query_keys(text: str) -> set[str]:
    """Canonical keys a query needs to find: one per meaningful unit, without legal forms and
    stopwords (unless the query is nothing else)."""
    rest, acronym = split_acronym(text)
    canon = _analyze(rest if acronym and normalize(rest) else text)[0]
    keys = {k for kind, k in canon if kind not in ("legal", "stop")}
    return keys or {k for _, k in canon}


def name_key(text: str, sort: bool = False) -> str:
    """One comparable string of the whole name.  Consecutive Korean tokens are glued, since
    writers split given names differently: 'Kim Jong-un', 'KIM Jong Un', 김정은 → 'kimcongun'."""
    keys: list[str] = []
    prev_ko = False
    for kind, k in _analyze(text)[0]:
        if kind == "ko":
            if prev_ko:
                keys[-1] += k[len(KO):]
            else:
                keys.append(k[len(KO):])
        else:
            keys.append(k)
        prev_ko = kind == "ko"
    if sort:
        keys.sort()
    return " ".join(keys)


def ngrams(text: str, n: int = 3) -> set[str]:
    """Character n-grams of ``name_key`` (padded with spaces) for candidate retrieval."""
    key = name_key(text)
    if not key:
        return set()
    padded = f" {key} "
    if len(padded) <= n:
        return {padded}
    return {padded[i:i + n] for i in range(len(padded) - n + 1)}


Explained = tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]


@lru_cache(maxsize=131072)
def explained_variants(text: str) -> Explained:
    """(rendering, how, words translated) for each Latin rendering: how is 'transliteration'
    (romanization, pinyin) or 'translation' (name terms by meaning: 고려항공 → Koryo Air)."""
    out: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    if not normalize(text):
        return ()
    _korean_variants(text, out)
    if chinese.has_han(text):
        for rendered, pairs in chinese.translations(text):
            out.setdefault(rendered, ("translation" if pairs else "transliteration", pairs))
        as_person = chinese.person_pinyin(text)
        if as_person:
            out.setdefault(as_person, ("transliteration", ()))
        for as_hk in chinese.cantonese_person(text):  # a Hong Kong name, as its identity card spells it
            out.setdefault(as_hk, ("transliteration", ()))
        out.setdefault(chinese.pinyin_name(text), ("transliteration", ()))
        # Korean names in Hanja (高麗航空 is 고려항공): read them in Korean too.
        # Read in the traditional forms Hanja are written in (机 is 機, 기, not the 机 of 궤).
        han = legal.replace_cjk_legal_forms(text, legal.HAN_LEGAL_FORMS)
        read = hanja.to_hangul(chinese.to_traditional(han)) or hanja.to_hangul(han)
        if read and not KANA_RE.search(text):
            _korean_variants(read, out)
    if not korean.has_hangul(text) and not chinese.has_han(text):
        out.setdefault(" ".join(text.split()), ("original", ()))
        rest, acr = split_acronym(text)
        if acr:
            out.setdefault(rest, ("original", ()))
            out.setdefault(acr, ("original", ()))
    return tuple((v, how, pairs) for v, (how, pairs) in out.items() if v)


def _korean_variants(text: str, out: dict[str, tuple[str, tuple[tuple[str, str], ...]]]) -> None:
    """Romanizations (RR, MR, DPRK; as a person and not) and term translations of Hangul text."""
    if not korean.has_hangul(text):
        return
    for person in (None, False):
        for system in ("rr", "mr", "dprk"):
            out.setdefault(korean.romanize(text, system, person=person), ("transliteration", ()))
    for alternative in (0, 1):
        translated, pairs = _translate_hangul_terms(text, alternative)
        if translated:
            out.setdefault(translated, ("translation", pairs))


def _variants(text: str) -> tuple[str, ...]:
    return tuple(v for v, _, _ in explained_variants(text))


def _translate_hangul_terms(text: str, alternative: int = 0) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Latin with Korean name terms in English: 조선광선은행 → 'Korea Kwangson Bank'."""
    pairs: list[tuple[str, str]] = []

    def one(m: re.Match[str]) -> str:
        words = []
        for han, eng in korean.segment_terms(m.group(0)):
            if eng:
                options = korean.TERM_RENDERINGS.get(han, (eng,))
                eng = options[min(alternative, len(options) - 1)]
                pairs.append((han, eng))
                words.append(eng)
            else:
                words.append(korean.romanize_word(han, "dprk"))
        return " " + " ".join(words) + " "

    text = legal.replace_cjk_legal_forms(text, legal.HANGUL_LEGAL_FORMS)
    out = " ".join(_HANGUL_RUN.sub(one, text).split())
    return (out if pairs else None), tuple(pairs)


def name_variants(text: str) -> list[str]:
    """Latin renderings of a name (see module docstring)."""
    return list(_variants(text))
