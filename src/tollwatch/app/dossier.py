"""The evidence dossier's content: everything a regulator needs about one entity, a chain or a screening hit.

Parties and the chain are always read as the public sees them, so an entity or a name
known only from protected evidence never appears. Claims from a restricted or confidential
source enter only when `--as` names a role cleared for them, and then with their source
replaced by a placeholder ("Testimony T-1, grade B, 2023") logged in the redaction log,
never with its title, publisher, URL or quote. Claims on a withdrawn source are dropped,
and the dossier lists them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from tollwatch.app.chain import entity_chain
from tollwatch.app.dossier_checks import gaps
from tollwatch.app.dossier_trade import trade_analysis
from tollwatch.app.evidence import claims_as_dicts
from tollwatch.app.visibility import Reader, Store, find_visible_entity
from tollwatch.core.chain import chain_to_dict
from tollwatch.core.corroboration import contradictions, corroborate
from tollwatch.core.errors import InputError, NotFound
from tollwatch.core.model import Claim, Entity, EvidenceKind, ReviewStatus, Sensitivity, Source
from tollwatch.core.schema import predicate_label
from tollwatch.core.listing import citation, listing_fields
from tollwatch.store.lists import dataset_metadata, list_metadata
from tollwatch.store.users_repo import DEFAULT_CLEARANCE

PURPOSES = ("cbp-allegation", "cbp-admissibility", "eu-flr", "research")
WITHDRAW_ACTION = "source.withdraw"


@cache
def dossier_data() -> dict[str, Any]:
    """Law citations, section order per purpose and titles (data/dossier.yaml)."""
    text = (resources.files("tollwatch") / "data" / "dossier.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def clearance_for(store: Store, role: str | None) -> Sensitivity:
    """`--as`: a role (admin, analyst, viewer) or a user's name; nothing means public only."""
    if not role:
        return Sensitivity.PUBLIC
    if role in DEFAULT_CLEARANCE:
        return DEFAULT_CLEARANCE[role]
    from tollwatch.app.auth import get_user

    user = get_user(store, role)
    if user is None or user.disabled:
        raise InputError(f"unknown role or user {role!r} (roles: {', '.join(DEFAULT_CLEARANCE)})", field="--as")
    return user.clearance


def withdrawn_sources(reader: Reader) -> dict[str, dict]:
    """source id -> its withdrawal (who, when, why), from the audit log."""
    out: dict[str, dict] = {}
    for row in reversed(reader.audit(action=WITHDRAW_ACTION, limit=100000)):
        detail = row.get("detail") or {}
        out[row["target_id"]] = {"by": row.get("actor"), "at": row.get("at"), "reason": detail.get("reason") if isinstance(detail, dict) else None}
    return out


def _placeholders(sources: list[Source]) -> dict[str, str]:
    """Protected sources get stable placeholders: kind initial, running number, grade, year."""
    out = {}
    for i, s in enumerate(sorted(sources, key=lambda s: s.id), start=1):
        kind = s.kind.value.replace("_", " ").capitalize()
        out[s.id] = f"{kind} {kind[0]}-{i}, grade {s.grade or 'ungraded'}, {(s.date or 'undated')[:4]}"
    return out


def _party(entity: Entity, reader: Reader) -> dict:
    # A list entry is a membership only when one of its names is exactly one of the party's
    # (case aside), and never for a product: "wigs" is not the sanctioned "WIG".
    own = {n.casefold() for n in entity.all_names()}
    memberships = [] if entity.kind.value == "product" else [
        e for e in reader.find_entities(entity.caption)
        if e.dataset != "tollwatch" and e.id != entity.id and own & {n.casefold() for n in e.all_names()}]
    lists = [{"dataset": e.dataset, "id": e.id, "caption": e.caption} for e in memberships][:10]
    if entity.dataset != "tollwatch":
        lists.insert(0, {"dataset": entity.dataset, "id": entity.id, "caption": entity.caption})
    listing = None
    if entity.dataset != "tollwatch":  # a list entry: every field its list gave, and where from
        listing = {"fields": listing_fields(entity.attributes),
                   "citation": citation(entity.dataset, entity.attributes.get("list_ref"), dataset_metadata(reader, entity.dataset))}
    return {
        "id": entity.id, "kind": entity.kind.value, "caption": entity.caption, "dataset": entity.dataset, "listing": listing,
        "names": [{"value": n.value, "script": n.script.value, "system": n.system.value if n.system else None, "lang": n.lang}
                  for n in entity.names if n.visible_at(Sensitivity.PUBLIC)],
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in entity.identifiers],
        "coordinates": [{"lat": c.lat, "lon": c.lon, "source": c.source, "confidence": c.confidence} for c in entity.coordinates],
        "lists": lists,
    }


def _evidence_row(c: Claim, d: dict, src: Source | None, placeholder: str | None, names: dict[str, str]) -> dict:
    obj = names.get(c.object_id or "", "[withheld entity]") if c.object_id else (c.value or _quantity(d))
    row: dict[str, object] = {
        "id": c.id, "subject_id": c.subject_id, "subject": names.get(c.subject_id, "[withheld entity]"),
        "predicate": c.predicate.value, "label": predicate_label(c.predicate.value), "object": obj, "object_id": c.object_id,
        "status": c.review.status.value, "reviewer": c.review.by, "reviewed_at": c.review.at,
        "source_id": None if placeholder else c.evidence.source_id, "grade": src.grade if src else None,
        "date": src.date if src else None, "redacted": bool(placeholder),
    }
    if placeholder:
        row |= {"source": placeholder, "quote": None, "paraphrase": None, "citations": [placeholder]}
        return row
    verbatim = c.evidence.kind == EvidenceKind.VERBATIM and src is not None and src.text_kind == EvidenceKind.VERBATIM
    row |= {
        "source": src.title if src else c.evidence.source_id, "publisher": src.publisher if src else None,
        "quote": c.evidence.quote if verbatim else None,
        "paraphrase": None if verbatim else c.evidence.quote,
        "evidence_kind": c.evidence.kind.value,
        "citations": [str(x["url"]) for x in d.get("citations", [])] or ["source not given"],
    }
    return row


def _quantity(d: dict) -> str:
    q = d.get("quantity") or {}
    if not q:
        return ""
    lo, hi = q.get("low"), q.get("high")
    span = f"{lo:g}" if hi is None or lo == hi else f"{hi:g}" if lo is None else f"{lo:g}–{hi:g}"
    return f"{span} {q.get('unit', '')}".strip()


def resolve_target(store: Store, reader: Reader, target: str) -> tuple[Entity, dict | None]:
    """An entity id or exact name, or RUN:ROW (a saved screening run's row: its best candidate)."""
    entity, count = find_visible_entity(reader, target)
    if entity is not None:
        return entity, None
    if ":" in target and target.rsplit(":", 1)[1].isdigit():
        from tollwatch.app.dossier_checks import screening_hit

        hit = screening_hit(store, target)
        found = reader.get_entity(hit["entity_id"])
        if found is not None:
            return found, hit
    raise NotFound(f"no entity, chain or screening row {target!r}" + (f" ({count} entities share that name; give an id)" if count > 1 else ""))


def _claims_in_scope(reader: Reader, focus: Entity, chain_claim_ids: set[str], include_proposed: bool) -> list[Claim]:
    wanted = {c.id: c for c in reader.list_claims(entity_id=focus.id)}
    for cid in chain_claim_ids - set(wanted):
        c = reader.get_claim(cid)
        if c is not None:
            wanted[cid] = c
    keep = {ReviewStatus.ACCEPTED} | ({ReviewStatus.PROPOSED} if include_proposed else set())
    return [c for c in wanted.values() if c.review.status in keep]


def build_dossier(store: Store, target: str, *, purpose: str = "research", include_proposed: bool = False, role: str | None = None) -> dict:
    """The dossier's content as one dict (dossier.json), before any file is written."""
    if purpose not in PURPOSES:
        raise InputError(f"unknown purpose {purpose!r} (allowed: {', '.join(PURPOSES)})", field="--purpose")
    clearance = clearance_for(store, role)
    with store.read(Sensitivity.PUBLIC) as pub:
        focus, hit = resolve_target(store, pub, target)
        chain = entity_chain(pub, focus.id, include_proposed=include_proposed)
        parties = [_party(e, pub) for e in pub.entities([n.id for n in chain.nodes]).values()]
        names = {n.id: n.caption for n in chain.nodes}
        lists = list_metadata(pub)
    with store.read(clearance) as r:
        withdrawn = withdrawn_sources(r)
        claims = _claims_in_scope(r, focus, {cid for e in chain.edges for cid in e.claim_ids}, include_proposed)
        dropped = [c for c in claims if c.evidence.source_id in withdrawn]
        claims = [c for c in claims if c.evidence.source_id not in withdrawn]
        public_withdrawn = {s.id for s in r.sources_by_id(c.evidence.source_id for c in dropped).values() if s.sensitivity == Sensitivity.PUBLIC}
        sources = r.sources_by_id(c.evidence.source_id for c in claims)
        dicts = claims_as_dicts(r, claims)
        audit = _audit_trail(r, claims)
        version = _evidence_version(r)
    protected = [s for s in sources.values() if s.sensitivity != Sensitivity.PUBLIC]
    placeholders = _placeholders(protected)
    rows = [_evidence_row(c, d, sources.get(c.evidence.source_id), placeholders.get(c.evidence.source_id), names)
            for c, d in zip(claims, dicts, strict=True)]
    rows.sort(key=lambda x: (x["status"] != "accepted", x["subject"], x["label"], str(x["object"]), x["id"]))
    content = {
        "title": f"Evidence dossier: {focus.caption}", "focus": {"id": focus.id, "caption": focus.caption, "kind": focus.kind.value},
        "purpose": purpose, "include_proposed": include_proposed, "clearance": clearance.value, "role": role,
        "sections": dossier_data()["purposes"][purpose], "titles": dossier_data()["section_titles"],
        "summary": _summary(rows), "parties": sorted(parties, key=lambda p: (p["id"] != focus.id, p["caption"])),
        "chain": chain_to_dict(chain), "evidence": rows,
        "corroboration": _corroboration(claims, sources, rows), "law": dossier_data()["law"],
        "documents": _documents(sources, placeholders, rows), "audit": audit, "screening_hit": hit,
        "redactions": [{"placeholder": p, "claims": [x["id"] for x in rows if x["source"] == p],
                        "withheld": ["title", "publisher", "url", "text", "quotes"]} for p in sorted(placeholders.values())],
        "withdrawn": {"sources": [{"id": k, **v} for k, v in withdrawn.items() if k in public_withdrawn],
                      "dropped_claims": [c.id for c in dropped]},
        "lists": {k: {"snapshot_date": v.get("snapshot_date"), "sha256": v.get("sha256") or v.get("digest")} for k, v in lists.items()},
        "evidence_version": version,
    }
    content["facility"] = [p for p in parties if p["coordinates"]]
    content["trade"] = _trade_context(parties)
    content["trade_analysis"] = trade_analysis(store)
    content["criteria"] = _criteria(content) if purpose == "eu-flr" else None
    content["gaps"] = gaps(content, chain)
    return content


def _summary(rows: list[dict]) -> list[dict]:
    """One sentence per accepted fact, with the citations of every claim behind it."""
    facts: dict[tuple, dict] = {}
    for x in rows:
        if x["status"] != "accepted":
            continue
        key = (x["subject"], x["label"], str(x["object"]))
        f = facts.setdefault(key, {"text": f"{x['subject']} — {x['label'].lower()} — {x['object']}.", "claims": [], "citations": []})
        f["claims"].append(x["id"])
        f["citations"] += [c for c in x["citations"] if c not in f["citations"]]
    return list(facts.values())


def _corroboration(claims: list[Claim], sources: dict[str, Source], rows: list[dict]) -> dict:
    strength = corroborate(claims, sources)
    by_id = {x["id"]: x for x in rows}
    facts = []
    for c in claims:
        g = strength[(c.subject_id, c.predicate.value, c.object_key)]
        facts.append({"claim": c.id, "fact": f"{by_id[c.id]['subject']} — {by_id[c.id]['label']} — {by_id[c.id]['object']}",
                      "independent_sources": g.independent_sources, "strength": g.strength})
    open_ = [{"subject": x.subject_id, "predicate": x.predicate,
              "sides": [{"value": k.split(":", 1)[-1], "claims": v} for k, v in x.sides.items()]} for x in contradictions(claims)]
    return {"facts": facts, "contradictions": open_}


def _documents(sources: dict[str, Source], placeholders: dict[str, str], rows: list[dict]) -> list[dict]:
    docs = []
    for s in sorted(sources.values(), key=lambda s: s.id):
        used = [x["id"] for x in rows if x["source_id"] == s.id or x["source"] == placeholders.get(s.id)]
        if s.id in placeholders:
            docs.append({"id": None, "title": placeholders[s.id], "redacted": True, "claims": used, "note": "withheld: protected source"})
            continue
        docs.append({"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date, "grade": s.grade,
                     "kind": s.kind.value, "text_kind": s.text_kind.value, "redacted": False, "claims": used,
                     "note": f"{s.kind.value.replace('_', ' ')}, grade {s.grade or 'ungraded'}; supports {len(used)} claim(s)"})
    return docs


def _audit_trail(reader: Reader, claims: list[Claim]) -> list[dict]:
    out = []
    for c in claims:
        for row in reader.audit(target_id=c.id, limit=50):
            out.append({"claim": c.id, "at": row.get("at"), "actor": row.get("actor"), "action": row.get("action")})
        if c.review.by:
            out.append({"claim": c.id, "at": c.review.at, "actor": c.review.by, "action": f"review: {c.review.status.value}"})
    return sorted(out, key=lambda x: (str(x["at"]), x["claim"]))


def _evidence_version(reader: Reader) -> str:
    """The append-only audit log's last entry: any change to evidence moves it. No counts: the
    store's totals would tell a public reader that protected claims exist."""
    last = reader.audit(limit=1)
    return f"audit#{last[0]['id'] if last else 0}"


def _trade_context(parties: list[dict]) -> list[dict]:
    """Reference trade figures (China customs, as reported and cited) for the parties' products' HS headings."""
    from tollwatch.app.trade import reference_figures

    products = " ".join(p["caption"].casefold() for p in parties if p["kind"] == "product")
    return [f | {"method": "as reported by the cited publisher (no estimate of ours)"} for f in reference_figures()
            if any(w in products for w in str(f.get("hs_scope", "")).casefold().replace("(", " ").replace(",", " ").split() if len(w) > 3)]


def _criteria(content: dict) -> list[dict]:
    """EU FLR Art. 14: filled in only from what the evidence holds; else 'not established'."""
    held = [x for x in content["evidence"] if x["predicate"] in ("holds_prisoners", "work_unit_size", "employs_workers") and x["status"] == "accepted"]
    scale = "; ".join(f"{x['subject']}: {x['object']} (claim {x['id']})" for x in held) or "not established"
    volume = "; ".join(f"{f.get('period')} {f.get('flow')} {f.get('hs_scope')}: US${f.get('value_usd') or '—'}" for f in content["trade"]) or "not established"
    return [
        {"criterion": "Scale and severity of the forced labour", "finding": scale},
        {"criterion": "Volume of products on the Union market (trade data)", "finding": volume if volume != "not established" else "not established",
         "note": "figures are China–DPRK flows, not EU imports" if content["trade"] else None},
        {"criterion": "Share of the suspect part in the product", "finding": "not established"},
    ]
