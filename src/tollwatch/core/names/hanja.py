"""Han characters read in Korean (Hanja): 高麗航空 is 고려항공, Air Koryo, not "Gaoli Hangkong".

North and South Korean names are often written in Hanja, in lists, trade records and the
press. Read only in pinyin they meet nothing; read in Korean they meet the list's romanized
and translated names through core.names' Korean readings. The readings are data
(core/data/hanja_ko.tsv), read once at first use. Pure: no I/O beyond package data.
"""

from __future__ import annotations

from functools import lru_cache

from .terms import read_lines

__all__ = ["readings", "to_hangul"]


@lru_cache(maxsize=1)
def readings() -> dict[str, str]:
    """Han character → its Sino-Korean reading (one Hangul syllable)."""
    table: dict[str, str] = {}
    for lineno, fields in read_lines("hanja_ko.tsv"):
        if len(fields) != 2 or len(fields[0]) != 1 or len(fields[1]) != 1:
            raise ValueError(f"hanja_ko.tsv, line {lineno}: expected 'character<TAB>Hangul syllable'")
        table[fields[0]] = fields[1]
    return table


@lru_cache(maxsize=65536)
def to_hangul(text: str) -> str | None:
    """The text with every Han character read in Korean; None when one has no reading."""
    table = readings()
    out = []
    for ch in text:
        code = ord(ch)
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            reading = table.get(ch)
            if reading is None:
                return None
            out.append(reading)
        else:
            out.append(ch)
    return "".join(out)
