"""The facts OFAC's SDN file keeps in its Remarks column, read out into fields.

sdn.csv has no date-of-birth or document columns: "DOB 18 Jun 1964; POB Kaesong, DPRK;
Passport 381420754 issued 07 Dec 2011; Vessel Registration Identification IMO 7937317."
Each `;`-separated part that names a known field becomes that field (the whole remark is
kept too, so nothing is lost); parts naming no field stay in the remark only.
"""

from __future__ import annotations

import re

from tollwatch.core.model import Identifier

# (pattern at the start of a part, field); the first group is the value.
_FIELDS = (
    (r"(?:alt\. )?DOB (.+)", "birthDate"),
    (r"(?:alt\. )?POB (.+)", "birthPlace"),
    (r"(?:alt\. )?nationality (.+)", "nationality"),
    (r"(?:alt\. )?citizen (.+)", "citizenship"),
    (r"Gender (.+)", "gender"),
    (r"Linked To: (.+)", "linked_to"),
    (r"(?:alt\. )?Passport (.+)", "passport_details"),
    (r"((?:alt\. )?(?:National ID No\.|Identification Number|Cedula No\.|C\.U\.R\.P\.|Tax ID No\.|D\.N\.I\.|SSN|Personal ID Card|Registration Number|Registration ID|Business Registration Number|Company Number|Business Number|Chamber of Commerce Number|Unified Social Credit Code \(USCC\)|Government Gazette Number|Legal Entity Number) .+)", "id_details"),
    (r"(?:Former )?Vessel Registration Identification IMO (\d{7})", "imo"),
    (r"Vessel Year of Build (\d{4})", "build_year"),
    (r"(?:alt\. )?Website (.+)", "website"),
    (r"(?:alt\. )?Email Address (.+)", "email"),
)
_COMPILED = tuple((re.compile(p + r"\s*\.?$", re.IGNORECASE), f) for p, f in _FIELDS)
_REGISTRATION = re.compile(r"Registration|Company Number|Business Number|Chamber of Commerce|USCC|Legal Entity", re.IGNORECASE)


def _first_number(text: str) -> str | None:
    """The document number: the first token with a digit ('381420754 issued 07 Dec 2011' -> 381420754)."""
    for tok in text.split():
        tok = tok.strip(",;()")
        if any(ch.isdigit() for ch in tok) and not re.fullmatch(r"\d{1,2}|(19|20)\d\d", tok):
            return tok[:200]
    return None


def remark_fields(remarks: str) -> tuple[dict[str, list[str]], list[Identifier]]:
    """Fields and identifiers read out of one SDN Remarks cell."""
    fields: dict[str, list[str]] = {}
    idents: list[Identifier] = []
    for part in (p.strip() for p in remarks.split(";")):
        for pattern, name in _COMPILED:
            m = pattern.match(part)
            if not m:
                continue
            value = m.group(1).strip().rstrip(".")
            if value and value not in fields.setdefault(name, []):
                fields[name].append(value)
            break
    for detail in fields.get("passport_details", []):
        if number := _first_number(detail):
            idents.append(Identifier("passportNumber", number))
            fields.setdefault("passportNumber", []).append(number)
    for detail in fields.get("id_details", []):
        label, _, rest = detail.partition(" No. ") if " No. " in detail else (detail, "", detail)
        if number := _first_number(rest):
            scheme = "registrationNumber" if _REGISTRATION.search(label) else "idNumber"
            idents.append(Identifier(scheme, number))
            fields.setdefault(scheme, []).append(number)
    idents += [Identifier("imoNumber", imo) for imo in fields.pop("imo", [])]
    nationality = fields.pop("citizenship", [])
    if nationality:
        fields["nationality"] = list(dict.fromkeys(fields.get("nationality", []) + nationality))
    return fields, idents
