"""Head counts and work-team sizes: "3,000 prisoners", "teams of 20 to 30", "서른 명"."""

from __future__ import annotations

import re

from tollwatch.core.extraction.context import Doc, Focus, unique
from tollwatch.core.extraction.lexicon import Lexicon
from tollwatch.core.extraction.morph import Count
from tollwatch.core.extraction.registry import claim_rule
from tollwatch.core.model import Predicate, Quantity


def number(lex: Lexicon, written: str) -> float:
    """ "3,000", "sixty-five", "two hundred", and the Korean "4천" (4,000), "1만5천" (15,000)."""
    t = lex.tables
    ko_tens, ko_ones, ones, tens = t["ko_tens"], t["ko_ones"], t["en_ones"], t["en_tens"]
    if written and written[0] in {w[0] for w in (*ko_tens, *ko_ones)}:
        ten_word = next((k for k in ko_tens if written.startswith(k)), "")
        return float(ko_tens.get(ten_word, 0) + ko_ones.get(written[len(ten_word) :], 0))
    words = written.casefold().replace("-", " ").split()
    if words and (words[0] in ones or words[0] in tens):
        n = sum(tens.get(w, 0) + ones.get(w, 0) for w in words if w not in ("hundred", "thousand"))
        if "hundred" in words:
            n *= 100
        if "thousand" in words:
            n *= 1000
        return float(n)
    written = written.replace(",", "").replace(" ", "")
    m = lex.rx["digits_number"].fullmatch(written)
    if not m:
        return float(written)
    if "만" in written:
        return int(m.group(1)) * 10000 + int(m.group(2) or 0) * 1000
    return int(m.group(1)) * (1000 if m.group(3) else 1)


def _quantity(lex: Lexicon, q: re.Match[str]) -> Quantity | None:
    low = number(lex, q.group(1))
    high = number(lex, q.group(2)) if q.group(2) else low
    scale = lex.rx["scale_at_end"].search(q.group(2) or "")
    if scale and not lex.rx["scale_word"].search(q.group(1)):
        low *= 100 if scale.group(1).casefold() == "hundred" else 1000  # "two to three thousand"
    if low > high:
        return None
    return Quantity(low, high, lex.tables["unit_words"].get(q.group(3).casefold(), q.group(3).casefold()))


def _counts_another_noun(doc: Doc, f: Focus, q: re.Match[str]) -> bool:
    """ "3명의 수행원" (three officials), "30명의 증언" (testimony of thirty): the noun after 명의 is what
    the number counts, and it is no prisoner."""
    if not q.group(0).endswith("명"):
        return False
    noun = doc.lex.rx["ko_counted_noun"].match(f.sent.text, q.end())
    if noun is None:
        return False
    return not any(noun.group(1).startswith(p) for p in doc.lex.words["ko_prisoner_nouns"])


def counts_prisoners(doc: Doc, count: Count) -> bool:
    """A head count read from morphemes counts prisoners unless the nouns after 명의 are others'
    ("3명의 수행원", "30명의 증언", "20명의 환자"); "2만여 명의 수감자" and a bare "1000여명" do."""
    prisoners = doc.lex.words["ko_prisoner_nouns"]
    return not count.nouns or any(n.startswith(p) for n in count.nouns for p in prisoners)


def _counts(doc: Doc, f: Focus) -> tuple[list[tuple[int, Quantity]], int]:
    """(position in the sentence, quantity) of each head count, and how many numbers were read: the
    pattern's, then, with a Korean analyzer, the morphemes' no pattern read (1000여명, 2만여 명)."""
    lex = doc.lex
    found = list(lex.rx["quantity"].finditer(f.sent.text))
    out = []
    for q in found:
        qty = _quantity(lex, q)
        if qty is not None and not _counts_another_noun(doc, f, q):
            out.append((q.start(), qty))
    read = len(found)
    if doc.ko is not None:
        taken = [(f.sent.start + q.start(), f.sent.start + q.end()) for q in found]
        for c in doc.ko.counts(f.sent.start, f.sent.end):
            if any(s < c.end and c.start < e for s, e in taken):
                continue
            read += 1
            if counts_prisoners(doc, c):
                out.append((c.start - f.sent.start, Quantity(c.value, c.value, lex.tables["unit_words"][doc.ko.counter])))
    return out, read


@claim_rule("quantities")
def quantities(doc: Doc, f: Focus) -> None:
    lex, text = doc.lex, f.sent.text
    found, read = _counts(doc, f)
    general = lex.cue["general"].search(text)
    # a work-unit word elsewhere in the sentence counts only when no other number could be its own
    lone_team = read == 1 and lex.cue["work_unit"].search(text)
    for at, qty in found:
        near = text[max(0, at - 40) : at]
        if lone_team or lex.cue["work_unit"].search(near) or lex.rx["team_of"].search(near) or lex.rx["team_near"].search(near):
            if (f.facilities or f.topic) and not general:
                for x in unique(f.facilities or f.topic):
                    conf = lex.conf("quantities", "work_unit") if f.facilities else x.confidence
                    doc.out.add(f.sent, x.resolved_id, Predicate.WORK_UNIT_SIZE, quantity=qty, confidence=conf, note=x.note)
            elif f.general_subject and general:
                # only a statement about the camp system goes to the body running it
                doc.out.add(f.sent, f.general_subject, Predicate.WORK_UNIT_SIZE, quantity=qty,
                            confidence=lex.conf("quantities", "general_work_unit"),
                            note="general practice across camps, not a claim about a named camp; attributed to the body the report says runs them")
        elif f.facilities and qty.unit == "prisoners" and not general:
            for x in unique(f.facilities):
                doc.out.add(f.sent, x.resolved_id, Predicate.HOLDS_PRISONERS, quantity=qty,
                            confidence=lex.conf("quantities", "holds_prisoners"), note=x.note)
