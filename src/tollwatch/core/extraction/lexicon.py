"""Language data of the extractor, loaded from files: nothing rule-specific lives in code.

core/data/extraction/lexicon.yaml holds cue words (alternatives of one cue), named patterns,
word lists and tables; core/data/places.tsv and core/data/legal_forms.tsv are the tables
screening and name matching read too; core/data/extraction/rules.tsv gives every confidence.
A user lexicon (entries passed in by the app, never read here) adds cues and product terms
after the packaged ones, so a reviewer's correction becomes data, not a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from tollwatch.core import places
from tollwatch.core.names.terms import read_lines

_FLAGS = {"": 0, "i": re.I}


@dataclass(frozen=True)
class LexiconEntry:
    """One user addition: a cue alternative or a product term, written as the text writes it."""

    kind: str  # a cue name ("produce", "negation" ...) or "product:<catalogue id>"
    term: str
    lang: str = ""


def cue_regex(alternatives: list[str]) -> re.Pattern[str]:
    """Latin alternatives start at a word boundary; Hangul ones anywhere (Korean attaches endings)."""
    parts = [w.strip() for w in "|".join(alternatives).split("|") if w.strip()]
    latin = [p for p in parts if not HANGUL.search(p)]
    korean = [p for p in parts if HANGUL.search(p)]
    alts = []
    if latin:
        alts.append(r"\b(?:" + "|".join(latin) + r")")
    if korean:
        alts.append("(?:" + "|".join(korean) + ")")
    return re.compile("|".join(alts), re.I)


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    text = (resources.files("tollwatch.core") / "data" / "extraction" / "lexicon.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


HANGUL = re.compile(_raw()["patterns"]["hangul"]["regex"])  # Hangul or not: how cues and tokens split by script


@lru_cache(maxsize=1)
def calibration() -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for lineno, f in read_lines("extraction/rules.tsv"):
        try:
            out[(f[0], f[1])] = float(f[2])
        except (IndexError, ValueError):
            raise ValueError(f"extraction/rules.tsv, line {lineno}, field value: expected 'rule<TAB>setting<TAB>number'") from None
    return out


def rule_order() -> list[str]:
    """Claim rules in the order of their first row in the calibration table."""
    order: list[str] = []
    for _, f in read_lines("extraction/rules.tsv"):
        if f[0] not in ("mention", "resolve") and f[0] not in order:
            order.append(f[0])
    return order


def _number_words(tables: dict[str, dict[str, int]]) -> tuple[str, str]:
    ones, tens = tables["en_ones"], tables["en_tens"]
    ko_ones, ko_tens = tables["ko_ones"], tables["ko_tens"]
    by_len = "|".join(sorted(ones, key=len, reverse=True))
    en = (r"(?:(?:" + "|".join(tens) + r")(?:[- ](?:" + "|".join(k for k in ones if k != "zero") + r"))?|"
          + by_len + r")(?:\s+(?:hundred|thousand))?")
    ko_by_len = "|".join(sorted(ko_ones, key=len, reverse=True))
    ko = r"(?<![가-힣])(?:(?:" + "|".join(ko_tens) + r")(?:" + ko_by_len + r")?|" + ko_by_len + r")(?=\s?명)"
    return en, ko


def _fills(raw: dict[str, Any]) -> dict[str, str]:
    en, ko = _number_words(raw["tables"])
    legal = "|".join(f[3] for _, f in read_lines("legal_forms.tsv") if f[3] != "-")
    fills = {name: places.latin_alternatives(name) for name in ("china_city", "border", "nk_city")}
    fills.update({name: places.korean_alternatives(name) for name in ("border_ko", "company_city_ko")})
    words = raw["words"]
    fills.update({name: "|".join(words[name]) for name in ("plant_industries", "destinations", "destinations_ko")})
    fills.update(number_word=en, ko_number_word=ko, count_nouns="|".join(words["count_nouns"]),
                 city_word=raw["patterns"]["city_word"]["regex"], legal_forms=legal)
    return fills


def fill(template: str, fills: dict[str, str]) -> str:
    """Replace {name} placeholders of known names only: regex counts like {0,2} stay."""
    for name, value in fills.items():
        template = template.replace("{" + name + "}", value)
    return template


class Lexicon:
    """Compiled cues and patterns, word sets and tables, with any user entries applied."""

    def __init__(self, entries: tuple[LexiconEntry, ...] = ()):
        raw = _raw()
        self.entries = entries
        fills = _fills(raw)
        self.rx = {k: re.compile(fill(v["regex"], fills), _FLAGS[v.get("flags", "")]) for k, v in raw["patterns"].items()}
        cues = {k: list(v) for k, v in raw["cues"].items()}
        product_terms = {k: tuple(v) for k, v in raw["tables"]["extra_product_terms"].items()}
        for e in entries:
            if e.kind.startswith("product:"):
                pid = e.kind.split(":", 1)[1]
                product_terms[pid] = product_terms.get(pid, ()) + (e.term,)
            else:
                cues[e.kind].append(re.escape(e.term))
        self.cue = {k: cue_regex(v) for k, v in cues.items()}
        # with a Korean analyzer, 않/못/없 are read as morphemes (morph.Reading.negated), not as substrings
        surface = set(raw["tables"]["korean"]["negation_surface"])
        self.negation_words = cue_regex([a for a in cues["negation"] if a not in surface])
        self.cue_kinds = tuple(raw["cues"])
        self.product_terms = product_terms
        self.words = {k: frozenset(v) for k, v in raw["words"].items()}
        self.lists = {k: tuple(v) for k, v in raw["words"].items()}
        self.tables: dict[str, dict[str, Any]] = raw["tables"]
        self.place_en = places.english_of_korean()
        self.chinese_side = places.chinese_side()
        self.city_names = places.city_names()
        self.cal = calibration()

    def conf(self, rule: str, setting: str) -> float:
        return self.cal[(rule, setting)]


@lru_cache(maxsize=16)
def lexicon(entries: tuple[LexiconEntry, ...] = ()) -> Lexicon:
    return Lexicon(entries)


def check_entry(entry: LexiconEntry) -> None:
    """A user entry the pipeline can load: a known cue kind (or product:ID) and a plain term."""
    kinds = lexicon().cue_kinds
    if not entry.kind.startswith("product:") and entry.kind not in kinds:
        raise ValueError(f"kind: unknown cue kind {entry.kind!r}; one of {', '.join(kinds)} or product:ID")
    if not entry.term.strip() or "|" in entry.term or "\n" in entry.term:
        raise ValueError("term: must be a non-empty phrase without '|' or a line break")
