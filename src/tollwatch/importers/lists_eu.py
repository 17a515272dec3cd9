"""The EU Financial Sanctions Files (FSF) XML: root `export`, one `sanctionEntity` per listing.

The FSF schema keeps its facts in attributes: `nameAlias/@wholeName` (with `strong` false
for weak aliases), `birthdate/@birthdate` or `@year`, `citizenship/@countryDescription`,
`identification/@number` with its type, `address`, and the `regulation` that listed it
(`@programme`, `@publicationDate`). The file's `generationDate` dates the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, Identifier
from tollwatch.importers.lists import EU_DATASET, ImportReport, _check_cell, _children, _iter_xml, _local, list_entity

_SUBJECT = {"person": "Person", "p": "Person", "enterprise": "Organization", "e": "Organization", "vessel": "Vessel"}
_ID_SCHEME = {"passport": "passportNumber", "id": "idNumber", "imo": "imoNumber"}


def _attr(elem, name: str) -> str:
    return " ".join((elem.get(name) or "").split())


def _add(out: list[str], value: str) -> None:
    if value and value not in out:
        out.append(value)


def _eu_date(elem) -> str:
    """A birthdate element as the fullest date it gives (YYYY-MM-DD, YYYY-MM or YYYY)."""
    full = _attr(elem, "birthdate")
    if full:
        return full[:10]
    year, month, day = _attr(elem, "year"), _attr(elem, "monthOfYear"), _attr(elem, "dayOfMonth")
    if year and month.isascii() and month.isdigit():
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day.isascii() and day.isdigit() else "")
    return year


def _schema(elem, path: Path, record: str) -> str:
    subject = next((c for c in elem if _local(c.tag) == "subjectType"), None)
    code = (_attr(subject, "code") or _attr(subject, "classificationCode")).casefold() if subject is not None else ""
    schema = _SUBJECT.get(code)
    if schema is None:
        raise InputError(f"record {record}: subjectType code {code[:40]!r} is not person or enterprise", path=str(path), field="subjectType")
    return schema


def _names(elem, path: Path, record: str) -> tuple[list[str], dict[str, list[str]]]:
    names: list[str] = []
    weak: list[str] = []
    fields: dict[str, list[str]] = {"title": [], "position": [], "gender": []}
    for alias in _children(elem, "nameAlias"):
        whole = _attr(alias, "wholeName") or " ".join(p for p in (_attr(alias, k) for k in ("firstName", "middleName", "lastName")) if p)
        if whole:
            _check_cell(whole, path, record, "nameAlias")
            _add(weak if _attr(alias, "strong").casefold() == "false" else names, whole)
        _add(fields["title"], _attr(alias, "title"))
        _add(fields["position"], _attr(alias, "function"))
        _add(fields["gender"], _attr(alias, "gender"))
    if not names and not weak:
        raise InputError(f"record {record} has no nameAlias with a wholeName", path=str(path), field="nameAlias")
    fields["weakAlias"] = weak
    return names or weak, fields


def _details(elem) -> tuple[dict[str, list[str]], list[Identifier]]:
    f: dict[str, list[str]] = {k: [] for k in ("birthDate", "birthPlace", "nationality", "addresses", "address_country", "program", "listed_on", "id_details")}
    for b in _children(elem, "birthdate"):
        _add(f["birthDate"], _eu_date(b))
        _add(f["birthPlace"], ", ".join(p for p in (_attr(b, "city"), _attr(b, "place"), _attr(b, "region"), _attr(b, "countryDescription")) if p))
    for c in _children(elem, "citizenship"):
        _add(f["nationality"], _attr(c, "countryDescription") or _attr(c, "countryIso2Code"))
    for a in _children(elem, "address"):
        keys = ("street", "poBox", "city", "zipCode", "region", "place", "countryDescription")
        _add(f["addresses"], ", ".join(p for p in (_attr(a, k) for k in keys) if p))
        _add(f["address_country"], _attr(a, "countryDescription"))
    for r in _children(elem, "regulation"):
        _add(f["program"], _attr(r, "programme"))
        _add(f["listed_on"], _attr(r, "publicationDate")[:10])
    idents = []
    for i in _children(elem, "identification"):
        number = _attr(i, "number") or _attr(i, "latinNumber")
        if not number:
            continue
        scheme = _ID_SCHEME.get(_attr(i, "identificationTypeCode").casefold(), "idNumber")
        idents.append(Identifier(scheme, number[:200]))
        desc = _attr(i, "identificationTypeDescription") or _attr(i, "identificationTypeCode")
        _add(f["id_details"], f"{desc}: {number}" + (f" ({_attr(i, 'countryDescription')})" if _attr(i, "countryDescription") else ""))
    return f, idents


def read_eu_fsf(path: Path, dataset: str = EU_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    path = Path(path)
    report = report or ImportReport(dataset, "eu-fsf", [str(path)])
    seen_root = False
    for root_attrs, elem in _iter_xml(path, {"sanctionEntity"}):
        if not seen_root:
            seen_root = True
            report.snapshot_date = report.snapshot_date or (root_attrs.get("generationDate") or "")[:10] or None
        logical = _attr(elem, "logicalId")
        record = logical or f"#{report.count + 1}"
        if not logical:
            raise InputError(f"record {record}: sanctionEntity has no logicalId", path=str(path), field="logicalId")
        schema = _schema(elem, path, record)
        names, fields = _names(elem, path, record)
        f, idents = _details(elem)
        remark = " ".join(" ".join((r.text or "").split()) for r in elem if _local(r.tag) == "remark")
        attrs = {
            "program": f["program"],
            "list_ref": _attr(elem, "euReferenceNumber") or logical,
            "un_ref": _attr(elem, "unitedNationId") or None,
            "country": list(dict.fromkeys(f["nationality"] + f["address_country"]))[:10],
            "listed_on": min(f["listed_on"]) if f["listed_on"] else None,
            "remarks": remark[:4000] or None,
            "passportNumber": [i.value for i in idents if i.scheme == "passportNumber"],
            **{k: v[:20] for k, v in {**fields, **f}.items() if k not in ("program", "listed_on", "address_country")},
        }
        report.count += 1
        ent = list_entity(dataset, logical, schema, names, attrs, path=str(path), line=None)
        ent.identifiers += idents
        yield ent
