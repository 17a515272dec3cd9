"""Merged profiles in FollowTheMoney: one entity per profile, its members in `referents`.

FtM (and nomenklatura, OpenSanctions' resolver) writes a merged entity once, under its
canonical id, with `referents` naming the other ids merged into it. That is the one form FtM
has for our `same` judgements; `different` and `unsure` have none and travel only in the
judgements file (`tollwatch xref export`).

Our own line also keeps, in its `tollwatch` block, the members' records that the export holds
(the evidence graph's entities and the list entries a claim points at; a list's other records
are re-imported from the list's own files) and each `same` judgement's pair, rule and note, so
an import restores the profile exactly. A foreign line's `referents` become `same` judgements
for the referents this store or file holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, ModelError
from tollwatch.core.records import entity_to_dict
from tollwatch.core.resolution import Judgement, JudgementRecord
from tollwatch.store import judgements_repo
from tollwatch.store import schema as store_schema
from tollwatch.store.repository import Txn

PROFILE_RECORD = "profile"
NAME_PROPS = ("name", "alias")  # every FtM Thing has them: a member of another schema adds only its names


@dataclass
class Profile:
    """A merged profile as the export's reader may see it: canonical member first."""

    canonical: str
    members: list[Entity]
    judgements: list[JudgementRecord]


@dataclass
class PendingJudgement:
    """A `same` judgement read from a line, recorded once every line's entities are stored."""

    lineno: int
    left: str
    right: str
    rule: str | None = None
    note: str | None = None
    own: bool = True  # our own line: a member the store lacks is an error; a foreign one is skipped


@dataclass
class ProfileLines:
    """What an import read from profile lines and `referents`, recorded after every entity."""

    judgements: list[PendingJudgement] = field(default_factory=list)
    profiles: int = 0


def profile_to_ftm(p: Profile, held: set[str], entity_to_ftm: Any) -> dict[str, Any]:
    """One FtM entity for the profile: the canonical member's schema, every member's properties
    (a member of another schema adds only its names), all datasets, and `referents`."""
    lines = [entity_to_ftm(e) for e in p.members]
    ftm_schema = lines[0]["schema"]
    props: dict[str, list] = {}
    for line in lines:
        for prop, values in line["properties"].items():
            if line["schema"] == ftm_schema or prop in NAME_PROPS:
                have = props.setdefault(prop, [])
                have += [v for v in values if v not in have]
    return {
        "id": p.canonical,
        "schema": ftm_schema,
        "properties": props,
        "datasets": sorted({e.dataset for e in p.members}),
        "referents": sorted(e.id for e in p.members if e.id != p.canonical),
        "tollwatch": {
            "record": PROFILE_RECORD,
            "id": p.canonical,
            "members": [entity_to_dict(e) for e in p.members if e.id in held],
            "judgements": [
                {"left_id": j.left_id, "right_id": j.right_id, "judgement": j.judgement.value, "rule": j.rule, "note": j.note}
                for j in p.judgements
            ],
        },
    }


def read_own(native: dict[str, Any], lineno: int, out: ProfileLines) -> list[dict[str, Any]]:
    """Our profile line: its members' native records to store, its judgements kept for later."""
    for j in native.get("judgements") or []:
        ok = isinstance(j, dict) and j.get("judgement") == Judgement.SAME.value
        if not ok or not all(isinstance(j.get(k), str) and j[k] for k in ("left_id", "right_id")):
            raise ModelError("tollwatch.judgements", "each must be a `same` judgement with left_id and right_id")
        if not all(j.get(k) is None or isinstance(j[k], str) for k in ("rule", "note")):
            raise ModelError("tollwatch.judgements", "rule and note must be text")
        out.judgements.append(PendingJudgement(lineno, j["left_id"], j["right_id"], j.get("rule"), j.get("note")))
    members = native.get("members") or []
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise ModelError("tollwatch.members", "expected a list of entity records")
    return members


def read_foreign(data: dict[str, Any], lineno: int, out: ProfileLines) -> None:
    """A foreign line's `referents`: each one judged `same` as the line's entity (if both are held)."""
    referents = data.get("referents") or []
    if not isinstance(referents, list) or not isinstance(data.get("id"), str):
        return
    for ref in referents:
        if isinstance(ref, str) and ref and ref != data["id"]:
            note = f"FtM referents of {data['id']}"
            out.judgements.append(PendingJudgement(lineno, data["id"], ref, None, note, own=False))


def needed_ids(records: list[tuple[int, dict[str, Any]]], native_of: Any) -> set[str]:
    """Every id a file's profile lines and `referents` name: read before the import's transaction,
    so the caller can load a list they belong to first."""
    out: set[str] = set()
    for _, data in records:
        native = native_of(data)
        if native is not None and native.get("record") == PROFILE_RECORD:
            out |= {str(j.get(k)) for j in native.get("judgements") or [] if isinstance(j, dict) for k in ("left_id", "right_id")}
        elif native is None and isinstance(data.get("referents"), list):
            out |= {r for r in data["referents"] if isinstance(r, str)}
    return out


def record_judgements(tx: Txn, lines: ProfileLines, path: str) -> tuple[int, int]:
    """Store the `same` judgements read: (recorded, foreign referents this store does not hold).
    Our own line naming a member the store lacks fails the import, naming its line."""
    ids = sorted({i for j in lines.judgements for i in (j.left, j.right)})
    held: set[str] = set()
    for n in range(0, len(ids), 500):
        q = select(store_schema.entities.c.id).where(store_schema.entities.c.id.in_(ids[n : n + 500]))
        held |= set(tx.conn.execute(q).scalars())
    recorded = not_held = 0
    for j in lines.judgements:
        missing = [i for i in (j.left, j.right) if i not in held]
        if missing and not j.own:
            not_held += 1
            continue
        if missing:
            raise InputError(f"no entity {missing[0]} in this store (import its list first)", path=path, line=j.lineno, field="referents")
        try:
            judgements_repo.judge(tx, j.left, j.right, Judgement.SAME, rule=j.rule, note=j.note)
        except ModelError as exc:
            raise InputError(exc.message, path=path, line=j.lineno, field=exc.field) from None
        recorded += 1
    return recorded, not_held


__all__ = ["PROFILE_RECORD", "PendingJudgement", "Profile", "ProfileLines", "needed_ids", "profile_to_ftm", "read_foreign", "read_own", "record_judgements"]
