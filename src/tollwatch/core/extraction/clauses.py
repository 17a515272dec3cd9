"""Where a clause starts and ends, which names are coordinated, which bodies nest, and the
inputs a sentence names: the structure shared by several rules."""

from __future__ import annotations

import bisect

from tollwatch.core import catalogue
from tollwatch.core.extraction.context import Doc, Sentence
from tollwatch.core.extraction.lexicon import HANGUL, Lexicon
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.model import EntityKind


def clause_start(lex: Lexicon, text: str, sent: Sentence, pos: int) -> int:
    start = sent.start
    for m in lex.rx["clause_break"].finditer(text, sent.start, pos):
        start = m.end()
    return start


def clause_span(lex: Lexicon, text: str, sent: Sentence, start: int, end: int | None = None) -> tuple[int, int]:
    """Where the clause holding text[start:end] begins and ends."""
    nxt = lex.rx["clause_break"].search(text, start if end is None else end, sent.end)
    return clause_start(lex, text, sent, start), nxt.start() if nxt else sent.end


def clause(lex: Lexicon, text: str, sent: Sentence, pos: int) -> str:
    """The clause around a position: a negation elsewhere in the sentence does not reach it."""
    start, end = clause_span(lex, text, sent, pos)
    return text[start:end]


def clause_groups(lex: Lexicon, text: str, facilities: list[Mention]) -> list[list[Mention]]:
    """Facilities joined only by "and", commas or a parenthesis share what follows them."""
    groups: list[list[Mention]] = []
    for m in facilities:
        if groups:
            gap = text[groups[-1][-1].end : m.start]
            if lex.rx["coordination_gap"].fullmatch(gap) or lex.rx["parenthesis_gap"].fullmatch(gap):
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def _nests(lex: Lexicon, text: str, a: Mention, b: Mention) -> tuple[Mention, Mention] | None:
    """(unit, parent) when the gap between two adjacent bodies says one is part of the other."""
    rx = lex.rx
    gap = text[a.end : b.start]
    if rx["of_the_gap"].fullmatch(gap) or rx["unit_of_gap"].fullmatch(gap):
        return a, b  # "the X bureau of the Y ministry", "the Bureau, a department of the Ministry"
    if (HANGUL.search(text[a.start : a.end]) and rx["ko_under_gap"].fullmatch(gap)
            and rx["ko_unit_ending"].search(text[b.start : b.end]) and rx["ko_parent_ending"].search(text[a.start : a.end])):
        return b, a  # "사회안전성 교화국"
    if (rx["possessive_gap"].fullmatch(gap) and rx["unit_word_ending"].search(text[b.start : b.end])
            and not rx["unit_word_ending"].search(text[a.start : a.end])):
        return b, a  # "the MoSS corrections bureau": the ministry's bureau
    return None


def part_of_pairs(lex: Lexicon, text: str, raw: list[Mention]) -> list[tuple[Mention, Mention]]:
    """(unit, parent) pairs: "the X bureau of the Y ministry" and "사회안전성 교화국"."""
    orgs = sorted((m for m in raw if m.kind == EntityKind.ORGANIZATION and len(m.candidates) == 1), key=lambda m: m.start)
    pairs = []
    for i, a in enumerate(orgs):
        for b in orgs[i + 1 :]:
            if b.start > a.end + 40:
                break  # the two names must be next to each other
            if a.candidates == b.candidates or b.start < a.end:
                continue
            pair = _nests(lex, text, a, b)
            if pair:
                pairs.append(pair)
    return pairs


def lead_body(doc: Doc, mentions: list[Mention]) -> str | None:
    """The narrowest state body a report names most often: general statements about the camps are
    about it. A Chinese buyer named in the report never runs the camps."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    orgs = [m for m in mentions if m.kind == EntityKind.ORGANIZATION and doc.is_state_body(m.entity_id)]
    if any(m.entity_id not in doc.parents for m in orgs):
        orgs = [m for m in orgs if m.entity_id not in doc.parents]
    for m in orgs:
        if m.entity_id:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
            first.setdefault(m.entity_id, m.start)
    if not counts:
        return None
    return max(counts, key=lambda k: (counts[k], -first[k]))


def within(mentions: list[Mention], starts: list[int], sent: Sentence) -> list[Mention]:
    i = bisect.bisect_left(starts, sent.start)
    out = []
    while i < len(mentions) and mentions[i].start < sent.end:
        if mentions[i].end <= sent.end:
            out.append(mentions[i])
        i += 1
    return out


def role(doc: Doc, p: Mention) -> str:
    product = catalogue.BY_ID.get(p.resolved_id)
    return product.role if product else (doc.by_id[p.resolved_id].attributes or {}).get("role", "output")


def is_partner(lex: Lexicon, text: str, m: Mention) -> bool:
    """ "대성무역회사와 … 계약": a company joined by 와/과 to the contract is its other party."""
    return bool(lex.rx["partner_after"].match(text[m.end : m.end + 4]))


def input_mentions(doc: Doc, sent: Sentence, products: list[Mention]) -> list[tuple[int, str | None, str | None]]:
    """(position, catalogue id, literal) for each input the sentence names. Generic words
    ("materials", "원료") count only when no specific input is named: in "원료인 머리카락"
    the raw material *is* the hair."""
    lex, text = doc.lex, doc.text
    found: list[tuple[int, str | None, str | None]] = [(p.start, p.entity_id, None) for p in products if role(doc, p) == "input"]
    covered = [(p.start, p.end) for p in products]
    for m in lex.rx["input_word"].finditer(sent.text):
        pos = sent.start + m.start()
        if m.group(1)[0].isupper() and m.start() > 0:
            continue  # "Glamour Hair B.V.": part of a name
        if not any(a <= pos < b for a, b in covered):
            found.append((pos, lex.tables["input_words"][m.group(1).casefold()], None))
    found += [(sent.start + m.start(), None, (m.group(1) or m.group(2)).casefold()) for m in lex.rx["other_inputs"].finditer(sent.text)]
    if not found:
        found = [(sent.start + m.start(), None, (m.group(1) or m.group(2)).casefold()) for m in lex.rx["generic_inputs"].finditer(sent.text)]
    none_came = lex.rx["none_came"]
    return [f for f in found if not doc.negated(*clause_span(lex, text, sent, f[0])) and not none_came.search(clause(lex, text, sent, f[0]))]
