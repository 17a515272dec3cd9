"""The declarative schema: what entities may carry and what a claim may connect.

The data lives in YAML beside this module (entities.yaml, predicates.yaml, types.yaml),
in the spirit of FollowTheMoney's schema files, so labels, cardinality, domain and range
and the FtM mapping are written once and read by validation, pages, files and export.
Pure: the only I/O is reading those package files, once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tollwatch.core.model import Claim, Entity, ModelError, parse_date

BASES = ("text", "texts", "flag", "enum", "enums", "date", "country", "countries", "hs_codes", "property_lists")
_COUNTRY = re.compile(r"^[a-z]{2}$")
_RECURRING_DAY = re.compile(r"^--(\d{2})-(\d{2})$")
_HS_CODE = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")  # chapter, heading or subheading
GRAPH_DATASET = "tollwatch"


@dataclass(frozen=True)
class ValueType:
    """A type of attribute or literal value; enums carry their allowed values."""

    name: str
    base: str
    label: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribute:
    name: str
    type: ValueType
    label: str


@dataclass(frozen=True)
class Kind:
    """An entity kind: its labels, its FtM schema and the attributes it may carry."""

    name: str
    label: str
    plural: str
    description: str
    ftm: str
    ftm_import: tuple[str, ...]
    identifiers: tuple[str, ...]
    attributes: Mapping[str, Attribute]


@dataclass(frozen=True)
class IdentifierScheme:
    name: str
    label: str
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class FtmMapping:
    """The FtM schema a claim is written as, and which of its properties hold what."""

    schema: str
    properties: Mapping[str, str]


@dataclass(frozen=True)
class PredicateSpec:
    """A predicate's domain and range, cardinality, labels and FtM mapping."""

    name: str
    label: str
    inverse: str | None
    description: str
    subject: tuple[str, ...]
    object: tuple[str, ...]
    value: ValueType | None
    quantity: tuple[str, ...]
    functional: bool
    ftm_link: FtmMapping | None
    ftm_note: FtmMapping | None
    qualifiers: Mapping[str, Attribute] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    types: Mapping[str, ValueType]
    kinds: Mapping[str, Kind]
    list_attributes: Mapping[str, Attribute]
    identifiers: Mapping[str, IdentifierScheme]
    predicates: Mapping[str, PredicateSpec]
    ftm_link: FtmMapping  # the default mapping of a claim with an entity object
    ftm_note: FtmMapping  # ... and of one with a literal


# --- loading ------------------------------------------------------------------------------


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"schema file {name} is not a mapping")
    return data


def _types(raw: Mapping[str, Any]) -> dict[str, ValueType]:
    out = {}
    for name, spec in raw.items():
        if spec["base"] not in BASES:
            raise ValueError(f"types.yaml: {name}: unknown base {spec['base']!r}")
        out[name] = ValueType(name, spec["base"], spec["label"], dict(spec.get("values") or {}))
    return out


def _attributes(raw: Mapping[str, Any], types: Mapping[str, ValueType], where: str, file: str = "entities.yaml") -> dict[str, Attribute]:
    out = {}
    for name, spec in raw.items():
        if spec["type"] not in types:
            raise ValueError(f"{file}: {where}.{name}: unknown type {spec['type']!r}")
        out[name] = Attribute(name, types[spec["type"]], spec["label"])
    return out


def _kinds(raw: Mapping[str, Any], types: Mapping[str, ValueType]) -> dict[str, Kind]:
    return {
        name: Kind(
            name=name,
            label=spec["label"],
            plural=spec["plural"],
            description=spec["description"],
            ftm=spec["ftm"],
            ftm_import=tuple(spec.get("ftm_import", [spec["ftm"]])),
            identifiers=tuple(spec.get("identifiers") or ()),
            attributes=_attributes(spec.get("attributes") or {}, types, name),
        )
        for name, spec in raw.items()
    }


def _mapping(raw: Mapping[str, str]) -> FtmMapping:
    return FtmMapping(raw["schema"], {k: v for k, v in raw.items() if k != "schema"})


def _predicates(raw: Mapping[str, Any], types: Mapping[str, ValueType], kinds: Mapping[str, Kind]) -> dict[str, PredicateSpec]:
    defaults = raw["ftm"]
    out = {}
    for name, spec in raw["predicates"].items():
        for role in ("subject", "object"):
            unknown = set(spec.get(role) or ()) - set(kinds)
            if unknown:
                raise ValueError(f"predicates.yaml: {name}.{role}: unknown kinds {sorted(unknown)}")
        if spec.get("value") is not None and spec["value"] not in types:
            raise ValueError(f"predicates.yaml: {name}.value: unknown type {spec['value']!r}")
        ftm = {**defaults, **(spec.get("ftm") or {})}
        objects = tuple(spec.get("object") or ())
        literal = spec.get("value") is not None or bool(spec.get("quantity"))
        out[name] = PredicateSpec(
            name=name,
            label=spec["label"],
            inverse=spec.get("inverse"),
            description=spec["description"],
            subject=tuple(spec["subject"]),
            object=objects,
            value=types[spec["value"]] if spec.get("value") is not None else None,
            quantity=tuple(spec.get("quantity") or ()),
            functional=bool(spec.get("functional", False)),
            ftm_link=_mapping(ftm["link"]) if objects else None,
            ftm_note=_mapping(ftm["note"]) if literal else None,
            qualifiers=_attributes(spec.get("qualifiers") or {}, types, f"{name}.qualifiers", "predicates.yaml"),
        )
    return out


@cache
def load() -> Schema:
    """The schema, read from the package's YAML files once per process."""
    types = _types(_read("types.yaml")["types"])
    entities = _read("entities.yaml")
    kinds = _kinds(entities["kinds"], types)
    schemes = {
        name: IdentifierScheme(name, spec["label"], re.compile(spec["pattern"]) if spec.get("pattern") else None)
        for name, spec in entities["identifiers"].items()
    }
    predicates = _read("predicates.yaml")
    return Schema(
        types=types,
        kinds=kinds,
        list_attributes=_attributes(entities["list_attributes"], types, "list_attributes"),
        identifiers=schemes,
        predicates=_predicates(predicates, types, kinds),
        ftm_link=_mapping(predicates["ftm"]["link"]),
        ftm_note=_mapping(predicates["ftm"]["note"]),
    )


# --- lookups ------------------------------------------------------------------------------


def predicate(name: str) -> PredicateSpec:
    spec = load().predicates.get(str(name))
    if spec is None:
        allowed = ", ".join(load().predicates)
        raise ModelError("predicate", f"unknown value {str(name)!r} (allowed: {allowed})")
    return spec


def kind(name: str) -> Kind:
    spec = load().kinds.get(str(name))
    if spec is None:
        raise ModelError("kind", f"unknown value {str(name)!r} (allowed: {', '.join(load().kinds)})")
    return spec


def predicate_label(name: str, inverse: bool = False) -> str:
    """How pages and files name a predicate; the raw name when the schema does not know it."""
    spec = load().predicates.get(str(name))
    if spec is None:
        return str(name)
    return (spec.inverse or spec.label) if inverse else spec.label


def functional_predicates() -> frozenset[str]:
    """Predicates with one value per subject at a time: two live values are a contradiction."""
    return frozenset(p.name for p in load().predicates.values() if p.functional)


def ftm_schema_of(kind_name: str) -> str:
    return kind(kind_name).ftm


def kind_of_ftm_schema(ftm_schema: str) -> str | None:
    """The kind a foreign FtM entity is read as, or None for a schema we do not model."""
    for spec in load().kinds.values():
        if ftm_schema in spec.ftm_import:
            return spec.name
    return None


# --- checking -----------------------------------------------------------------------------


def _kinds_text(names: Iterable[str]) -> str:
    items = [f"a {n}" for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def check_value(vtype: ValueType, value: Any, field_name: str) -> None:
    """Refuse a value that is not of its declared type, naming the field."""
    base = vtype.base
    if base == "text":
        if not isinstance(value, str) or not value.strip():
            raise ModelError(field_name, f"must be a non-empty text, got {value!r}")
    elif base == "country":
        if not (isinstance(value, str) and _COUNTRY.match(value)):
            raise ModelError(field_name, f"not an ISO 3166 alpha-2 country code in lower case: {value!r}")
    elif base == "flag":
        if not isinstance(value, bool):
            raise ModelError(field_name, f"must be true or false, got {value!r}")
    elif base == "date":
        _check_date(value, field_name)
    elif base == "enum":
        if not isinstance(value, str) or value.strip().casefold() not in vtype.values:
            raise ModelError(field_name, f"unknown value {value!r} (allowed: {', '.join(vtype.values)})")
    elif base == "property_lists":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v) for k, v in value.items()):
            raise ModelError(field_name, f"must map property names to lists of texts, got {value!r}")
    else:
        _check_list(vtype, value, field_name)


def _check_date(value: Any, field_name: str) -> None:
    if not isinstance(value, str):
        raise ModelError(field_name, f"must be an ISO date, got {value!r}")
    recurring = _RECURRING_DAY.match(value.strip())
    if recurring:
        try:
            dt.date(2000, int(recurring.group(1)), int(recurring.group(2)))  # a leap year: --02-29 exists
        except ValueError:
            raise ModelError(field_name, f"not a day of the year: {value!r}") from None
        return
    parse_date(value, field_name)


def _check_list(vtype: ValueType, value: Any, field_name: str) -> None:
    if not isinstance(value, list):
        raise ModelError(field_name, f"must be a list, got {value!r}")
    for item in value:
        if vtype.base == "texts" and not (isinstance(item, str) and item.strip()):
            raise ModelError(field_name, f"must be a list of texts, got {item!r}")
        if vtype.base == "countries" and not (isinstance(item, str) and _COUNTRY.match(item)):
            raise ModelError(field_name, f"not an ISO 3166 alpha-2 country code in lower case: {item!r}")
        if vtype.base == "enums" and item not in vtype.values:
            raise ModelError(field_name, f"unknown value {item!r} (allowed: {', '.join(vtype.values)})")
        if vtype.base == "hs_codes" and not (isinstance(item, dict) and _HS_CODE.match(str(item.get("code")))):
            raise ModelError(field_name, f"not an HS 2022 code {{code, description}}: {item!r}")


def check_claim(claim: Claim, subject_kind: str | None, object_kind: str | None = None) -> None:
    """Refuse a claim the schema does not allow; a kind of None (not known yet) is not checked."""
    spec = predicate(claim.predicate)
    if subject_kind is not None and str(subject_kind) not in spec.subject:
        raise ModelError(
            "subject", f"{spec.name} is said of {_kinds_text(spec.subject)}, not a {subject_kind} ({claim.subject_id})"
        )
    if claim.object_id is not None:
        if not spec.object:
            raise ModelError("object", f"{spec.name} takes {_literal_text(spec)}, not an entity ({claim.object_id})")
        if object_kind is not None and str(object_kind) not in spec.object:
            raise ModelError(
                "object", f"{spec.name} points at {_kinds_text(spec.object)}, not a {object_kind} ({claim.object_id})"
            )
    if claim.value is not None:
        if spec.value is None:
            raise ModelError("value", f"{spec.name} takes {_literal_text(spec)}, not the text {claim.value!r}")
        check_value(spec.value, claim.value, "value")
    if claim.quantity is not None:
        if not spec.quantity:
            raise ModelError("quantity", f"{spec.name} takes {_literal_text(spec)}, not a quantity")
        if claim.quantity.unit not in spec.quantity:
            raise ModelError("quantity.unit", f"{spec.name} counts {' or '.join(spec.quantity)}, not {claim.quantity.unit!r}")
    check_qualifiers(spec, claim.qualifiers)


def check_qualifiers(spec: PredicateSpec, qualifiers: Mapping[str, Any]) -> None:
    """Refuse a qualifier the predicate does not declare, or one of the wrong type."""
    for name, value in qualifiers.items():
        declared = spec.qualifiers.get(name)
        if declared is None:
            allowed = ", ".join(spec.qualifiers) or "none"
            raise ModelError(f"qualifiers.{name}", f"not a qualifier of {spec.name} (allowed: {allowed})")
        check_value(declared.type, value, f"qualifiers.{name}")


def _literal_text(spec: PredicateSpec) -> str:
    parts = []
    if spec.object:
        parts.append(_kinds_text(spec.object))
    if spec.value is not None:
        parts.append(f"a value ({spec.value.label.lower()})")
    if spec.quantity:
        parts.append(f"a quantity of {' or '.join(spec.quantity)}")
    return " or ".join(parts)


def attributes_of(entity: Entity) -> Mapping[str, Attribute]:
    """The attributes an entity may carry: its kind's in our graph, the list's otherwise."""
    if entity.dataset == GRAPH_DATASET:
        return kind(entity.kind).attributes
    return load().list_attributes


def check_entity(entity: Entity) -> None:
    """Refuse undeclared or mistyped attributes and malformed identifiers of graph entities."""
    declared = attributes_of(entity)
    for name, value in entity.attributes.items():
        spec = declared.get(name)
        if spec is None:
            raise ModelError(f"attributes.{name}", f"not an attribute of a {entity.kind} (allowed: {', '.join(declared)})")
        if value is not None:
            check_value(spec.type, value, f"attributes.{name}")
    if entity.dataset != GRAPH_DATASET:
        return
    schemes = load().identifiers
    for ident in entity.identifiers:
        scheme = schemes.get(ident.scheme)
        if scheme is None:
            raise ModelError("identifiers.scheme", f"unknown scheme {ident.scheme!r} (allowed: {', '.join(schemes)})")
        if scheme.pattern is not None and not scheme.pattern.match(ident.value):
            raise ModelError("identifiers.value", f"{ident.value!r} is not a valid {scheme.label}")
