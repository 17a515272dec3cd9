"""Profiles: records judged to be one real thing, read as one, and the judgements behind them.

A profile is the connected set of `same` judgements (core/resolution.py); its canonical id
follows the documented rule there. Every member id resolves to the profile in URLs, the
API and exports. Only members the reader may see take part: a member the reader's
clearance hides (an entity proposed from a confidential source) adds no name, field or id.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tollwatch.app.visibility import Reader, Store, entity_visible, redact_entity
from tollwatch.core.errors import InputError
from tollwatch.core.model import Claim, Entity, EntityKind, ModelError, Sensitivity
from tollwatch.core.records import entity_to_dict
from tollwatch.core.resolution import (
    Judgement,
    JudgementRecord,
    canonical_id,
    components,
    merge_properties,
    numbers_conflict,
    parse_judgement,
    profile_numbers,
)
from tollwatch.core.xref_features import features_of
from tollwatch.importers.streams import reject_lone_surrogates
from tollwatch.store import judgements_repo
from tollwatch.store import lists as store_lists
from tollwatch.store.repository import NotFoundError
from tollwatch.store.schema import entities as entities_table


def judge_pair(store: Store, actor: str, a: str, b: str, judgement: str, note: str | None = None, rule: str | None = None) -> JudgementRecord:
    """Judge a pair (replacing any earlier judgement of it); audited in the same transaction."""
    verdict = parse_judgement(judgement)
    with store.begin(actor) as tx:
        if verdict == Judgement.SAME:
            refuse_numbered_merge(tx, a, b)
        return judgements_repo.judge(tx, a, b, verdict, rule=rule, note=note)


def refuse_numbered_merge(reader: Reader, a: str, b: str) -> None:
    """Two facilities with different numbers (Kyohwaso No. 1, Kwalliso No. 14) are never one,
    neither directly nor through a chain: the two profiles' numbers are compared."""
    rows = judgements_repo.all_judgements(reader)
    ids = {x for j in rows for x in (j.left_id, j.right_id)} | {a, b}
    numbers = facility_numbers(reader, ids)
    comps = components(rows, numbers=numbers)
    left = profile_numbers(comps.get(a, frozenset({a})), numbers)
    right = profile_numbers(comps.get(b, frozenset({b})), numbers)
    if numbers_conflict(left, right):
        raise ModelError(
            "judgement",
            f"{a} and {b} are facilities with different numbers ({', '.join(sorted(left | right))}); never the same",
        )


def facility_numbers(reader: Reader, ids: set[str]) -> dict[str, frozenset[str]]:
    """facility id -> the numbers its names and designation state (No. 1, 제14호, Camp 15)."""
    t = entities_table
    facility_ids: list[str] = []
    chunk = list(ids)
    for i in range(0, len(chunk), 500):
        q = select(t.c.id).where(t.c.id.in_(chunk[i : i + 500]), t.c.kind == EntityKind.FACILITY.value)
        facility_ids += [r[0] for r in reader.conn.execute(q)]
    ents = reader.entities(facility_ids) if facility_ids else {}
    out = {i: frozenset(features_of(e).get("facility_number")) for i, e in ents.items()}
    return {i: n for i, n in out.items() if n}


def undo_judgement(store: Store, actor: str, a: str, b: str) -> JudgementRecord:
    """Take a judgement back: a merge made by `same` comes apart, and the pair is unjudged again."""
    with store.begin(actor) as tx:
        return judgements_repo.remove(tx, a, b)


def split_profile(store: Store, actor: str, entity_id: str) -> list[JudgementRecord]:
    """Undo a whole merge: every `same` judgement inside the entity's profile is removed."""
    with store.begin(actor) as tx:
        comps = components(judgements_repo.all_judgements(tx))
        members = comps.get(entity_id, frozenset())
        undone = [
            judgements_repo.remove(tx, j.left_id, j.right_id)
            for j in judgements_repo.all_judgements(tx)
            if j.judgement == Judgement.SAME and j.left_id in members
        ]
    return undone


def list_judgements(reader: Reader) -> list[JudgementRecord]:
    """Judgements whose two records the reader may see (a hidden record's id is not shown)."""
    rows = judgements_repo.all_judgements(reader)
    ids = {x for j in rows for x in (j.left_id, j.right_id)}
    seen = _visible_ids(reader, ids)
    return [j for j in rows if j.left_id in seen and j.right_id in seen]


def _visible_ids(reader: Reader, ids: set[str]) -> set[str]:
    ents = reader.entities(ids)
    return {i for i, e in ents.items() if entity_visible(reader, e)}


def _datasets(reader: Reader, ids: set[str]) -> dict[str, str]:
    t = entities_table
    out: dict[str, str] = {}
    chunk = list(ids)
    for i in range(0, len(chunk), 500):
        rows = reader.conn.execute(select(t.c.id, t.c.dataset).where(t.c.id.in_(chunk[i : i + 500])))
        out.update({r[0]: r[1] for r in rows})
    return out


def profile_map(reader: Reader) -> dict[str, str]:
    """member id -> canonical id, for every member of a profile the reader may see (others map to themselves)."""
    rows = list_judgements(reader)
    comps = components(rows, numbers=facility_numbers(reader, {x for j in rows for x in (j.left_id, j.right_id)}))
    datasets = _datasets(reader, set(comps))
    out = {}
    for members in set(comps.values()):
        canon = canonical_id(members, datasets)
        out.update({m: canon for m in members})
    return out


def _profile_ids(reader: Reader, entity_id: str) -> tuple[str, list[str]]:
    """(canonical id, member ids) of the entity's profile, built from visible members only."""
    rows = judgements_repo.all_judgements(reader)
    members = components(rows).get(entity_id)
    if not members:
        return entity_id, [entity_id]
    seen = _visible_ids(reader, set(members))
    mine = components(rows, seen, facility_numbers(reader, set(members))).get(entity_id, frozenset({entity_id}))
    return canonical_id(mine, _datasets(reader, set(mine))), sorted(mine)


def to_profiles(claims: list[Claim], profiles: dict[str, str]) -> list[Claim]:
    """Claims about a member of a merged profile, restated about its canonical entity, so a report
    naming a proposed facility that a judgement merged with a known one adds to the known one."""
    out = []
    for c in claims:
        subject, obj = profiles.get(c.subject_id, c.subject_id), profiles.get(c.object_id or "", c.object_id)
        out.append(c if (subject, obj) == (c.subject_id, c.object_id) else dataclasses.replace(c, id="", subject_id=subject, object_id=obj))
    return out


def resolve_id(reader: Reader, entity_id: str) -> str:
    """The canonical id of the profile an id belongs to (itself when it is in none)."""
    return _profile_ids(reader, entity_id)[0]


def profile_members(reader: Reader, entity_id: str) -> list[Entity]:
    """The visible members of the entity's profile, canonical first; [] when the entity is not visible."""
    canon, ids = _profile_ids(reader, entity_id)
    ents = reader.entities(ids)
    visible = [redact_entity(reader, e) for e in ents.values() if entity_visible(reader, e)]
    if entity_id not in {e.id for e in visible}:
        return []
    return sorted(visible, key=lambda e: (e.id != canon, e.dataset, e.id))


def profile_view(reader: Reader, entity_id: str) -> dict[str, Any] | None:
    """One profile as the API and pages show it: members, every list naming it, merged properties."""
    members = profile_members(reader, entity_id)
    if not members:
        return None
    lists_meta = store_lists.list_metadata(reader)
    props, conflicts = merge_properties(members)
    names: dict[str, dict] = {}
    for e in members:
        for label in e.all_names():
            names.setdefault(label, {"value": label, "datasets": []})
            if e.dataset not in names[label]["datasets"]:
                names[label]["datasets"].append(e.dataset)
    return {
        "id": members[0].id,
        "caption": members[0].caption,
        "members": [entity_to_dict(e) for e in members],
        "memberships": [membership(e, lists_meta) for e in members],
        "names": list(names.values()),
        "properties": props,
        "conflicts": conflicts,
        "judgements": [j.as_dict() for j in list_judgements(reader) if {j.left_id, j.right_id} <= {e.id for e in members}],
    }


def membership(e: Entity, lists_meta: dict[str, dict]) -> dict[str, Any]:
    """One list naming a profile's member: its list id, listed-on date and the list's snapshot date."""
    meta = lists_meta.get(e.dataset, {})
    list_id = next((i.value for i in e.identifiers if i.scheme == e.dataset), None)
    return {
        "entity_id": e.id,
        "dataset": e.dataset,
        "list_id": list_id,
        "listed_on": e.attributes.get("listed_on"),
        "snapshot_date": meta.get("snapshot_date"),
    }


# --- exchange: judgements as JSON lines (a resolver file, in nomenklatura's spirit) ----------

JUDGEMENT_FIELDS = ("left_id", "right_id", "judgement", "actor", "at", "rule", "note")


def export_judgements(store: Store, path: Path, clearance: Sensitivity) -> int:
    """One JSON object a line, every judgement whose two records the reader may see."""
    with store.read(clearance) as r:
        rows = list_judgements(r)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        for j in rows:
            fh.write(json.dumps({"kind": "judgement", **j.as_dict()}, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return len(rows)


def import_judgements(store: Store, path: Path, actor: str) -> int:
    """Read a judgements file in one transaction: a bad line stores nothing and names its line."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                rows.append((lineno, _judgement_line(line, path, lineno)))
    with store.begin(actor) as tx:
        for lineno, d in rows:
            try:
                judgements_repo.judge(tx, d["left_id"], d["right_id"], parse_judgement(d["judgement"]), rule=d.get("rule"), note=d.get("note"))
            except NotFoundError as exc:
                raise InputError(str(exc).removeprefix("id: "), path=str(path), line=lineno, field="id") from None
            except ModelError as exc:
                raise InputError(exc.message, path=str(path), line=lineno, field=exc.field) from None
    return len(rows)


def _judgement_line(line: str, path: Path, lineno: int) -> dict[str, Any]:
    try:
        d = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg})", path=str(path), line=lineno, field="line") from None
    if not isinstance(d, dict) or d.get("kind", "judgement") != "judgement":
        raise InputError("expected a judgement object", path=str(path), line=lineno, field="kind")
    reject_lone_surrogates(d, str(path), lineno)
    for key in ("left_id", "right_id", "judgement"):
        if not isinstance(d.get(key), str) or not d[key].strip():
            raise InputError("missing or not text", path=str(path), line=lineno, field=key)
    for key in ("rule", "note"):
        if d.get(key) is not None and not isinstance(d[key], str):
            raise InputError("must be text", path=str(path), line=lineno, field=key)
    return d
