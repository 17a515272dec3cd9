"""Where the goods go, and what unnamed prisons make: exports to a country or a named buyer
("the squid it exported to the United States", "월마트 등 대형 유통업체에 납품"), and goods made in
prisons the text does not name ("assembled in workshops in various North Korean prisons")."""

from __future__ import annotations

from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.extraction.unnamed import named_firm
from tollwatch.core.model import Predicate


@claim_rule("exports")
def exports(doc: Doc, f: Focus) -> None:
    """The company named (or referred to) nearest before an export verb supplies the country or
    buyer it names; the destination is kept as the text writes it."""
    ceiling = doc.lex.conf("exports", "ceiling")
    companies = [c for c in f.companies if not doc.is_state_body(c.entity_id)]
    for m in doc.lex.rx["export_destination"].finditer(f.sent.text):
        at = f.sent.start + m.start()
        before = [c for c in companies if c.end <= at]
        if not before or doc.lex.cue["negation"].search(doc.text, at, f.sent.start + m.end()):
            continue
        c = max(before, key=lambda c: c.end)
        g = next(i for i, x in enumerate(m.groups(), 1) if x)
        s, e = f.sent.start + m.start(g), f.sent.start + m.end(g)
        named = [b for b in companies + f.orgs if b.start < e and s < b.end and b.entity_id != c.entity_id]
        if named:  # the buyer is a company the sentence names: the claim points at it
            doc.out.add(f.sent, c.resolved_id, Predicate.SUPPLIES, obj=named[0].resolved_id,
                        confidence=min(ceiling, c.confidence, named[0].confidence), note=c.note or "sold to it, as the sentence says")
            continue
        doc.out.add(f.sent, c.resolved_id, Predicate.SUPPLIES, value=m.group(g),
                    confidence=min(ceiling, c.confidence), note=c.note or "exported there, as the sentence says")


@claim_rule("prison_goods")
def prison_goods(doc: Doc, f: Focus) -> None:
    """Catalogue goods in a sentence that says prisons the text does not name make them."""
    if not f.prisons or not f.products or not doc.lex.cue["produce"].search(f.sent.text):
        return
    ceiling = doc.lex.conf("prison_goods", "ceiling")
    prison = f.prisons[0]
    for p in {p.entity_id: p for p in f.products}.values():
        doc.out.add(f.sent, prison.resolved_id, Predicate.PRODUCES, obj=p.resolved_id,
                    confidence=min(ceiling, prison.confidence), note=prison.note)


def _clause_subject(doc: Doc, before: list[Mention]) -> Mention:
    """Of the companies before a partner, the topic ("이 회사는 … X측의 …, … Y와 합작으로"), else the nearest."""
    topic = [c for c in before if doc.lex.rx["ko_topic_after"].match(doc.text, c.end)]
    return topic[-1] if topic else max(before, key=lambda c: c.end)


@claim_rule("dispatched")
def dispatched(doc: Doc, f: Focus) -> None:
    """ "이 회사는 … 능라도무역 회사측의 기술인력 54명을 파견받았고", "workers sent by X to Y": the body
    named sends its workers to the company named (or referred to) before it, or after it in English."""
    ceiling = doc.lex.conf("dispatched", "ceiling")
    bodies = sorted({m.entity_id: m for m in f.orgs + f.companies}.values(), key=lambda m: m.start)
    for sender in bodies:
        korean = doc.lex.rx["dispatched_from_ko"].match(doc.text, sender.end, f.sent.end)
        english = doc.lex.rx["dispatched_by_en"].search(doc.text, f.sent.start, sender.start)
        if not (korean or english):
            continue
        employers = [c for c in f.companies if c.entity_id != sender.entity_id and not doc.is_state_body(c.entity_id)]
        before = [c for c in employers if c.end <= sender.start]
        if not before:
            continue
        employer = _clause_subject(doc, before)
        doc.out.add(f.sent, employer.resolved_id, Predicate.DISPATCHED_BY, obj=sender.resolved_id,
                    confidence=min(ceiling, employer.confidence, sender.confidence), note=employer.note)


@claim_rule("zone_firms")
def zone_firms(doc: Doc, f: Focus) -> None:
    """ "훈춘경제합작구에 들어선 수산물 가공업체도 A, B 등": each firm listed is located in that city."""
    ceiling = doc.lex.conf("zone_firms", "ceiling")
    conf = doc.lex.conf("mention", "new_company")
    for m in doc.lex.rx["zone_firm_list"].finditer(f.sent.text):
        place = doc.lex.place_en.get(m.group(1), m.group(1))
        offset = f.sent.start + m.start(2)
        for part in doc.lex.rx["zone_list_split"].split(m.group(2)):
            name = part.strip()
            if not name:
                continue
            s = offset + m.group(2).find(name)
            firm = named_firm(doc, s, s + len(name), name, conf)
            doc.out.add(f.sent, firm.resolved_id, Predicate.LOCATED_IN, value=place, confidence=min(ceiling, firm.confidence),
                        note="one of the firms the sentence lists there")


@claim_rule("joint_venture")
def joint_venture(doc: Doc, f: Focus) -> None:
    """ "이 회사는 … ‘류경 목단무역회사’와 합작으로", "a joint venture with X": the company named (or
    referred to) before the partner contracts with it."""
    ceiling = doc.lex.conf("joint_venture", "ceiling")
    companies = sorted(unique(f.companies), key=lambda m: m.start)
    for partner in companies:
        korean = doc.lex.rx["joint_venture_after"].match(doc.text, partner.end, f.sent.end)
        english = doc.lex.rx["joint_venture_before"].search(doc.text, f.sent.start, partner.start)
        before = [c for c in companies if c.end <= partner.start and c.entity_id != partner.entity_id]
        if (korean or english) and before:
            c = _clause_subject(doc, before)
            doc.out.add(f.sent, c.resolved_id, Predicate.CONTRACTS_WITH, obj=partner.resolved_id,
                        confidence=min(ceiling, c.confidence, partner.confidence), note="a joint venture, as the sentence says")
