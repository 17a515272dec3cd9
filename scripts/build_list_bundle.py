#!/usr/bin/env python3
"""Pre-parse the bundled lists: the store rows their first-use import makes.

Reads the bundled list files in src/tollwatch/data (built from ../shared by
scripts/build_reference_data.py; their provenance and licences stay in manifest.json),
imports each the ordinary way in memory and writes the rows to
src/tollwatch/data/lists_preparsed.json.gz (tollwatch.importers.list_bundle). Rerun it after
rebuilding the reference data or changing the list readers or name analysis; until then
the first use reads the files as before (slower, same store). Run from the repository root:

    PYTHONPATH=src python scripts/build_list_bundle.py [--out src/tollwatch/data/lists_preparsed.json.gz]

The output is deterministic: the same files and code give byte-identical output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build() -> bytes:
    sys.path.insert(0, str(ROOT / "src"))
    from tollwatch.app.screening import BUNDLED, _BUNDLED_INPUTS, _open_list
    from tollwatch.importers.list_bundle import encode
    from tollwatch.importers.reference import data_path, manifest
    from tollwatch.store.lists import entity_rows, unique_entities

    inputs = manifest()["inputs"]
    datasets = {}
    files: dict[str, str] = {}
    for dataset, (fmt, names) in BUNDLED.items():
        paths = [Path(str(data_path(n))) for n in names]
        report, entities = _open_list(fmt, paths, dataset, inputs[_BUNDLED_INPUTS[dataset][0]]["snapshot_date"], None)
        rows = entity_rows(list(unique_entities(report.dataset, entities)))  # the reader counts as it goes
        datasets[dataset] = (report, rows)
        files.update({n: manifest()["files"][n] for n in names})
    return encode(datasets, files)


def main(argv: list[str] | None = None) -> int:
    from tollwatch.importers.list_bundle import PREPARSED

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "tollwatch" / "data" / PREPARSED)
    args = ap.parse_args(argv)
    data = build()
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
