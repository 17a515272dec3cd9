"""Load the bundled reference data into a store, once, on first use.

The gazetteer rows and our article paraphrases become Sources whose stored text is
our own compiled wording (never an article's text), marked compiled or paraphrase so
no page shows it as the publisher's words. Each gazetteer claim cites the pages its row
gives for that very fact (Evidence.cites), or says the row gives none.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import cache
from importlib import resources

from tollwatch.core import catalogue
from tollwatch.core.model import (
    Claim,
    Coordinates,
    Entity,
    EntityKind,
    Evidence,
    EvidenceKind,
    FacilityType,
    Identifier,
    Method,
    Name,
    Predicate,
    Quantity,
    Review,
    ReviewStatus,
    Romanization,
    Source,
    SourceKind,
    slug,
)
from tollwatch.store.repository import Store, Txn, now

REFERENCE_ACTOR = "tollwatch-reference"
META_KEY = "reference_data_sha256"


def data_path(name: str):
    return resources.files("tollwatch") / "data" / name


@cache
def read_json(name: str):
    raw = data_path(name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def manifest() -> dict:
    return read_json("manifest.json")


# Bump when the way bundled data becomes entities and claims changes, so stores reload it.
LOADER_VERSION = "8"  # 8: evidence kinds, and each gazetteer claim cites its own fact's pages


def manifest_digest() -> str:
    return hashlib.sha256(data_path("manifest.json").read_bytes() + LOADER_VERSION.encode()).hexdigest()


@cache
def hs_table() -> dict[str, dict]:
    return {r["hscode"]: r for r in read_json("hs2022.json.gz")}


def ensure_reference(store: Store) -> bool:
    """Load the bundled data unless this exact bundle is already in the store."""
    digest = manifest_digest()
    if store.get_meta(META_KEY) == digest:
        return False
    with store.begin(actor=REFERENCE_ACTOR) as tx:
        # Re-check inside the transaction: another process may have loaded it meanwhile.
        tx.lock(META_KEY)
        if tx.conn.execute(_meta_select()).scalar() == digest:
            return False
        load_reference(tx)
        tx.set_meta(META_KEY, digest)
    return True


def _meta_select():
    from sqlalchemy import select

    from tollwatch.store import schema

    return select(schema.meta.c.value).where(schema.meta.c.key == META_KEY)


def load_reference(tx: Txn) -> None:
    for product in product_entities():
        tx.upsert_entity(product)
    for body in state_body_entities():
        tx.upsert_entity(body)
    for row in read_json("facilities.json"):
        _load_facility(tx, row)
    for row in read_json("companies.json"):
        _load_company(tx, row)
    _load_articles(tx)
    _load_trade_figures(tx)


def _put_source(tx: Txn, source: Source) -> None:
    """Reference sources are ours: a newer bundle replaces them in place."""
    from sqlalchemy import update

    from tollwatch.store import schema

    if tx.get_source(source.id) is None:
        tx.add_source(source)
        return
    tx.conn.execute(
        update(schema.sources)
        .where(schema.sources.c.id == source.id)
        .values(title=source.title, kind=source.kind.value, publisher=source.publisher, url=source.url,
                date=source.date, text=source.text, sha256=source.sha256, origin=source.origin,
                text_kind=source.text_kind.value)
    )


def _put_claim(tx: Txn, claim: Claim) -> None:
    """A reference claim already stored keeps its review; its evidence kind and citations follow the bundle."""
    from sqlalchemy import update

    from tollwatch.store import schema

    stored = tx.add_claim(claim)
    ev = stored.evidence
    tx.conn.execute(
        update(schema.claims)
        .where(schema.claims.c.id == stored.id)
        .values(evidence_kind=ev.kind.value, cites=list(ev.cites) if ev.cites is not None else None)
    )


# --- products ---------------------------------------------------------------------------


def product_entities() -> list[Entity]:
    hs = hs_table()
    out = []
    for p in catalogue.PRODUCTS:
        names = [Name.of(p.name, lang="en")]
        for term in p.terms:
            if term != p.name:
                names.append(Name.of(term, lang="ko" if not term.isascii() else "en"))
        out.append(
            Entity(
                id=p.id,
                kind=EntityKind.PRODUCT,
                caption=p.name,
                names=names,
                identifiers=[Identifier("hs2022", c) for c in p.hs_codes],
                attributes={
                    "hs_codes": [
                        {"code": c, "description": hs[c]["description"] if c in hs else None} for c in p.hs_codes
                    ],
                    "role": p.role,
                    "note": p.note,
                    "hs_citation": manifest()["inputs"]["hs2022"]["origin"],
                },
            )
        )
    return out


def state_body_entities() -> list[Entity]:
    """State bodies the bundled reporting names; their Korean names are standard usage."""
    return [
        Entity(
            id="org-kp-ministry-of-social-security",
            kind=EntityKind.ORGANIZATION,
            caption="Ministry of Social Security",
            names=[
                Name.of("Ministry of Social Security", lang="en"),
                Name.of("사회안전성", lang="ko"),
                Name.of("Sahoe Anjonsong", system=Romanization.DPRK),
                Name.of("Ministry of People's Security", lang="en"),
                Name.of("Social Security Ministry", lang="en"),
                Name.of("MoSS", lang="en"),
                Name.of("인민보안성", lang="ko"),  # its name before the 2020 renaming
            ],
            attributes={"roles": ["state_body"], "country": "kp", "cited_in": ["article-dailynk-more-production-tasks"]},
        ),
        Entity(
            id="org-kp-mss-corrections-bureau",
            kind=EntityKind.ORGANIZATION,
            caption="Corrections Bureau, Ministry of Social Security",
            names=[
                Name.of("Corrections Bureau", lang="en"),
                Name.of("Bureau of Corrections", lang="en"),
                Name.of("corrections bureau of the Ministry of Social Security", lang="en"),
                Name.of("교화국", lang="ko"),
                Name.of("사회안전성 교화국", lang="ko"),
                Name.of("교정국", lang="ko"),  # the South Korean word for a corrections bureau, used in some reporting
                Name.of("Kyohwaguk", system=Romanization.DPRK),
                Name.of("Correctional Bureau", lang="en"),
                Name.of("re-education bureau", lang="en"),
            ],
            attributes={"roles": ["state_body"], "country": "kp", "cited_in": ["article-dailynk-more-production-tasks"]},
        ),
    ]


# --- facilities -------------------------------------------------------------------------

_FIELDS = (
    ("name_en", "Facility"),
    ("official_designation", "Official designation"),
    ("type", "Type"),
    ("hangul", "Hangul"),
    ("rr", "Revised Romanization"),
    ("mr", "McCune-Reischauer"),
    ("aliases", "Aliases"),
    ("province", "Province"),
    ("county_or_locality", "Locality"),
    ("lat", "Latitude"),
    ("lon", "Longitude"),
    ("coord_source", "Coordinate source"),
    ("coord_confidence", "Coordinate confidence"),
    ("status", "Status"),
    ("status_source", "Status source"),
    ("reported_products_or_labor", "Reported products or labor"),
    ("product_sources", "Product sources"),
    ("other_sources", "Other sources"),
    ("notes", "Notes"),
)


def render_row(row: dict) -> tuple[str, dict[str, int]]:
    """Our gazetteer row as text, and where each field's value starts in it."""
    lines, offsets, pos = [], {}, 0
    for key, label in _FIELDS:
        value = (row.get(key) or "").strip()
        prefix = f"{label}: "
        offsets[key] = pos + len(prefix)
        line = prefix + value
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), offsets


_URL = re.compile(r"https?://[^\s|;,)\"]+")


def _facility_names(row: dict) -> list[Name]:
    names: list[Name] = []

    def add(value: str, system: Romanization | None = None):
        value = value.strip().strip(",")
        if value and value.casefold() != "unknown" and all(n.value != value for n in names):
            names.append(Name.of(value, system=system))

    add(row["name_en"])
    add(row["official_designation"])
    add(row["hangul"])
    add(row["rr"], Romanization.RR)
    add(row["mr"], Romanization.MR)
    for alias in (row.get("aliases") or "").split(";"):
        alias = alias.strip()
        if not alias or alias.startswith("sections "):
            continue  # a list of camp sections, not a name
        main, _, paren = alias.partition(" (")
        paren = paren.rstrip(")")
        for variant in main.split("/"):
            add(variant)
        # A parenthesis in another script is a name too ("개천 정치범수용소 (Gaecheon …)");
        # one in the same script is a note ("(ambiguous with Kwalliso 14)").
        if paren and Name.of(paren).script != Name.of(main).script:
            add(paren, Romanization.RR if paren.isascii() and not main.isascii() else None)
    return names


_COORD_PAIR = re.compile(r"gives\s+(-?\d+\.\d+)\s*,\s*(-?\d+\.\d+)")


def _facility_coordinates(row: dict) -> list[Coordinates]:
    out = []
    source = row.get("coord_source") or None
    if row.get("lat") and row.get("lon"):
        out.append(Coordinates(float(row["lat"]), float(row["lon"]), source, row.get("coord_confidence") or None))
    # A second source's point, kept beside the first (conflicts stay visible).
    for m in _COORD_PAIR.finditer(source or ""):
        before = (source or "")[: m.start()].rsplit(";", 1)[-1].strip()
        out.append(Coordinates(float(m.group(1)), float(m.group(2)), f"{before} (as cited in the gazetteer)", None))
    return out


_STATUS_WORDS = (
    (re.compile(r"\b(closed|dismantled|converted)\b", re.I), "closed"),
    (re.compile(r"\bbeing dismantled\b", re.I), "being dismantled"),
    (re.compile(r"\b(active|operational)\b", re.I), "active"),
)


def classify_status(fragment: str) -> str | None:
    for pattern, value in (_STATUS_WORDS[1], _STATUS_WORDS[0], _STATUS_WORDS[2]):
        if pattern.search(fragment):
            return value
    return None


_PRISONERS = re.compile(r"~?(\d[\d,]*)(?:\s*[-–]\s*(\d[\d,]*))?\s+(?:male\s+|female\s+)?prisoners")


def _facility_type(raw: str) -> str:
    try:
        return FacilityType(raw.strip()).value
    except ValueError:
        return FacilityType.OTHER.value


def _load_facility(tx: Txn, row: dict) -> None:
    fid = row["facility_id"]
    text, offsets = render_row(row)
    urls = sorted(set(_URL.findall(" ".join(row.get(k) or "" for k in ("status_source", "product_sources", "other_sources")))))
    source = Source(
        id=f"gazetteer-{fid.lower()}",
        title=f"Facilities gazetteer: {row['name_en']}",
        kind=SourceKind.REFERENCE,
        publisher="tollwatch facilities gazetteer",
        url=None,  # the row cites many pages; each claim cites the ones its fact rests on
        text=text,
        origin="gazetteer:" + fid,  # each row rests on its own cited pages
        text_kind=EvidenceKind.COMPILED,
    )
    _put_source(tx, source)
    entity = Entity(
        id=fid,
        kind=EntityKind.FACILITY,
        caption=row["name_en"],
        names=_facility_names(row),
        identifiers=[Identifier("tollwatch_facility", fid)]
        + ([Identifier("official_designation", row["official_designation"])] if row["official_designation"] not in ("", "unknown") else []),
        coordinates=_facility_coordinates(row),
        attributes={
            "facility_type": _facility_type(row["type"]),
            "type_note": row["type"] if _facility_type(row["type"]) == "other" else None,
            "status_text": row.get("status") or None,
            "province": row.get("province") if row.get("province") not in ("", "unknown") else None,
            "locality": row.get("county_or_locality") if row.get("county_or_locality") not in ("", "unknown") else None,
            "country": "kp",
            "notes": row.get("notes") or None,
            "citations": urls,
        },
    )
    tx.upsert_entity(entity)

    def claim(predicate: Predicate, field_name: str, fragment: str, *, obj: str | None = None, value: str | None = None,
              qty: Quantity | None = None, attribution: str = ""):
        start = text.index(fragment, offsets[field_name])
        span = (start, start + len(fragment))
        cites = fact_citations(row, field_name, attribution or fragment)
        _put_claim(
            tx,
            Claim(
                id="",
                subject_id=fid,
                predicate=predicate,
                object_id=obj,
                value=value,
                quantity=qty,
                evidence=Evidence(source.id, fragment, span, Method.HUMAN, 1.0, EvidenceKind.COMPILED, cites),
                review=Review(ReviewStatus.ACCEPTED, REFERENCE_ACTOR, now()),
            ),
        )

    for part in split_outside_parens(row.get("status") or "", ";"):
        part = part.strip()
        status = classify_status(part)
        if part and status:
            claim(Predicate.HAS_STATUS, "status", part, value=status)

    products_cell = row.get("reported_products_or_labor") or ""
    if "generalisation" not in products_cell and "generalization" not in products_cell:
        for item, group in split_items(products_cell):
            matched = _match_products(item)
            field_name = "reported_products_or_labor"
            if "received" in item.casefold():
                inputs = [p for p in matched if p.role == "input"]
                for p in inputs:
                    claim(Predicate.RECEIVES_INPUT, field_name, item, obj=p.id, attribution=group)
                continue
            if matched:
                for p in matched:
                    claim(Predicate.PRODUCES, field_name, item, obj=p.id, attribution=group)
            else:
                label = re.sub(r"\s*\([^)]*\)\s*$", "", item).strip()
                if label:
                    claim(Predicate.PRODUCES, field_name, item, value=label, attribution=group)

    notes = row.get("notes") or ""
    for m in _PRISONERS.finditer(notes):
        low = float(m.group(1).replace(",", ""))
        high = float(m.group(2).replace(",", "")) if m.group(2) else low
        claim(Predicate.HOLDS_PRISONERS, "notes", m.group(0), qty=Quantity(low, high, "prisoners"))  # no source column


def split_outside_parens(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def split_items(cell: str) -> list[tuple[str, str]]:
    """Each item of a products cell, with the ;-group it came from (which carries its attribution)."""
    items: list[tuple[str, str]] = []
    for part in split_outside_parens(cell, ";"):
        # "knitwear, wigs, false eyelashes (Daily NK)": commas separate items too,
        # but a parenthesis at the end belongs to the whole group; keep it off the items.
        part = part.strip()
        paren = re.search(r"\s*\([^)]*\)\s*$", part)
        core = part[: paren.start()] if paren else part
        pieces = [p.strip() for p in core.split(",") if p.strip()]
        if len(pieces) > 1:
            items.extend((p, part) for p in pieces)
        elif part:
            items.append((part, part))
    return items


# Which field of a gazetteer row cites the pages for a fact in another field. The notes
# have no source column: a figure there is cited to nothing unless the row says where.
CITING_FIELD = {"status": "status_source", "reported_products_or_labor": "product_sources", "notes": None}
# The names a row's parentheses use for a publisher, and the hosts of that publisher's pages.
_ATTRIBUTION_HOSTS = (
    ("daily nk", ("dailynk.com",)),
    ("wikipedia", ("wikipedia.org",)),
    ("nkeconwatch", ("nkeconwatch.com",)),
    ("state dept", ("state.gov",)),
    ("hrnk", ("hrnk.org",)),
    ("nk pro", ("nknews.org",)),
    ("korea times", ("koreatimes.co.kr",)),
)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").casefold()


def fact_citations(row: dict, field_name: str, fragment: str) -> tuple[str, ...]:
    """The pages the row cites for this very fact: never another field's pages.

    A fact whose text names its publisher ("… (Daily NK)") cites that publisher's pages in
    the citing field when it has some; otherwise it cites every page of the citing field. Empty: the row
    gives no source for it, and the claim says so rather than borrowing one.
    """
    citing = CITING_FIELD.get(field_name)
    urls = list(dict.fromkeys(_URL.findall(row.get(citing) or ""))) if citing else []
    named = [hosts for word, hosts in _ATTRIBUTION_HOSTS if word in fragment.casefold()]
    if named:
        wanted = {h for hosts in named for h in hosts}
        # A publisher's own pages when the column has them; else the column's copies of its work.
        urls = [u for u in urls if any(_host(u) == h or _host(u).endswith("." + h) for h in wanted)] or urls
    return tuple(urls)


def _match_products(item: str) -> list[catalogue.Product]:
    low = item.casefold()
    found = []
    for p in catalogue.PRODUCTS:
        for term in sorted(p.terms, key=len, reverse=True):
            if re.search(r"(?<![\w-])" + re.escape(term.casefold()) + r"(?![\w])", low):
                found.append(p)
                break
    # "knitted clothes" inside "thread for knitted clothes received" is what the thread is for.
    return found


# --- companies --------------------------------------------------------------------------

_EVIDENCE_KIND = (("cbp", SourceKind.GOVERNMENT), ("ofac", SourceKind.GOVERNMENT), ("treasury", SourceKind.GOVERNMENT), ("news", SourceKind.NEWS))


def _load_company(tx: Txn, row: dict) -> None:
    eid = "org-" + slug(row["name"])
    text_lines = [
        f"Company: {row['name']}",
        f"Country: {row['country']}",
        f"Role in chain: {row['role_in_chain']}",
        f"Product: {row['product']}",
        f"Evidence type: {row['evidence_type']}",
        f"Source: {row['source_url']}",
        f"Caveat: {row['caveat']}",
    ]
    text = "\n".join(text_lines)
    kind = next((k for word, k in _EVIDENCE_KIND if word in row["evidence_type"].casefold()), SourceKind.NEWS)
    url = row["source_url"] if row["source_url"].startswith("http") else None
    source = Source(
        id=f"companies-{slug(row['name'])[:60]}",
        title=f"Companies named in reporting: {row['name']}",
        kind=SourceKind.REFERENCE,
        publisher=row["evidence_type"],
        url=url,
        text=text,
        origin="companies:" + (url or row["source_url"]),
        text_kind=EvidenceKind.COMPILED,
    )
    _put_source(tx, source)
    tx.upsert_entity(
        Entity(
            id=eid,
            kind=EntityKind.ORGANIZATION,
            caption=row["name"],
            names=[Name.of(row["name"])],
            attributes={
                "country_text": row["country"],
                "roles": ["other"],
                "allegation": True,  # named in reporting; not a sanctions listing
                "caveat": row["caveat"],
                "evidence_kind": kind.value,
                "citations": [row["source_url"]],
            },
        )
    )
    role = row["role_in_chain"]
    start = text.index(role, len("Company: ") + len(row["name"]))
    span = (start, start + len(role))
    _put_claim(
        tx,
        Claim(
            id="",
            subject_id=eid,
            predicate=Predicate.REPORTED_ROLE,
            value=role,
            evidence=Evidence(source.id, role, span, Method.HUMAN, 1.0, EvidenceKind.COMPILED, (url,) if url else ()),
            review=Review(ReviewStatus.ACCEPTED, REFERENCE_ACTOR, now()),
            note=row["caveat"],
        ),
    )


# --- articles ---------------------------------------------------------------------------

_ARTICLE_KIND = {
    "news": SourceKind.NEWS,
    "news-mirror": SourceKind.NEWS,
    "ngo-report": SourceKind.NGO_REPORT,
    "ngo-press": SourceKind.NGO_REPORT,
    "legal-analysis": SourceKind.NGO_REPORT,
    "gov": SourceKind.GOVERNMENT,
    "gov-report": SourceKind.GOVERNMENT,
    "encyclopedia": SourceKind.REFERENCE,
}
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def article_sources() -> list[Source]:
    out = []
    for a in read_json("articles.json"):
        m = _DATE_PREFIX.match(a.get("date") or "")
        paraphrases = a.get("claims_paraphrased") or []
        out.append(
            Source(
                id=f"article-{a['id']}",
                title=a["title"],
                kind=_ARTICLE_KIND.get(a.get("kind") or "", SourceKind.NEWS),
                publisher=a.get("publisher"),
                url=a.get("url"),
                date=m.group(0) if m else None,
                # Our own paraphrases of the page opening, not the article's words.
                text="\n".join(paraphrases) if paraphrases else None,
                origin=_publisher_origin(a.get("publisher") or ""),
                text_kind=EvidenceKind.PARAPHRASE if paraphrases else EvidenceKind.VERBATIM,
            )
        )
    return out


def _publisher_origin(publisher: str) -> str | None:
    """A repost or a citing outlet rests on the original publisher: Daily NK via a blog is Daily NK."""
    m = re.match(r"^(.*?)\s*\((?:republished|citing|via|mirror|translated|on|quoting)?\b", publisher)
    base = (m.group(1) if m and m.group(1) else publisher).strip()
    cited = re.search(r"citing ([^),]+)", publisher)
    if cited:
        base = cited.group(1).strip()
    return base or None


def _load_articles(tx: Txn) -> None:
    from tollwatch.core.extraction import Gazetteer, extract

    gazetteer = Gazetteer(tx.list_entities())
    for source in article_sources():
        _put_source(tx, source)
        if not source.text:
            continue
        result = extract(source.text, source.id, gazetteer)
        for claim in result.claims:
            if claim.subject_id in gazetteer.ids and (claim.object_id is None or claim.object_id in gazetteer.ids):
                tx.add_claim(claim)


# --- trade reference figures ------------------------------------------------------------


def trade_figures() -> list[dict]:
    """China–DPRK hair-trade figures as reported, each with its citation."""
    return read_json("trade_figures.json")


def _load_trade_figures(tx: Txn) -> None:
    tx.set_meta("trade_reference_figures", str(len(trade_figures())))
