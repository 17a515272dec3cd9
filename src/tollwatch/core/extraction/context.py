"""The document context rules read: the text and its sentences, the mentions in focus in
each sentence, and the claims proposed so far, each stamped with the rule that made it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from tollwatch.core.extraction.lexicon import Lexicon
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.morph import Reading
from tollwatch.core.model import Claim, Entity, Evidence, Method, Period, Predicate, Quantity, slug


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    mentions: list[Mention]  # non-overlapping, resolved


class Claims:
    """Proposed claims, one per content id, each saying which rule proposed it."""

    def __init__(self, source_id: str):
        self.source_id = source_id
        self.claims: list[Claim] = []
        self.rule = ""  # set by the pipeline before each rule runs
        self._seen: set[str] = set()

    def add(
        self, sent: Sentence, subject: str, predicate: Predicate, *, obj: str | None = None, value: str | None = None,
        quantity: Quantity | None = None, period: Period | None = None, confidence: float, note: str | None = None,
    ) -> None:
        if obj is not None and obj == subject:
            return
        evidence = Evidence(self.source_id, sent.text, (sent.start, sent.end), Method.RULE, round(confidence, 2), rule=self.rule)
        claim = Claim(id="", subject_id=subject, predicate=predicate, object_id=obj, value=value, quantity=quantity,
                      period=period, evidence=evidence, note=note)
        if claim.id in self._seen:
            return
        self._seen.add(claim.id)
        self.claims.append(claim)


@dataclass
class Focus:
    """What one sentence is about: the mentions each rule may take as subject or object."""

    sent: Sentence
    facilities: list[Mention]  # named in the sentence (known or new)
    orgs: list[Mention]  # known organizations named in the sentence
    products: list[Mention]
    new_orgs: list[Mention]  # company-like names the graph does not know, and their short names
    companies: list[Mention]  # companies (not state bodies) named or referred to
    topic: list[Mention]  # the report's only camp, when the sentence names none
    implicit: list[Mention]  # the camp of the sentence before, for inputs only
    producers: list[Mention]  # who the sentence's products are made at
    general_subject: str | None  # the body running the camps, for statements about them all
    prisons: list[Mention] = field(default_factory=list)  # prisons the text does not name ("North Korean prisons")


@dataclass
class Doc:
    text: str
    source_id: str
    by_id: dict[str, Entity]
    lex: Lexicon
    reference_date: str | None
    out: Claims
    raw: list[Mention] = field(default_factory=list)  # every match, overlapping ones too, by start
    raw_starts: list[int] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)
    lead_body: str | None = None
    new_entities: dict[str, Entity] = field(default_factory=dict)
    # "three Chinese companies used North Korean labor": (how many, the worker phrase), for the next sentence's names
    pending_group: tuple[int, str] | None = None
    # the companies the sentence before named: "이들 업체가 …" in the next one refers to them
    recent_companies: list[Mention] = field(default_factory=list)
    # a head count of North Korean workers said in a sentence naming no employer, for "이들 노동자들은 …" next
    pending_count: Quantity | None = None
    ko: Reading | None = None  # the text's morphemes, when a Korean analyzer was given

    def negated(self, start: int, end: int) -> bool:
        """A negation in text[start:end]: the cue words, and with an analyzer its negating morphemes."""
        if self.ko is None:
            return bool(self.lex.cue["negation"].search(self.text[start:end]))
        return bool(self.lex.negation_words.search(self.text[start:end])) or self.ko.negated(start, end)

    def says(self, kind: str, sent: Sentence) -> bool:
        """The sentence has the cue: a surface alternative, or with an analyzer a verb stem of it."""
        if self.lex.cue[kind].search(sent.text):
            return True
        return self.says_stem(kind, sent)

    def says_stem(self, kind: str, sent: Sentence) -> bool:
        """With an analyzer, a verb stem of the kind in the sentence (lexicon.yaml tables.korean.stem_cues)."""
        return self.ko is not None and self.ko.says(kind, sent.start, sent.end)

    def is_state_body(self, entity_id: str | None) -> bool:
        e = self.by_id.get(entity_id or "")
        return e is not None and "state_body" in (e.attributes or {}).get("roles", [])

    def caption(self, entity_id: str) -> str:
        entity = self.by_id.get(entity_id) or self.new_entities.get(entity_id)
        return entity.caption if entity else entity_id


def first_unnested(orgs: Sequence[Mention], parents: set[str]) -> str | None:
    """The narrowest organization named: in "the bureau of the ministry", the bureau."""
    for m in orgs:
        if m.entity_id not in parents:
            return m.entity_id
    return orgs[0].entity_id if orgs else None


def unique(mentions: Sequence[Mention]) -> list[Mention]:
    """One mention per entity, the last one named (claims are per entity, not per mention)."""
    return list({x.entity_id: x for x in mentions}.values())


def id_fragment(name: str) -> str:
    """A readable id part; names in Hangul or Han get a short digest instead of an empty slug."""
    readable = slug(name)[:60].strip("-")
    if readable and name.isascii():
        return readable
    return (readable + "-" if readable else "") + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
