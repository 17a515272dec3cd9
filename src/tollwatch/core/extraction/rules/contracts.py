"""Toll processing: a camp working on a company's order, a company buying a camp's goods, and
contracts with a named or a described ("Chinese companies") party."""

from __future__ import annotations

from tollwatch.core.extraction.clauses import clause_span, is_partner
from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate


def _parties(f: Focus) -> list[Mention]:
    """Organizations named, and a company the sentence refers back to ("the Chinese business")."""
    return list({(m.start, m.end): m for m in f.orgs + f.new_orgs + f.companies}.values())


@claim_rule("commissioned_work")
def commissioned_work(doc: Doc, f: Focus) -> None:
    """ "Kaechon makes wigs for Sinhwa Trading Company": work done on a named company's order."""
    lex, sent = doc.lex, f.sent
    if lex.cue["contract"].search(sent.text) or not f.facilities or not doc.says("produce", sent):
        return
    ceiling = lex.conf("commissioned_work", "ceiling")
    for c in _parties(f):
        if not doc.is_state_body(c.entity_id) and lex.rx["for_company"].search(doc.text[max(sent.start, c.start - 10) : c.start]):
            for x in unique(f.facilities):
                doc.out.add(sent, x.resolved_id, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=min(ceiling, x.confidence),
                            note="work done on the company's order")


@claim_rule("buyers")
def buyers(doc: Doc, f: Focus) -> None:
    """A company that buys goods made at a named camp: a proposal linking the two, for a reviewer to weigh."""
    if doc.lex.cue["contract"].search(f.sent.text) or not f.facilities:
        return
    ceiling = doc.lex.conf("buyers", "ceiling")
    for c in _parties(f):
        if doc.is_state_body(c.entity_id):
            continue
        m = doc.lex.rx["buys_goods"].match(doc.text, c.end, f.sent.end)
        after = [x for x in f.facilities if m and m.end() <= x.start]
        if m and after:
            x = after[0]
            note = "; ".join(filter(None, ["the company buys goods made at the camp: an order placed with it, or bought on from a trader", x.note]))
            doc.out.add(f.sent, x.resolved_id, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=min(ceiling, x.confidence), note=note)


def _subjects(doc: Doc, f: Focus, counterparts: list[Mention], state: list[Mention], cue_start: int | None,
              phrases: bool) -> tuple[list[str | None], list[Mention]]:
    """Who contracts: the camps named, else a state body, else the report's camp, else the first
    of two companies ("X Trading, which signed a contract with Y"), else the body running the camps."""
    if f.facilities or state:
        return [x.resolved_id for x in f.facilities] or [state[0].resolved_id], counterparts
    first_is_party = bool(counterparts and cue_start is not None and counterparts[0].start - f.sent.start < cue_start
                          and not is_partner(doc.lex, doc.text, counterparts[0]))
    if f.topic and not first_is_party:
        return [f.topic[0].resolved_id], counterparts
    if len(counterparts) >= 2 or (counterparts and phrases):
        return [counterparts[0].resolved_id], counterparts[1:]
    return ([f.general_subject] if f.general_subject else []), counterparts


def _one_list(doc: Doc, mentions: list[Mention]) -> bool:
    """Two or more names joined only by commas, 와/과 or "and": a coordination."""
    return len(mentions) >= 2 and all(doc.lex.rx["name_list_gap"].fullmatch(doc.text[a.end : b.start].strip("'‘’\""))
                                      for a, b in zip(mentions, mentions[1:]))


@claim_rule("contracts")
def contracts(doc: Doc, f: Focus) -> None:
    lex, sent = doc.lex, f.sent
    cue = lex.cue["contract"].search(sent.text)
    if not cue and (not f.facilities or not lex.rx["commission"].search(sent.text)):
        return  # without a contract word, only "made caps for a Chinese buyer" is one
    orgs = sorted(_parties(f), key=lambda m: m.start)
    counterparts = [m for m in orgs if not doc.is_state_body(m.entity_id)]
    if cue:
        # A company in another clause ("..., and X supplies the hair") is not the contract's party.
        start, end = clause_span(lex, doc.text, sent, sent.start + cue.start())
        counterparts = [m for m in counterparts if start <= m.start and m.end <= end]
    phrases = list(lex.rx["counterpart"].finditer(sent.text))
    state = [m for m in orgs if m not in counterparts and doc.is_state_body(m.entity_id)]
    if cue and not f.facilities and not state and _one_list(doc, counterparts):
        # "'우태', '화정', '성원' 같은 회사들이 … 임가공을 의뢰": a list of names is one side of the contract, not both
        for c in counterparts:
            doc.out.add(sent, c.resolved_id, Predicate.CONTRACTS_WITH, value=phrases[0].group(0) if phrases else cue.group(0),
                        confidence=min(lex.conf("contracts", "coordinated"), c.confidence), note="toll manufacturing; the other party unnamed")
        return
    subjects, counterparts = _subjects(doc, f, counterparts, state, cue.start() if cue else None, bool(phrases))
    if not counterparts and not phrases:
        return
    general = not f.facilities and not state and subjects == [f.general_subject]
    if general and lex.cue["every_camp"].search(sent.text):
        return
    conf = lex.conf("contracts", "named")
    for subj in dict.fromkeys(subjects):
        if subj is None:
            continue
        for c in counterparts:
            doc.out.add(sent, subj, Predicate.CONTRACTS_WITH, obj=c.entity_id, confidence=conf, note="toll manufacturing")
        for p in phrases:
            doc.out.add(sent, subj, Predicate.CONTRACTS_WITH, value=p.group(0), confidence=lex.conf("contracts", "general") if general else conf,
                        note="toll manufacturing" + ("; the text names no camp: attributed to the body the report says runs the camps" if general else ""))
