"""Korean morphology as the rules read it: words without their particles and endings, negation,
verb stems as cues, and head counts (1000여명, 3천 명, 2만여 명).

The core loads no model. A `KoreanAnalyzer` (engines/korean.py wraps kiwipiepy) is passed to
`extract`; without one the pattern-based Korean handling of lexicon.yaml is used as before.
Which morphemes count is data: `tables.korean` in core/data/extraction/lexicon.yaml.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tollwatch.core.extraction.lexicon import HANGUL, Lexicon


@dataclass(frozen=True)
class Morph:
    """One morpheme: its form, its Sejong-style tag (NNG, JKB, VV, EP …) and its character span."""

    form: str
    tag: str
    start: int
    end: int


class KoreanAnalyzer(Protocol):
    """What the extractor needs of a morphological analyzer: the morphemes of a text, with offsets."""

    def tokens(self, text: str) -> list[Morph]: ...


@dataclass(frozen=True)
class Count:
    """A head count read from morphemes: its value, span (number to counter) and the nouns it counts."""

    value: float
    start: int
    end: int
    nouns: tuple[str, ...]  # the nouns after "명(의)": ("수행원",), ("북한", "노동자")
    before: tuple[str, ...] = ()  # the nouns right before the number: "북한 노동자 50명"


def is_korean(text: str, lex: Lexicon) -> bool:
    hangul = sum(1 for c in text if HANGUL.match(c))
    letters = sum(1 for c in text if c.isalpha()) or 1
    return hangul / letters > float(lex.tables["korean"]["min_hangul_share"])


class Reading:
    """The morphemes of one Korean text, and what the rules ask of them."""

    def __init__(self, morphs: Sequence[Morph], lex: Lexicon):
        self.morphs = sorted(morphs, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.morphs]
        table: dict[str, Any] = lex.tables["korean"]
        self.strip_tags = tuple(table["strip_tag_prefixes"])
        self.strip_suffixes = frozenset(table["strip_suffixes"])
        self.negation = tuple((form, tag) for form, tag in table["negation"])
        self.counter, self.approximate = table["counter"], table["approximate"]
        self.scales: dict[str, int] = table["scales"]
        self.stem_cues = {kind: frozenset(stems) for kind, stems in table["stem_cues"].items()}

    def within(self, start: int, end: int) -> list[Morph]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.morphs) and self.morphs[i].start < end:
            if self.morphs[i].end <= end:
                out.append(self.morphs[i])
            i += 1
        return out

    def core_end(self, start: int, end: int) -> int | None:
        """Where the word text[start:end] ends without its particles and endings ("업체로부터" → "업체")."""
        inside = self.within(start, end)
        while inside and self._strippable(inside[-1]):
            inside.pop()
        return inside[-1].end if inside and inside[-1].end > start else None

    def _strippable(self, m: Morph) -> bool:
        return m.tag.startswith(self.strip_tags) or (m.tag == "XSN" and m.form in self.strip_suffixes)

    def negated(self, start: int, end: int) -> bool:
        """A negating morpheme in the span: 않 (VX), 없 (VA), 아니 (VCN), 못/안 (MAG)."""
        return any(m.form == form and m.tag.startswith(tag) for m in self.within(start, end) for form, tag in self.negation)

    def says(self, kind: str, start: int, end: int) -> bool:
        """A verb stem of the cue kind in the span: 사들였다 (사들이) receives, 넘겼다 (넘기) exports,
        내려보낸 (내리 + 어 + 보내) sends down."""
        stems = self.stem_cues.get(kind, frozenset())
        return bool(stems & self.verb_stems(start, end))

    def verb_stems(self, start: int, end: int) -> set[str]:
        """The verb stems in the span: a noun with its verb suffix as one ("일한다" → 일하), and each pair
        joined only by a connective ending ("내리 보내")."""
        out: set[str] = set()
        last: str | None = None
        prev: Morph | None = None
        for m in self.within(start, end):
            if m.tag == "XSV" and prev is not None and prev.tag.startswith("NN") and prev.end == m.start:
                out.add(prev.form + m.form)
            prev = m
            if m.tag.startswith(("VV", "VA")):
                out.add(m.form)
                if last is not None:
                    out.add(f"{last} {m.form}")
                last = m.form
            elif m.tag != "EC":
                last = None
        return out

    def counts(self, start: int, end: int) -> list[Count]:
        """Head counts in the span: a number (digits with 천/만 scales), an optional 여, then 명."""
        ms = self.within(start, end)
        out: list[Count] = []
        i = 0
        while i < len(ms):
            if ms[i].tag != "SN":
                i += 1
                continue
            value, j = self._number(ms, i)
            if j < len(ms) and ms[j].form == self.approximate and ms[j].tag.startswith("XS"):
                j += 1
            if value is not None and j < len(ms) and ms[j].form == self.counter and ms[j].tag == "NNB" and ms[j].start - ms[j - 1].end <= 1:
                out.append(Count(value, ms[i].start, ms[j].end, self._counted_nouns(ms, j + 1), self._nouns_before(ms, i)))
            i = max(j, i + 1)
        return out

    def _number(self, ms: list[Morph], i: int) -> tuple[float | None, int]:
        """ "2" "만" → 20000; "1" "만" "5" "천" → 15000; "1,000" → 1000. (value, index after it)."""
        total, pending, j = 0.0, None, i
        while j < len(ms) and (j == i or ms[j].start - ms[j - 1].end <= 1):
            m = ms[j]
            if m.tag == "SN":
                if pending is not None:
                    break
                try:
                    pending = float(m.form.replace(",", ""))
                except ValueError:
                    return None, j + 1
            elif m.tag == "NR" and m.form in self.scales and pending is not None:
                total += pending * self.scales[m.form]
                pending = None
            else:
                break
            j += 1
        return total + (pending or 0.0), j

    def _nouns_before(self, ms: list[Morph], i: int) -> tuple[str, ...]:
        nouns: list[str] = []
        while i > 0 and ms[i - 1].tag in ("NNG", "NNP") and ms[i].start - ms[i - 1].end <= 1:
            i -= 1
            nouns.insert(0, ms[i].form)
        return tuple(nouns)

    def _counted_nouns(self, ms: list[Morph], j: int) -> tuple[str, ...]:
        if j < len(ms) and ms[j].tag == "JKG" and ms[j].start == ms[j - 1].end:
            j += 1
        else:
            return ()
        nouns = []
        while j < len(ms) and ms[j].tag in ("NNG", "NNP") and ms[j].start - ms[j - 1].end <= 1:
            nouns.append(ms[j].form)
            j += 1
        return tuple(nouns)
