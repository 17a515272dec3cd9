"""What an OFAC sdn.xml entry gives beyond its names and programs: birth dates and places,
nationalities, citizenships, documents, vessel details, remarks, and names by type.

The CSV carries most of these inside its Remarks cell (importers/ofac_remarks.py); the XML
has them as elements, so each is read from its own element and nothing is parsed out of text
but the remarks the XML also gives."""

from __future__ import annotations

from tollwatch.core.model import Identifier
from tollwatch.importers.ofac_remarks import remark_fields

_ID_SCHEME = {"passport": "passportNumber", "national id no.": "idNumber", "imo": "imoNumber", "registration id": "registrationNumber", "registration number": "registrationNumber"}
_VESSEL = {"callSign": "call_sign", "vesselType": "vessel_type", "vesselFlag": "vessel_flag", "vesselOwner": "vessel_owner"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _all(elem, name: str) -> list:
    return [c for c in elem.iter() if _local(c.tag) == name]


def _text(elem, name: str) -> str:
    for c in _all(elem, name):
        if c.text and c.text.strip():
            return " ".join(c.text.split())
    return ""


def _texts(elem, list_name: str, name: str) -> list[str]:
    out: list[str] = []
    for lst in _all(elem, list_name):
        for c in _all(lst, name):
            v = " ".join((c.text or "").split())
            if v and v not in out:
                out.append(v)
    return out


def _scheme(kind: str, number: str) -> str:
    """The identifier scheme an OFAC idType names ("Vessel Registration Identification" IMO 1234567 is an IMO)."""
    k = kind.casefold()
    if number.upper().startswith("IMO") or k == "imo":
        return "imoNumber"
    if k in _ID_SCHEME:
        return _ID_SCHEME[k]
    return "registrationNumber" if "registration" in k or "vessel" in k else "idNumber" if " id" in f" {k}" else ""


def _documents(elem) -> tuple[dict[str, list[str]], list[Identifier]]:
    fields: dict[str, list[str]] = {}
    idents: list[Identifier] = []
    for doc in _all(elem, "id"):
        kind, number = _text(doc, "idType"), _text(doc, "idNumber")
        if not number:
            continue
        scheme = _scheme(kind, number)
        if scheme == "imoNumber":
            number = "".join(ch for ch in number if ch.isdigit()) or number
        detail = " ".join(x for x in (kind, number, _text(doc, "idCountry"), _text(doc, "issueDate") and f"issued {_text(doc, 'issueDate')}", _text(doc, "expirationDate") and f"expires {_text(doc, 'expirationDate')}") if x)
        fields.setdefault("id_details", []).append(detail)
        if scheme:
            idents.append(Identifier(scheme, number))
        if scheme and scheme != "imoNumber":  # an IMO number is an identifier only, as the CSV reader keeps it
            fields.setdefault(scheme, []).append(number)
    return fields, idents


def sdn_entry_details(elem) -> tuple[dict, list[Identifier], list[str]]:
    """(attributes, identifiers, weak aliases) of one sdnEntry."""
    remarks = _text(elem, "remarks")
    fields, idents = remark_fields(remarks) if remarks else ({}, [])
    doc_fields, doc_idents = _documents(elem)
    for key, values in doc_fields.items():
        fields[key] = list(dict.fromkeys(fields.get(key, []) + values))
    known = {(i.scheme, i.value) for i in idents}
    idents += [i for i in doc_idents if (i.scheme, i.value) not in known]
    attrs: dict = dict(fields)
    attrs["remarks"] = remarks[:2000] or None
    attrs["birthDate"] = _texts(elem, "dateOfBirthList", "dateOfBirth") or fields.get("birthDate") or []
    attrs["birthPlace"] = _texts(elem, "placeOfBirthList", "placeOfBirth") or fields.get("birthPlace") or []
    nationality = _texts(elem, "nationalityList", "country") + _texts(elem, "citizenshipList", "country")
    attrs["nationality"] = list(dict.fromkeys(nationality)) or fields.get("nationality") or []
    for tag, key in _VESSEL.items():
        attrs[key] = _text(elem, tag) or None
    tonnage = " · ".join(x for x in (_text(elem, "tonnage") and f"{_text(elem, 'tonnage')} t", _text(elem, "grossRegisteredTonnage") and f"GRT {_text(elem, 'grossRegisteredTonnage')}") if x)
    attrs["tonnage"] = tonnage or None
    former, weak = [], []
    for aka in _all(elem, "aka"):
        name = ", ".join(x for x in (_text(aka, "lastName"), _text(aka, "firstName")) if x)
        if _text(aka, "category").casefold() == "weak":
            weak.append(name)
        elif _text(aka, "type").casefold() == "f.k.a.":
            former.append(name)
    attrs["previousName"], attrs["weakAlias"] = former, weak
    return attrs, idents, weak
