"""Where things are and which way goods go: a camp's province or city, a company's city, and
the border crossing goods are carried through."""

from __future__ import annotations

import re

from tollwatch.core.extraction.clauses import clause_span, is_partner
from tollwatch.core.extraction.context import Doc, Focus, Sentence, unique
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate


def _province_before(doc: Doc, start: int, end: int) -> re.Match[str] | None:
    """A province right before text[end], looking back only past whitespace and one province
    name (four characters at most), not to the start of the sentence."""
    k = end
    while k > start and doc.text[k - 1].isspace():
        k -= 1
    return doc.lex.rx["province_before"].search(doc.text, max(start, k - 4), end)


@claim_rule("locations")
def locations(doc: Doc, f: Focus) -> None:
    """ "the camp in Hwasong, North Hamgyong Province" and "함경북도 화성": where a facility is."""
    rx, sent = doc.lex.rx, f.sent
    ceiling = doc.lex.conf("locations", "ceiling")
    for x in f.facilities:  # every mention: "Camp 25 in Chongjin" may name the camp twice
        after = rx["province_after"].match(doc.text, x.end, sent.end)
        before = _province_before(doc, sent.start, x.start)
        city = rx["nk_city_after"].match(doc.text, x.end, sent.end)
        if after:
            value = after.group(1) + " Province"
        elif before:
            value = before.group(1)
        elif city:
            value = city.group(1)
        else:
            continue
        doc.out.add(sent, x.resolved_id, Predicate.LOCATED_IN, value=" ".join(value.split()), confidence=min(ceiling, x.confidence), note=x.note)


def _carriers(doc: Doc, f: Focus, facilities: list[Mention], route: tuple[int, int]) -> list[Mention]:
    """Who moves the goods: a company or camp in the route's own clause; else a company the
    sentence names (not one that is only the other party of a contract); else the camp."""
    cs, ce = clause_span(doc.lex, doc.text, f.sent, *route)

    def inside(ms: list[Mention]) -> list[Mention]:
        return [x for x in ms if cs <= x.start and x.end <= ce]

    return (inside(f.companies) or inside([x for x in facilities if x.end > x.start])
            or [c for c in f.companies if not is_partner(doc.lex, doc.text, c)] or facilities)


@claim_rule("routes")
def routes(doc: Doc, f: Focus) -> None:
    """A company named in the route's clause carries the goods; otherwise the camp does."""
    facilities = f.facilities or f.topic
    if not (f.companies or facilities) or not doc.says("export", f.sent):
        return
    ceiling = doc.lex.conf("routes", "ceiling")
    for m in doc.lex.rx["border_route"].finditer(f.sent.text):
        carriers = _carriers(doc, f, facilities, (f.sent.start + m.start(), f.sent.start + m.end()))
        place = m.group(1) or doc.lex.place_en.get(m.group(2), m.group(2))
        if m.group(0).casefold().startswith("from") and place in doc.lex.chinese_side:
            continue  # goods come *from* Dandong into North Korea: an input, not an export route
        for x in unique(carriers):
            doc.out.add(f.sent, x.resolved_id, Predicate.EXPORTS_VIA, value=place, confidence=min(ceiling, x.confidence), note=x.note)


def _company_place(doc: Doc, sent: Sentence, c: Mention) -> str | None:
    after = doc.lex.rx["company_place_after"].match(doc.text, c.end, sent.end)
    if after:
        return after.group(1) or after.group(2) or after.group(3) or after.group(4)
    before = doc.lex.rx["company_place_before"].search(doc.text, sent.start, c.start)
    if before:
        return before.group(1) or before.group(3) or doc.lex.place_en.get(before.group(2), before.group(2))
    founded = doc.lex.rx["founded_in_before"].search(doc.text, sent.start, c.start)
    if founded and doc.lex.rx["founded_after"].match(doc.text, c.end, sent.end):  # "단동에 ‘X’를 설립했으며"
        return doc.lex.place_en.get(founded.group(1), founded.group(1))
    return None


@claim_rule("company_places")
def company_places(doc: Doc, f: Focus) -> None:
    """ "Jilin Huaxin Beauty Products, a company in the border city of Hunchun": where a company is."""
    ceiling = doc.lex.conf("company_places", "ceiling")
    for c in unique(f.companies):
        place = _company_place(doc, f.sent, c)
        if place:
            doc.out.add(f.sent, c.resolved_id, Predicate.LOCATED_IN, value=place, confidence=min(ceiling, c.confidence), note=c.note)
