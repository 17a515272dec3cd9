"""Builds src/tollwatch/core/data/hanja_ko.tsv, the Sino-Korean reading of each Han character.

Korean names written in Hanja (高麗航空 for 고려항공, Air Koryo) are read in Korean, not in
pinyin: this table lets core.names read them so. Input: the table.yml of the `hanja` package
(github suminb/hanja, WTFPL; version 0.15.1), given as a path; this script is not run at
install or at run time, only when the table is to be rebuilt.

Run:  python scripts/build_hanja_readings.py PATH/TO/hanja/table.yml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "core" / "data" / "hanja_ko.tsv"
HEADER = """# Sino-Korean reading of each Han character (CJK Unified Ideographs, Extension A, Compatibility),
# in its original form (no initial-sound rule: 리 stays 리, as North Korea writes it).
# From the table of the hanja package 0.15.1 (github suminb/hanja, WTFPL), built by
# scripts/build_hanja_readings.py. One character a line: character<TAB>Hangul syllable.
"""


def in_ranges(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def main() -> None:
    table = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    rows = sorted((k, v) for k, v in table.items() if len(k) == 1 and in_ranges(k) and len(v) == 1 and 0xAC00 <= ord(v) <= 0xD7A3)
    OUT.write_text(HEADER + "".join(f"{k}\t{v}\n" for k, v in rows), encoding="utf-8")
    print(f"{OUT}: {len(rows)} characters")


if __name__ == "__main__":
    main()
