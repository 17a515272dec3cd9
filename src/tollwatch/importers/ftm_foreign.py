"""Foreign FollowTheMoney files (OpenSanctions, Aleph) read as what tollwatch stores.

An FtM file is a graph: a Person line, its Sanction, Passport and Address lines, Ownership
and Family lines between entities. tollwatch stores entities, so each line is one of:

- an entity of a schema the caller keeps (the graph import also takes Address and Asset, a
  screening list only what can be screened): kept, every property as given in `ftm_properties`;
- a Sanction, Identification or Passport: folded onto the entity it names (a sanction's
  programme joins `program`, the whole sanction a line in `sanctions`; a document's number
  becomes an identifier);
- an Address an entity points at (`addressEntity`): its text joins that entity's addresses;
- a relation (Ownership, Family, Directorship ...): a line in `relations` on each end kept;
- anything else, or a line we cannot use (no id, unknown schema, no name, a folded line
  whose entity is not kept): skipped, with the reason. One such line never stops a file.

A property given as one string is one value, as followthemoney itself reads it.
Reading is two passes over the lines (`collect_folds`, then `resolve` per line), so a
Sanction may come before or after its entity and a large file is never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tollwatch.core.model import Entity, EntityKind, Identifier, Name

# Every schema of followthemoney 4 (tests/test_ftm_import.py checks the list against it):
# a schema outside it is unknown, one inside it that we do not keep is reported as such.
FTM_SCHEMAS = frozenset(
    "Address Airplane Analyzable Article Asset Associate Audio BankAccount Call CallForTenders Company Contract "
    "ContractAward Control CourtCase CourtCaseParty CryptoWallet Debt Directorship Document Documentation "
    "EconomicActivity Email Employment Event Family Folder HyperText Identification Image Interest Interval "
    "LegalEntity License Membership Mention Message Note Occupancy Organization Ownership Package Page Pages "
    "Passport Payment Person PlainText Position Project ProjectParticipant PublicBody RealEstate Representation "
    "Risk Sanction Security Similar Succession Table TaxRoll Territory Thing Trip UnknownLink UserAccount "
    "Value Vehicle Vessel Video Workbook".split()
)
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
ADDRESS_PARTS = ("street", "street2", "postalCode", "city", "region", "state", "country")
ID_PROPS = ("registrationNumber", "idNumber", "imoNumber", "innCode", "ogrnCode", "swiftBic", "taxNumber", "passportNumber", "leiCode", "mmsi", "callSign")
# Kept as attributes of their own name too (screening and pages read these).
SHOWN_PROPS = ("country", "nationality", "jurisdiction", "topics", "program", "birthDate", "birthPlace", "gender", "position")
# A detail line: the property naming the entity it is about, and what to read from it.
DETAILS = {"Sanction": "entity", "Identification": "holder", "Passport": "holder"}
# A relation: (its two ends' properties); the line names both and what the relation says.
RELATIONS = {
    "Ownership": ("owner", "asset"), "Family": ("person", "relative"), "Directorship": ("director", "organization"),
    "Associate": ("person", "associate"), "Membership": ("member", "organization"), "Employment": ("employee", "employer"),
    "Representation": ("agent", "client"), "Succession": ("predecessor", "successor"), "UnknownLink": ("subject", "object"),
    "Control": ("controller", "controlled"),
}
_RELATION_DETAILS = ("relationship", "role", "percentage", "status", "startDate", "endDate", "sourceUrl")
_SANCTION_DETAILS = ("authority", "program", "reason", "provisions", "status", "startDate", "endDate", "listingDate", "sourceUrl")
MAX_NAME = 500


@dataclass
class Folds:
    """What the file's other lines add to its entities, gathered in the first pass."""

    captions: dict[str, str] = field(default_factory=dict)  # usable entity id → caption
    addresses: dict[str, str] = field(default_factory=dict)  # Address id → its text
    address_users: set[str] = field(default_factory=set)  # Address ids some entity points at
    onto: dict[str, dict[str, list]] = field(default_factory=dict)  # entity id → attribute → added values
    folded: int = 0  # lines kept on their entities (counted in the second pass)

    def add(self, entity_id: str, attribute: str, value: Any) -> None:
        values = self.onto.setdefault(entity_id, {}).setdefault(attribute, [])
        if value not in values:
            values.append(value)


def normalize(data: Any) -> dict | str:
    """The entity with FtM's JSON types (id, schema, properties of text lists), or why it is unusable."""
    if not isinstance(data, dict):
        return "not an FtM entity (a JSON object with id and schema)"
    ident = data.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or not str(ident).strip():
        return "id: missing (an FtM entity needs an id)"
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema.strip():
        return "schema: missing" if schema in (None, "") else f"schema: must be text, got {type(schema).__name__}"
    raw = data.get("properties") or {}
    if not isinstance(raw, dict):
        return "properties: not an object of property lists"
    props: dict[str, list[str]] = {}
    for name, values in raw.items():
        texts = []
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                return f"properties.{name}: {type(value).__name__} is not a text value"
            if str(value).strip():
                texts.append(str(value).strip())
        if texts:
            props[str(name)] = list(dict.fromkeys(texts))
    datasets = data.get("datasets")
    datasets = [datasets] if isinstance(datasets, str) else datasets if isinstance(datasets, list) else []
    caption = data.get("caption") if isinstance(data.get("caption"), str) and data["caption"].strip() else None
    return {"id": str(ident).strip(), "schema": schema.strip(), "properties": props, "caption": caption,
            "datasets": [d for d in datasets if isinstance(d, str) and d.strip()]}


def names_of(d: dict) -> list[str]:
    """An entity's names; an Address's name is its full text, or its parts joined."""
    props = d["properties"]
    names = [n for p in NAME_PROPS for n in props.get(p, [])]
    if d["schema"] == "Address":
        names = props.get("full") or [", ".join(v for p in ADDRESS_PARTS for v in props.get(p, []))]
    return [" ".join(n.split())[:MAX_NAME] for n in dict.fromkeys(names) if n.strip()]


def collect_folds(lines: Iterable[tuple[int, Any]], kind_of: Callable[[str], EntityKind | None]) -> Folds:
    """First pass: which entities are usable, and what each detail or relation line adds to them."""
    folds = Folds()
    details: list[dict] = []
    for _, data in lines:
        d = normalize(data)
        if isinstance(d, str):
            continue
        if kind_of(d["schema"]) is not None and names_of(d):
            folds.captions[d["id"]] = d["caption"] or names_of(d)[0]
            folds.address_users.update(d["properties"].get("addressEntity", []))
        if d["schema"] == "Address" and names_of(d):
            folds.addresses[d["id"]] = names_of(d)[0]
        if d["schema"] in DETAILS or d["schema"] in RELATIONS:
            details.append(d)
    for d in details:  # after every entity is known, so a relation can name both ends
        _fold(d, folds)
    return folds


def _fold(d: dict, folds: Folds) -> None:
    props, schema = d["properties"], d["schema"]
    if schema in RELATIONS:
        first, second = RELATIONS[schema]
        line = relation_text(schema, props, first, second, folds.captions)
        for end in (*props.get(first, []), *props.get(second, [])):
            folds.add(end, "relations", line)
        return
    for target in props.get(DETAILS[schema], []):
        if schema == "Sanction":
            folds.add(target, "sanctions", _described("Sanction", props, _SANCTION_DETAILS))
            for program in props.get("program", []):
                folds.add(target, "program", program)
            continue
        scheme, details = ("passportNumber", "passport_details") if schema == "Passport" else ("idNumber", "id_details")
        for number in props.get("number", []):
            folds.add(target, "identifiers", (scheme, number[:200]))
        folds.add(target, details, _described(schema, props, ("number", "type", "country", "authority", "startDate", "endDate")))


def relation_text(schema: str, props: dict, first: str, second: str, captions: dict[str, str]) -> str:
    """`Ownership: Kim (owner) → Ryonbong (asset); percentage 51; startDate 2019`."""
    def ends(prop: str) -> str:
        return ", ".join(captions.get(i, i) for i in props.get(prop, [])) or "?"

    details = "; ".join(f"{p} {', '.join(props[p])}" for p in _RELATION_DETAILS if props.get(p))
    return f"{schema}: {ends(first)} ({first}) → {ends(second)} ({second})" + (f"; {details}" if details else "")


def _described(schema: str, props: dict, keys: tuple[str, ...]) -> str:
    return f"{schema}: " + "; ".join(f"{k} {', '.join(props[k])}" for k in keys if props.get(k))


def resolve(data: Any, kind_of: Callable[[str], EntityKind | None], folds: Folds, dataset: str | None) -> Entity | str | None:
    """Second pass, one line: the entity to keep, None for a line folded onto one, or why it is skipped."""
    d = normalize(data)
    if isinstance(d, str):
        return d
    schema, props = d["schema"], d["properties"]
    kind = kind_of(schema)
    if kind is not None:
        return _entity(d, kind, folds, dataset) if names_of(d) else f"{schema} {d['id']}: no name (properties.name)"
    targets: list[str] = []
    if schema in DETAILS:
        targets = props.get(DETAILS[schema], [])
    elif schema in RELATIONS:
        targets = [*props.get(RELATIONS[schema][0], []), *props.get(RELATIONS[schema][1], [])]
    elif schema == "Address":
        targets = [d["id"]] if d["id"] in folds.address_users and d["id"] in folds.addresses else []
        if not targets:
            return f"Address {d['id']}: no entity kept from the file points at it (addressEntity)"
    elif schema in FTM_SCHEMAS:
        return f"{schema} {d['id']}: tollwatch keeps no {schema} records"
    else:
        return f"{schema} {d['id']}: unknown FtM schema {schema!r}"
    if schema != "Address" and not any(t in folds.captions for t in targets):
        return f"{schema} {d['id']}: none of the entities it names ({', '.join(targets) or 'none'}) is kept from the file"
    folds.folded += 1
    return None


def _entity(d: dict, kind: EntityKind, folds: Folds, dataset: str | None) -> Entity:
    props, names = d["properties"], names_of(d)
    extra = folds.onto.get(d["id"], {})
    attributes: dict[str, Any] = {p: list(props[p]) for p in SHOWN_PROPS if props.get(p)}
    addresses = [*props.get("address", []), *(folds.addresses[a] for a in props.get("addressEntity", []) if a in folds.addresses)]
    if addresses:
        attributes["address"] = list(dict.fromkeys(addresses))
    for key, values in extra.items():
        if key == "program":
            attributes["program"] = list(dict.fromkeys([*attributes.get("program", []), *values]))
        elif key != "identifiers":
            attributes[key] = list(values)
    attributes["ftm_properties"] = props
    identifiers = [Identifier(p, v[:200]) for p in ID_PROPS for v in props.get(p, [])]
    identifiers += [Identifier(s, v) for s, v in extra.get("identifiers", []) if Identifier(s, v) not in identifiers]
    return Entity(
        id=d["id"],
        kind=kind,
        caption=(d["caption"] or names[0])[:MAX_NAME],
        names=[Name.of(n) for n in names],
        identifiers=identifiers,
        attributes=attributes,
        dataset=dataset or (d["datasets"][0] if d["datasets"] else "ftm"),
    )


__all__ = ["FTM_SCHEMAS", "Folds", "collect_folds", "names_of", "normalize", "relation_text", "resolve"]
