"""Judgements and profiles: which records are one real thing, decided pair by pair.

In the spirit of nomenklatura's resolver: a pair of entity ids is judged `same`,
`different` or `unsure`; a profile is a connected set of `same` judgements. Pure logic:
the store keeps the judgements (store/judgements_repo.py), the app builds profiles.

The canonical id of a profile (the one its URLs and exports use) is chosen by a fixed rule,
so every process and every export agrees on it:
  1. an evidence-graph entity (dataset `tollwatch`) before any list record;
  2. then the UN Security Council list (the designation most national lists implement);
  3. then the other datasets in alphabetical order;
  4. within one dataset, the smallest id.
Only members the reader may see take part, so a hidden member never names the profile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tollwatch.core.disjoint import DisjointSets
from tollwatch.core.model import Entity, ModelError

GRAPH_DATASET = "tollwatch"
PREFERRED_LIST = "un_sc_sanctions"
# Attributes that have one true value per real thing: two values are a conflict, shown side by side.
SINGLE_VALUED = ("birthDate", "facility_type", "province", "gender", "vessel_flag", "imo")


class Judgement(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


def parse_judgement(value: str) -> Judgement:
    try:
        return Judgement(value.strip().casefold())
    except ValueError:
        raise ModelError("judgement", f"must be one of same, different, unsure (got {value!r})") from None


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair is unordered: (a, b) and (b, a) are one judgement."""
    if not a or not b:
        raise ModelError("id", "both entity ids are needed")
    if a == b:
        raise ModelError("id", f"an entity is always the same as itself ({a})")
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class JudgementRecord:
    left_id: str
    right_id: str
    judgement: Judgement
    actor: str
    at: str
    rule: str | None = None  # the automatic rule that decided it; None when a person did
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "judgement": self.judgement.value,
            "actor": self.actor,
            "at": self.at,
            "rule": self.rule,
            "note": self.note,
        }


def components(
    judgements: Iterable[JudgementRecord],
    visible: set[str] | None = None,
    numbers: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, frozenset[str]]:
    """id -> its profile's members, for every id in a `same` judgement (both ends visible).

    With `numbers` (facility id -> its facility numbers), a `same` judgement that would put
    two facilities with different numbers in one profile is not followed: the hard block
    that keeps Kyohwaso No. 1 and Kwalliso No. 14 apart, however a chain of judgements runs."""
    sets = DisjointSets()
    held: dict[str, frozenset[str]] = {}  # root -> the numbers its profile states
    for j in sorted(judgements, key=lambda j: (j.at, j.left_id, j.right_id)):
        if j.judgement != Judgement.SAME:
            continue
        if visible is not None and not (j.left_id in visible and j.right_id in visible):
            continue
        if numbers is not None:
            ra, rb = sets.find(j.left_id), sets.find(j.right_id)
            na = held.get(ra, numbers.get(j.left_id, frozenset()))
            nb = held.get(rb, numbers.get(j.right_id, frozenset()))
            if ra != rb and numbers_conflict(na, nb):
                continue
            sets.union(j.left_id, j.right_id)
            held[sets.find(j.left_id)] = na | nb
            continue
        sets.union(j.left_id, j.right_id)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(sets.parent):
        groups[sets.find(x)].add(x)
    return {x: frozenset(g) for g in groups.values() for x in g}


def numbers_conflict(left: frozenset[str], right: frozenset[str]) -> bool:
    """Two sets of facility numbers that cannot be one facility's: both stated, and not the same."""
    return bool(left and right and left != right)


def profile_numbers(members: Iterable[str], numbers: Mapping[str, frozenset[str]]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for m in members:
        out |= numbers.get(m, frozenset())
    return out


def dataset_of(entity_id: str, datasets: dict[str, str]) -> str:
    return datasets.get(entity_id, GRAPH_DATASET)


def canonical_id(members: Iterable[str], datasets: dict[str, str]) -> str:
    """The documented rule (module docstring): graph entity, then UN, then dataset name, then id."""

    def rank(entity_id: str) -> tuple[int, str, str]:
        ds = dataset_of(entity_id, datasets)
        return (0 if ds == GRAPH_DATASET else 1 if ds == PREFERRED_LIST else 2, ds, entity_id)

    return min(members, key=rank)


def blocked(
    a: str,
    b: str,
    judgements: Iterable[JudgementRecord],
    comps: dict[str, frozenset[str]],
    numbers: Mapping[str, frozenset[str]] | None = None,
) -> bool:
    """A pair already decided, directly or through its profiles (nomenklatura's rule:
    `different` between any two members keeps the two profiles apart), or one whose
    profiles state different facility numbers (a `different` no judgement can undo)."""
    left, right = comps.get(a, frozenset({a})), comps.get(b, frozenset({b}))
    if left == right:
        return True
    if numbers is not None and numbers_conflict(profile_numbers(left, numbers), profile_numbers(right, numbers)):
        return True
    for j in judgements:
        if j.judgement == Judgement.SAME:
            continue
        if (j.left_id in left and j.right_id in right) or (j.left_id in right and j.right_id in left):
            return True
    return False


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def merge_properties(members: list[Entity]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The union of the members' attributes, each value with the dataset and record it came from.

    Returns (properties, conflicts): a single-valued attribute (birth date, facility type ...)
    with two different values, and coordinates more than one value apart, are conflicts: both
    stay, side by side, with their sources."""
    props: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for e in members:
        for key, value in e.attributes.items():
            for v in value if isinstance(value, list) else [value]:
                if v in (None, "", []):
                    continue
                known = seen[key].get(_norm(v))
                if known is not None:
                    if e.dataset not in known["datasets"]:
                        known["datasets"].append(e.dataset)
                        known["entity_ids"].append(e.id)
                    continue
                item = {"value": v, "datasets": [e.dataset], "entity_ids": [e.id]}
                seen[key][_norm(v)] = item
                props[key].append(item)
        for c in e.coordinates:
            props["coordinates"].append(
                {"value": {"lat": c.lat, "lon": c.lon, "source": c.source}, "datasets": [e.dataset], "entity_ids": [e.id]}
            )
    conflicts = {k: v for k, v in props.items() if k in SINGLE_VALUED and len(v) > 1}
    coords = props.get("coordinates", [])
    if len({(round(c["value"]["lat"], 3), round(c["value"]["lon"], 3)) for c in coords}) > 1:
        conflicts["coordinates"] = coords
    return dict(props), conflicts
