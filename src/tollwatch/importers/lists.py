"""Sanctions-list importers: OFAC SDN XML, UN SC consolidated XML, and the dispatch to every format.

OFAC's CSV set is in lists_ofac, the generic CSV in lists_csv, UK OFSI and Australia DFAT
(spreadsheets) in lists_sheets, the EU FSF XML in lists_eu.

Each importer streams its file and yields one `Entity` per listed record, keeping the
list's own identifier (scheme = dataset, value = the list's id) so every screening hit
can be traced back to the exact list entry. Bad input raises InputError naming the
file, line and field; XML goes through defusedxml so entity-expansion bombs are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, EntityKind, Identifier, Name
from tollwatch.importers.streams import MAX_CELL, check_nonempty, open_binary
from tollwatch.importers.lists_ofac_xml import sdn_entry_details

OFAC_DATASET = "us_ofac_sdn"
UN_DATASET = "un_sc_sanctions"
GRAPH_DATASET = "tollwatch"  # the evidence graph's entities; no list may replace them
UK_DATASET = "gb_hmt_sanctions"
AU_DATASET = "au_dfat_sanctions"
EU_DATASET = "eu_fsf"
# "un" is the short name of "un-xml" (the UN list of any date, same layout since 2018).
FORMATS = ("ofac-csv", "ofac-xml", "un-xml", "un", "uk-ofsi", "au-dfat", "eu-fsf", "ftm", "csv")
DEFAULT_DATASET = {
    "ofac-csv": OFAC_DATASET, "ofac-xml": OFAC_DATASET, "un-xml": UN_DATASET, "un": UN_DATASET,
    "uk-ofsi": UK_DATASET, "au-dfat": AU_DATASET, "eu-fsf": EU_DATASET, "ftm": None, "csv": None,
}

SCHEMA_KIND = {
    "Person": EntityKind.PERSON,
    "Organization": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "LegalEntity": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    "Vessel": EntityKind.VESSEL,
    # Our model has no aircraft kind; a craft is closest to a vessel, the schema stays exact.
    "Airplane": EntityKind.VESSEL,
}


@dataclass
class ImportReport:
    """What an import did, including what it refused, so nothing is dropped silently."""

    dataset: str
    fmt: str
    files: list[str]
    snapshot_date: str | None = None
    count: int = 0
    skipped: list[str] = field(default_factory=list)
    folded: int = 0  # FtM detail and relation lines kept on the entities they name

    def meta(self) -> dict:
        return {
            "dataset": self.dataset,
            "format": self.fmt,
            "source_files": [Path(f).name for f in self.files],
            "snapshot_date": self.snapshot_date,
            "count": self.count,
            "skipped": len(self.skipped),
            "folded": self.folded,
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def list_entity(
    dataset: str,
    list_id: str,
    schema: str,
    names: list[str],
    attributes: dict,
    *,
    path: str,
    line: int | None,
) -> Entity:
    """One list record as an Entity whose identifier is the list's own id."""
    clean = [" ".join(n.split()) for n in names if n and n.strip()]
    if not clean:
        raise InputError("record has no name", path=path, line=line, field="name")
    list_id = list_id.strip()
    if not list_id:
        raise InputError("record has no identifier", path=path, line=line, field="id")
    kind = SCHEMA_KIND.get(schema)
    if kind is None:
        raise InputError(f"unknown schema {schema!r}", path=path, line=line, field="schema")
    uniq = list(dict.fromkeys(clean))
    return Entity(
        id=f"{dataset}-{list_id}"[:120],
        kind=kind,
        caption=uniq[0],
        names=[Name.of(n[:500]) for n in uniq],
        identifiers=[Identifier(dataset, list_id)],
        attributes={"schema": schema, **{k: v for k, v in attributes.items() if v not in (None, "", [])}},
        dataset=dataset,
    )


# --- XML (defused) -----------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _iter_xml(path: Path, record_tags: set[str]):
    """Yield (root attributes, element) for each record element, freeing memory as it goes."""
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import ParseError, iterparse

    check_nonempty(path)
    fh = open_binary(path)
    root_attrs: dict = {}
    root = None
    try:
        for event, elem in iterparse(fh, events=("start", "end"), forbid_dtd=False, forbid_entities=True, forbid_external=True):
            if event == "start":
                if root is None:
                    root = elem
                    root_attrs = dict(elem.attrib)
                continue
            if _local(elem.tag) in record_tags:
                yield root_attrs, elem
                elem.clear()
                if root is not None:
                    root.clear()
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        raise InputError(f"refused: the XML declares entities ({type(exc).__name__})", path=str(path), field="xml") from None
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise InputError(f"malformed XML: {exc.msg if hasattr(exc, 'msg') else exc}", path=str(path), line=line, field="xml") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"undecodable bytes in XML (byte {exc.start})", path=str(path), field="encoding") from None
    except (LookupError, ValueError) as exc:  # expat: an unknown or multi-byte declared encoding
        raise InputError(f"the XML declares an unknown encoding ({exc})", path=str(path), field="encoding") from None
    finally:
        fh.close()


def _text(elem, *names: str) -> str:
    """Text of the first child (by local name, searched depth-first) that has any."""
    for name in names:
        for child in elem.iter():
            if _local(child.tag) == name and child.text and child.text.strip():
                return " ".join(child.text.split())
    return ""


def _children(elem, name: str):
    return [c for c in elem.iter() if _local(c.tag) == name]


def _check_cell(value: str, path: Path, record: str, field_name: str) -> str:
    if len(value) > MAX_CELL:
        raise InputError(f"record {record}: value over the {MAX_CELL}-byte limit", path=str(path), field=field_name)
    return value


# --- UN SC consolidated list -------------------------------------------------------------


def read_un_xml(path: Path, dataset: str = UN_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    path = Path(path)
    report = report or ImportReport(dataset, "un-xml", [str(path)])
    seen_root = False
    for root_attrs, elem in _iter_xml(path, {"INDIVIDUAL", "ENTITY"}):
        if not seen_root:
            seen_root = True
            generated = root_attrs.get("dateGenerated") or ""
            report.snapshot_date = report.snapshot_date or (generated[:10] or None)
        tag = _local(elem.tag)
        dataid = _text(elem, "DATAID")
        ref = re.sub(r"\s+", "", _text(elem, "REFERENCE_NUMBER"))
        list_id = ref or dataid
        record = list_id or f"#{report.count + 1}"
        parts = [_text(elem, n) for n in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        main_name = " ".join(p for p in parts if p)
        if not main_name:
            raise InputError(f"record {record} has no FIRST_NAME", path=str(path), field="FIRST_NAME")
        names = [_check_cell(main_name, path, record, "FIRST_NAME")]
        original = _text(elem, "NAME_ORIGINAL_SCRIPT")
        if original:
            names.append(original)
        alias_tag = "INDIVIDUAL_ALIAS" if tag == "INDIVIDUAL" else "ENTITY_ALIAS"
        by_type: dict[str, list[str]] = {"low": [], "f.k.a.": []}
        for alias in _children(elem, alias_tag):
            name = _text(alias, "ALIAS_NAME")
            if name:  # names by type: "Low" quality and "f.k.a." are also kept by type (all stay screened)
                names.append(_check_cell(name, path, record, "ALIAS_NAME"))
                by_type.get(_text(alias, "QUALITY").casefold(), []).append(name)
        countries = [" ".join((c.text or "").split()) for c in _children(elem, "COUNTRY") if (c.text or "").strip()]
        nationality = [" ".join((v.text or "").split()) for n in _children(elem, "NATIONALITY") for v in _children(n, "VALUE") if (v.text or "").strip()]
        addresses = []
        for a in _children(elem, f"{tag}_ADDRESS"):
            bits = [_text(a, k) for k in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
            if any(bits):
                addresses.append(", ".join(b for b in bits if b))
        attrs = {
            "program": [_text(elem, "UN_LIST_TYPE")] if _text(elem, "UN_LIST_TYPE") else [],
            "list_ref": ref or None,
            "un_dataid": dataid or None,
            "listed_on": _text(elem, "LISTED_ON") or None,
            "country": list(dict.fromkeys(countries + nationality))[:10],
            "addresses": addresses[:20],
            "remarks": _text(elem, "COMMENTS1")[:2000] or None,
            "nationality": list(dict.fromkeys(nationality)),
            "weakAlias": by_type["low"],
            "previousName": by_type["f.k.a."],
            "gender": [_text(elem, "GENDER")] if _text(elem, "GENDER") else [],
            "last_updated": max(_values(elem, "LAST_DAY_UPDATED"), default=None),
        }
        details, idents = _un_details(elem)
        report.count += 1
        ent = list_entity(dataset, list_id, "Person" if tag == "INDIVIDUAL" else "Organization", names, {**attrs, **details}, path=str(path), line=None)
        ent.identifiers += idents
        yield ent


def _values(elem, name: str) -> list[str]:
    return list(dict.fromkeys(" ".join((v.text or "").split()) for n in _children(elem, name) for v in _children(n, "VALUE") if (v.text or "").strip()))


def _un_details(elem) -> tuple[dict, list[Identifier]]:
    """Dates and places of birth, titles, designations and documents of a UN record."""
    births = []
    for b in _children(elem, "INDIVIDUAL_DATE_OF_BIRTH"):
        date = _text(b, "DATE")[:10] or _text(b, "YEAR")
        span = "-".join(x for x in (_text(b, "FROM_YEAR"), _text(b, "TO_YEAR")) if x)
        births.append(date or span)
    places = [", ".join(x for x in (_text(p, k) for k in ("CITY", "STATE_PROVINCE", "COUNTRY")) if x) for p in _children(elem, "INDIVIDUAL_PLACE_OF_BIRTH")]
    idents, docs = [], []
    for d in _children(elem, "INDIVIDUAL_DOCUMENT"):
        number, kind = _text(d, "NUMBER"), _text(d, "TYPE_OF_DOCUMENT")
        if number:
            idents.append(Identifier("passportNumber" if "passport" in kind.casefold() else "idNumber", number[:200]))
            docs.append(", ".join(x for x in (kind, number, _text(d, "ISSUING_COUNTRY"), _text(d, "NOTE")) if x))
    details = {
        "birthDate": list(dict.fromkeys(b for b in births if b)),
        "birthPlace": list(dict.fromkeys(p for p in places if p)),
        "title": "; ".join(_values(elem, "TITLE")) or None,
        "position": _values(elem, "DESIGNATION"),
        "passportNumber": [i.value for i in idents if i.scheme == "passportNumber"],
        "id_details": docs[:20],
    }
    return details, idents


# --- OFAC XML (sdn.xml classic, SDN_ENHANCED best effort) ---------------------------------


def read_ofac_xml(path: Path, dataset: str = OFAC_DATASET, report: ImportReport | None = None) -> Iterator[Entity]:
    path = Path(path)
    report = report or ImportReport(dataset, "ofac-xml", [str(path)])
    for _attrs, elem in _iter_xml(path, {"sdnEntry", "entity", "publshInformation", "publicationInfo"}):
        tag = _local(elem.tag)
        if tag in ("publshInformation", "publicationInfo"):
            date = _text(elem, "Publish_Date", "dataAsOf", "publicationDate")
            report.snapshot_date = _us_date(date) or report.snapshot_date
            continue
        if tag == "sdnEntry":
            uid = _text(elem, "uid")
            record = uid or f"#{report.count + 1}"
            first = next((c for c in elem if _local(c.tag) == "firstName"), None)
            last = next((c for c in elem if _local(c.tag) == "lastName"), None)
            name = ", ".join(x for x in ((last.text or "").strip() if last is not None else "", (first.text or "").strip() if first is not None else "") if x)
            if not name:
                raise InputError(f"record {record} has no lastName", path=str(path), field="lastName")
            names = [_check_cell(name, path, record, "lastName")]
            details, idents, weak = sdn_entry_details(elem)
            for aka in _children(elem, "aka"):
                a = ", ".join(x for x in (_text(aka, "lastName"), _text(aka, "firstName")) if x)
                if a and a not in weak:  # a low-quality (weak) alias is kept, not screened on
                    names.append(_check_cell(a, path, record, "aka"))
            programs = [(p.text or "").strip() for p in _children(elem, "program") if (p.text or "").strip()]
            sdn_type = _text(elem, "sdnType").casefold()
            schema = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}.get(sdn_type, "Organization")
            countries = [(c.text or "").strip() for c in _children(elem, "country") if (c.text or "").strip()]
            addresses = []
            for a in _children(elem, "address"):
                bits = [_text(a, k) for k in ("address1", "city", "stateOrProvince", "country")]
                if any(bits):
                    addresses.append(", ".join(b for b in bits if b))
            attrs = {**details, "program": programs, "list_ref": uid, "country": list(dict.fromkeys(countries)), "addresses": addresses[:20], "title": _text(elem, "title") or None}
        else:  # SDN_ENHANCED <entity id="...">
            uid = elem.get("id") or _text(elem, "id")
            record = uid or f"#{report.count + 1}"
            names = []
            for n in _children(elem, "formattedFullName"):
                if (n.text or "").strip():
                    names.append(_check_cell(" ".join(n.text.split()), path, record, "formattedFullName"))
            if not names:
                raise InputError(f"record {record} has no formattedFullName", path=str(path), field="formattedFullName")
            etype = _text(elem, "entityType").casefold()
            schema = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}.get(etype, "Organization")
            programs = [(p.text or "").strip() for p in _children(elem, "sanctionsProgram") if (p.text or "").strip()]
            attrs, idents = {"program": programs, "list_ref": uid}, []
        if not uid:
            raise InputError(f"record {record} has no uid", path=str(path), field="uid")
        report.count += 1
        entity = list_entity(dataset, uid, schema, names, attrs, path=str(path), line=None)
        entity.identifiers.extend(idents)
        yield entity


def _us_date(text: str) -> str | None:
    text = (text or "").strip()
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    m = re.match(r"^\d{4}-\d{2}-\d{2}", text)
    return m.group(0) if m else None


# --- dispatch ----------------------------------------------------------------------------


def check_dataset_name(ds: str, path: str | None = None, line: int | None = None) -> str:
    """A list's dataset name: lowercase letters, digits, _ . -, and never the evidence graph's own."""
    if not re.fullmatch(r"[a-z0-9_][a-z0-9_.-]{0,60}", ds):
        raise InputError(f"dataset name {ds!r} must be lowercase letters, digits, _ . -", path=path, line=line, field="dataset")
    if ds == GRAPH_DATASET:
        raise InputError(f"dataset name {ds!r} is the evidence graph's; choose another", path=path, line=line, field="dataset")
    return ds


def read_list(fmt: str, paths: list[Path], dataset: str | None = None) -> tuple[ImportReport, Iterator[Entity]]:
    """The report fills in as the iterator is consumed."""
    if fmt not in FORMATS:
        raise InputError(f"unknown list format {fmt!r} (allowed: {', '.join(FORMATS)})", field="format")
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no input file given", field="FILE")
    ds = dataset or DEFAULT_DATASET[fmt]
    if ds is None and fmt == "csv":
        ds = re.sub(r"[^a-z0-9_]+", "_", paths[0].stem.casefold()).strip("_") or "custom_list"
    if ds is not None:
        check_dataset_name(ds)
    report = ImportReport(ds or "ftm", fmt, [str(p) for p in paths])
    if fmt == "ftm":
        from tollwatch.importers.lists_ftm import read_ftm

        return report, _chain(read_ftm(p, ds, report) for p in paths)
    assert ds is not None  # every other format has a default name, or one made from the file's
    if fmt == "ofac-csv":
        from tollwatch.importers.lists_ofac import read_ofac_csv

        return report, read_ofac_csv(paths, ds, report)
    return report, _chain(_reader(fmt)(p, ds, report) for p in paths)


def _reader(fmt: str):
    """The one-file reader of a format (the government lists' readers live in their own modules)."""
    from tollwatch.importers.lists_csv import read_generic_csv
    from tollwatch.importers.lists_eu import read_eu_fsf
    from tollwatch.importers.lists_sheets import read_au_dfat, read_uk_ofsi

    return {
        "ofac-xml": read_ofac_xml, "un-xml": read_un_xml, "un": read_un_xml, "uk-ofsi": read_uk_ofsi,
        "au-dfat": read_au_dfat, "eu-fsf": read_eu_fsf, "csv": read_generic_csv,
    }[fmt]


def _chain(iterators):
    for it in iterators:
        yield from it
