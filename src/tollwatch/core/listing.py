"""What a list entry says, as a page, the API and a screening result show it. Pure: no I/O.

An analyst clears or confirms a hit with the entry's dates of birth, nationality, position,
documents and listing dates, so every output shows every field the list gave, labelled as
core/schema/entities.yaml declares it, and cited to the list and record it came from.
Empty fields are left out, never filled in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tollwatch.core import countries
from tollwatch.core.query_facts import imo_number
from tollwatch.core.schema import load

# What a screening result carries of each list candidate (short fields first; remarks cut).
MATCH_FIELDS = (
    "birthDate", "birthPlace", "nationality", "gender", "title", "position", "passportNumber", "idNumber",
    "registrationNumber", "previousName", "weakAlias", "listed_on", "designated_on", "last_updated", "un_ref",
    "vessel_type", "vessel_flag", "vessel_owner", "tonnage", "call_sign", "remarks",
)
# Shown by the page's own rows, not again in the field table.
PAGE_OWN = frozenset({"schema", "list_ref", "program", "country", "addresses", "address", "ftm_properties"})
REMARKS_IN_MATCH = 600


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def listing_details(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The `listing` info of a screening record: the analyst's fields, as the list gave them."""
    out = {k: attributes[k] for k in MATCH_FIELDS if _present(attributes.get(k))}
    if isinstance(out.get("remarks"), str) and len(out["remarks"]) > REMARKS_IN_MATCH:
        out["remarks"] = out["remarks"][:REMARKS_IN_MATCH].rstrip() + " …"
    return {"listing": out}


def listing_fields(attributes: Mapping[str, Any], skip: frozenset[str] = PAGE_OWN) -> list[dict[str, Any]]:
    """Every declared list field the entry has, with its label, in the schema's order."""
    declared = load().list_attributes
    rows = []
    for name, spec in declared.items():
        value = attributes.get(name)
        if name in skip or not _present(value):
            continue
        values = value if isinstance(value, list) else [value]
        rows.append({"field": name, "label": spec.label, "values": [str(v) for v in values if _present(v)]})
    return rows


def citation(dataset: str, list_ref: str | None, meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """Where an entry's fields come from: the list, its record, its source files and snapshot date."""
    meta = meta or {}
    return {
        "dataset": dataset,
        "record": list_ref,
        "source_files": list(meta.get("source_files") or []),
        "snapshot_date": meta.get("snapshot_date"),
        "format": meta.get("format"),
    }


# A list field -> (FtM property, the FtM schemata that have it). What has no FtM property, or
# a value FtM's type would refuse (a date range, a country it cannot name), goes into notes.
_FTM = {
    "birthDate": ("birthDate", {"Person"}), "birthPlace": ("birthPlace", {"Person"}),
    "nationality": ("nationality", {"Person"}), "position": ("position", {"Person"}),
    "title": ("title", {"Person"}), "gender": ("gender", {"Person"}),
    "passportNumber": ("passportNumber", {"Person"}), "idNumber": ("idNumber", {"Person", "Organization", "Company", "PublicBody"}),
    "program": ("program", None), "addresses": ("address", None), "weakAlias": ("weakAlias", None),
    "previousName": ("previousName", None), "remarks": ("notes", None), "listed_on": ("createdAt", None),
    "last_updated": ("modifiedAt", None), "call_sign": ("callSign", {"Vessel"}), "vessel_type": ("type", {"Vessel"}),
}
_FTM_SKIP = frozenset({"schema", "list_ref", "country", "address", "ftm_properties"})
_FTM_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_IDENT_FTM = {"passportNumber": "passportNumber", "idNumber": "idNumber", "imoNumber": "imoNumber", "registrationNumber": "registrationNumber"}


def _ftm_value(prop: str, value: str) -> str | None:
    if prop in ("birthDate", "createdAt", "modifiedAt"):
        return value if _FTM_DATE.match(value) else None
    if prop == "nationality":
        found = countries.codes(value)
        return next(iter(found)).lower() if len(found) == 1 else None
    if prop == "address":
        return value if len(value) <= 250 else None  # FtM's address type stops at 250 characters
    if prop == "gender":
        return value.casefold() if value.casefold() in ("male", "female", "other") else None
    return value


def ftm_list_properties(attributes: Mapping[str, Any], identifiers: list[tuple[str, str]], ftm_schema: str) -> dict[str, list[str]]:
    """A list entry's fields as FtM properties of `ftm_schema`; the rest as labelled notes."""
    props: dict[str, list[str]] = {}
    notes: list[str] = []
    for row in listing_fields(attributes, _FTM_SKIP):
        target = _FTM.get(row["field"])
        for value in row["values"]:
            ok = _ftm_value(target[0], value) if target and (target[1] is None or ftm_schema in target[1]) else None
            if target and ok is not None:
                props.setdefault(target[0], []).append(ok)
            else:
                notes.append(f"{row['label']}: {value}")
    for scheme, value in identifiers:
        prop = _IDENT_FTM.get(scheme)
        if len(value) > 64 or value.count(" ") > 3:
            notes.append(f"{scheme}: {value}")
        elif prop == "imoNumber" and not imo_number(value):
            notes.append(f"IMO number (checksum fails): {value}")
        elif prop and (prop != "imoNumber" or ftm_schema in ("Vessel", "Organization", "Company")) and (prop != "passportNumber" or ftm_schema == "Person"):
            props.setdefault(prop, []).append(value)
    if notes:
        props.setdefault("notes", []).extend(notes)
    # One value per spelling FtM would clean to the same ("A; B" and "A;B"): it keeps one of them.
    return {k: list({re.sub(r"\W+", "", x).casefold(): x for x in reversed(v)}.values())[::-1] for k, v in props.items()}
