"""Spreadsheet sanctions lists: UK OFSI ConList (XLSX or CSV) and Australia's DFAT consolidated list.

Both write one row per name; the rows of one designation share an id (OFSI's Group ID,
DFAT's reference number without its letter suffix) and become one Entity whose names are
all the rows' names. Every other column is kept as the list gives it: dates of birth,
nationality, passports and national ids (also as identifiers), addresses, the regime,
the listing dates and the free-text remarks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, Identifier
from tollwatch.importers.lists import AU_DATASET, UK_DATASET, ImportReport, list_entity
from tollwatch.importers.sheets import Columns, sheet_rows

_UK_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_UK_REQUIRED = ("Name 6", "Group Type", "Group ID")
_UK_INFO = re.compile(r"\((UK Sanctions List Ref|UN Ref|IMO number)\):\s*([A-Za-z0-9.]+)")


def uk_date(text: str) -> str | None:
    """OFSI's dd/mm/yyyy, with 00 for an unknown day or month: 00/00/1994 is 1994."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if not m:
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and text or None
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    if month == 0:
        return year
    return f"{year}-{month:02d}" if day == 0 else f"{year}-{month:02d}-{day:02d}"


def numbered(cell: str) -> list[str]:
    """OFSI's '(1) A-333602 (2) M110522' as its numbers; a single number as itself."""
    parts = [p.strip(" ,;") for p in re.split(r"\(\d{1,2}\)", cell)]
    return [p for p in parts if p] if len(parts) > 1 else ([cell] if cell else [])


def _uk_header(rows: Iterator[tuple[int, list[str]]], path: Path) -> tuple[str | None, Columns]:
    """The 'Last Updated' row (when there is one) and the header row after it."""
    first = next(rows, None)
    if first is None:
        raise InputError("file is empty", path=str(path))
    snapshot = None
    lineno, row = first
    if row and row[0].strip().casefold() == "last updated":
        snapshot = uk_date(row[1]) if len(row) > 1 else None
        if snapshot is None:
            raise InputError(f"'Last Updated' is not a dd/mm/yyyy date: {(row[1] if len(row) > 1 else '')[:40]!r}", path=str(path), line=lineno, field="Last Updated")
        nxt = next(rows, None)
        if nxt is None:
            raise InputError("no header row after 'Last Updated'", path=str(path), line=lineno + 1, field="header")
        lineno, row = nxt
    return snapshot, Columns(row, path, lineno, _UK_REQUIRED)


def _add(bucket: dict[str, list[str]], key: str, *values: str) -> None:
    for v in values:
        if v and v not in bucket.setdefault(key, []):
            bucket[key].append(v)


def read_uk_ofsi(path: Path, dataset: str = UK_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    path = Path(path)
    report = report or ImportReport(dataset, "uk-ofsi", [str(path)])
    rows = sheet_rows(path)
    snapshot, cols = _uk_header(rows, path)
    report.snapshot_date = report.snapshot_date or snapshot
    groups: dict[str, dict] = {}
    for lineno, row in rows:
        _uk_row(groups, cols, row, path, lineno)
    for gid, g in groups.items():
        report.count += 1
        yield _uk_entity(dataset, gid, g, path)


def _uk_row(groups: dict[str, dict], cols: Columns, row: list[str], path: Path, lineno: int) -> None:
    def c(name: str) -> str:
        return cols.get(row, name)

    gid = c("Group ID")
    if not gid:
        raise InputError("row has no Group ID", path=str(path), line=lineno, field="Group ID")
    group_type = c("Group Type")
    schema = _UK_SCHEMA.get(group_type.casefold())
    if schema is None:
        raise InputError(f"unknown Group Type {group_type[:40]!r} (Individual, Entity or Ship)", path=str(path), line=lineno, field="Group Type")
    g = groups.setdefault(gid, {"line": lineno, "schema": schema, "names": [], "primary": [], "fields": {}})
    if g["schema"] != schema:
        raise InputError(f"Group ID {gid} is both {g['schema']} and {schema}", path=str(path), line=lineno, field="Group Type")
    name = " ".join(p for p in (c(f"Name {i}") for i in (1, 2, 3, 4, 5, 6)) if p)
    original = c("Name Non-Latin Script")
    if not name and not original:
        raise InputError("row has no name (Name 1 ... Name 6, Name Non-Latin Script)", path=str(path), line=lineno, field="Name 6")
    alias_type = c("Alias Type").casefold()
    f = g["fields"]
    if c("Alias Quality").casefold() == "low quality":
        _add(f, "weakAlias", name)  # kept, not screened on: OFSI itself calls them low quality
        name = ""
    elif alias_type == "fka":
        _add(f, "previousName", name)
    (g["primary"] if alias_type == "primary name" else g["names"]).extend(n for n in (name, original) if n)
    _add(f, "title", c("Title"))
    _add(f, "birthDate", uk_date(c("DOB")) or c("DOB"))
    _add(f, "birthPlace", ", ".join(p for p in (c("Town of Birth"), c("Country of Birth")) if p))
    _add(f, "nationality", c("Nationality"))
    _add(f, "passportNumber", *numbered(c("Passport Number")))
    _add(f, "passport_details", c("Passport Details"))
    _add(f, "idNumber", *numbered(c("National Identification Number")))
    _add(f, "id_details", c("National Identification Details"))
    _add(f, "position", c("Position"))
    address = [c(f"Address {i}") for i in range(1, 7)] + [c("Post/Zip Code"), c("Country")]
    _add(f, "addresses", ", ".join(p for p in address if p))
    _add(f, "address_country", c("Country"))
    _add(f, "program", c("Regime"))
    _add(f, "listed_on", uk_date(c("Listed On")) or c("Listed On"))
    _add(f, "designated_on", uk_date(c("UK Sanctions List Date Designated")) or c("UK Sanctions List Date Designated"))
    _add(f, "last_updated", uk_date(c("Last Updated")) or c("Last Updated"))
    _add(f, "remarks", c("Other Information"))


def _uk_entity(dataset: str, gid: str, g: dict, path: Path) -> Entity:
    f = g["fields"]
    remarks = " ".join(f.get("remarks", []))
    refs: dict[str, list[str]] = {}
    for key, value in _UK_INFO.findall(remarks):
        _add(refs, key, value.rstrip("."))
    names = g["primary"] + g["names"] or f.get("weakAlias", [])
    attrs = {
        "program": f.get("program", []),
        "list_ref": (refs.get("UK Sanctions List Ref") or [gid])[0],
        "group_id": gid,
        "un_ref": refs.get("UN Ref", [None])[0],
        "country": list(dict.fromkeys(f.get("nationality", []) + f.get("address_country", [])))[:10],
        "remarks": remarks[:4000] or None,
        **{k: v[:20] for k, v in f.items() if k not in ("remarks", "program", "address_country")},
        "title": "; ".join(f.get("title", [])) or None,
    }
    for key in ("listed_on", "designated_on", "last_updated"):
        attrs[key] = min(f[key]) if f.get(key) else None
    ent = list_entity(dataset, gid, g["schema"], names, attrs, path=str(path), line=g["line"])
    ent.identifiers += _identifiers(f.get("passportNumber", []), f.get("idNumber", []), refs.get("IMO number", []))
    return ent


def _identifiers(passports: list[str], ids: list[str], imos: list[str]) -> list[Identifier]:
    out = [Identifier("passportNumber", p[:200]) for p in passports]
    out += [Identifier("idNumber", i[:200]) for i in ids]
    return out + [Identifier("imoNumber", i) for i in imos if re.fullmatch(r"\d{7}", i)]


# --- Australia DFAT ------------------------------------------------------------------------

_AU_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel"}
_AU_REQUIRED = ("Reference", "Name of Individual or Entity", "Type")


def read_au_dfat(path: Path, dataset: str = AU_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    """regulation8_consolidated.xlsx: one row per name, references 1113, 1113a, 1113b ... are one listing."""
    path = Path(path)
    report = report or ImportReport(dataset, "au-dfat", [str(path)])
    rows = sheet_rows(path)
    first = next(rows, None)
    if first is None:
        raise InputError("file is empty", path=str(path))
    cols = Columns(first[1], path, first[0], _AU_REQUIRED)
    groups: dict[str, dict] = {}
    for lineno, row in rows:
        _au_row(groups, cols, row, path, lineno)
    dates = [d for g in groups.values() for d in g["fields"].get("control_date", [])]
    report.snapshot_date = report.snapshot_date or (max(dates)[:10] if dates else None)
    for ref, g in groups.items():
        f = g["fields"]
        attrs = {
            "program": f.get("program", []),
            "list_ref": ref,
            "country": list(f.get("nationality", []))[:10],
            "remarks": " ".join(f.get("remarks", []))[:4000] or None,
            "control_date": max(f["control_date"]) if f.get("control_date") else None,
            **{k: v[:20] for k, v in f.items() if k not in ("remarks", "program", "control_date")},
        }
        report.count += 1
        ent = list_entity(dataset, ref, g["schema"], g["primary"] + g["names"], attrs, path=str(path), line=g["line"])
        imos = re.findall(r"\bIMO(?: Number)?:?\s*(\d{7})\b", attrs["remarks"] or "", flags=re.IGNORECASE)
        ent.identifiers += [Identifier("imoNumber", i) for i in dict.fromkeys(imos)]
        yield ent


def _au_row(groups: dict[str, dict], cols: Columns, row: list[str], path: Path, lineno: int) -> None:
    def c(name: str) -> str:
        value = cols.get(row, name)
        return "" if value.upper() == "NA" else value

    reference, name = c("Reference"), c("Name of Individual or Entity")
    m = re.fullmatch(r"(\d+)(?:\s*[A-Za-z][A-Za-z0-9]{0,5})?", reference)
    if not m:
        raise InputError(f"Reference must be a number with an optional letter, got {reference[:40]!r}", path=str(path), line=lineno, field="Reference")
    if not name:
        raise InputError("row has no name", path=str(path), line=lineno, field="Name of Individual or Entity")
    kind = c("Type")
    schema = _AU_SCHEMA.get(kind.casefold())
    if schema is None:
        raise InputError(f"unknown Type {kind[:40]!r} (Individual or Entity)", path=str(path), line=lineno, field="Type")
    g = groups.setdefault(m.group(1), {"line": lineno, "schema": schema, "names": [], "primary": [], "fields": {}})
    (g["primary"] if c("Name Type").casefold() == "primary name" else g["names"]).append(name)
    f = g["fields"]
    _add(f, "birthDate", c("Date of Birth"))
    _add(f, "birthPlace", c("Place of Birth"))
    _add(f, "nationality", c("Citizenship"))
    _add(f, "addresses", c("Address"))
    _add(f, "remarks", c("Additional Information"))
    _add(f, "listing", c("Listing Information"))
    _add(f, "program", c("Committees"))
    _add(f, "control_date", c("Control Date"))
