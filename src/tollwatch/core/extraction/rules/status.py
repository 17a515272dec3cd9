"""Whether a camp still runs, and its prison population as a whole ("prison population … no
higher than 5,000"): said of the camp named in the sentence, or of the report's only camp."""

from __future__ import annotations

from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate, Quantity


@claim_rule("status")
def status(doc: Doc, f: Focus) -> None:
    """ "Kwan-li-so No. 25 remains a fully operational prison", "…관리소는 현재도 운영 중": has_status."""
    if not f.facilities or doc.lex.cue["general"].search(f.sent.text):
        return
    m = doc.lex.rx["camp_status"].search(f.sent.text)
    if not m or doc.negated(f.sent.start, f.sent.end):
        return
    word = next(g for g in m.groups() if g)
    value = doc.lex.tables["status_words"].get(word.casefold(), word.casefold())
    ceiling = doc.lex.conf("status", "ceiling")
    for x in unique(f.facilities):
        doc.out.add(f.sent, x.resolved_id, Predicate.HAS_STATUS, value=value, confidence=min(ceiling, x.confidence), note=x.note)


@claim_rule("population")
def population(doc: Doc, f: Focus) -> None:
    """ "Prison population constant, no higher than 5,000": the camp's head count, a bound when the
    text says "no higher than" or "up to"."""
    camps = f.facilities or f.topic
    m = doc.lex.rx["prison_population"].search(f.sent.text)
    if not camps or not m or doc.lex.cue["general"].search(f.sent.text):
        return
    n = float(m.group(2).replace(",", ""))
    qty = Quantity(None, n, "prisoners") if m.group(1) else Quantity(n, n, "prisoners")
    conf = doc.lex.conf("population", "named" if f.facilities else "topic")
    for x in unique(camps):
        doc.out.add(f.sent, x.resolved_id, Predicate.HOLDS_PRISONERS, quantity=qty, confidence=min(conf, x.confidence), note=x.note)
