"""The name scorer's features, in one registry: name, weight, description and why.

Every feature a match explanation can name is declared here (in the spirit of
nomenklatura's matching types): `core.scoring` reads its weights from here, and the
explanations in `/match`, in screening reports and on pages take their descriptions
from here. A caller may change a weight per request (yente's `weights` field);
features whose weight is None are reported, not weighed, and cannot be changed.
Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tollwatch.core.errors import InputError


@dataclass(frozen=True)
class Feature:
    """One thing the scorer compares, and how much it counts."""

    name: str
    weight: float | None  # None: reported only (the overall score, a note), not weighed
    description: str  # one line, shown beside the feature in explanations
    doc: str  # why it exists and how it acts on the score


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("name", None, "overall name similarity of the best-matching name",
                "The final score of the best pair of names (query variant, candidate name); the sum of the features below."),
        Feature("script_variant", None, "the query matched in another script or romanization",
                "The query was matched through one of its renderings (Hangul to McCune-Reischauer, Han to pinyin, Cyrillic to Latin ...)."),
        Feature("transliteration", None, "best score of the query's romanizations (pinyin, McCune-Reischauer ...)",
                "The query in Han or Hangul read aloud in Latin letters (丹东 → Dandong, 김영복 → Kim Yong Bok); value: the best score any such rendering reached."),
        Feature("translation", None, "best score of the query translated word by word",
                "Name terms and brand words by meaning, from the dictionaries in core/data (고려항공 → Koryo Air, 日月星 → Sun Moon Star); terms lists the words translated; value: the best score any translation reached."),
        Feature("tokens", 0.38, "token-by-token similarity across scripts and romanizations",
                "Rare tokens aligned one to one, weighted by rarity; the value is the lower of the two sides' coverage, so both names must be explained."),
        Feature("coverage", 0.42, "share of the name's tokens matched",
                "The higher of the two sides' weighted coverage: a name wholly contained in the other scores high here."),
        Feature("characters", 0.20, "character-level similarity",
                "rapidfuzz token-sort ratio of the two names as written: catches what token alignment misses."),
        Feature("phonetic_loan", 0.85, "a Han brand written by sound meets a list word that sounds alike",
                "普萊米樂 (pu lai mi le) against PREMERA, 麥克維爾 (mai ke wei er) against MAKEWELL: the brand's pinyin and the list word reduced to consonant classes (l for l and r, p for b and p, s for the sibilants; core/names/loans.py) agree, and the pair counts as tokens this similar. Only beside another word of the query that agrees (a place, a translated term; a legal form does not count), and only for the one unmatched list word of that key: a sound key alone is weak. A two-class key (xin nuo: sn) needs a distinctive word beside it, or the brand's pinyin spelled within two edits of the list word (xinnuo, SINNO); a word common in names (SINO, GOLDEN) is never taken for a loan. 0 turns it off."),
        Feature("conflicting_tokens", 0.6, "tokens on one side with no counterpart",
                "A penalty, weight times the share of weight left unmatched on the side that matched better: Octavian against Olaf."),
        Feature("strong_token_clash", 0.12, "a distinctive word unmatched on both sides",
                "A penalty when each name keeps a strong word the other lacks (AL-RAWI against AL-TIKRITI): a different person."),
        Feature("single_strong_token", 0.0, "one distinctive word against several",
                "A penalty when one side has a single strong word and the other several; 0 by default, as the benchmark favours none."),
        Feature("numbers_differ", 0.15, "both names carry numbers, and they differ",
                "A penalty: 'Fund VIII' against 'Fund IX', 'Company 23' against 'Company 24' are different entities."),
        Feature("number_missing", 0.08, "only one name carries a number",
                "A smaller penalty: 'Company 23' against 'Company' may be a branch, or another entity."),
        Feature("legal_form_differs", 0.08, "both names have a legal form, and they differ",
                "A penalty: 'X Ltd' against 'X GmbH' are often sister companies in different countries."),
        Feature("joined_tokens", None, "the names agree once their words are joined",
                "'jinping' against 'jin ping': both sides' coverage becomes 1.0 (0.9 for one edit apart)."),
        Feature("acronym", 0.8, "one name is the acronym of the other",
                "A floor under the score when one side is the initials of the other's strong words (DCB, Daedong Credit Bank)."),
        Feature("truncation", 0.78, "one name is a shortened form of the other",
                "A floor under the score when the query is the candidate cut off at a fixed field width (bills of lading)."),
        Feature("one_word_alias", 0.6, "a one-word name inside a longer one (a cap, not a penalty)",
                "When one name has a single distinctive word and the other has more that nothing explains (SUNRISE against 'Sunrise Bakery'), the score is capped at this weight: under the threshold, so it cannot make a match on its own."),
        Feature("one_word_typo", None, "one short word against one, spelt differently (capped at one_word_alias)",
                "When both names are a single word of under 7 letters, legal forms not counted, and they meet only as a typo (ELOIS against the alias ELVIS, OOO BAYKAL against BAIKAL), the score is capped at the one_word_alias weight: one edit in a short word is weak evidence."),
        Feature("common_words_only", 0.6, "only common words matched, others left over (a cap)",
                "When every distinctive word matched is a common one (core/data/common_words.tsv: golden, star, korea ...) and words are left over on either side (GOLDEN STAR CO against 'Golden Star Trading Co'), the score is capped at this weight."),
        Feature("written_differently", 0.6, "the names read alike but are written differently (a cap)",
                "Two Han or two Hangul names of one length that differ in a character (김정은 against 김종은, 高市 against 高石) are different names even when their romanizations agree; 'A bin B' against 'B bin A' is a son against his father. The score is capped at this weight."),
        Feature("schema_inferred", None, "the query's entity type, read from its name",
                "With no schema column, a legal form makes the query a company and a person's name shape (a Korean or Chinese surname and given name) a person; schema_mismatch then applies."),
        Feature("country_mismatch", 0.25, "the query's country is not the listed entity's",
                "Subtracted when the query's country (its column, or a country named in the name: 'Foreign Trade Bank of Iran') and the entity's nationality or address countries share none; China, Hong Kong and Macau count as one, North and South Korea never do."),
        # Dates of birth, identifiers and IMO numbers of the query row (core.query_facts).
        Feature("birth_date_match", 0.05, "the query's date of birth agrees with a listed one",
                "Added when the dates agree: in full, or at half weight by year only (one side gives only a year, or the list a range or 'circa') or with day and month swapped (03/07 against 07/03)."),
        Feature("birth_date_mismatch", 0.35, "the query's date of birth disagrees with every listed one (people)",
                "Subtracted for a person when the years differ (outside any listed range): an exact name then falls under the 0.7 threshold and shows as a candidate to review; half of it when the year agrees but day or month differ."),
        Feature("identifier_match", 0.35, "a passport, national id or registration number equals a listed one",
                "Added when a query identifier, with spaces, punctuation and case dropped (at least 5 characters, one a digit), equals one the list gives: the strongest evidence there is."),
        Feature("imo_match", 0.35, "the query's IMO number is the listed ship's",
                "Added when a query IMO number, its checksum valid, equals the listed vessel's."),
        Feature("imo_mismatch", 0.3, "both have valid IMO numbers, and they differ",
                "Subtracted: an IMO number stays with the hull for life, so a different one is a different ship."),
        Feature("imo_invalid", None, "the query's IMO number fails its checksum",
                "Reported, never used: the seventh digit of an IMO number is the sum of the first six times 7, 6 ... 2, mod 10."),
        Feature("schema_mismatch", 0.25, "the entity types differ (a person against a company)",
                "The score is multiplied by one minus this weight when the query's schema and the candidate's cannot be the same thing."),
    )
}

DEFAULT_WEIGHTS: dict[str, float] = {f.name: f.weight for f in FEATURES.values() if f.weight is not None}
ADJUSTABLE = tuple(DEFAULT_WEIGHTS)


def describe(name: str) -> str:
    """The feature's one-line description (any name the scorer emits is registered)."""
    feature = FEATURES.get(name)
    return feature.description if feature else name.replace("_", " ")


def resolve_weights(overrides: Mapping[str, float] | None) -> dict[str, float]:
    """The default weights with a request's changes; an unknown or fixed name is refused by name."""
    if not overrides:
        return DEFAULT_WEIGHTS
    out = dict(DEFAULT_WEIGHTS)
    for name, value in overrides.items():
        if name not in DEFAULT_WEIGHTS:
            what = "is reported, not weighed" if name in FEATURES else "is not a feature"
            raise InputError(f"unknown weight {name!r}: it {what} (accepted: {', '.join(ADJUSTABLE)})", field="weights")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not 0.0 <= value <= 10.0:
            raise InputError(f"weight {name!r} must be a number from 0 to 10, got {value!r}", field="weights")
        out[name] = float(value)
    return out


def weights_key(weights: Mapping[str, float] | None) -> tuple[tuple[str, float], ...] | None:
    """A hashable form for caches: None for the defaults."""
    if weights is None or weights is DEFAULT_WEIGHTS:
        return None
    return tuple(sorted(weights.items()))
