"""The company-name dictionaries, kept as data (core/data/*.tsv), not code.

terms_zh.tsv and terms_ko.tsv translate Chinese and Korean name terms (金属 → Metals,
항공 → Air); meanings_zh.tsv gives single brand characters a meaning (日月星 → Sun Moon
Star); en_forms.tsv makes forms of one English word meet (metals, metallic). They are
package data read once, at first use: nothing is downloaded and nothing is written.
A malformed line is an error naming the file and the line.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["load_terms", "term_sources", "english_forms", "read_lines", "common_words", "cantonese_readings"]


def read_lines(filename: str) -> list[tuple[int, list[str]]]:
    text = (resources.files("tollwatch.core") / "data" / filename).read_text(encoding="utf-8")
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append((lineno, line.rstrip("\n").split("\t")))
    return out


@lru_cache(maxsize=8)
def load_terms(filename: str) -> dict[str, tuple[str, ...]]:
    """term → its English renderings, the usual one first (a TAB, then renderings split by |;
    an optional third field names where the term was learnt: the list record whose English it is)."""
    terms: dict[str, tuple[str, ...]] = {}
    for lineno, fields in read_lines(filename):
        renderings = tuple(r.strip() for r in fields[1].split("|")) if len(fields) in (2, 3) else ()
        if not fields[0].strip() or not renderings or not all(renderings) or (len(fields) == 3 and not fields[2].strip()):
            raise ValueError(f"{filename}, line {lineno}: expected 'term<TAB>English[|English...][<TAB>source]'")
        if fields[0] in terms:
            raise ValueError(f"{filename}, line {lineno}: term {fields[0]!r} is already defined")
        terms[fields[0].strip()] = renderings
    return terms


@lru_cache(maxsize=8)
def term_sources(filename: str) -> dict[str, str]:
    """term → the source its line records (the list record whose English names it), where one is given."""
    return {fields[0].strip(): fields[2].strip() for _, fields in read_lines(filename) if len(fields) == 3}


@lru_cache(maxsize=1)
def english_forms() -> dict[str, str]:
    """word → the first word of its group: forms of one English word share a key."""
    forms: dict[str, str] = {}
    for lineno, words in read_lines("en_forms.tsv"):
        words = [w.strip().casefold() for w in words if w.strip()]
        if len(words) < 2:
            raise ValueError(f"en_forms.tsv, line {lineno}: expected two or more words separated by TABs")
        for w in words:
            forms.setdefault(w, words[0])
    return forms


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words common in company names everywhere (golden, star, sunrise, korea): rare in the
    lists perhaps, but a match resting on them alone says little (core/data/common_words.tsv)."""
    return frozenset(w.strip().casefold() for _, fields in read_lines("common_words.tsv") for w in fields if w.strip())


@lru_cache(maxsize=1)
def cantonese_readings() -> dict[str, tuple[str, ...]]:
    """Han character → its Hong Kong Government Cantonese spellings (葉 → ip, yip), in the source's order.

    Read from the installed `cantonese-romanisation` package (PyPI, MIT licence; data/charToRoman.json),
    a declared dependency, rather than a copy of its table in this repository: nothing is downloaded."""
    import json

    text = (resources.files("cantoroman") / "data" / "charToRoman.json").read_text(encoding="utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for ch, spellings in json.loads(text).items():
        clean = tuple(dict.fromkeys(s.strip().casefold() for s in spellings if s.strip().isalpha() and s.strip().isascii()))
        if len(ch) == 1 and _basic_han(ch) and clean:
            table[ch] = clean
    return table


def _basic_han(ch: str) -> bool:
    """The unified ideographs, extension A and the compatibility block: the characters names use."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
