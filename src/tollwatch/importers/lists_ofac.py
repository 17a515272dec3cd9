"""OFAC's SDN CSV set: sdn.csv with its alias (alt.csv) and address (add.csv) companions.

The Remarks column holds the dates of birth, documents and IMO numbers (importers.ofac_remarks
reads them out); vessel columns, programmes, titles and fka names are kept as fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity
from tollwatch.importers.lists import OFAC_DATASET, ImportReport, list_entity
from tollwatch.importers.ofac_remarks import remark_fields
from tollwatch.importers.streams import csv_rows


# --- OFAC SDN CSV ------------------------------------------------------------------------

_OFAC_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}


def _ofac(cell: str) -> str:
    cell = cell.strip()
    return "" if cell == "-0-" else cell


def _ofac_programs(cell: str) -> list[str]:
    return [p.strip(" []") for p in _ofac(cell).split("] [") if p.strip(" []")]


def _classify_paths(paths: list[Path]) -> tuple[Path, Path | None, Path | None]:
    sdn = alt = add = None
    for p in paths:
        low = p.name.casefold()
        if "alt" in low:
            alt = p
        elif "add" in low:
            add = p
        else:
            if sdn is not None:
                raise InputError("two main files given; name the alias file *alt* and the address file *add*", path=str(p))
            sdn = p
    if sdn is None:
        raise InputError("the OFAC main file (sdn.csv) is missing; alt.csv and add.csv are only companions", path=str(paths[0]))
    return sdn, alt, add


def read_ofac_csv(paths: list[Path], dataset: str = OFAC_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    """sdn.csv (+ optional alt.csv, add.csv): latin-1, no header, `-0-` empty."""
    sdn, alt, add = _classify_paths([Path(p) for p in paths])
    report = report or ImportReport(dataset, "ofac-csv", [str(p) for p in paths])
    main: dict[str, tuple[int, list[str]]] = {}
    for lineno, row in csv_rows(sdn, "latin-1"):
        if len(row) < 4:
            raise InputError(f"expected 12 columns, found {len(row)}", path=str(sdn), line=lineno, field="row")
        ent_num = row[0].strip()
        if not ent_num.isdigit():
            raise InputError(f"ent_num must be a number, got {ent_num[:40]!r}", path=str(sdn), line=lineno, field="ent_num")
        if not _ofac(row[1]):
            raise InputError("empty SDN_Name", path=str(sdn), line=lineno, field="SDN_Name")
        main[ent_num] = (lineno, row)
    aliases: dict[str, list[str]] = {}
    former: dict[str, list[str]] = {}
    if alt:
        for lineno, row in csv_rows(alt, "latin-1"):
            if len(row) < 4:
                raise InputError(f"expected 5 columns, found {len(row)}", path=str(alt), line=lineno, field="row")
            ent_num, name = row[0].strip(), _ofac(row[3])
            if ent_num not in main:
                report.skipped.append(f"{alt.name}:{lineno}: alias {name!r} of ent_num {ent_num} has no main record")
                continue
            if name:
                aliases.setdefault(ent_num, []).append(name)
                if row[2].strip().casefold() == "fka":  # names by type: a former name stays screenable
                    former.setdefault(ent_num, []).append(name)
    addresses: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    if add:
        for lineno, row in csv_rows(add, "latin-1"):
            if len(row) < 5:
                raise InputError(f"expected 6 columns, found {len(row)}", path=str(add), line=lineno, field="row")
            ent_num = row[0].strip()
            if ent_num not in main:
                report.skipped.append(f"{add.name}:{lineno}: address of ent_num {ent_num} has no main record")
                continue
            parts = [_ofac(c) for c in row[2:5]]
            text = ", ".join(p for p in parts if p)
            if text:
                addresses.setdefault(ent_num, []).append(text)
            if _ofac(row[4]):
                countries.setdefault(ent_num, []).append(_ofac(row[4]))
    for ent_num, (lineno, row) in main.items():
        row = row + [""] * (12 - len(row))
        schema = _OFAC_TYPE.get(_ofac(row[2]).casefold())
        if schema is None:
            raise InputError(f"unknown SDN_Type {row[2]!r}", path=str(sdn), line=lineno, field="SDN_Type")
        attrs = {
            "program": _ofac_programs(row[3]),
            "title": _ofac(row[4]) or None,
            "call_sign": _ofac(row[5]) or None,
            "vessel_flag": _ofac(row[9]) or None,
            "vessel_type": _ofac(row[6]) or None,
            "tonnage": " · ".join(x for x in (_ofac(row[7]) and f"{_ofac(row[7])} t", _ofac(row[8]) and f"GRT {_ofac(row[8])}") if x) or None,
            "vessel_owner": _ofac(row[10]) or None,
            "previousName": former.get(ent_num, []),
            "remarks": _ofac(row[11])[:2000] or None,
            "addresses": addresses.get(ent_num, [])[:20],
            "country": list(dict.fromkeys(countries.get(ent_num, [])))[:10],
            "list_ref": ent_num,
        }
        fields, idents = remark_fields(_ofac(row[11]))
        report.count += 1
        ent = list_entity(dataset, ent_num, schema, [_ofac(row[1]), *aliases.get(ent_num, [])], {**attrs, **fields}, path=str(sdn), line=lineno)
        ent.identifiers += idents
        yield ent
