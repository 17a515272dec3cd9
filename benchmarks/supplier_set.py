"""Builds benchmarks/data/supplier_file.csv, the supplier-file false-alarm set (issue 14, item 7).

Real innocent company names, screened as a supplier file would be: the company names of
name_bench's non-matching pairs (../shared/data/benchmarks/name_bench_cases.csv) and the
companies named in reporting (../shared/data/companies; allegations, not listings), minus North
Korean companies and every name written exactly (case and punctuation aside) as a name on the bundled lists.
The trade sources in ../shared/data/trade hold no company names, so none come from there.

Run:  .venv/bin/python benchmarks/supplier_set.py   (rewrites the CSV)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "data" / "supplier_file.csv"
ORG = {"Company", "Organization", "LegalEntity"}


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())


def listed_names() -> set[str]:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "tests"))
    from screening_support import prepared

    return {_norm(n) for r in prepared().index.records if r.dataset != "tollwatch" for n in r.names}


def main() -> None:
    listed = listed_names()
    rows: dict[str, dict[str, str]] = {}
    for r in csv.DictReader((SHARED / "benchmarks" / "name_bench_cases.csv").open(encoding="utf-8")):
        if r["is_match"] != "false" or r["schema"] not in ORG:
            continue
        for name in (r["name1"], r["name2"]):
            rows.setdefault(_norm(name), {"name": name, "country": "", "source": "name_bench non-match"})
    for r in csv.DictReader((SHARED / "companies" / "companies_named_in_reporting.csv").open(encoding="utf-8")):
        if re.search(r"north korea|dprk|pyongyang|rason", r["country"], flags=re.I):
            continue  # North Korean companies are not innocent suppliers
        rows.setdefault(_norm(r["name"]), {"name": r["name"], "country": r["country"], "source": "companies named in reporting"})
    kept = [row for key, row in rows.items() if key and key not in listed]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["name", "country", "source"])
        w.writeheader()
        w.writerows(kept)
    print(f"{OUT.relative_to(ROOT)}: {len(kept)} names ({len(rows) - len(kept)} left out as listed)")


if __name__ == "__main__":
    main()
