"""`tollwatch xref`: candidate pairs of records that may be one real thing, scored and explained.

Candidates come from the matcher (name features, any script) and from shared identifiers;
each is scored from its name score plus what else both records state (core/xref_features).
A pair already judged, directly or through its profiles, is never proposed again.

Automatic merges (docs/resolution.md) need a strong identifier, never a name alone:
  `un-ref-cited`  one record cites the other's UN reference number (OFAC remarks "UN Ref KPi.022")
                  and the names agree (name score >= 0.5);
  `shared-document`  two person records carry the same passport or national id number, their
                  names agree (>= 0.7) and no birth date disagrees by more than one day;
  `shared-imo`    two records carry the same IMO number and no IMO disagrees;
  `name-and-birth-date`  two person records whose names agree (>= 0.9) state the same full
                  birth date, nothing they both state disagrees, and the pair is unique;
  `same-name-same-country`  two organization or vessel records with the same name (>= 0.98)
                  and the same country, nothing disagreeing, and the pair is unique.
A pair is unique when it is the best candidate of both records and neither record has
another candidate scoring within 0.1 of it.
Two facilities whose numbers differ are never merged, and never proposed as a pair, nor are two
profiles whose facilities state different numbers (core/resolution.py keeps that block).
Facilities are never merged automatically: a name is no identifier (Open Supply Hub's lesson),
so a facility's link to a facility database (Korea Future's points) waits for review, and
`facility_links` names the counterpart xref proposes for each gazetteer facility.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tollwatch.app.resolution import list_judgements
from tollwatch.app.reviewed import apply_reviewed
from tollwatch.app.visibility import Reader, Store, entity_visible
from tollwatch.core.matching import Matcher, MatchIndex, Record
from tollwatch.core.model import Entity, EntityKind, Sensitivity
from tollwatch.core.resolution import Judgement, blocked, components
from tollwatch.core.xref_features import STRONG_IDS, Profile, compare, different_numbers, features_of
from tollwatch.importers.facility_points import KF_DATASET, read_points
from tollwatch.store import judgements_repo, lists as store_lists

AUTO_ACTOR = "tollwatch/xref"
NAME_FLOOR = 0.5  # a pair below this name score is proposed only when an identifier joins it
_KIND_SCHEMA = {"person": "Person", "vessel": "Vessel", "facility": "Organization", "organization": "Organization"}
XREF_KINDS = (EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.VESSEL, EntityKind.FACILITY)
FACILITY_DATASETS = (KF_DATASET,)  # facility databases read at run time (importers/facility_points)
# A gazetteer facility's link: its best facility-database candidate, the best for both, at least this.
FACILITY_LINK_FLOOR = 0.6


@dataclass
class Candidate:
    left: Entity
    right: Entity
    name_score: float
    name_features: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    rule: str | None = None
    unique: bool = False  # neither record has another candidate nearly as good

    @property
    def score(self) -> float:
        return round(max(0.0, min(1.0, self.name_score + sum(e["weight"] for e in self.evidence))), 4)

    def as_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left.id, "left_dataset": self.left.dataset, "left_name": self.left.caption,
            "right_id": self.right.id, "right_dataset": self.right.dataset, "right_name": self.right.caption,
            "score": self.score, "name_score": round(self.name_score, 4),
            "explanation": {"name": self.name_features, "evidence": self.evidence, **_facility_evidence(self.left, self.right)},
            "auto_rule": self.rule,
        }


def _facility_evidence(*pair: Entity) -> dict[str, Any]:
    """For two facilities: every coordinate side by side with its source, and what each record cites."""
    if not all(e.kind == EntityKind.FACILITY for e in pair):
        return {}
    coords = [{"entity_id": e.id, "lat": c.lat, "lon": c.lon, "source": c.source} for e in pair for c in e.coordinates]
    cites = {e.id: e.attributes.get("citations") or [] for e in pair}
    return {"coordinates": coords, "citations": cites}


def _entities(reader: Reader, datasets: list[str] | None) -> list[Entity]:
    lists = list(store_lists.list_metadata(reader))
    wanted = [d for d in lists if datasets is None or d in datasets]
    ents = store_lists.list_entities(reader, wanted) if wanted else []
    if datasets is None or "tollwatch" in datasets:
        graph = [e for e in reader.list_entities(dataset="tollwatch") if e.kind in XREF_KINDS]
        ents += [e for e in graph if entity_visible(reader, e)]
    for ds in FACILITY_DATASETS:
        if datasets is None or ds in datasets:
            ents += [e for e in reader.list_entities(EntityKind.FACILITY, dataset=ds) if entity_visible(reader, e)]
    return [e for e in ents if e.kind in XREF_KINDS]


def _record(e: Entity) -> Record:
    schema = e.attributes.get("schema") or _KIND_SCHEMA.get(e.kind.value, "Organization")
    return Record(entity_id=e.id, dataset=e.dataset, source_id=e.id, caption=e.caption, schema=schema, names=tuple(e.all_names()))


def _name_pairs(ents: list[Entity]) -> dict[tuple[str, str], tuple[float, list]]:
    """Pairs across datasets the matcher finds: each record's names queried against the other datasets."""
    by_ds: dict[str, list[Entity]] = defaultdict(list)
    for e in ents:
        by_ds[e.dataset].append(e)
    if len(by_ds) < 2 and not by_ds.get("tollwatch"):
        return {}
    largest = max(by_ds, key=lambda d: len(by_ds[d]))
    matcher = Matcher(MatchIndex([_record(e) for e in ents]), threshold=NAME_FLOOR)
    out: dict[tuple[str, str], tuple[float, list]] = {}
    for ds, group in by_ds.items():
        if ds == largest and len(by_ds) > 1:
            continue  # every other dataset queries it
        others = frozenset(by_ds) - {ds} if ds != "tollwatch" else frozenset(by_ds)
        for e in group:
            schema = _record(e).schema
            for name in e.all_names()[:6]:
                for m in matcher.match(name, schema, limit=5, datasets=others):
                    if m.record.entity_id == e.id or m.score < NAME_FLOOR:
                        continue
                    a, b = sorted((e.id, m.record.entity_id))
                    if m.score > out.get((a, b), (0.0, []))[0]:
                        out[(a, b)] = (m.score, m.explanation)
    return out


def _identifier_pairs(ents: list[Entity], feats: dict[str, Profile]) -> set[tuple[str, str]]:
    """Pairs that share a strong identifier, whatever their names."""
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in ents:
        for f in STRONG_IDS:
            for v in feats[e.id].get(f):
                owners[(f, v)].append(e.id)
    pairs = set()
    for ids in owners.values():
        if 1 < len(ids) <= 10:  # a number shared by more records than that is no identifier
            pairs |= {tuple(sorted((a, b))) for a in ids for b in ids if a < b}
    return pairs  # type: ignore[return-value]


def auto_rule(c: Candidate) -> str | None:
    """The documented automatic rule this pair meets, if any (module docstring)."""
    agree = {e["feature"] for e in c.evidence if e["agree"]}
    disagree = {e["feature"] for e in c.evidence if not e["agree"]}
    if different_numbers(c.evidence):
        return None
    if "un_ref" in agree and "un_ref" not in disagree and c.name_score >= 0.5:
        return "un-ref-cited"
    people = c.left.kind == c.right.kind == EntityKind.PERSON
    if people and agree & {"passport", "national_id"} and c.name_score >= 0.7 and _birth_dates_fit(c.evidence):
        return "shared-document"
    if "imo" in agree and "imo" not in disagree:
        return "shared-imo"
    if not c.unique or disagree:
        return None
    if people and c.name_score >= 0.9 and _full_birth_date(c.evidence):
        return "name-and-birth-date"
    facility = EntityKind.FACILITY in (c.left.kind, c.right.kind)
    if not people and not facility and c.name_score >= 0.98 and "nationality" in agree:
        return "same-name-same-country"
    return None


def _birth_dates_fit(evidence: list[dict[str, Any]]) -> bool:
    """No birth date disagrees, or the two full dates are one day apart (UN and OFAC often differ by a day)."""
    return all(e.get("days_apart", 2) <= 1 for e in evidence if e["feature"] == "birth_date" and not e["agree"])


def _full_birth_date(evidence: list[dict[str, Any]]) -> bool:
    return any(e["feature"] == "birth_date" and e["agree"] and any(len(v) == 10 for v in e["values"]) for e in evidence)


def _mark_unique(found: list[Candidate]) -> None:
    """A pair is unique when neither record has another candidate scoring within 0.1 of it."""
    by_record: dict[str, list[float]] = defaultdict(list)
    for c in found:
        by_record[c.left.id].append(c.score)
        by_record[c.right.id].append(c.score)
    for c in found:
        rivals = sorted(by_record[c.left.id], reverse=True)[1:2] + sorted(by_record[c.right.id], reverse=True)[1:2]
        best_rival = max(rivals, default=0.0)
        c.unique = best_rival < c.score - 0.1 and c.score >= max(by_record[c.left.id] + by_record[c.right.id])


def candidates(reader: Reader, datasets: list[str] | None = None) -> list[Candidate]:
    """Every unjudged candidate pair, best first, with its score, explanation and automatic rule."""
    ents = _entities(reader, datasets)
    by_id = {e.id: e for e in ents}
    feats = {e.id: features_of(e) for e in ents}
    named = _name_pairs(ents)
    judged = list_judgements(reader)
    numbers = {i: frozenset(f.get("facility_number")) for i, f in feats.items() if f.get("facility_number")}
    comps = components(judged, numbers=numbers)
    out = []
    for a, b in set(named) | _identifier_pairs(ents, feats):
        left, right = by_id[a], by_id[b]
        if left.dataset == right.dataset and left.dataset != "tollwatch" or blocked(a, b, judged, comps, numbers):
            continue
        if (left.kind == EntityKind.FACILITY) != (right.kind == EntityKind.FACILITY):
            continue  # a facility is never a list's organization or a person
        score, explanation = named.get((a, b), (0.0, []))
        c = Candidate(left, right, score, explanation, compare(feats[a], feats[b]))
        if different_numbers(c.evidence):
            continue  # two facilities with different numbers are never one
        if left.kind != right.kind and EntityKind.PERSON in (left.kind, right.kind):
            continue
        out.append(c)
    _mark_unique(out)
    for c in out:
        c.rule = auto_rule(c)
    return sorted(out, key=lambda c: (-c.score, c.left.id, c.right.id))


def facility_links(found: list[Candidate], database: str = KF_DATASET) -> dict[str, Candidate]:
    """gazetteer facility id -> the facility-database record xref proposes as its counterpart:
    the pair is the best candidate of both records and scores at least FACILITY_LINK_FLOOR."""
    pairs = [c for c in found if {c.left.dataset, c.right.dataset} == {"tollwatch", database}]
    best: dict[str, Candidate] = {}
    for c in sorted(pairs, key=lambda c: -c.score):
        for e in (c.left, c.right):
            best.setdefault(e.id, c)
    out = {}
    for c in pairs:
        ours, theirs = (c.left, c.right) if c.left.dataset == "tollwatch" else (c.right, c.left)
        if best[ours.id] is c and best[theirs.id] is c and c.score >= FACILITY_LINK_FLOOR:
            out[ours.id] = c
    return out


def load_facility_points(store: Store, actor: str, path: Path) -> int:
    """Read a Korea Future GeoJSON at run time into its own dataset (never bundled); replaces earlier points."""
    points = read_points(path)
    with store.begin(actor) as tx:
        for e in points:
            tx.upsert_entity(e)
    return len(points)


def run_xref(store: Store, actor: str, clearance: Sensitivity, datasets: list[str] | None = None, *, limit: int | None = None,
             auto: bool = True, facility_points: Path | None = None) -> dict[str, Any]:
    """Propose candidates; with `auto`, record the maintainers' reviewed judgements
    (app/reviewed.py) and the pairs an automatic rule decides as `same`.
    With `facility_points`, a facility database's GeoJSON is read first (load_facility_points)."""
    if facility_points is not None:
        load_facility_points(store, actor, facility_points)
    reviewed = apply_reviewed(store, clearance) if auto else 0
    with store.read(clearance) as r:
        found = candidates(r, datasets)
    merged: dict[str, int] = defaultdict(int)
    if auto:
        with store.begin(AUTO_ACTOR if actor == "cli" else f"{actor} via {AUTO_ACTOR}") as tx:
            for c in found:
                if c.rule:
                    judgements_repo.judge(tx, c.left.id, c.right.id, Judgement.SAME, rule=c.rule, note=f"score {c.score}")
                    merged[c.rule] += 1
    pending = [c for c in found if not (auto and c.rule)]
    links = facility_links(found)
    return {
        "merged": dict(merged),
        "reviewed": reviewed,
        "pending": len(pending),
        "facility_links": {g: (c.right if c.left.id == g else c.left).id for g, c in sorted(links.items())},
        "candidates": [c.as_dict() for c in (pending[:limit] if limit else pending)],
    }


def review_queue(store: Store, clearance: Sensitivity, datasets: list[str] | None = None, *, limit: int | None = None) -> dict[str, Any]:
    """The pairs that wait for a person: candidates no automatic rule decides, best first.
    Read-only (nothing is recorded); `pending` counts the whole queue, `candidates` its first `limit`."""
    with store.read(clearance) as r:
        waiting = [c for c in candidates(r, datasets) if not c.rule]
    return {"pending": len(waiting), "candidates": [c.as_dict() for c in (waiting[:limit] if limit else waiting)]}
