"""The one domain model: sources, entities, claims and their evidence.

Every layer (store, importers, CLI, server, engines) speaks these types, so a
fact keeps its citation whichever way it travels. The module does no I/O.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar


class ModelError(ValueError):
    """A value that the model refuses; `field` names the offending field."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class SourceKind(StrEnum):
    NEWS = "news"
    TESTIMONY = "testimony"
    NGO_REPORT = "ngo_report"
    GOVERNMENT = "government"
    SATELLITE_IMAGERY = "satellite_imagery"
    TRADE_DATA = "trade_data"
    SANCTIONS_LIST = "sanctions_list"
    REFERENCE = "reference"  # a compiled gazetteer row that cites its own sources


class EvidenceKind(StrEnum):
    """What the evidence is: the publisher's words, ours, or a row of a compiled reference."""

    VERBATIM = "verbatim"  # an exact span of the stored text, which is the document's own
    PARAPHRASE = "paraphrase"  # our wording of a source whose text we do not store
    COMPILED = "compiled"  # a row of a compiled reference that cites its own pages


class Sensitivity(StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"

    @property
    def rank(self) -> int:
        return {"public": 0, "restricted": 1, "confidential": 2}[self.value]


# Admiralty (NATO) source reliability: A completely reliable … E unreliable,
# F reliability cannot be judged. Weights say how much one such source moves a claim.
GRADE_WEIGHT: dict[str, float] = {"A": 0.9, "B": 0.75, "C": 0.55, "D": 0.35, "E": 0.15, "F": 0.3}


class EntityKind(StrEnum):
    FACILITY = "facility"
    ORGANIZATION = "organization"
    PERSON = "person"
    PLACE = "place"
    PRODUCT = "product"
    VESSEL = "vessel"


class FacilityType(StrEnum):
    KWALLISO = "kwalliso"  # political prison camp (관리소)
    KYOHWASO = "kyohwaso"  # long-term reform-through-labor camp (교화소)
    RODONG_DANRYONDAE = "rodong_danryondae"  # short-term labor-training camp (로동단련대)
    PLANT = "plant"  # a factory or processing plant outside North Korea (a Chinese seafood plant)
    OTHER = "other"


class Script(StrEnum):
    HANGUL = "hangul"
    HAN = "han"
    LATIN = "latin"
    OTHER = "other"


class Romanization(StrEnum):
    RR = "rr"  # Revised Romanization (South Korea, 2000)
    MR = "mr"  # McCune–Reischauer
    DPRK = "dprk"  # the DPRK's official system (MR without breves/apostrophes)
    PINYIN = "pinyin"
    UNKNOWN = "unknown"


class Predicate(StrEnum):
    PRODUCES = "produces"
    RECEIVES_INPUT = "receives_input"
    LOCATED_IN = "located_in"
    OPERATED_BY = "operated_by"
    PART_OF = "part_of"
    CONTRACTS_WITH = "contracts_with"
    SUPPLIES = "supplies"
    EXPORTS_VIA = "exports_via"
    WORK_UNIT_SIZE = "work_unit_size"
    INSPECTED_BY = "inspected_by"
    HOLDS_PRISONERS = "holds_prisoners"
    HAS_STATUS = "has_status"
    REVIEW_DEADLINE = "review_deadline"
    REPORTED_ROLE = "reported_role"  # what reporting alleges an organization does in the chain
    EMPLOYS_WORKERS = "employs_workers"  # a company or plant puts (North Korean) workers to work
    DISPATCHED_BY = "dispatched_by"  # the North Korean body that sends an employer's workers


# What each predicate may connect, its labels and whether it is functional are declared
# in core/schema/predicates.yaml (read by tollwatch.core.schema).


E = TypeVar("E", bound=StrEnum)


class Method(StrEnum):
    HUMAN = "human"
    RULE = "rule"
    MODEL = "model"


class ReviewStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def require_text(value: object, field_name: str) -> str:
    """User input arrives as JSON or form values: a field that must be text says so, not a traceback."""
    if not isinstance(value, str):
        raise ModelError(field_name, f"must be text, got {type(value).__name__}")
    return value


def parse_enum(enum_type: type[E], value: str, field_name: str) -> E:
    """Parse a user-supplied enum value, naming the field and the allowed values on failure."""
    text = require_text(value or "", field_name).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum_type(text)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise ModelError(field_name, f"unknown value {value!r} (allowed: {allowed})") from None


def parse_grade(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    grade = require_text(value, "grade").strip().upper()
    if grade not in GRADE_WEIGHT:
        raise ModelError("grade", f"unknown Admiralty grade {value!r} (allowed: A–F)")
    return grade


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str | None, field_name: str = "date") -> str | None:
    """Dates are kept as ISO prefixes (YYYY, YYYY-MM or YYYY-MM-DD): reports rarely give days.

    Each part must exist on the calendar: 2024-13 and 2024-02-30 are refused.
    """
    if value is None or value == "":
        return None
    text = require_text(value, field_name).strip()
    m = _ISO_DATE.match(text)
    if not m:
        raise ModelError(field_name, f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        datetime.date(max(year, 1), month, day)
    except ValueError:
        raise ModelError(field_name, f"not a calendar date: {value!r}") from None
    return text


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def detect_script(text: str) -> Script:
    """The dominant script of a name, so each name records what it is written in."""
    counts = {Script.HANGUL: 0, Script.HAN: 0, Script.LATIN: 0, Script.OTHER: 0}
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts[Script.HANGUL] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            counts[Script.HAN] += 1
        elif "LATIN" in unicodedata.name(ch, ""):
            counts[Script.LATIN] += 1
        else:
            counts[Script.OTHER] += 1
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else Script.OTHER


@dataclass(frozen=True)
class Name:
    value: str
    script: Script = Script.LATIN
    system: Romanization | None = None  # the romanization system, for Latin names of Korean/Chinese origin
    lang: str | None = None  # ISO 639-1 where known: ko, zh, en
    # The evidence behind the name: a name a merge brought from a confidential source stays
    # confidential on the entity it joined. Not part of equality: the same spelling is one name.
    sensitivity: Sensitivity = field(default=Sensitivity.PUBLIC, compare=False)
    source_id: str | None = field(default=None, compare=False)

    def visible_at(self, clearance: Sensitivity) -> bool:
        """Whether a reader at `clearance` may see this name (the one rule for names)."""
        return self.sensitivity.rank <= clearance.rank

    @classmethod
    def of(cls, value: str, system: Romanization | None = None, lang: str | None = None) -> Name:
        value = value.strip()
        if not value:
            raise ModelError("name", "empty name")
        return cls(value=value, script=detect_script(value), system=system, lang=lang)


@dataclass(frozen=True)
class Identifier:
    scheme: str  # e.g. us_ofac_sdn, un_sc_sanctions, tollwatch_facility, hs2022, imo
    value: str


@dataclass(frozen=True)
class Coordinates:
    lat: float
    lon: float
    source: str | None = None
    confidence: str | None = None

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0):
            raise ModelError("lat", f"latitude out of range: {self.lat}")
        if not (-180.0 <= self.lon <= 180.0):
            raise ModelError("lon", f"longitude out of range: {self.lon}")


@dataclass
class Entity:
    id: str
    kind: EntityKind
    caption: str
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    coordinates: list[Coordinates] = field(default_factory=list)
    # Kind-specific facts that are not claims, declared per kind in core/schema/entities.yaml
    # (facility_type, status_text, country, roles, hs_codes, province, notes ...).
    # Statuses with sources are also claims.
    attributes: dict[str, Any] = field(default_factory=dict)
    dataset: str = "tollwatch"  # which collection the record belongs to (a list, or our graph)
    is_new: bool = False  # proposed by extraction and not yet in the graph

    def __post_init__(self) -> None:
        # `country` is always a list (core/schema/entities.yaml), however a record wrote it.
        country = self.attributes.get("country")
        if country is not None and not isinstance(country, list):
            codes = [country] if isinstance(country, str) else list(country)
            self.attributes = {**self.attributes, "country": [c for c in codes if c]}

    def all_names(self) -> list[str]:
        seen: dict[str, None] = {self.caption: None}
        for n in self.names:
            seen.setdefault(n.value, None)
        return list(seen)


@dataclass
class Source:
    id: str
    title: str
    kind: SourceKind = SourceKind.NEWS
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    grade: str | None = None  # Admiralty A–F
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    text: str | None = None
    sha256: str | None = None
    # Who the source ultimately rests on (an informant, a wire story): sources sharing
    # an origin are not independent even when publishers differ.
    origin: str | None = None
    # What the stored text is: the document's own words (verbatim), our paraphrase of it,
    # or a compiled reference row. Only verbatim text may be shown as the publisher's.
    text_kind: EvidenceKind = EvidenceKind.VERBATIM

    def __post_init__(self) -> None:
        if self.text is not None and self.sha256 is None:
            self.sha256 = sha256_text(self.text)

    @property
    def independence_key(self) -> str:
        """Sources with the same key count once for corroboration."""
        if self.origin:
            return "origin:" + self.origin.strip().casefold()
        if self.publisher:
            return "publisher:" + re.sub(r"\W+", " ", self.publisher).strip().casefold()
        return "source:" + self.id


@dataclass(frozen=True)
class Quantity:
    low: float | None
    high: float | None
    unit: str

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ModelError("quantity", "a quantity needs a low or a high value")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ModelError("quantity", f"low {self.low} is above high {self.high}")


@dataclass(frozen=True)
class Period:
    start: str | None = None
    end: str | None = None


@dataclass
class Evidence:
    source_id: str
    quote: str | None = None
    span: tuple[int, int] | None = None
    method: Method = Method.HUMAN
    confidence: float = 1.0
    kind: EvidenceKind = EvidenceKind.VERBATIM
    # The pages this very fact is cited to. None: the source's own URL is the citation;
    # an empty tuple: the compiled row gives no source for this fact ("source not given").
    cites: tuple[str, ...] | None = None
    # The extraction rule that proposed this evidence ("products", "contracts"): None for people,
    # imports and models. Shown with the claim, and counted by `extraction report`.
    rule: str | None = None

    def check_against(self, source_text: str | None) -> None:
        """A quote with a span must be exactly the source text at that span."""
        if not 0.0 <= self.confidence <= 1.0:
            raise ModelError("confidence", f"must lie in [0, 1], got {self.confidence}")
        if self.span is None:
            return
        start, end = self.span
        if start < 0 or end <= start:
            raise ModelError("span", f"invalid span [{start}, {end}]")
        if source_text is None:
            raise ModelError("span", "the source has no stored text to point into")
        if end > len(source_text):
            raise ModelError("span", f"span end {end} is past the source text ({len(source_text)} chars)")
        if self.quote is not None and source_text[start:end] != self.quote:
            raise ModelError("span", f"source text at [{start}, {end}] is {source_text[start:end]!r}, not the quote")


@dataclass
class Review:
    status: ReviewStatus = ReviewStatus.PROPOSED
    by: str | None = None
    at: str | None = None


def claim_id(subject_id: str, predicate: str, object_key: str, source_id: str, span: tuple[int, int] | None) -> str:
    """Content-derived ids make imports idempotent and exports reproducible."""
    raw = "\x1f".join([subject_id, str(predicate), object_key, source_id, f"{span[0]}:{span[1]}" if span else ""])
    return "c-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass
class Claim:
    id: str  # "" (None works too): derived in __post_init__ from what the claim says and where (see claim_id)
    subject_id: str
    predicate: Predicate
    evidence: Evidence
    object_id: str | None = None
    value: str | None = None
    period: Period | None = None
    quantity: Quantity | None = None
    review: Review = field(default_factory=Review)
    note: str | None = None
    # What the predicate declares besides object, value, quantity and period
    # (core/schema/predicates.yaml `qualifiers`): the workers' nationality, a suspended supply.
    qualifiers: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.object_id is None) == (self.value is None) and self.quantity is None:
            raise ModelError("object", "a claim needs exactly one of an object entity or a literal value")
        if not self.id:
            self.id = self.content_id()

    def content_id(self) -> str:
        return claim_id(self.subject_id, str(self.predicate), self.object_key, self.evidence.source_id, self.evidence.span)

    @property
    def object_key(self) -> str:
        """What the claim asserts, independent of who asserts it."""
        if self.object_id:
            return "entity:" + self.object_id
        if self.value is not None:
            return "value:" + self.value.strip().casefold()
        q = self.quantity
        return f"quantity:{q.low}-{q.high} {q.unit}" if q else "none"


def slug(text: str) -> str:
    """A stable, readable id fragment."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
