"""The chain of command: who inspects a camp, which body is part of which, review deadlines."""

from __future__ import annotations

from tollwatch.core.extraction.clauses import part_of_pairs, within
from tollwatch.core.extraction.context import Doc, Focus, first_unnested, id_fragment, unique
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.newnames import new_firm
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Entity, EntityKind, Name, Period, Predicate


@claim_rule("inspection")
def inspection(doc: Doc, f: Focus) -> None:
    facilities = f.facilities or f.topic
    if not facilities or not f.orgs or not doc.says("inspect", f.sent):
        return
    inspector = first_unnested(f.orgs, doc.parents)
    ceiling = doc.lex.conf("inspection", "ceiling")
    for x in unique(facilities):
        doc.out.add(f.sent, x.resolved_id, Predicate.INSPECTED_BY, obj=inspector, confidence=min(ceiling, x.confidence), note=x.note)


def _new_unit(doc: Doc, f: Focus, named: Mention, body: Mention) -> str | None:
    """ "the production department of the corrections bureau": a unit we do not know yet."""
    prefix_start = max(f.sent.start, named.start - 60)
    m = doc.lex.rx["new_subunit"].search(doc.text[prefix_start : named.start])
    if not m or m.group(1).casefold() in doc.lex.words["stop_caps"]:
        return None
    parent = body.candidates[0]
    unit_name = f"{m.group(1).capitalize()} {m.group(2).casefold()}"
    caption = f"{unit_name}, {doc.by_id[parent].caption if parent in doc.by_id else parent}"
    eid = "org-new-" + id_fragment(f"{parent} {unit_name}")
    if eid not in doc.new_entities:
        doc.new_entities[eid] = Entity(
            id=eid, kind=EntityKind.ORGANIZATION, caption=caption,
            names=[Name.of(caption), Name.of(doc.text[prefix_start + m.start(1) : body.end])],
            attributes={"proposed_from": doc.source_id, "parent": parent}, is_new=True,
        )
    return eid


@claim_rule("part_of")
def part_of(doc: Doc, f: Focus) -> None:
    """ "the X bureau of the Y ministry" and "사회안전성 교화국" say X is part of Y."""
    sent = f.sent
    orgs = [m for m in within(doc.raw, doc.raw_starts, sent)
            if m.kind == EntityKind.ORGANIZATION and len(m.candidates) == 1 and sent.start <= m.start and m.end <= sent.end]
    unit_after: dict[int, Mention] = {}
    for unit, parent in part_of_pairs(doc.lex, doc.text, orgs):
        doc.out.add(sent, unit.candidates[0], Predicate.PART_OF, obj=parent.candidates[0], confidence=doc.lex.conf("part_of", "known"))
        if unit.start > parent.start:
            unit_after[parent.start] = unit
    for named in orgs:
        if any(o.start < named.start < o.end for o in orgs):
            continue  # part of a longer name
        body = unit_after.get(named.start, named)  # "... of the MoSS corrections bureau": the bureau
        eid = _new_unit(doc, f, named, body)
        if eid:
            doc.out.add(sent, eid, Predicate.PART_OF, obj=body.candidates[0], confidence=doc.lex.conf("part_of", "new_unit"),
                        note="a unit the graph does not know yet")


def _month(doc: Doc, written: str) -> int:
    w = written.casefold()
    months: dict[str, int] = doc.lex.tables["months"]
    return months[w.rstrip(".")[:4] if w.startswith("sept") else w[:3]]


def _year_for(month: int, reference_date: str | None) -> str | None:
    """The year a "by Jan. 8" means, from the source's date: the next such day on or after it."""
    if not reference_date:
        return None
    ref_y = int(reference_date[:4])
    ref_m = int(reference_date[5:7]) if len(reference_date) >= 7 else 1
    return str(ref_y + 1 if month < ref_m else ref_y)


@claim_rule("deadlines")
def deadlines(doc: Doc, f: Focus) -> None:
    if not doc.lex.cue["review"].search(f.sent.text):
        return
    for d in doc.lex.rx["deadline"].finditer(f.sent.text):
        if d.group("mon"):
            month, day, year = _month(doc, d.group("mon")), int(d.group("day")), d.group("year")
        else:
            month, day, year = int(d.group("kmon")), int(d.group("kday")), d.group("kyear")
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        year = year or _year_for(month, doc.reference_date)
        value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        subject = first_unnested(f.orgs, doc.parents) or (f.facilities[0].entity_id if f.facilities else f.general_subject)
        if not subject:
            continue
        conf = doc.lex.conf("deadlines", "named" if f.orgs or f.facilities else "general")
        doc.out.add(f.sent, subject, Predicate.REVIEW_DEADLINE, value=value, period=Period(None, value) if year else None,
                    confidence=conf, note=None if year else "the text gives no year; set the source date to date it")


@claim_rule("units_under")
def units_under(doc: Doc, f: Focus) -> None:
    """ "대외건설지도국 산하의 7총국과 8총국": each unit listed after 산하 is part of the body before it,
    known or new (a numbered bureau is a name of its own)."""
    conf = doc.lex.conf("units_under", "ceiling")
    for m in doc.lex.rx["ko_units_under"].finditer(f.sent.text):
        ps, pe = f.sent.start + m.start(1), f.sent.start + m.end(1)
        known = [o for o in f.orgs if o.start <= ps and pe <= o.end or ps <= o.start and o.end <= pe]
        parent = known[0].resolved_id if known else new_firm(doc, ps, pe, m.group(1), None, conf).resolved_id
        for u in doc.lex.rx["ko_unit_in_list"].finditer(m.group(2)):
            us = f.sent.start + m.start(2) + u.start()
            unit = new_firm(doc, us, us + len(u.group(0)), u.group(0), "a unit the text lists under its parent", conf)
            if unit.resolved_id != parent:
                doc.out.add(f.sent, unit.resolved_id, Predicate.PART_OF, obj=parent, confidence=conf, note=unit.note)
