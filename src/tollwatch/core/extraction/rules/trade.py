"""Where the goods go, and what unnamed prisons make: exports to a country or a named buyer
("the squid it exported to the United States", "월마트 등 대형 유통업체에 납품"), and goods made in
prisons the text does not name ("assembled in workshops in various North Korean prisons")."""

from __future__ import annotations

from tollwatch.core.extraction.context import Doc, Focus
from tollwatch.core.extraction.registry import claim_rule
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
        destination = next(g for g in m.groups() if g)
        doc.out.add(f.sent, c.resolved_id, Predicate.SUPPLIES, value=destination,
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
