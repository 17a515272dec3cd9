"""Phonetic loans: a foreign brand written in Han by its sound, and the English word it renders.

普萊米樂 (pu lai mi le) is PREMERA, 麥克維爾 (mai ke wei er) MAKEWELL, 信諾 (xin nuo) SINNO:
neither pinyin nor translation reaches the list's spelling, but their consonants agree once
both are reduced to a key of sound classes. Chinese has no r-l contrast in loans (l stands
for both), writes English voiced stops with its unaspirated ones (b for p, d for t, g for k),
its sibilants (x, s, z, j, q, zh, ch, sh) for English s, z, j, ch, and drops vowels' colour.
A key is the sequence of consonant classes with repeats merged: both PREMERA and pu lai mi
le give "plml". Keys are short, so a key match is weak evidence: core.loan_match counts it
only beside other words that agree. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import chinese

__all__ = ["english_key", "pinyin_key", "brand_runs", "reads_as_pinyin"]

# Pinyin initials (longest first) → sound class; "" for y and h, which loans use for vowels.
_INITIALS = (("zh", "s"), ("ch", "s"), ("sh", "s"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"), ("g", "k"), ("k", "k"),
             ("j", "s"), ("q", "s"), ("x", "s"), ("z", "s"), ("c", "s"), ("s", "s"), ("f", "f"), ("h", ""), ("l", "l"),
             ("r", "l"), ("m", "m"), ("n", "n"), ("w", "w"), ("y", ""))
# English spellings → sound class, longest first; vowels, h and y carry none.
_ENGLISH = (("sch", "s"), ("ph", "f"), ("th", "t"), ("sh", "s"), ("ch", "s"), ("ck", "k"), ("wh", "w"), ("qu", "kw"),
            ("x", "ks"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"), ("g", "k"), ("k", "k"), ("q", "k"), ("j", "s"),
            ("z", "s"), ("s", "s"), ("f", "f"), ("v", "w"), ("w", "w"), ("l", "l"), ("r", "l"), ("m", "m"), ("n", "n"))
_SOFT_C = re.compile(r"c(?=[eiy])")
_SILENT_R = re.compile(r"(?<=[aeiouy])r+(?![aeiouy])")  # an r after a vowel and before none is not written: Palomar is 帕洛马
_REPEATS = re.compile(r"(.)\1+")


def _merge(classes: str) -> str:
    return _REPEATS.sub(r"\1", classes)


@lru_cache(maxsize=65536)
def pinyin_key(syllables: tuple[str, ...]) -> str:
    """The sound-class key of toneless pinyin syllables: ('pu', 'lai', 'mi', 'le') → 'plml'.
    A final n or ng counts as n; the syllable er (尔, 爾) as the r (l) it renders."""
    out = []
    for syl in syllables:
        syl = syl.casefold()
        if syl == "er":
            out.append("l")
            continue
        for initial, cls in _INITIALS:
            if syl.startswith(initial):
                out.append(cls)
                syl = syl[len(initial):]
                break
        if syl.endswith("n") or syl.endswith("ng"):
            out.append("n")
    return _merge("".join(out))


@lru_cache(maxsize=65536)
def english_key(word: str) -> str:
    """The sound-class key of a Latin word: PREMERA → 'plml', MAKEWELL → 'mkwl', SINNO → 'sn';
    PALOMAR → 'plm' (Chinese writes no r that ends a syllable)."""
    word = _SILENT_R.sub("", _SOFT_C.sub("s", word.casefold())).replace("c", "k")
    out = []
    i = 0
    while i < len(word):
        for spelling, cls in _ENGLISH:
            if word.startswith(spelling, i):
                out.append(cls)
                i += len(spelling)
                break
        else:
            i += 1  # a vowel, h, y or a letter of another alphabet: no class
    return _merge("".join(out))


@lru_cache(maxsize=65536)
def brand_runs(text: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The brands of a Han name that may be loans: (the words the name's renderings write for
    it, its pinyin syllables) per run of characters that are neither a place nor a term.
    普萊米樂(香港)國際貿易有限公司 → ((('Pulai', 'Mile'), ('pu', 'lai', 'mi', 'le')),)."""
    out = []
    for m in chinese.HAN_RE.finditer(text):
        words: list[str] = []
        syllables: list[str] = []
        for kind, han, eng in (*chinese.segment(m.group(0)), ("end", "", "")):
            if kind == "brand":
                words.append(eng)
                syllables.extend(chinese.han_word_pinyin(han))
            elif words:
                out.append((tuple(words), tuple(syllables)))
                words, syllables = [], []
    return tuple(out)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable with a vowel (pypinyin's dictionary; 嗯 n and 呣 m left out)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c)).replace("ü", "v")
            if re.search("[aeiouv]", plain):
                out.add(plain)
    return frozenset(out)


@lru_cache(maxsize=65536)
def reads_as_pinyin(word: str) -> bool:
    """The word can be read as pinyin syllables throughout (SHENZHEN, KALA): a Chinese name
    written in pinyin, or a word that looks like one; such a list word is not taken for a loan."""
    word = word.casefold()
    syllables = _syllables()
    ends = [True] + [False] * len(word)
    for i in range(len(word)):
        if ends[i]:
            for n in range(1, 7):
                if i + n <= len(word) and word[i:i + n] in syllables:
                    ends[i + n] = True
    return ends[-1]
