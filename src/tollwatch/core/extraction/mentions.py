"""Mentions of known entities: token-key patterns for every name and place anchor in the
gazetteer, matched over the text's tokens, longest first."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from tollwatch.core import names as name_intel
from tollwatch.core.extraction.lexicon import HANGUL, Lexicon
from tollwatch.core.extraction.tokens import GENERIC, Token, is_designation, token_keys, tokenize
from tollwatch.core.model import Entity, EntityKind

_Seen = set[tuple[tuple[tuple[str, ...], ...], bool]]


@dataclass
class Pattern:
    entity_id: str
    kind: EntityKind
    keys: list[frozenset[str]]
    anchor: bool  # a place name stripped of its generic words, possibly shared
    label: str


@dataclass
class Mention:
    start: int
    end: int
    candidates: tuple[str, ...]
    kind: EntityKind
    anchor: bool
    entity_id: str | None = None
    note: str | None = None
    confidence: float = 0.0  # set by whoever makes the mention, from the calibration table

    @property
    def resolved_id(self) -> str:
        """The entity chosen for this mention: the claim rules only see resolved mentions."""
        if self.entity_id is None:
            raise ValueError(f"mention at {self.start}-{self.end} was never resolved")
        return self.entity_id


class Matcher:
    """Token-key patterns for every name (and place anchor) of the gazetteer's entities."""

    def __init__(self, entities: list[Entity], lex: Lexicon):
        self.lex = lex
        self.index: dict[str, list[Pattern]] = {}
        self.kinds = {e.id: e.kind for e in entities}
        self.known = lex.conf("mention", "known")
        for e in entities:
            if e.kind in (EntityKind.FACILITY, EntityKind.ORGANIZATION, EntityKind.PRODUCT, EntityKind.PLACE):
                self._add_entity(e)

    def _add_entity(self, e: Entity) -> None:
        seen: _Seen = set()
        rx = self.lex.rx
        if e.kind == EntityKind.PRODUCT:
            for term in self.lex.product_terms.get(e.id, ()):
                self._add(e, term, anchor=False, seen=seen)
        for label in e.all_names():
            # A parenthesis is part of a caption, not of the name people write.
            for variant in {label, rx["parenthesis"].sub("", label).strip()}:
                # A facility "name" that is only a place ("Kaech'ŏn") may be shared: treat it as a place.
                place_only = e.kind == EntityKind.FACILITY and all(
                    not (token_keys(t.text) & GENERIC) and not is_designation(t.text) for t in tokenize(variant)
                )
                self._add(e, variant, anchor=place_only, seen=seen)
                if e.kind == EntityKind.ORGANIZATION:
                    # Reporting drops the legal form: "Dandong Huayang Textiles and Garments".
                    bare = rx["legal_form"].sub("", variant).strip(" ,.")
                    if bare != variant and len(tokenize(bare)) >= 2:
                        self._add(e, bare, anchor=False, seen=seen)
            if e.kind == EntityKind.FACILITY:
                for variant in rx["name_split_parenthesis"].split(label):
                    toks = [t.text for t in tokenize(variant)]
                    core = [t for t in toks if token_keys(t) - GENERIC and not is_designation(t)]
                    core = [t for t in core if not (token_keys(t) & GENERIC)]
                    if core and len(core) <= 3:
                        self._add(e, " ".join(core), anchor=True, seen=seen)

    def _add(self, e: Entity, label: str, *, anchor: bool, seen: _Seen) -> None:
        toks = [t.text for t in tokenize(label)]
        if not toks:
            return
        keys = [token_keys(t) for t in toks]
        if any(not k for k in keys):
            return
        if len(toks) == 1 and len(name_intel.normalize(toks[0])) < 2 and not HANGUL.search(toks[0]):
            return
        acronym = label.isupper() and len(label) <= 6
        if e.dataset != "tollwatch" and len(toks) < 2 and not acronym:
            return  # a one-word name from a sanctions list ("Ocean") would match ordinary prose
        # Organization acronyms ("MSS") only match as written, so "mss" in a URL does not.
        sig = (tuple(tuple(sorted(k)) for k in keys), anchor)
        if sig in seen:
            return
        seen.add(sig)
        pat = Pattern(e.id, e.kind, keys, anchor, "=" + label if acronym else label)
        for k in keys[0]:
            self.index.setdefault(k, []).append(pat)

    def _fits(self, text: str, tokens: list[Token], tkeys: list[frozenset[str]], i: int, pat: Pattern) -> bool:
        n = len(pat.keys)
        if i + n > len(tokens):
            return False
        for j in range(n):
            if not (pat.keys[j] & tkeys[i + j]):
                return False
            if j and not self.joinable(text[tokens[i + j - 1].end : tokens[i + j].start]):
                return False
        return not (pat.label.startswith("=") and text[tokens[i].start : tokens[i + n - 1].end] != pat.label[1:])

    def find(self, text: str, tokens: list[Token]) -> list[Mention]:
        """All matches, overlapping ones included."""
        tkeys = [token_keys(t.text) for t in tokens]
        found: dict[tuple[int, int, bool], set[str]] = {}
        kinds: dict[tuple[int, int, bool], EntityKind] = {}
        for i, t in enumerate(tokens):
            cands: list[Pattern] = []
            for k in tkeys[i]:
                cands.extend(self.index.get(k, ()))
            for pat in cands:
                if self._fits(text, tokens, tkeys, i, pat):
                    key = (t.start, tokens[i + len(pat.keys) - 1].end, pat.anchor)
                    found.setdefault(key, set()).add(pat.entity_id)
                    kinds[key] = pat.kind
        out = []
        for (s, e, anchor), ids in found.items():
            # A full name beats an anchor of the same span.
            if anchor and (s, e, False) in found:
                continue
            out.append(Mention(s, e, tuple(sorted(ids)), kinds[(s, e, anchor)], anchor, confidence=self.known))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return out

    def joinable(self, gap: str) -> bool:
        return len(gap) <= 3 and "\n" not in gap and not self.lex.rx["sentence_break_in_gap"].search(gap + " ") or gap in (". ",)


def select_longest(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first, in text order."""
    starts: list[int] = []  # chosen spans, kept sorted and disjoint
    ends: list[int] = []
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        i = bisect.bisect_right(starts, m.start)
        if i > 0 and ends[i - 1] > m.start:
            continue  # overlaps the chosen span starting before it
        if i < len(starts) and starts[i] < m.end:
            continue  # overlaps the chosen span starting after it
        starts.insert(i, m.start)
        ends.insert(i, m.end)
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)
