"""A generic sanctions-list CSV: a header row naming at least `name`, other columns by their usual names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, Identifier
from tollwatch.importers.lists import ImportReport, list_entity
from tollwatch.importers.streams import csv_rows


# --- generic CSV -------------------------------------------------------------------------

_CSV_FIELDS = {
    "id": ("id", "list_id", "reference", "ref", "uid", "ent_num"),
    "name": ("name", "caption", "full_name", "entity_name", "sdn_name"),
    "aliases": ("aliases", "alias", "alt_names", "aka"),
    "schema": ("schema", "type", "entity_type"),
    "program": ("program", "programs", "regime"),
    "country": ("country", "countries", "nationality"),
    "address": ("address", "addresses"),
    "birthDate": ("dob", "birth_date", "date_of_birth", "birthdate"),
    "nationality": ("nationality", "citizenship"),
    "position": ("position", "designation"),
    "passportNumber": ("passport", "passport_number"),
    "idNumber": ("id_number", "national_id", "registration", "registration_number"),
    "imoNumber": ("imo", "imo_number"),
    "remarks": ("remarks", "notes", "comments"),
    "listed_on": ("listed_on", "date_listed"),
}


def read_generic_csv(path: Path, dataset: str, report: ImportReport | None = None) -> Iterator[Entity]:
    """A header row naming at least `name`; aliases and programs are `;`-separated."""
    path = Path(path)
    report = report or ImportReport(dataset, "csv", [str(path)])
    delimiter = "\t" if path.suffix.casefold() in (".tsv", ".tab") else ","
    rows = csv_rows(path, "utf-8", delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError("file is empty", path=str(path)) from None
    cols = [h.strip().casefold() for h in header]
    index = {}
    for fld, options in _CSV_FIELDS.items():
        for opt in options:
            if opt in cols:
                index[fld] = cols.index(opt)
                break
    if "name" not in index:
        raise InputError(f"no name column (looked for: {', '.join(_CSV_FIELDS['name'])})", path=str(path), line=1, field="name")

    def cell(row, fld):
        i = index.get(fld)
        return row[i].strip() if i is not None and i < len(row) else ""

    schema_alias = {"individual": "Person", "person": "Person", "entity": "Organization", "organization": "Organization", "organisation": "Organization", "company": "Company", "vessel": "Vessel", "aircraft": "Airplane", "airplane": "Airplane", "": "Organization"}
    for lineno, row in rows:
        raw_schema = cell(row, "schema")
        schema = schema_alias.get(raw_schema.casefold(), raw_schema)
        names = [cell(row, "name"), *[a for a in cell(row, "aliases").split(";")]]
        list_id = cell(row, "id") or f"row{lineno}"
        attrs = {
            "program": [p.strip() for p in cell(row, "program").split(";") if p.strip()],
            "country": [c.strip() for c in cell(row, "country").split(";") if c.strip()],
            "addresses": [a.strip() for a in cell(row, "address").split(";") if a.strip()],
            "list_ref": list_id,
            **{f: [v.strip() for v in cell(row, f).split(";") if v.strip()] for f in ("birthDate", "nationality", "position", "passportNumber", "idNumber")},
            "remarks": cell(row, "remarks") or None,
            "listed_on": cell(row, "listed_on") or None,
        }
        report.count += 1
        ent = list_entity(dataset, list_id, schema, names, attrs, path=str(path), line=lineno)
        ent.identifiers += [Identifier(f, v.strip()) for f in ("passportNumber", "idNumber", "imoNumber") for v in cell(row, f).split(";") if v.strip()]
        yield ent
