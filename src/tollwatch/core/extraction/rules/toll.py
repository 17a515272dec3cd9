"""Goods a named company makes on commission (toll processing, 위탁가공 / 임가공).

Two clause shapes carry the attribution, in both languages: a relative clause before the name
("눈썹, 가발 등을 위탁 가공생산하는 송악산무역공사", "X, which toll-processes garments") gives the goods
to that one company; a coordination of names before the goods ("A, B, C 등에서 … 의류를 위탁 가공")
gives them to every company of the list."""

from __future__ import annotations

from tollwatch.core.extraction.context import Doc, Focus
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate

Goods = tuple[int, int, str | None, str | None]  # start, end, catalogue id, literal


def _goods(doc: Doc, f: Focus) -> list[Goods]:
    found: list[Goods] = [(p.start, p.end, p.entity_id, None) for p in f.products]
    for m in doc.lex.rx["toll_goods_word"].finditer(f.sent.text):
        s, e = f.sent.start + m.start(), f.sent.start + m.end()
        if not any(a < e and s < b for a, b, _, _ in found) and not any(c.start < e and s < c.end for c in f.companies):
            found.append((s, e, None, m.group(0)))
    return sorted(found)


def _coordinated_before(doc: Doc, companies: list[Mention], at: int) -> list[Mention]:
    """The list of names that ends right before position at ("A, B, C 등에서 …")."""
    before = [c for c in companies if c.end <= at]
    if not before:
        return []
    group = [before[-1]]
    for c in reversed(before[:-1]):
        if not doc.lex.rx["name_list_gap"].fullmatch(doc.text[c.end : group[0].start]):
            break
        group.insert(0, c)
    return group


@claim_rule("toll_goods")
def toll_goods(doc: Doc, f: Focus) -> None:
    rx = doc.lex.rx
    if f.facilities or not f.companies or not rx["toll_cue"].search(f.sent.text):
        return
    companies = sorted((c for c in f.companies if not doc.is_state_body(c.entity_id)), key=lambda c: c.start)
    goods = _goods(doc, f)
    taken: set[int] = set()
    owners: list[tuple[Goods, Mention]] = []
    for i, c in enumerate(companies):  # relative clauses: the goods between the previous name and "…하는 X"
        left = companies[i - 1].end if i else f.sent.start
        for brk in rx["toll_scope_break"].finditer(doc.text, left, c.start):
            left = brk.end()  # "기타 분야(자수, 가발 등) : …": a heading before the colon is no one's goods
        if rx["toll_relative_end"].search(doc.text, left, c.start):
            for g in goods:
                if left <= g[0] and g[1] <= c.start:
                    owners.append((g, c))
                    taken.add(g[0])
    for g in goods:
        if g[0] in taken:
            continue
        group = _coordinated_before(doc, companies, g[0])
        if group and rx["toll_locative_gap"].match(doc.text[group[-1].end : g[0]]):
            owners += [(g, c) for c in group]
    ceiling = doc.lex.conf("toll_goods", "ceiling")
    for (_, _, obj, value), c in owners:
        doc.out.add(f.sent, c.resolved_id, Predicate.PRODUCES, obj=obj, value=value, confidence=min(ceiling, c.confidence),
                    note="made on commission (toll processing)")
