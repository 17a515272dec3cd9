"""The chain past the camp: a company supplying an input, and one company supplying another."""

from __future__ import annotations

from tollwatch.core.extraction.clauses import input_mentions
from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate


@claim_rule("supplies")
def supplies(doc: Doc, f: Focus) -> None:
    """ "Processed hair is supplied by X", "X delivered the yarn": a company supplies an input."""
    if not f.companies or not doc.says("supply", f.sent):
        return
    by_before = doc.lex.rx["by_before"]
    by = [c for c in f.companies if by_before.search(doc.text[max(f.sent.start, c.start - 12) : c.start])]
    if len({c.entity_id for c in by or f.companies}) != 1:
        return  # with several companies, which one supplies what is not clear from the sentence
    c = (by or f.companies)[0]
    ceiling, literal = doc.lex.conf("supplies", "ceiling"), doc.lex.conf("supplies", "literal_ceiling")
    for _, obj, value in input_mentions(doc, f.sent, f.products):
        doc.out.add(f.sent, c.resolved_id, Predicate.SUPPLIES, obj=obj, value=value,
                    confidence=min(ceiling if obj else literal, c.confidence), note=c.note)


def _link(doc: Doc, gap: str) -> tuple[bool, str] | None:
    """(does the first company supply the second, note) from the words between them."""
    rx = doc.lex.rx
    if rx["its_buyer"].fullmatch(gap):
        return True, "its buyer"
    if rx["its_supplier"].fullmatch(gap):
        return False, "its supplier"
    if rx["sell_to"].search(gap):
        return True, "sold on"
    if rx["buy_from"].search(gap):
        return False, "bought from"
    return None


@claim_rule("company_links")
def company_links(doc: Doc, f: Focus) -> None:
    """ "A sells the wigs to B" and "B buys them from A" say A supplies B."""
    ordered = sorted(unique(f.companies), key=lambda m: m.start)
    ceiling = doc.lex.conf("company_links", "ceiling")
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            gap = doc.text[a.end : b.start]
            if len(gap) > 120 or doc.lex.rx["link_break"].search(gap) or doc.negated(a.end, b.start):
                continue
            link = _link(doc, gap)
            if link:
                first_supplies, note = link
                seller, buyer = (a, b) if first_supplies else (b, a)
                doc.out.add(f.sent, seller.resolved_id, Predicate.SUPPLIES, obj=buyer.entity_id,
                            confidence=min(ceiling, a.confidence, b.confidence), note=note)
