"""The pipeline: mentions, one entity per mention, sentences, then every claim rule on every
sentence's focus, in the calibration table's order. Adding a rule or a cue does not touch it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from tollwatch.core.extraction.clauses import lead_body, part_of_pairs
from tollwatch.core.extraction.context import Claims, Doc, Sentence
from tollwatch.core.extraction.focus import FocusState, focus
from tollwatch.core.extraction.lexicon import Lexicon, LexiconEntry, lexicon, rule_order
from tollwatch.core.extraction.mentions import Matcher, Mention, select_longest
from tollwatch.core.extraction.morph import KoreanAnalyzer, Reading, is_korean
from tollwatch.core.extraction.registry import Rule, load_rules
from tollwatch.core.extraction.resolve import Resolver
from tollwatch.core.extraction.tokens import tokenize
from tollwatch.core.model import Claim, Entity, EntityKind
from tollwatch.core.sentences import sentences


@dataclass
class Gazetteer:
    entities: list[Entity]
    ids: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = {e.id for e in self.entities}
        self.by_id = {e.id: e for e in self.entities}
        self._matchers: dict[tuple[LexiconEntry, ...], Matcher] = {}

    def matcher_for(self, lex: Lexicon) -> Matcher:
        if lex.entries not in self._matchers:
            self._matchers[lex.entries] = Matcher(self.entities, lex)
        return self._matchers[lex.entries]

    @property
    def matcher(self) -> Matcher:
        return self.matcher_for(lexicon())


@dataclass
class ExtractionResult:
    claims: list[Claim] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)


def ordered_rules() -> list[tuple[str, Rule]]:
    """Every registered claim rule, in the calibration table's order; a rule without a row there is an error."""
    rules = load_rules()
    order = rule_order()
    missing = sorted(set(rules) - set(order))
    if missing:
        raise ValueError(f"extraction/rules.tsv: no calibration row for rule(s) {', '.join(missing)}")
    return [(name, rules[name]) for name in order if name in rules]


def _sentences(text: str, chosen: list[Mention]) -> list[Sentence]:
    out = []
    starts = [m.start for m in chosen]
    for s, e in sentences(text):
        i = bisect.bisect_left(starts, s)
        inside = []
        while i < len(chosen) and chosen[i].start < e:
            if chosen[i].end <= e:
                inside.append(chosen[i])
            i += 1
        out.append(Sentence(s, e, text[s:e], inside))
    return out


def extract(text: str, source_id: str, gazetteer: Gazetteer, *, reference_date: str | None = None,
            lexicon_entries: tuple[LexiconEntry, ...] = (), korean: KoreanAnalyzer | None = None) -> ExtractionResult:
    """Propose claims and new entities; reference_date (ISO) dates "by Jan. 8" when the year is
    unsaid; lexicon_entries (a user lexicon) add cues and product terms to the packaged ones;
    korean (a morphological analyzer) is asked for the morphemes of a Korean text only."""
    result = ExtractionResult()
    if not text or not text.strip():
        return result
    lex = lexicon(lexicon_entries)
    reading = Reading(korean.tokens(text), lex) if korean is not None and is_korean(text, lex) else None
    raw = gazetteer.matcher_for(lex).find(text, tokenize(text, reading))
    chosen = select_longest(raw)
    resolver = Resolver(lex, text, gazetteer.by_id)
    for m in chosen:
        resolver.resolve(m)
    raw.sort(key=lambda m: m.start)
    doc = Doc(text, source_id, gazetteer.by_id, lex, reference_date, Claims(source_id), raw, [m.start for m in raw], ko=reading)
    doc.parents = {p.candidates[0] for _, p in part_of_pairs(lex, text, [m for m in raw if m.kind == EntityKind.ORGANIZATION])}
    doc.lead_body = lead_body(doc, chosen)
    rules = ordered_rules()
    state = FocusState()
    for sent in _sentences(text, chosen):
        f = focus(doc, state, sent)
        for name, rule in rules:
            doc.out.rule = name
            rule(doc, f)
    result.claims = doc.out.claims
    result.new_entities = list(doc.new_entities.values())
    return result
