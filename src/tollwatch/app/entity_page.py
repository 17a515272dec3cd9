"""An entity page: reviewed facts apart from machine proposals, in both directions.

A public page leads with accepted claims only. Proposed claims go to a separate list the
page shows folded; extractor notes travel only with them (and to the review queue), never
with the facts. Claims that assert the same subject, predicate and object are one fact
with every supporting source listed. Claims where the entity is the *object* read from its
own side through the schema's inverse label ("Produced by" Kaechon prison camp No. 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from tollwatch.app.evidence import entity_report
from tollwatch.app.visibility import Reader
from tollwatch.core.model import Entity, Romanization, Script
from tollwatch.core.schema import IdentifierScheme
from tollwatch.core.schema import load as load_schema
from tollwatch.core.schema import predicate_label

SCRIPT_LABELS = {Script.HANGUL: "Hangul", Script.HAN: "Han (Chinese characters)", Script.LATIN: "Latin", Script.OTHER: "Other"}
SYSTEM_LABELS = {Romanization.RR: "Revised Romanization", Romanization.MR: "McCune–Reischauer",
                 Romanization.DPRK: "DPRK official", Romanization.PINYIN: "Pinyin", Romanization.UNKNOWN: ""}
LANG_LABELS = {"en": "English", "ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian"}


def fact_key(c: dict) -> tuple:
    """What a claim asserts, whoever asserts it: subject, predicate, object (entity, value or quantity)."""
    obj = c.get("object") or {}
    q = c.get("quantity") or {}
    value = c.get("value")
    return (
        c["subject"].get("id"),
        c["predicate"],
        obj.get("id"),
        value.strip().casefold() if isinstance(value, str) else value,
        (q.get("low"), q.get("high"), q.get("unit")) if q else None,
    )


def group_facts(claims: list[dict], entity_id: str) -> list[dict]:
    """Claims folded into facts, grouped by how they read from this entity's side."""
    facts: dict[tuple, dict] = {}
    for c in claims:
        incoming = c["subject"].get("id") != entity_id
        key = (incoming, *fact_key(c))
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = {
                "predicate": c["predicate"],
                "incoming": incoming,
                "label": predicate_label(c["predicate"], inverse=incoming),
                "other": c["subject"] if incoming else c.get("object"),
                "value": None if incoming else c.get("value"),
                "quantity": None if incoming else c.get("quantity"),
                "period": c.get("period"),
                "status": c["status"],
                "corroboration": c.get("corroboration"),
                "supports": [],
            }
        fact["supports"].append(c)
    groups: dict[tuple[bool, str], list[dict]] = defaultdict(list)
    for f in facts.values():
        groups[(f["incoming"], f["predicate"])].append(f)
    out = []
    for (incoming, pred), fs in groups.items():
        out.append({
            "predicate": pred,
            "incoming": incoming,
            "label": predicate_label(pred, inverse=incoming),
            "anchor": ("in-" if incoming else "p-") + pred,
            "facts": fs,
            "claims": [c for f in fs for c in f["supports"]],
        })
    return sorted(out, key=lambda g: (g["incoming"], g["label"]))


def _names_by_script(report: dict, entity: Entity) -> dict[str, list[dict]]:
    names: dict[str, list[dict]] = defaultdict(list)
    for n in report["names"]:
        n["lang_label"] = LANG_LABELS.get(n.get("lang") or "", n.get("lang") or "")
        n["system_label"] = SYSTEM_LABELS.get(n["system"], n["system"]) if n.get("system") else ""
        names[SCRIPT_LABELS.get(Script(n["script"]), n["script"])].append(n)
    if not any(entity.caption == n["value"] for n in report["names"]):
        names.setdefault("Latin", []).insert(0, {"value": entity.caption, "script": "latin", "system": None, "lang": None})
    return dict(names)


def _scheme_label(schemes: Mapping[str, IdentifierScheme], scheme: str) -> str:
    """The schema's label for an identifier scheme, without its input example ("(e.g. ...)")."""
    label = schemes[scheme].label if scheme in schemes else scheme
    return label.split(" (e.g.")[0]


def _contradictions(report: dict, accepted_ids: set[str]) -> list[dict]:
    """Disagreements among reviewed facts only: a proposal does not contradict a fact on the public page."""
    claim_by_id = {c["id"]: c for c in report["claims"] if c["id"] in accepted_ids}
    out = []
    for x in report["contradictions"]:
        sides = []
        for key, ids in x["sides"].items():
            cs = [claim_by_id[i] for i in ids if i in claim_by_id]
            if cs:
                sides.append({"value": key.split(":", 1)[-1], "claims": cs})
        if len(sides) > 1:
            out.append({"predicate": x["predicate"], "label": predicate_label(x["predicate"]), "sides": sides})
    return out


def entity_page(reader: Reader, entity: Entity) -> dict:
    """entity_report plus what a page shows: names by script, facts, incoming facts, proposals apart."""
    report = entity_report(reader, entity)
    accepted = [c for c in report["claims"] if c["status"] == "accepted"]
    proposed = [c for c in report["claims"] if c["status"] == "proposed"]
    for c in accepted:
        c["note"] = None  # a reviewed fact never carries the extractor's working note
    report["names_by_script"] = _names_by_script(report, entity)
    report["names_have_lang"] = any(n.get("lang") for n in report["names"])
    schemes = load_schema().identifiers
    report["identifier_rows"] = [{"label": _scheme_label(schemes, i["scheme"]), "value": i["value"]} for i in report.get("identifiers") or []]
    report["claim_groups"] = group_facts(accepted, entity.id)
    report["proposed_groups"] = group_facts(proposed, entity.id)
    reviewed = {(f["incoming"], *fact_key(f["supports"][0])) for g in report["claim_groups"] for f in g["facts"]}
    for g in report["proposed_groups"]:
        for f in g["facts"]:
            f["also_reviewed"] = (f["incoming"], *fact_key(f["supports"][0])) in reviewed
    report["fact_count"] = sum(len(g["facts"]) for g in report["claim_groups"])
    report["proposed_count"] = len(proposed)
    report["rejected_count"] = sum(1 for c in report["claims"] if c["status"] == "rejected")
    report["contradiction_views"] = _contradictions(report, {c["id"] for c in accepted})
    return report
