#!/usr/bin/env python3
"""Build the bundled reference data from ../shared/data.

Only files that ../shared/README.md marks bundle=yes are taken, and only the facts
and citations in them (no article text). Run from the repository root:

    python scripts/build_reference_data.py [--shared ../shared] [--out src/tollwatch/data]

The output is deterministic: the same inputs give byte-identical files, which the
test suite checks against the committed copy.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import sys
from pathlib import Path

# What we take, and under what terms (mirrors ../shared/README.md's bundle column).
BUNDLE = {
    "facilities": ("data/facilities/facilities.csv", "facts with citations", "compiled from Wikipedia, HRNK, US State Dept, Daily NK, Korea Future (cited per row)"),
    "articles": ("data/articles/articles_index.jsonl", "citations (URL, publisher, title) with our own paraphrases", "the URLs in each record"),
    "companies": ("data/companies/companies_named_in_reporting.csv", "allegations with citations, never sanctioned entities", "cited URLs"),
    "hs2022": ("data/trade/hs2022_harmonized-system.csv", "ODC-PDDL", "github datasets/harmonized-system @905e5a0f"),
    "trade_figures": ("data/trade/cn_dprk_hair_trade_figures_from_news.csv", "facts with citations", "compiled from the cited pages"),
    "ofac_sdn": ("data/sanctions/ofac_sdn_2024-05-03.csv", "US government work, public domain", "US Treasury OFAC via github jackdwyer/specially-designated-nationals-list @a5ec3c5e"),
    "ofac_alt": ("data/sanctions/ofac_alt_2026-06-02.csv", "public domain", "US Treasury OFAC via github mino6225/eurasian-risk-screener @77f04277"),
    "ofac_add": ("data/sanctions/ofac_add_2026-06-02.csv", "public domain", "US Treasury OFAC via github mino6225/eurasian-risk-screener @77f04277"),
    "un_sc": ("data/sanctions/un_sc_consolidated_2026-01-28.xml", "UN public list", "UN Security Council via github haverisenosku/pakote_data @8e464ed1 (data/un.xml)"),
    "uk_ofsi": ("data/sanctions/uk_ofsi_conlist_2025-04-14.xlsx", "Open Government Licence v3.0", "UK HM Treasury OFSI Consolidated List (ConList.xlsx) via github mmahmed107/malverde_data_task @1325d9fb"),
}
# What a licence asks us to say wherever the data is used (the OGL's attribution statement).
ATTRIBUTION = {
    "uk_ofsi": "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/): "
    "UK HM Treasury, Office of Financial Sanctions Implementation, Consolidated List of Financial Sanctions Targets.",
}
# Explicitly never bundled: the seed article (copyrighted), Korea Future points (license
# not stated), the name benchmark (benchmark input only).
NEVER = ("data/seed/", "data/facilities/korea_future_prison_db_points.geojson", "data/benchmarks/")

SNAPSHOT_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


class BuildError(Exception):
    pass


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


# Names of gazetteer facilities found by our own research (one cited page per name), added to
# the row's aliases with the page among its sources, so every name keeps a citation.
OWN_NAMES = Path(__file__).resolve().parent / "data" / "facility_names.tsv"


def _with_own_names(rows: list[dict]) -> list[dict]:
    by_id = {r["facility_id"]: r for r in rows}
    with OWN_NAMES.open(encoding="utf-8", newline="") as fh:
        for line, extra in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            row = by_id.get(extra["facility_id"])
            if row is None:
                raise BuildError(f"{OWN_NAMES.name}:{line}: facility_id: {extra['facility_id']!r} is not in the gazetteer")
            if not extra["source_url"].startswith("https://"):
                raise BuildError(f"{OWN_NAMES.name}:{line}: source_url: a name needs the page it was found on")
            row["aliases"] = "; ".join(a for a in (row["aliases"], extra["name"]) if a)
            note = "tollwatch found names since (cited among the other sources): "
            if note not in row["notes"]:
                row["notes"] = f"{row['notes']} {note}{extra['name']}".strip()
            else:
                row["notes"] += f", {extra['name']}"
            if extra["source_url"] not in row["other_sources"]:
                row["other_sources"] = " | ".join(a for a in (row["other_sources"], extra["source_url"]) if a)
    return rows


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _xlsx_as_csv(path: Path) -> bytes:
    """The first sheet's cells as CSV, unchanged (text as is, empty cells empty), rows padded to one width."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [["" if v is None else str(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        if any(row):
            writer.writerow(row + [""] * (width - len(row)))
    return buf.getvalue().encode("utf-8")


def _dump(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def build(shared: Path, out: Path) -> dict:
    readme = (shared / "README.md").read_text(encoding="utf-8")
    for key, (rel, _license, _origin) in BUNDLE.items():
        if not (shared / rel).is_file():
            raise BuildError(f"{shared / rel}: missing input for {key}")
        row = next((line for line in readme.splitlines() if f"| {rel} |" in line), None)
        bundle_cell = row.strip().strip("|").split("|")[-1].strip().strip("*").strip() if row else ""
        if not bundle_cell.startswith("yes"):
            # The README's bundle column is the authority; refuse anything it does not allow.
            raise BuildError(f"{rel}: ../shared/README.md does not mark it bundle=yes")
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}

    facilities = _with_own_names(_read_csv(shared / BUNDLE["facilities"][0]))
    hs_rows = _read_csv(shared / BUNDLE["hs2022"][0])
    hs_codes = {r["hscode"] for r in hs_rows}
    files["facilities.json"] = _dump(facilities)
    articles = [json.loads(line) for line in (shared / BUNDLE["articles"][0]).read_text(encoding="utf-8").splitlines() if line.strip()]
    keep = ("id", "url", "publisher", "title", "kind", "date", "entities", "products", "claims_paraphrased")
    files["articles.json"] = _dump([{k: a.get(k) for k in keep} for a in articles])
    files["companies.json"] = _dump(_read_csv(shared / BUNDLE["companies"][0]))
    files["trade_figures.json"] = _dump(_read_csv(shared / BUNDLE["trade_figures"][0]))
    files["hs2022.json.gz"] = _gzip_bytes(_dump([{k: r[k] for k in ("hscode", "description", "parent", "level", "section")} for r in hs_rows]))

    # Every catalogue HS code must be real.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tollwatch.core.catalogue import PRODUCTS

    for p in PRODUCTS:
        for code in p.hs_codes:
            if code not in hs_codes:
                raise BuildError(f"catalogue: {p.id} uses HS code {code}, which HS 2022 does not have")

    for key in ("ofac_sdn", "ofac_alt", "ofac_add", "un_sc"):
        rel = BUNDLE[key][0]
        suffix = Path(rel).suffix
        files[f"{key}{suffix}.gz"] = _gzip_bytes((shared / rel).read_bytes())
    # The UK workbook ships as OFSI's own CSV layout (row 1 "Last Updated", row 2 the header):
    # the same cells, read in a fraction of the time a workbook takes on first screening.
    files["uk_ofsi.csv.gz"] = _gzip_bytes(_xlsx_as_csv(shared / BUNDLE["uk_ofsi"][0]))

    manifest = {"files": {}, "inputs": {}}
    for key, (rel, license_, origin) in BUNDLE.items():
        raw = (shared / rel).read_bytes()
        date = SNAPSHOT_DATE.search(rel)
        manifest["inputs"][key] = {
            "path": rel,
            "license": license_,
            "origin": origin,
            "snapshot_date": date.group(1) if date else None,
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        if key in ATTRIBUTION:
            manifest["inputs"][key]["attribution"] = ATTRIBUTION[key]
    for name, data in sorted(files.items()):
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
    files["manifest.json"] = _dump(manifest)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return manifest


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=root.parent / "shared")
    ap.add_argument("--out", type=Path, default=root / "src" / "tollwatch" / "data")
    args = ap.parse_args(argv)
    try:
        manifest = build(args.shared, args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(manifest['files'])} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
