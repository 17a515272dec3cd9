"""The labour facts: a company or plant that employs North Korean workers, and how many.

CAATSA §321(b) presumes goods made by North Korean nationals anywhere are forced-labour goods, so
"X hires 54 North Koreans" is the fact compliance teams need. The subject is the company named
nearest before the worker phrase (or, in Korean, after it: "북한 노동자를 고용한 X"); a number
counts workers only when it is bound to a worker noun ("35명의 북한 여성", "54 in total")."""

from __future__ import annotations

import re

from tollwatch.core.extraction.clauses import clause_span
from tollwatch.core.extraction.context import Doc, Focus
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.extraction.rules.quantities import number
from tollwatch.core.model import Predicate, Quantity


def _count(doc: Doc, f: Focus, near: int) -> Quantity | None:
    """The number bound to a worker noun: the only one in the sentence, or the one nearest the
    worker phrase at `near` ("400여 명의 조선 여성 근로자들이 허룽에 …, 단둥에서는 … 100여 명": 400);
    with a Korean analyzer also "2만여 명의 북한 노동자" (the morphemes' count, when its nouns are workers)."""
    found: list[tuple[int, Quantity]] = []
    taken = []
    for m in doc.lex.rx["workforce_count"].finditer(f.sent.text):
        groups = [g for g in m.groups() if g]
        try:
            nums = [number(doc.lex, g) for g in groups]
        except ValueError:
            continue
        if nums:
            found.append((_distance(m.start(), m.end(), near), Quantity(min(nums), max(nums), "workers")))
            taken.append((f.sent.start + m.start(), f.sent.start + m.end()))
    workers = doc.lex.words["ko_worker_nouns"]
    for c in doc.ko.counts(f.sent.start, f.sent.end) if doc.ko is not None else []:
        if not any(s < c.end and c.start < e for s, e in taken) and any(n in workers for n in c.nouns or c.before):
            distance = _distance(c.start - f.sent.start, c.end - f.sent.start, near)
            found.append((distance, Quantity(c.value, c.value, "workers")))
    if len({(q.low, q.high) for _, q in found}) == 1:
        return found[0][1]
    return min(found, key=lambda x: x[0])[1] if found else None


def _distance(start: int, end: int, near: int) -> int:
    return 0 if start <= near < end else min(abs(start - near), abs(end - near))


def _subject(doc: Doc, cue: re.Match[str], f: Focus, start: int) -> Mention | None:
    """The company named nearest before the worker phrase, else the one after it the workers go to
    ("… 공업원에 위치한 플라스틱 공장으로 보내질": the plant), else the first one after it."""
    at = start + cue.start()
    before = [c for c in f.companies if c.end <= at]
    if before:
        return max(before, key=lambda c: c.end)
    after = sorted((c for c in f.companies if c.start >= start + cue.end()), key=lambda c: c.start)
    goes_to = [c for c in after if doc.lex.rx["workplace_particle_ko"].match(doc.text, c.end, f.sent.end)]
    chosen = goes_to or after
    return chosen[0] if chosen else None


def _named_group(doc: Doc, f: Focus) -> None:
    """ "Three Chinese companies used North Korean labor." then "… from A, B and C": when the next
    sentence names exactly as many companies as the group counted, each of them employs the workers."""
    pending, doc.pending_group = doc.pending_group, None
    if pending is None:
        return
    count, phrase = pending
    named = list({c.entity_id: c for c in f.companies if not doc.is_state_body(c.entity_id)}.values())
    if len(named) != count:
        return
    conf = doc.lex.conf("workforce", "named_group")
    for c in named:
        doc.out.add(f.sent, c.resolved_id, Predicate.EMPLOYS_WORKERS, value=f"North Korean workers ({phrase})",
                    confidence=min(conf, c.confidence), note=f"nationality: kp; one of the {count} companies the sentence before says used them")


def _group_referent(doc: Doc, f: Focus, cue: re.Match[str], previous: list[Mention]) -> None:
    """ "압류 대상은 A, B, C 등 중국 업체 3곳 …" then "이들 업체가 … 북한 노동력을 사용해": a group named in
    the sentence before (two or more companies) and referred to as a group here employs the workers."""
    named = list({c.entity_id: c for c in previous}.values())
    if len(named) < 2 or not doc.lex.rx["group_coref"].search(f.sent.text):
        return
    if doc.negated(*clause_span(doc.lex, doc.text, f.sent, f.sent.start + cue.start())):
        return
    conf = doc.lex.conf("workforce", "group_coref")
    for c in named:
        doc.out.add(f.sent, c.resolved_id, Predicate.EMPLOYS_WORKERS, value=f"North Korean workers ({cue.group(0)})",
                    confidence=min(conf, c.confidence), note="nationality: kp; one of the companies the sentence before names, referred to as a group")


def _group_count(doc: Doc, text: str) -> int | None:
    m = doc.lex.rx["group_of_companies"].search(text)
    if not m:
        return None
    n = number(doc.lex, m.group(1) or m.group(2))
    return int(n) if 2 <= n <= 10 else None


@claim_rule("workforce")
def workforce(doc: Doc, f: Focus) -> None:
    """ "Mei Dao hires hundreds of North Koreans", "X에 35명의 북한 여성들이 고용됐다": employs_workers (KP)."""
    _named_group(doc, f)
    named_here = [c for c in f.companies if not doc.is_state_body(c.entity_id)]
    # a list of firms may run over two sentences ("A, B. Ltd.), C 등 3곳"): the run of sentences naming firms
    previous, doc.recent_companies = doc.recent_companies, (doc.recent_companies + named_here) if named_here else []
    text = f.sent.text
    cue = doc.lex.rx["nk_workforce"].search(text)
    if not cue or not (doc.lex.rx["employ_verb"].search(text) or doc.says_stem("employ", f.sent)):
        return
    counted, doc.pending_count = doc.pending_count, None
    if not f.companies:
        count = _group_count(doc, text)
        doc.pending_group = (count, cue.group(0)) if count else None
        _group_referent(doc, f, cue, previous)
        doc.pending_count = _count(doc, f, cue.start())
        return
    if doc.negated(*clause_span(doc.lex, doc.text, f.sent, f.sent.start + cue.start())):
        return  # a negation in another clause ("인원은 확인되지 않았지만 …") does not reach the workers
    subject = _subject(doc, cue, f, f.sent.start)
    if subject is None or doc.is_state_body(subject.entity_id):
        return
    if subject.end <= f.sent.start + cue.start() and doc.lex.rx["workforce_other_head"].search(doc.text, subject.end, f.sent.start + cue.start()):
        return  # "X cut ties with processors that used North Korean labor": the workers are the processors'

    ceiling = doc.lex.conf("workforce", "ceiling")
    made = doc.lex.rx["workers_make"].search(text, cue.end())
    goods = next((g for g in made.groups() if g), None) if made else None
    value = f"North Korean workers ({cue.group(0)})" + (f", making {goods}" if goods else "")
    doc.out.add(f.sent, subject.resolved_id, Predicate.EMPLOYS_WORKERS, value=value,
                quantity=_count(doc, f, cue.start()) or (counted if doc.lex.rx["workers_coref"].search(text) else None),
                confidence=min(ceiling, subject.confidence), note="nationality: kp")
    if goods:  # "hires North Koreans to process seafood": what the workers make, their employer produces
        doc.out.add(f.sent, subject.resolved_id, Predicate.PRODUCES, value=goods,
                    confidence=min(doc.lex.conf("workforce", "goods_ceiling"), subject.confidence), note="made by its North Korean workers")


@claim_rule("company_goods")
def company_goods(doc: Doc, f: Focus) -> None:
    """ "이 업체에서 생산한 대게, 연어, 오징어 가공품", "X, which makes wood flooring": goods made at a
    company or plant named (or referred to) right before the verb, kept as a literal."""
    ceiling = doc.lex.conf("company_goods", "ceiling")
    companies = [c for c in f.companies if not doc.is_state_body(c.entity_id)]
    ends = [(c.end, c) for c in companies]
    if len({c.entity_id for c in companies}) == 1:  # "…한 X 운송기록을 확인한 결과, 이 업체에서 생산한 …"
        ends += [(f.sent.start + r.end(), companies[0]) for r in doc.lex.rx["company_coref"].finditer(f.sent.text)]
    _goods_in_head(doc, f, companies)
    for end, c in ends:
        m = doc.lex.rx["made_at_company"].match(doc.text, end, f.sent.end)
        if m:
            goods = doc.lex.rx["ko_item_particle"].sub("", m.group(1) or m.group(2))
            doc.out.add(f.sent, c.resolved_id, Predicate.PRODUCES, value=goods,
                        confidence=min(ceiling, c.confidence), note=c.note or "made there, as the sentence says")


def _goods_in_head(doc: Doc, f: Focus, companies: list[Mention]) -> None:
    """ "단둥의 대표적인 의류 생산업체인 란광의류유한공사": the head noun before the name says what it makes."""
    generic = set(doc.lex.words["ko_generic_company_heads"]) | set(doc.lex.words["ko_plant_not_head"])
    for c in companies:
        m = doc.lex.rx["goods_head_before"].search(doc.text, max(f.sent.start, c.start - 20), c.start)
        if m and m.group(1) not in generic:
            doc.out.add(f.sent, c.resolved_id, Predicate.PRODUCES, value=m.group(1),
                        confidence=min(doc.lex.conf("company_goods", "head_noun"), c.confidence), note="what it makes, as the head noun before its name says")
