"""What a camp makes and receives: catalogue products, goods named only as words, and inputs."""

from __future__ import annotations

from typing import Any

from tollwatch.core.extraction.clauses import clause_groups, clause_span, clause_start, input_mentions, role
from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.lexicon import HANGUL
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import EntityKind, Period, Predicate


def _producing(doc: Doc, f: Focus) -> bool:
    """A production cue that is not a workplace word ("the knitting shop") nor a contract's."""
    plain = doc.lex.cue["contract"].sub(" ", f.sent.text)
    after = doc.lex.rx["workplace_after"]
    return any(not after.match(plain, c.end()) for c in doc.lex.cue["produce"].finditer(plain))


def _negated(doc: Doc, f: Focus, p: Mention, anchor: Mention) -> bool:
    """ "did not see eyelashes made at Kaechon"; "has not taken wig orders and now makes caps":
    a negation from the start of the clause holding both, but not one in another clause."""
    lex, text, sent = doc.lex, doc.text, f.sent
    from_ = clause_start(lex, text, sent, p.start if anchor.start < p.start else anchor.start)
    between = (min(from_, p.start), max(anchor.start, p.end))
    if lex.rx["doubt"].search(text, p.end, clause_span(lex, text, sent, p.start, p.end)[1]):
        return True  # "reports of knitted caps there appear to be mistaken"
    spans = [between]
    if HANGUL.search(text, p.start, p.end) or HANGUL.search(text[between[0] : between[1]]):
        # Korean puts the verb, and its negation, after the object: "가발은 만들지 않는다"
        own = clause_span(lex, text, sent, p.start)
        spans = [own] if anchor.start < p.start else [between, own]
    return any(doc.negated(s, e) for s, e in spans)


@claim_rule("products")
def products(doc: Doc, f: Focus) -> None:
    """Catalogue products go to the nearest facility named before them in the sentence."""
    if not f.producers or not f.products or not _producing(doc, f):
        return
    groups = clause_groups(doc.lex, doc.text, f.producers)
    receive = doc.says("receive", f.sent)
    years = sorted(set(doc.lex.rx["year"].findall(f.sent.text)))
    period = Period(years[0], years[0]) if len(years) == 1 else None
    ceiling, bonus, penalty = (doc.lex.conf("products", k) for k in ("ceiling", "named_bonus", "not_before_penalty"))
    for p in f.products:
        before = [g for g in groups if g[-1].end <= p.start]
        group = before[-1] if before else (groups[0] if len(groups) == 1 else None)
        if group is None or _negated(doc, f, p, group[-1] if before else group[0]):
            continue
        predicate = Predicate.RECEIVES_INPUT if role(doc, p) == "input" else Predicate.PRODUCES
        if predicate == Predicate.RECEIVES_INPUT and not receive:
            continue
        for x in unique(group):
            conf = min(ceiling, x.confidence + (bonus if not x.anchor else 0.0))
            if not before:
                conf -= penalty
            doc.out.add(f.sent, x.resolved_id, predicate, obj=p.entity_id, period=period, confidence=conf, note=x.note)


@claim_rule("other_goods")
def other_goods(doc: Doc, f: Focus) -> None:
    """ "produced gloves": goods the catalogue does not list, kept as a literal for a person to judge."""
    if not f.facilities or doc.negated(f.sent.start, f.sent.end):
        return
    not_goods, stop = doc.lex.words["not_goods"], doc.lex.words["stop_caps"]
    ceiling = doc.lex.conf("other_goods", "ceiling")
    for m in doc.lex.rx["other_goods"].finditer(f.sent.text):
        goods = m.group(1) or m.group(2)  # "produced gloves"; "mobilized prisoners … for coal mining"
        if goods.split()[-1] in not_goods or goods.split()[0] in stop:
            continue
        at = f.sent.start + m.start(1 if m.group(1) else 2)
        if any(p.start < at + len(goods) and at < p.end for p in f.products):
            continue  # the catalogue knows these goods: claimed by their id, not as a literal
        for x in unique(f.facilities):
            doc.out.add(f.sent, x.resolved_id, Predicate.PRODUCES, value=goods, confidence=min(ceiling, x.confidence), note=x.note)


@claim_rule("inputs")
def inputs(doc: Doc, f: Focus) -> None:
    """Inputs shipped in to a camp: named in the sentence, referred to, or the report's only camp."""
    receivers = f.facilities or f.implicit or f.topic
    if not receivers or not (doc.says("receive", f.sent) or doc.says("supply", f.sent)):
        return
    ceiling = doc.lex.conf("inputs", "literal_ceiling")
    for _, obj, value in input_mentions(doc, f.sent, f.products):
        for x in unique(receivers):
            conf = x.confidence if obj else min(ceiling, x.confidence)
            doc.out.add(f.sent, x.resolved_id, Predicate.RECEIVES_INPUT, obj=obj, value=value, confidence=conf, note=x.note)


def _list_items(doc: Doc, f: Focus) -> list[str]:
    """The other members of a comma list that holds a catalogue product: "대바늘 뜨개, 속눈썹, 가발,
    신발 외 가죽류, 금속밴드, 팔찌": a list's members are goods of one kind, known or not. The first
    segment gives its last words and the last its first word (the rest is the clause around the list)."""
    rx, text = doc.lex.rx, f.sent.text
    limits: dict[str, Any] = doc.lex.tables
    max_chars, min_products = int(limits["list_item_max_chars"]), int(limits["list_min_products"])
    cuts = [(m.start(), m.end()) for m in rx["list_comma"].finditer(text)]
    segments = list(zip([0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(text)]))
    runs: list[list[tuple[str, bool]]] = [[]]
    for i, (a, b) in enumerate(segments):
        words = text[a:b].split()
        item = " ".join(words[-2:] if i == 0 else words[:1] if i == len(segments) - 1 else words)
        item = rx["ko_item_particle"].sub("", item) if i == len(segments) - 1 else item
        product = any(a <= p.start - f.sent.start < b for p in f.products)
        named = any(a <= m.start - f.sent.start < b for m in f.sent.mentions if m.kind != EntityKind.PRODUCT)
        if named:
            runs.append([])  # "At Paekto, …": a segment naming a camp or a body is no item of a goods list
        elif product or (item and len(item) <= max_chars and not rx["list_item_not_goods"].search(item)):
            runs[-1].append((item, product))
        else:
            runs.append([])
    items: list[str] = []
    for run in runs:
        if len(run) >= 3 and sum(product for _, product in run) >= min_products:
            items += [item for item, product in run if not product]
    return items


@claim_rule("listed_goods")
def listed_goods(doc: Doc, f: Focus) -> None:
    """Goods the catalogue lacks, listed with ones it has, go to the one camp making them."""
    makers = unique(f.producers)
    lex = doc.lex
    if len(makers) != 1 or not f.products or not _producing(doc, f) or doc.negated(f.sent.start, f.sent.end) or lex.cue["general"].search(f.sent.text):
        return
    ceiling = doc.lex.conf("listed_goods", "ceiling")
    for item in _list_items(doc, f):
        doc.out.add(f.sent, makers[0].resolved_id, Predicate.PRODUCES, value=item, confidence=min(ceiling, makers[0].confidence),
                    note="listed with catalogue products; " + (makers[0].note or "named in the sentence"))
