"""Passage-to-claim annotation: an analyst selects a passage of a source and makes a claim from it.

Two use cases, for the server's source page and any other front end:
`suggest` reads the passage at the caller's clearance and proposes what the claim may say
(entities the gazetteer finds in it, entities the graph links to them, the schema's
predicates with their allowed kinds, and a first guess from the extractor's own rules);
`make_claim` stores the claim through `curation.save_claim`, the same way in as every other
claim: proposed, method `human`, audited under the analyst's name, so it waits in the review
queue like any other. The span is checked against the stored text: the quote a claim shows is
always the source's exact characters, never what a browser sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select

from tollwatch.app import curation
from tollwatch.app.visibility import get_visible_entity
from tollwatch.core.errors import NotFound
from tollwatch.core.extraction import Gazetteer, extract
from tollwatch.core.extraction.mentions import select_longest
from tollwatch.core.extraction.tokens import tokenize
from tollwatch.core.model import Claim, Entity, ModelError, ReviewStatus, Sensitivity, Source
from tollwatch.core.schema import load as load_schema
from tollwatch.importers.facility_points import KF_DATASET
from tollwatch.store import schema as store_schema
from tollwatch.store.repository import Reader, Store

MAX_PASSAGE = 4000  # characters: a claim rests on a sentence or a paragraph, not a chapter
MAX_GRAPH_SUGGESTIONS = 30


@dataclass(frozen=True)
class Passage:
    source_id: str
    start: int
    end: int
    text: str


def check_passage(source: Source, start: object, end: object, quote: object) -> Passage:
    """The passage, when `quote` is exactly the stored text at [start, end); a ModelError otherwise."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ModelError("span", "start and end must be whole numbers of characters")
    if not isinstance(quote, str) or not quote.strip():
        raise ModelError("quote", "select a passage of the source text first")
    text = source.text or ""
    if not text:
        raise ModelError("span", "this source has no stored text to point into")
    if start < 0 or end <= start or end > len(text):
        raise ModelError("span", f"characters {start}–{end} are not inside the text ({len(text)} characters)")
    if end - start > MAX_PASSAGE:
        raise ModelError("span", f"a passage of at most {MAX_PASSAGE} characters, not {end - start}")
    if text[start:end] != quote:
        raise ModelError("span", f"the stored text at characters {start}–{end} is not the selected text; reload the page and select again")
    return Passage(source.id, start, end, quote)


def _visible_source(reader: Reader, source_id: str) -> Source:
    source = reader.get_source(source_id)
    if source is None:  # above the caller's clearance reads the same as absent
        raise NotFound(f"id: no source with id {source_id}")
    return source


# --- the gazetteer, as one reader may see it ------------------------------------------------
# Built from every entity once per clearance (names above it are never loaded) and kept until
# the entities or their names change; which proposed entities a reader may see depends on
# claims, so that is decided per request (`mentions`), never baked into the cache.
_GAZETTEERS: dict[tuple[int, str], tuple[tuple, Gazetteer]] = {}
_BUILDING = threading.Lock()


def entities_fingerprint(reader: Reader) -> tuple:
    """Changes whenever an entity or a name is added, changed or removed (two small queries)."""
    e, n = store_schema.entities, store_schema.names
    ents = reader.conn.execute(select(func.count(), func.max(e.c.updated_at))).one()
    names = reader.conn.execute(select(func.count(), func.max(n.c.id))).one()
    return (*ents, *names)


def gazetteer_for(store: Store, reader: Reader) -> Gazetteer:
    """Every entity (bar the facility-database points) with the names this reader's clearance allows."""
    key = (id(store), reader.max_sensitivity.value)
    fingerprint = entities_fingerprint(reader)
    cached = _GAZETTEERS.get(key)
    if cached is None or cached[0] != fingerprint:
        with _BUILDING:  # a request arriving while the start-up warm builds waits for it, not builds twice
            cached = _GAZETTEERS.get(key)
            if cached is None or cached[0] != fingerprint:
                gazetteer = Gazetteer(gazetteer_entities(reader))
                gazetteer.matcher  # noqa: B018  (build the token patterns now, once)
                cached = _GAZETTEERS[key] = (fingerprint, gazetteer)
    return cached[1]


def gazetteer_entities(reader: Reader) -> list:
    """What a gazetteer resolves names to: every entity but facility-database points (Korea
    Future's), which are evidence beside the gazetteer, not names to resolve to."""
    return [e for e in reader.list_entities() if e.dataset != KF_DATASET]


def fresh_gazetteer(store: Store, reader: Reader) -> Gazetteer | None:
    """The cached gazetteer for this reader when it is built and current; None (nothing built) otherwise."""
    cached = _GAZETTEERS.get((id(store), reader.max_sensitivity.value))
    return cached[1] if cached is not None and cached[0] == entities_fingerprint(reader) else None


def warm_gazetteers(store: Store, clearances: list[Sensitivity] | None = None) -> list[Sensitivity]:
    """Build the gazetteers now (server start, in the background), not on the first suggestion:
    for every clearance an analyst or admin account has, and confidential (what ingest reads)."""
    from tollwatch.store import users_repo

    if clearances is None:
        with store.read(max_sensitivity=Sensitivity.CONFIDENTIAL) as r:
            users = users_repo.list_users(r)
        clearances = sorted({Sensitivity.CONFIDENTIAL, *(u.clearance for u in users if u.can_write)},
                            key=lambda s: s.rank)
    for clearance in clearances:
        with store.read(max_sensitivity=clearance) as r:
            gazetteer_for(store, r)
    return clearances


def _entity_row(entity: Entity, why: str, span: tuple[int, int] | None = None) -> dict:
    row: dict = {"id": entity.id, "name": entity.caption, "kind": entity.kind.value, "dataset": entity.dataset, "why": why}
    if span is not None:
        row["span"] = list(span)
    return row


def mentions(reader: Reader, gazetteer: Gazetteer, passage: Passage) -> list[dict]:
    """Known entities named in the passage, in text order, in any script the gazetteer knows.
    Entities this reader may not see are dropped before the longest mentions are chosen, so
    a hidden one neither shows nor shadows a visible one."""
    raw = gazetteer.matcher.find(passage.text, tokenize(passage.text))
    visible: dict[str, Entity | None] = {}
    for entity_id in {i for m in raw for i in m.candidates}:
        visible[entity_id] = get_visible_entity(reader, entity_id)
    kept = []
    for m in raw:
        candidates = tuple(i for i in m.candidates if visible.get(i) is not None)
        if candidates:
            m.candidates = candidates
            kept.append(m)
    rows, seen = [], set()
    for m in select_longest(kept):
        for entity_id in m.candidates:
            entity = visible[entity_id]
            if entity is None or entity_id in seen:
                continue
            seen.add(entity_id)
            span = (passage.start + m.start, passage.start + m.end)
            rows.append(_entity_row(entity, f"named in the passage: “{passage.text[m.start:m.end]}”", span))
    return rows


def graph_neighbours(reader: Reader, source_id: str, named: list[dict]) -> list[dict]:
    """Entities this source's claims already cite, and those one claim away from the named ones."""
    seen = {row["id"] for row in named}
    out: list[dict] = []

    def add(entity_id: str | None, why: str) -> None:
        if not entity_id or entity_id in seen or len(out) >= MAX_GRAPH_SUGGESTIONS:
            return
        entity = get_visible_entity(reader, entity_id)
        if entity is not None:
            seen.add(entity_id)
            out.append(_entity_row(entity, why))

    for c in reader.list_claims(source_id=source_id):
        add(c.subject_id, "cited in this source")
        add(c.object_id, "cited in this source")
    for row in named:
        for c in reader.list_claims(entity_id=row["id"]):
            if c.review.status != ReviewStatus.REJECTED:
                add(c.object_id if c.subject_id == row["id"] else c.subject_id, f"linked to {row['name']} in the graph")
    return out


def predicate_table() -> list[dict]:
    """Every predicate a claim form can make (an object entity or a value), with the kinds it allows."""
    rows = []
    for name, spec in load_schema().predicates.items():
        if not spec.object and spec.value is None:
            continue  # a count only (holds_prisoners): made with a quantity, which this form does not take
        rows.append({
            "name": name, "label": spec.label, "description": spec.description,
            "subject": list(spec.subject), "object": list(spec.object),
            "value": spec.value.base if spec.value else None,
            "value_label": spec.value.label if spec.value else None,
        })
    return rows


def _first_guess(gazetteer: Gazetteer, passage: Passage, named: list[dict], predicates: list[dict]) -> dict:
    """The extractor's reading of the passage where it finds one; else the schema's first fit."""
    known = {row["id"] for row in named}
    for claim in extract(passage.text, passage.source_id, gazetteer).claims:
        if claim.subject_id in known and (claim.object_id in known or claim.object_id is None and claim.value):
            return _guess_of(claim, "the extraction rules' reading of the passage")
    kinds = {row["id"]: row["kind"] for row in named}
    for subject in named:
        for obj in named:
            if obj["id"] == subject["id"]:
                continue
            for p in predicates:
                if subject["kind"] in p["subject"] and kinds[obj["id"]] in p["object"]:
                    return {"subject": subject["id"], "predicate": p["name"], "object": obj["id"], "value": None,
                            "why": "the first predicate the schema allows between the first two entities named"}
    return {"subject": named[0]["id"] if named else None, "predicate": None, "object": None, "value": None, "why": None}


def _guess_of(claim: Claim, why: str) -> dict:
    return {"subject": claim.subject_id, "predicate": claim.predicate.value, "object": claim.object_id,
            "value": claim.value if claim.object_id is None else None, "why": why}


def suggest(store: Store, clearance: Sensitivity, source_id: str, start: object, end: object, quote: object) -> dict:
    """What a claim made from this passage may say, from what this caller may see."""
    with store.read(max_sensitivity=clearance) as r:
        passage = check_passage(_visible_source(r, source_id), start, end, quote)
        gazetteer = gazetteer_for(store, r)
        named = mentions(r, gazetteer, passage)
        graph = graph_neighbours(r, source_id, named)
    predicates = predicate_table()
    return {
        "source_id": passage.source_id, "span": [passage.start, passage.end], "quote": passage.text,
        "mentions": named, "graph": graph, "predicates": predicates,
        "guess": _first_guess(gazetteer, passage, named, predicates),
    }


def predicate_kinds(name: str) -> dict:
    """For one predicate, the subject and object kinds the schema allows (and its literal type)."""
    for row in predicate_table():
        if row["name"] == name:
            return row
    raise ModelError("predicate", f"no predicate {name!r} a claim form can make")


def make_claim(store: Store, actor: str, clearance: Sensitivity, source_id: str, form: dict) -> dict:
    """Store the claim the analyst made from a passage: proposed, method human, the exact span and quote.

    `form` holds start, end, quote, subject, predicate, and object or value (entity ids or
    exact names, resolved among what the caller may see) and an optional note."""
    with store.read(max_sensitivity=clearance) as r:
        passage = check_passage(_visible_source(r, source_id), form.get("start"), form.get("end"), form.get("quote"))
    subject = _text(form, "subject")
    if not subject:
        raise ModelError("subject", "choose who or what the claim is about")
    obj, value = _text(form, "object"), _text(form, "value")
    if bool(obj) == bool(value):
        raise ModelError("object", "give either an object entity or a value, not both or neither")
    data: dict = {
        "subject": curation.resolve_visible(store, clearance, subject, "subject").id,
        "predicate": _text(form, "predicate"),
        "source_id": passage.source_id,
        "span": [passage.start, passage.end],
        "quote": passage.text,
        "method": "human",
        # Who made it reads beside the claim in the review queue, whatever note they add.
        "note": f"Made by {actor} from a passage selected on the source page" + (f": {note}" if (note := _text(form, "note")) else "."),
    }
    if obj:
        data["object"] = curation.resolve_visible(store, clearance, obj, "object").id
    else:
        data["value"] = value
    return curation.save_claim(store, actor, clearance, data, replace=False)


def _text(form: dict, key: str) -> str:
    value = form.get(key)
    if value is not None and not isinstance(value, str):
        raise ModelError(key, "must be text")
    return (value or "").strip()
