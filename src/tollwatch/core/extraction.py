"""Propose claims from text, each pointing at the exact passage it rests on.

Contract: extract(text, source_id, gazetteer) -> ExtractionResult with claims whose
evidence quote equals text[span]. Deterministic; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tollwatch.core import catalogue
from tollwatch.core.corroboration import claim_id
from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Predicate


@dataclass
class Gazetteer:
    entities: list[Entity]
    ids: set[str] = field(init=False)

    def __post_init__(self):
        self.ids = {e.id for e in self.entities}


@dataclass
class ExtractionResult:
    claims: list[Claim] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def extract(text: str, source_id: str, gazetteer: Gazetteer) -> ExtractionResult:
    """Baseline: a facility and a catalogue product named in one sentence."""
    result = ExtractionResult()
    facilities = [e for e in gazetteer.entities if e.kind == EntityKind.FACILITY]
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        low = sentence.casefold()
        subjects = [f for f in facilities if any(n.value.casefold() in low for n in f.names if len(n.value) > 4)]
        if len(subjects) != 1:
            continue
        for p in catalogue.PRODUCTS:
            if p.role == "output" and any(re.search(r"\b" + re.escape(t) + r"\b", low) for t in p.terms):
                start = m.start() + (len(sentence) - len(sentence.lstrip()))
                quote = sentence.strip()
                span = (start, start + len(quote))
                result.claims.append(
                    Claim(
                        id=claim_id(subjects[0].id, Predicate.PRODUCES.value, "entity:" + p.id, source_id, span),
                        subject_id=subjects[0].id,
                        predicate=Predicate.PRODUCES,
                        object_id=p.id,
                        evidence=Evidence(source_id, quote, span, Method.RULE, 0.6),
                    )
                )
    return result
