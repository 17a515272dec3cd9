"""The yente-compatible matching API: `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /catalog`.

Matching and risk are app.screening's; this module adapts them to yente's request and
response shapes and to the caller's clearance (see server/matching.py).
"""

from __future__ import annotations

import re

import orjson

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tollwatch.app.resolution import membership
from tollwatch.app.screen import dated
from tollwatch.core.errors import InputError, NotFound
from tollwatch.core.features import describe, resolve_weights
from tollwatch.core.listing import ftm_list_properties
from tollwatch.core.query_facts import query_facts
from tollwatch.core.model import ModelError
from tollwatch.server.auth import Principal
from tollwatch.server.deps import CurrentPrincipal, State
from tollwatch.server.matching import SIMILAR_SCORE, visible_prepared
from tollwatch.server.state import ServerState

router = APIRouter(tags=["matching"])

ALGORITHMS = ("tollwatch-v1", "best", "logic-v1", "name-based", "name-qualified", "regression-v1")
MAX_QUERIES = 500
NAME_KEYS = ("alias", "previousName", "weakAlias")
NAME_PARTS = ("firstName", "middleName", "fatherName", "lastName")


class EntityQuery(BaseModel):
    schema_: str = Field("Thing", alias="schema")
    properties: dict[str, list[str] | str] = Field(default_factory=dict)

    model_config = {"populate_by_name": True, "extra": "allow"}


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery]
    weights: dict[str, float] | None = None
    config: dict | None = None

    model_config = {"extra": "allow"}


@router.post(
    "/match/{dataset}",
    summary="Match entities (yente-compatible)",
    description="The request and response shapes of OpenSanctions yente's /match: "
    "`default` searches every loaded list and the evidence graph.",
)
def match(
    state: State,
    p: CurrentPrincipal,
    dataset: str,
    body: MatchRequest,
    threshold: float = Query(0.7, ge=0.0, le=1.0),
    limit: int = Query(5, ge=1, le=500),
    algorithm: str = Query("best"),
    cutoff: float = Query(0.0, ge=0.0, le=1.0),
    include_dataset: list[str] = Query([]),  # not default_factory: FastAPI inspects a factory's signature on every request
    exclude_dataset: list[str] = Query([]),
    exclude_schema: list[str] = Query([]),
    exclude_entity_ids: list[str] = Query([]),
):
    if algorithm not in ALGORITHMS:
        raise ModelError("algorithm", f"unknown {algorithm!r} (available: {', '.join(ALGORITHMS)})")
    if len(body.queries) > MAX_QUERIES:
        raise ModelError("queries", f"at most {MAX_QUERIES} per request")
    version = state.store.version()  # one read of the write counter serves the whole request
    prepared = visible_prepared(state, p, set(exclude_entity_ids), version)
    scope = _scope(set(prepared.index.datasets), dataset, include_dataset, exclude_dataset)
    matcher = prepared.matcher(threshold, request_weights(body.weights))
    slots = ProfileSlots(prepared.profiles, set(exclude_entity_ids))
    ranked: dict[str, list[dict] | None] = {}
    for key, q in body.queries.items():
        names = query_names(q)
        found = _best_matches(matcher, q, names, scope, threshold, cutoff, exclude_schema, slots.fetch(limit)) if names else None
        ranked[key] = slots.fold(found)[:limit] if found is not None else None
    # The batch's results (and every member of their profiles) are read from the store in one query.
    ents = state.prepared.entities(p.ceiling, (i for found in ranked.values() for d in found or () for i in slots.ids(d)), version)
    responses = {key: _response(key, q, ranked[key], ents, slots, prepared.lists) for key, q in body.queries.items()}
    # orjson over plain dicts: FastAPI's jsonable_encoder was most of a small request's time.
    body_out = {"responses": responses, "matcher": {"name": "tollwatch-v1", "threshold": threshold}, "limit": limit}
    return Response(orjson.dumps(body_out), media_type="application/json")


def _response(key: str, q: EntityQuery, ranked: list[dict] | None, ents: dict, slots: ProfileSlots, lists: dict) -> dict:
    if ranked is None:
        return {
            "status": 400,
            "results": [],
            "total": {"value": 0, "relation": "eq"},
            "query": q.model_dump(by_alias=True),
            "error": "properties: a name (or firstName/lastName) is required",
        }
    return {
        "status": 200,
        "results": [_profile_result(d, ents, slots, lists) for d in ranked],
        "total": {"value": len(ranked), "relation": "eq"},
        "query": {"id": key, "schema": q.schema_, "properties": {k: ([v] if isinstance(v, str) else v) for k, v in q.properties.items()}},
    }


class ProfileSlots:
    """One result per profile, as file screening gives (engines.local.fold_profiles): the records of
    a merged profile (app.resolution, judged at public clearance) share the best one's slot."""

    def __init__(self, profiles: dict[str, str], excluded: set[str]):
        self.profiles = profiles
        self.excluded = {profiles.get(i, i) for i in excluded}  # excluding any member excludes its profile
        self._members: dict[str, list[str]] | None = None

    def fetch(self, limit: int) -> int:
        """Results to ask for (the matcher adds its margin): room for the records that fold into another's slot."""
        return limit + (limit if self.profiles else 0)

    def fold(self, found: list[dict]) -> list[dict]:
        seen: set[str] = set()
        out = []
        for d in found:
            key = self.profiles.get(d["entity_id"], d["entity_id"])
            if key in seen or key in self.excluded:
                continue
            seen.add(key)
            if d["entity_id"] in self.profiles:
                d["profile_id"] = key
            out.append(d)
        return out

    def members(self, canonical: str) -> list[str]:
        if self._members is None:
            index: dict[str, list[str]] = {}
            for member, canon in self.profiles.items():
                index.setdefault(canon, []).append(member)
            self._members = {k: sorted(v, key=lambda i: (i != k, i)) for k, v in index.items()}
        return self._members.get(canonical, [canonical])

    def ids(self, d: dict) -> list[str]:
        return self.members(d["profile_id"]) if "profile_id" in d else [d["entity_id"]]


def _profile_result(d: dict, ents: dict, slots: ProfileSlots, lists: dict) -> dict:
    """A yente result for the hit's profile: the canonical id, every member's properties, every
    list that names it (`datasets`, `memberships` with the list id and dates) and `referents`."""
    result = _yente_result(d, ents.get(d["entity_id"]))
    canon = d.get("profile_id")
    if canon is None:
        return result
    members = [ents[i] for i in slots.members(canon) if i in ents]
    props: dict[str, list] = {}
    for e in members:
        for prop, values in _yente_properties({"name": e.caption, "schema": d["schema"]}, e).items():
            have = props.setdefault(prop, [])
            have += [v for v in values if v not in have]
    result.update(
        id=canon,
        caption=members[0].caption if members and members[0].id == canon else result["caption"],
        properties=props,
        datasets=list(dict.fromkeys(e.dataset for e in members)),
        referents=[e.id for e in members if e.id != canon],
        target=any(e.dataset != "tollwatch" for e in members),
        matched_entity_id=d["entity_id"],
        memberships=[{**membership(e, lists), "program": _as_list(e.attributes.get("program"))} for e in members],
    )
    return result


def _as_list(value) -> list:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def _scope(available: set[str], dataset: str, include: list[str], exclude: list[str]) -> set[str]:
    if dataset == "default":
        scope = set(available)
    elif dataset in available:
        scope = {dataset}
    else:
        raise NotFound(f"dataset not found: {dataset}")
    if include:
        scope &= set(include)
    return scope - set(exclude)


def _best_matches(matcher, q: EntityQuery, names: list[str], scope: set[str], threshold: float,
                  cutoff: float, exclude_schema: list[str], limit: int = 5) -> list[dict]:
    """Each candidate once, at the score of its best-matching query name, best first."""
    best: dict[str, dict] = {}
    schema = None if q.schema_ in ("Thing", "LegalEntity") else q.schema_
    facts = _query_facts(q)
    for name in names:
        for m in matcher.match(name, schema, limit=limit + 5, datasets=frozenset(scope), threshold=threshold, facts=facts):
            d = m.as_dict()
            if d["schema"] in exclude_schema or d["score"] < cutoff:
                continue
            if d["entity_id"] not in best or d["score"] > best[d["entity_id"]]["score"]:
                best[d["entity_id"]] = d
    return sorted(best.values(), key=lambda d: (-d["score"], d["dataset"], d["entity_id"]))


def _query_facts(q: EntityQuery):
    """yente's birthDate, idNumber, passportNumber, registrationNumber and imoNumber (core.query_facts)."""
    props = {k: ([v] if isinstance(v, str) else list(v)) for k, v in q.properties.items()}
    ids = [v for k in ("idNumber", "passportNumber", "registrationNumber", "taxNumber") for v in props.get(k, [])]
    return query_facts(props.get("birthDate"), ids, props.get("imoNumber"))


@router.get("/search/{dataset}", summary="Search entities (yente-compatible)")
def yente_search(
    state: State,
    p: CurrentPrincipal,
    dataset: str,
    q: str = Query("", max_length=500),
    schema: str | None = None,
    limit: int = Query(10, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000),
):
    prepared = state.prepared.get()
    available = set(prepared.index.datasets)
    if dataset != "default" and dataset not in available:
        raise NotFound(f"dataset not found: {dataset}")
    scope = available if dataset == "default" else {dataset}
    matcher = visible_prepared(state, p).matcher(SIMILAR_SCORE)
    found = [m.as_dict() for m in matcher.match(q, schema, limit=limit + offset, datasets=frozenset(scope))] if q.strip() else []
    page = found[offset : offset + limit]
    return {
        "results": yente_results(state, p, page),
        "total": {"value": len(found), "relation": "eq" if len(found) < limit + offset else "gte"},
        "limit": limit,
        "offset": offset,
    }


@router.get("/catalog", summary="Loaded datasets (yente-compatible)")
def catalog(state: State):
    prepared = dated(state.prepared.get())
    datasets = []
    for name in sorted(prepared.index.datasets):
        meta = prepared.lists.get(name) or {}
        datasets.append(
            {
                "name": name,
                "title": {"tollwatch": "tollwatch evidence graph"}.get(name, name),
                "version": meta.get("snapshot_date"),
                "entity_count": meta.get("count"),
                "snapshot_date": meta.get("snapshot_date"),
                "age_days": meta.get("age_days"),
                "stale": meta.get("stale") if name != "tollwatch" else False,
                "load": True,
            }
        )
    datasets.append({"name": "default", "title": "All loaded lists and the evidence graph", "load": True, "children": [d["name"] for d in datasets]})
    return {"datasets": datasets, "current": [d["name"] for d in datasets], "outdated": [], "index_stale": False,
            "stale_lists": [d["name"] for d in datasets if d.get("stale")]}


def request_weights(weights: dict[str, float] | None) -> dict[str, float] | None:
    """yente's `weights`, checked against the feature registry (an unknown feature is a 400)."""
    try:
        return resolve_weights(weights)
    except InputError as exc:
        raise ModelError(exc.field or "weights", exc.message) from None


def query_names(q: EntityQuery) -> list[str]:
    props = {k: ([v] if isinstance(v, str) else list(v)) for k, v in q.properties.items()}
    names = [n for n in props.get("name", []) if n and n.strip()]
    for key in NAME_KEYS:
        names += [n for n in props.get(key, []) if n and n.strip()]
    if not names:
        parts = [" ".join(props.get(k, [])) for k in NAME_PARTS]
        joined = " ".join(part for part in parts if part).strip()
        if joined:
            names.append(joined)
    return names[:20]


def yente_results(state: ServerState, p: Principal, matches: list[dict]) -> list[dict]:
    with state.read(p) as r:
        ents = r.entities(d["entity_id"] for d in matches)
    return [_yente_result(d, ents.get(d["entity_id"])) for d in matches]


def _yente_result(d: dict, e) -> dict:
    features = {f["feature"]: f["value"] for f in d["explanation"] if isinstance(f.get("value"), int | float)}
    explanations = {
        f["feature"]: {
            "description": describe(f["feature"]),
            "coefficient": f.get("value"),
            "query": f.get("query"),
            "candidate": f.get("candidate"),
        }
        for f in d["explanation"]
    }
    return {
        "id": d["entity_id"],
        "caption": d["name"],
        "schema": d["schema"],
        "properties": _yente_properties(d, e),
        "datasets": [d["dataset"]],
        "referents": [],
        "target": d["dataset"] != "tollwatch",
        "score": d["score"],
        "match": d["match"],
        "features": features,
        "explanations": explanations,
        "matched_name": d["matched_name"],
    }


def _yente_properties(d: dict, e) -> dict[str, list]:
    props: dict[str, list] = {"name": [d["name"]]}
    if not e:
        return props
    aliases = [n for n in e.all_names() if n != e.caption]
    if aliases:
        props["alias"] = aliases
    country = e.attributes.get("country")
    if country:
        values = [str(c) for c in (country if isinstance(country, list) else [country])]
        # FtM's country is an ISO code; a list's own wording ("Korea, North") goes in notes.
        codes = [c.lower() for c in values if re.fullmatch(r"[A-Za-z]{2}", c)]
        if codes:
            props["country"] = list(dict.fromkeys(codes))
        if len(codes) < len(values):
            props["notes"] = ["country as listed: " + "; ".join(dict.fromkeys(c for c in values if c.lower() not in codes))]
    if e.attributes.get("program"):
        program = e.attributes["program"]
        props["program"] = list(program) if isinstance(program, list) else [program]
    if e.dataset != "tollwatch":  # the entry's own fields, so a hit can be cleared (core.listing)
        own = [(i.scheme, i.value) for i in e.identifiers if i.scheme != e.dataset]
        for prop, values in ftm_list_properties(e.attributes, own, d["schema"] if d["schema"] in ("Person", "Vessel") else "Organization").items():
            if prop not in ("program", "notes"):
                props[prop] = values
    if e.dataset == "tollwatch" and e.attributes.get("allegation"):
        props.setdefault("notes", []).append("named in reporting: an allegation, not a sanctions listing")
    return props
