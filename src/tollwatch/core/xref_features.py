"""What two records share besides a name: identifiers, birth dates, nationality, addresses, numbers.

Read from the fields importers keep (UN birth dates and passports, OFAC remarks, the
gazetteer's facility numbers and coordinates). The cue patterns are data
(core/data/identifier_cues.tsv). Pure: no I/O but the package's own data file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from tollwatch.core import countries
from tollwatch.core.model import Entity, EntityKind

STRONG_IDS = ("un_ref", "imo", "passport", "national_id", "registration")
_MONTHS = "%d %b %Y"


@cache
def cues() -> dict[str, re.Pattern[str]]:
    text = resources.files("tollwatch.core").joinpath("data/identifier_cues.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, pattern = line.split("\t", 1)
            out[name] = re.compile(pattern)
    return out


@dataclass
class Profile:
    """Identity features of one record, each a set of normalized values."""

    values: dict[str, set[str]] = field(default_factory=dict)
    coordinates: list[tuple[float, float]] = field(default_factory=list)

    def add(self, feature: str, value: Any) -> None:
        if feature == "birth_date" and _year_range(str(value)):
            for year in _year_range(str(value)):
                self.values.setdefault(feature, set()).add(year)
            return
        v = _normalize(feature, str(value))
        if v:
            self.values.setdefault(feature, set()).add(v)

    def get(self, feature: str) -> set[str]:
        return self.values.get(feature, set())


def _normalize(feature: str, value: str) -> str:
    value = " ".join(value.split()).strip(" .;,")
    if feature == "birth_date":
        return _iso_birth(value)
    if feature == "nationality":
        return _country(value)
    if feature in STRONG_IDS:
        return re.sub(r"[\s.-]", "", value).upper()
    if feature == "province":  # "Pyongyang (Kangdong-gun; older sources: South Pyongan)" is Pyongyang
        value = re.sub(r"\s*\(.*\)\s*$", "", value)
    return value.casefold()


def _year_range(value: str) -> list[str]:
    """A birth date given as a span ("01 Jan 1954 to 31 Dec 1955", UN "1967-1969"): each year in it."""
    m = re.fullmatch(r"(?:circa\s+)?(?:(?:\d{1,2}\s+)?[A-Z][a-z]{2}\s+)?(\d{4})\s*(?:to|-)\s*(?:(?:\d{1,2}\s+)?[A-Z][a-z]{2}\s+)?(\d{4})", value.strip())
    if not m or not 0 <= int(m.group(2)) - int(m.group(1)) <= 10:
        return []
    return [str(y) for y in range(int(m.group(1)), int(m.group(2)) + 1)]


def days_apart(left: set[str], right: set[str]) -> int | None:
    """The fewest days between two full birth dates of the two sides (None when either has none)."""
    full = [(x, y) for x in left for y in right if len(x) == len(y) == 10]
    if not full:
        return None
    return min(abs((datetime.fromisoformat(x) - datetime.fromisoformat(y)).days) for x, y in full)


def _iso_birth(value: str) -> str:
    v = value.removeprefix("circa ").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v[:10]):
        return v[:10]
    try:
        return datetime.strptime(v, _MONTHS).date().isoformat()
    except ValueError:
        return v if re.fullmatch(r"\d{4}", v) else ""


def _country(value: str) -> str:
    found = countries.codes(value)
    return ",".join(sorted(found)).casefold() if found else value.casefold()


def features_of(entity: Entity) -> Profile:
    p = Profile()
    attrs = entity.attributes
    text = " ".join(str(attrs.get(k) or "") for k in ("remarks", "notes", "official_designation"))
    for name, pattern in cues().items():
        if name == "facility_number":
            continue
        for m in pattern.finditer(text):
            p.add(name, m.group(1))
    if entity.dataset == "un_sc_sanctions" and attrs.get("list_ref"):
        p.add("un_ref", attrs["list_ref"])
    for i in entity.identifiers:
        if i.scheme in ("passportNumber", "passport"):
            p.add("passport", i.value)
        elif i.scheme in ("idNumber", "national_id"):
            p.add("national_id", i.value)
        elif i.scheme in ("imo", "imoNumber"):
            p.add("imo", i.value)
        elif i.scheme in ("registrationNumber", "registration"):
            p.add("registration", i.value)
    for b in _as_list(attrs.get("birthDate")):
        p.add("birth_date", b)
    for n in _as_list(attrs.get("nationality")) + _as_list(attrs.get("country")):
        p.add("nationality", n)
    for a in _as_list(attrs.get("addresses")):
        p.add("address", a)
    if entity.kind == EntityKind.FACILITY:
        _facility_features(entity, p)
    return p


def _facility_features(entity: Entity, p: Profile) -> None:
    attrs = entity.attributes
    labels = [entity.caption, *(n.value for n in entity.names), str(attrs.get("official_designation") or "")]
    for label in labels:
        for m in cues()["facility_number"].finditer(label):
            p.add("facility_number", m.group(1).lstrip("0") or "0")
    for key in ("facility_type", "province"):
        if attrs.get(key):
            p.add(key, attrs[key])
    p.coordinates = [(c.lat, c.lon) for c in entity.coordinates]


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def compare(a: Profile, b: Profile) -> list[dict[str, Any]]:
    """Evidence for and against: one item per feature both sides state, with its weight."""
    out: list[dict[str, Any]] = []
    for feature in (*STRONG_IDS, "birth_date", "nationality", "address", "facility_type", "province"):
        left, right = a.get(feature), b.get(feature)
        if not left or not right:
            continue
        shared = sorted(left & right)
        if feature == "birth_date" and not shared:
            shared = sorted(x for x in left for y in right if x[:4] == y[:4] and (len(x) == 4 or len(y) == 4))
        if shared:
            out.append({"feature": feature, "agree": True, "values": shared, "weight": WEIGHTS[feature][0]})
        elif WEIGHTS[feature][1]:
            item = {"feature": feature, "agree": False, "values": sorted(left | right), "weight": WEIGHTS[feature][1]}
            if feature == "birth_date" and days_apart(left, right) is not None:
                item["days_apart"] = days_apart(left, right)
            out.append(item)
    _compare_facilities(a, b, out)
    return out


def _compare_facilities(a: Profile, b: Profile, out: list[dict[str, Any]]) -> None:
    na, nb = a.get("facility_number"), b.get("facility_number")
    if na and nb:
        agree = bool(na & nb)
        out.append({"feature": "facility_number", "agree": agree, "values": sorted(na | nb), "weight": 0.3 if agree else -1.0})
    if a.coordinates and b.coordinates:
        km = min(km_between(x, y) for x in a.coordinates for y in b.coordinates)
        weight = 0.2 if km <= 2 else 0.05 if km <= 10 else -0.3
        out.append({"feature": "distance_km", "agree": km <= 10, "values": [round(km, 1)], "weight": weight})


# feature -> (weight when both agree, weight when both state it and differ)
WEIGHTS: dict[str, tuple[float, float]] = {
    "un_ref": (1.0, -0.5),
    "imo": (1.0, -1.0),
    "passport": (0.4, 0.0),  # a person holds several passports: a different one is no evidence
    "national_id": (0.4, 0.0),
    "registration": (0.5, -0.3),
    "birth_date": (0.2, -0.5),
    "nationality": (0.05, 0.0),  # lists mix nationality with countries of address: no evidence against
    "address": (0.1, 0.0),
    "facility_type": (0.05, -0.6),
    "province": (0.05, -0.3),
}


def different_numbers(evidence: list[dict[str, Any]]) -> bool:
    """Two facilities with different numbers are never one (Kyohwaso No. 1 is not Kwalliso No. 14)."""
    return any(e["feature"] == "facility_number" and not e["agree"] for e in evidence)
