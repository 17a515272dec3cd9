"""One entity per mention: a place name shared by two facilities (Kaechon: Kyohwaso No. 1 and
Camp 14) is decided by the camp words around it, and the mention's note says why."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from tollwatch.core.extraction.lexicon import Lexicon
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.model import Entity, EntityKind, FacilityType
from tollwatch.core.sentences import sentences


def facility_type(entity: Entity | None) -> str:
    return (entity.attributes or {}).get("facility_type") or FacilityType.OTHER.value if entity else ""


@dataclass
class Cues:
    """One kind of camp cue in a sentence: disjoint matches, in order."""

    kind: str
    starts: list[int]
    ends: list[int]
    words: list[str]


def sentence_cues(lex: Lexicon, text: str, s: int, e: int) -> list[Cues]:
    sentence = text[s:e]
    out = []
    kwalliso = lex.cue["kwalliso"]
    for kind in ("kwalliso", "kyohwaso"):
        masked = sentence if kind == "kwalliso" else kwalliso.sub(lambda x: " " * len(x.group(0)), sentence)
        found = list(lex.cue[kind].finditer(masked))
        out.append(Cues(kind, [s + c.start() for c in found], [s + c.end() for c in found], [c.group(0) for c in found]))
    return out


def nearest_cue(cues: list[Cues], m: Mention) -> tuple[str, str] | None:
    """The cue nearest the mention (ties by kind, then word), by bisection, not a scan.

    A cue starting before the mention is |m.start - its end| away, one starting at or after
    it |its start - m.end|; each is V-shaped along the sorted cues, so only the cues either
    side of each bottom can be nearest."""
    best: tuple[int, str, str] | None = None
    for c in cues:
        split = bisect.bisect_left(c.starts, m.start)
        j = bisect.bisect_left(c.ends, m.start, 0, split)
        i = bisect.bisect_left(c.starts, m.end, split)
        for x in {j - 1, j, i - 1, i}:
            if 0 <= x < len(c.starts):
                dist = m.start - c.ends[x] if x < split else c.starts[x] - m.end
                cand = (abs(dist), c.kind, c.words[x])
                if best is None or cand < best:
                    best = cand
    return (best[1], best[2]) if best else None


class Resolver:
    """Decides shared names in document order, remembering which facility was named last."""

    def __init__(self, lex: Lexicon, text: str, by_id: dict[str, Entity]):
        self.lex, self.text, self.by_id = lex, text, by_id
        self.sent_spans = sentences(text)
        self.sent_starts = [a for a, _ in self.sent_spans]
        kw = lex.cue["kwalliso"]
        self.doc_kw = len(kw.findall(text))
        self.doc_ky = len(lex.cue["kyohwaso"].findall(kw.sub(" ", text)))
        self.last_seen: dict[str, int] = {}
        self.cues_of: dict[int, list[Cues]] = {}  # each sentence's cues, found once

    def _cue(self, m: Mention) -> tuple[str, str] | None:
        k = bisect.bisect_right(self.sent_starts, m.start) - 1
        if k >= 0 and self.sent_spans[k][0] <= m.start < self.sent_spans[k][1]:
            if k not in self.cues_of:
                self.cues_of[k] = sentence_cues(self.lex, self.text, *self.sent_spans[k])
            return nearest_cue(self.cues_of[k], m)
        return nearest_cue(sentence_cues(self.lex, self.text, m.start, m.end), m)

    def resolve(self, m: Mention) -> None:
        if len(m.candidates) == 1:
            m.entity_id = m.candidates[0]
            self.last_seen[m.entity_id] = m.start
            return
        if m.kind != EntityKind.FACILITY:
            return  # two organizations or products under one name: leave it to a person
        ents = [self.by_id[c] for c in m.candidates if c in self.by_id]
        political = [e for e in ents if facility_type(e) == FacilityType.KWALLISO.value]
        other = [e for e in ents if facility_type(e) != FacilityType.KWALLISO.value]
        choice = self._choose(m, ents, political, other)
        if choice is not None:
            m.entity_id = choice.id
            self.last_seen[choice.id] = m.start

    def _choose(self, m: Mention, ents: list[Entity], political: list[Entity], other: list[Entity]) -> Entity | None:
        label = self.text[m.start : m.end]
        names = ", ".join(f"{e.id} {e.caption}" for e in ents)
        head = f"'{label}' names {len(ents)} facilities ({names})"
        cue = self._cue(m)
        conf = self.lex.conf
        kw, ky = self.doc_kw, self.doc_ky
        if cue and political and other:
            kind, word = cue
            choice = political[0] if kind == "kwalliso" else other[0]
            what = "a political prison camp" if kind == "kwalliso" else "a labor/prison camp, not a political prison camp"
            m.note, m.confidence = f"{head}; chose {choice.id} because the sentence calls it '{word}' ({what})", conf("resolve", "by_cue")
            return choice
        if any(c in self.last_seen for c in m.candidates):
            choice = self.by_id[max((c for c in m.candidates if c in self.last_seen), key=lambda c: self.last_seen[c])]
            m.note, m.confidence = f"{head}; chose {choice.id}, the one the text last named", conf("resolve", "last_named")
            return choice
        if political and other and (kw or ky):
            choice = political[0] if kw > ky else other[0]
            m.note = (f"{head}; chose {choice.id}: the text calls camps "
                      f"{'political prison camps' if kw > ky else 'labor/prison camps'} more often ({max(kw, ky)} to {min(kw, ky)})")
            m.confidence = conf("resolve", "document_majority")
            return choice
        if other:
            choice = other[0]
            m.note = (f"{head}; nothing in the text says which: chose {choice.id}, "
                      "since a political prison camp is usually named as one — check before accepting")
            m.confidence = conf("resolve", "default_guess")
            return choice
        return None
