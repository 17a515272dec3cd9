"""Builds src/tollwatch/core/data/cantonese_hk.tsv, the Hong Kong Government Cantonese
romanisation of each Han character.

Hong Kong people are listed under the spelling of their identity card, not in pinyin:
葉全發 is YIP Chuen Fat, not Ye Quanfa. This table lets core.names read a Hong Kong name so.
Input: data/charToRoman.json of the `cantonese-romanisation` package (PyPI, version 1.0.5,
Chun Law, MIT licence), given as a path; this script is not run at install or at run time,
only when the table is to be rebuilt.

Run:  python scripts/build_cantonese_readings.py PATH/TO/cantoroman/data/charToRoman.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "core" / "data" / "cantonese_hk.tsv"
HEADER = """# Hong Kong Government Cantonese romanisation of each Han character (the spelling of Hong Kong
# identity cards: 葉 Yip, 全 Chuen, 發 Fat), its spellings as the source lists them, in its order.
# From data/charToRoman.json of the cantonese-romanisation package 1.0.5 (PyPI, Chun Law, MIT licence),
# built by scripts/build_cantonese_readings.py. One character a line: character<TAB>spellings separated by |.
"""


def in_ranges(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def main() -> None:
    table = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    rows = []
    for ch, spellings in sorted(table.items()):
        clean = list(dict.fromkeys(s.strip().casefold() for s in spellings if s.strip().isalpha() and s.strip().isascii()))
        if len(ch) == 1 and in_ranges(ch) and clean:
            rows.append(f"{ch}\t{'|'.join(clean)}\n")
    OUT.write_text(HEADER + "".join(rows), encoding="utf-8")
    print(f"{OUT}: {len(rows)} characters")


if __name__ == "__main__":
    main()
