"""Scoring one name against another, feature by feature. Pure: no I/O.

A score lies in [0, 1]: a weighted alignment of tokens (rare tokens weigh more),
coverage of both names, character similarity, and penalties for conflicting tokens
and for incompatible schemas. The features, their weights and their descriptions are
`core.features`' registry; every feature that acts on a score is named in the
explanation with the query value and the candidate value it compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from tollwatch.core.features import DEFAULT_WEIGHTS
from tollwatch.core.loan_match import loan_word, spelled_alike
from tollwatch.core.name_tokens import acronym_of, base_weight, display, is_legal, tokens
from tollwatch.core.names import legal
from tollwatch.core.names.terms import common_words

TYPO1_SHORT = 0.75  # one edit in a 4-letter word (Jang/Wang are different surnames)
PREFIX = 0.7  # one word the start of the other (short forms, cut-off words)
DOUBLED = 0.9  # a word with letters doubled or undoubled (Joonng, Jong)
_SQUEEZE = re.compile(r"(.)\1+")
_ROMAN = re.compile(r"^[ivxlcdm]+$")  # VII and VIII are numbers, not a doubled letter
TYPO2 = 0.7  # similarity of two edits in a word of 5+ letters
_SCHEMA_GROUP = {"Person": "person", "Organization": "org", "Company": "org", "LegalEntity": "any", "PublicBody": "org", "Vessel": "craft", "Airplane": "craft"}


def token_similarity(a: str, b: str, a_keys: tuple[str, ...], b_keys: tuple[str, ...]) -> float:
    """1.0 when two tokens share a key (same token across romanizations); else a typo allowance.

    Names differ by one letter far more often by typo than by identity only in long
    tokens: Scholz/Scholze yes, Sancho/Sanchez and Federman/Federer no.
    """
    if a == b:
        return 1.0
    if a_keys and b_keys and not set(a_keys).isdisjoint(b_keys):
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:  # an initial: J. ~ Joachim
        return 0.7 if a[0] == b[0] else 0.0
    # (same letters is a cheap necessary condition, checked before the two regex passes)
    if a[0] == b[0] and set(a) == set(b) and not _ROMAN.match(a) and _SQUEEZE.sub(r"\1", a) == _SQUEEZE.sub(r"\1", b):
        return DOUBLED  # doubled letters: Joonng ~ Jong, Uun ~ Un
    m = min(la, lb)
    if m >= 3 and max(la, lb) - m >= 2 and (a.startswith(b) or b.startswith(a)):
        return PREFIX  # a short form: Ben ~ Benjamin, Abiy ~ Abiyot
    if m < 4:
        return 0.0
    d = OSA.distance(a, b, score_cutoff=2)
    if d <= 1:
        return 0.9 if m >= 5 else TYPO1_SHORT
    if d == 2 and m >= 8:
        return 0.8
    if d == 2 and m >= 5 and TYPO2:
        return TYPO2
    return 0.0


@dataclass
class PairScore:
    score: float
    features: list[dict[str, Any]]


@dataclass(slots=True)
class _Alignment:
    q_sim: list[float]
    c_sim: list[float]
    pairs: list[tuple[str, str, float]]
    cov_q: float
    cov_c: float
    joined: float


def _align(q: tuple[str, ...], c: tuple[str, ...], weight: Callable[[str], float], keys: Callable[[str], tuple[str, ...]]) -> _Alignment:
    """Greedy alignment, rarest query tokens first (each candidate token used once), and coverage."""
    wq = [weight(t) for t in q]
    wc = [weight(t) for t in c]
    q_sim = [0.0] * len(q)
    c_sim = [0.0] * len(c)
    pairs: list[tuple[str, str, float]] = []
    _align_split(q, c, q_sim, c_sim, pairs)
    _align_split(c, q, c_sim, q_sim, pairs)
    used = [s > 0.0 for s in c_sim]
    for i in sorted(range(len(q)), key=lambda i: -wq[i]):
        if q_sim[i]:
            continue
        best, best_j = 0.0, -1
        for j, ct in enumerate(c):
            if used[j]:
                continue
            s = token_similarity(q[i], ct, keys(q[i]), keys(ct))
            if s > best:
                best, best_j = s, j
                if s == 1.0:
                    break
        if best_j >= 0:
            used[best_j] = True
            q_sim[i] = c_sim[best_j] = best
            pairs.append((q[i], c[best_j], round(best, 3)))
    # Joined or split tokens ("jinping" vs "jin ping"): compare the concatenations too.
    q_join, c_join = display(q).replace(" ", ""), display(c).replace(" ", "")
    joined = 1.0 if q_join == c_join else (0.9 if len(q_join) >= 8 and OSA.distance(q_join, c_join, score_cutoff=1) <= 1 and not _edit_at_word_start(q, c, q_join, c_join) else 0.0)
    sum_q, sum_c = sum(wq), sum(wc)
    cov_q = sum(w * s for w, s in zip(wq, q_sim)) / sum_q if sum_q else 0.0
    cov_c = sum(w * s for w, s in zip(wc, c_sim)) / sum_c if sum_c else 0.0
    if joined and len(q) != len(c):
        cov_q = cov_c = joined
    return _Alignment(q_sim, c_sim, pairs, cov_q, cov_c, joined)


def _align_split(a: tuple[str, ...], b: tuple[str, ...], a_sim: list[float], b_sim: list[float], pairs: list[tuple[str, str, float]]) -> None:
    """An unmatched word of `a` written as two neighbouring unmatched words of `b`:
    Changan against CHANG AN, Hongkong against HONG KONG."""
    for i, t in enumerate(a):
        if a_sim[i] or len(t) < 4:
            continue
        for j in range(len(b) - 1):
            if not b_sim[j] and not b_sim[j + 1] and b[j] + b[j + 1] == t:
                a_sim[i] = b_sim[j] = b_sim[j + 1] = 1.0
                pairs.append((t, b[j] + " " + b[j + 1], 1.0))
                break


def _edit_at_word_start(q: tuple[str, ...], c: tuple[str, ...], q_join: str, c_join: str) -> bool:
    """The one letter two joined names differ in (jangyongwon, jang yong son) is the first of a
    word on either side: another syllable (won, son), not a typo, which spares first letters."""
    if len(q_join) != len(c_join):
        return False
    at = next(i for i, (x, y) in enumerate(zip(q_join, c_join)) if x != y)
    starts = set()
    for words in (q, c):
        pos = 0
        for w in words:
            starts.add(pos)
            pos += len(display((w,)).replace(" ", ""))
    return at in starts


def _apply_loans(q: tuple[str, ...], c: tuple[str, ...], al: _Alignment, weight: Callable[[str], float], loans: Sequence[tuple[tuple[str, ...], str, str]], w: Mapping[str, float]) -> list[dict[str, Any]]:
    """A Han brand written by sound (pu lai mi le) against the one unmatched list word of its
    sound key (PREMERA): credited at the phonetic_loan weight, and only when another word of the
    query that says something (a place, a translated term; not a legal form) already agrees."""
    features: list[dict[str, Any]] = []
    sim = w["phonetic_loan"]
    for brand, syllables, key in loans:
        at = next((i for i in range(len(q) - len(brand) + 1) if q[i:i + len(brand)] == brand), -1)
        if at < 0 or max(al.q_sim[at:at + len(brand)]) >= sim:
            continue  # absent, or met as well already (a typo: XINNUO and SINNO, 0.7, is met less well)
        taken = {b for a, b, _ in al.pairs if a not in brand}
        spots = [j for j, t in enumerate(c) if al.c_sim[j] < sim and t not in taken and loan_word(t, key)]
        # The shorter the key, the more it takes besides: a two-class key (ge li, KALA) needs a distinctive
        # word, unless the brand is also spelled like the list word (xinnuo, SINNO: two edits).
        least = 0.3 if len(key) >= 3 or (len(spots) == 1 and spelled_alike(brand, c[spots[0]])) else 0.5
        agreeing = [t for i, t in enumerate(q) if not at <= i < at + len(brand) and al.q_sim[i] >= 0.9 and base_weight(t) >= least and not is_legal(t)]
        if len(spots) != 1 or not agreeing:
            continue
        for i in range(at, at + len(brand)):
            al.q_sim[i] = sim
        al.c_sim[spots[0]] = sim
        al.pairs[:] = [p for p in al.pairs if p[0] not in brand]
        al.pairs.append((" ".join(brand), c[spots[0]], sim))
        features.append({"feature": "phonetic_loan", "query": syllables, "candidate": c[spots[0]], "key": key, "agreeing": display(agreeing), "value": sim})
    if features:
        wq, wc = [weight(t) for t in q], [weight(t) for t in c]
        al.cov_q = sum(x * s for x, s in zip(wq, al.q_sim)) / (sum(wq) or 1.0)
        al.cov_c = sum(x * s for x, s in zip(wc, al.c_sim)) / (sum(wc) or 1.0)
    return features


def _penalties(q: tuple[str, ...], c: tuple[str, ...], al: _Alignment, w: Mapping[str, float], features: list[dict[str, Any]]) -> list[float]:
    """The clash, thin-evidence, number and legal-form penalties, in the order they are subtracted."""
    penalty: list[float] = []
    # A strong word left unmatched on each side (AL-RAWI vs AL-TIKRITI) names someone else.
    if any(s == 0.0 and base_weight(t) >= 0.5 for t, s in zip(q, al.q_sim)) and any(s == 0.0 and base_weight(t) >= 0.5 for t, s in zip(c, al.c_sim)):
        left_q = [t for t, s in zip(q, al.q_sim) if s == 0.0 and base_weight(t) >= 0.5]
        left_c = [t for t, s in zip(c, al.c_sim) if s == 0.0 and base_weight(t) >= 0.5]
        penalty.append(w["strong_token_clash"])
        features.append({"feature": "strong_token_clash", "query": display(left_q), "candidate": display(left_c), "value": -w["strong_token_clash"]})
    strong_q = [t for t in q if base_weight(t) >= 0.5]
    strong_c = [t for t in c if base_weight(t) >= 0.5]
    if min(len(strong_q), len(strong_c)) <= 1 and max(len(strong_q), len(strong_c)) >= 2:
        penalty.append(w["single_strong_token"])  # one strong token against several: weak evidence
        if w["single_strong_token"]:
            features.append({"feature": "single_strong_token", "query": display(strong_q), "candidate": display(strong_c), "value": -w["single_strong_token"]})
    digits_q = {t for t in q if t.isdigit()}
    digits_c = {t for t in c if t.isdigit()}
    if digits_q != digits_c:  # "Fund VIII" vs "Fund IX", "Company 23" vs "Company"
        name = "numbers_differ" if digits_q and digits_c else "number_missing"
        penalty.append(w[name])
        features.append({"feature": name, "query": " ".join(sorted(digits_q)), "candidate": " ".join(sorted(digits_c)), "value": -w[name]})
    legal_q = {t for t in q if is_legal(t)}
    legal_c = {t for t in c if is_legal(t)}
    if legal_q and legal_c and legal_q.isdisjoint(legal_c):
        penalty.append(w["legal_form_differs"])
        features.append({"feature": "legal_form_differs", "query": " ".join(sorted(legal_q)), "candidate": " ".join(sorted(legal_c)), "value": -w["legal_form_differs"]})
    return penalty


def score_tokens(
    q: tuple[str, ...],
    c: tuple[str, ...],
    weight: Callable[[str], float],
    keys: Callable[[str], tuple[str, ...]],
    q_schema: str | None = None,
    c_schema: str | None = None,
    q_label: str = "",
    c_label: str = "",
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    loans: Sequence[tuple[tuple[str, ...], str, str]] = (),
) -> PairScore:
    """Score one query name (as tokens) against one candidate name; explain every feature.
    `loans`: the query's Han brands with their sound keys (core.loan_match.query_loans)."""
    if not q or not c:
        return PairScore(0.0, [])
    w = weights
    al = _align(q, c, weight, keys)
    loan_features = _apply_loans(q, c, al, weight, loans, w) if loans and w["phonetic_loan"] else []
    qd, cd = display(q), display(c)
    chars = fuzz.token_sort_ratio(qd, cd) / 100.0
    full, both = max(al.cov_q, al.cov_c), min(al.cov_q, al.cov_c)
    # Tokens left over on both sides are a conflict (Octavian vs Olaf); on one side only,
    # the shorter name is contained in the longer (a middle name, a branch, a legal form).
    conflict = min(1.0 - al.cov_q, 1.0 - al.cov_c)
    raw = w["coverage"] * full + w["tokens"] * both + w["characters"] * chars - w["conflicting_tokens"] * conflict
    features: list[dict[str, Any]] = loan_features
    for amount in _penalties(q, c, al, w, features):
        raw -= amount  # one at a time: the same floats as ever with the default weights
    features.append({"feature": "tokens", "query": qd, "candidate": cd, "value": round(both, 3), "pairs": [(display([a]), display([b]), v) for a, b, v in al.pairs]})
    features.append({"feature": "coverage", "query": round(al.cov_q, 3), "candidate": round(al.cov_c, 3), "value": round(full, 3)})
    features.append({"feature": "characters", "query": qd, "candidate": cd, "value": round(chars, 3)})
    if conflict > 0.01:
        left_q = [t for t, s in zip(q, al.q_sim) if s == 0.0]
        left_c = [t for t, s in zip(c, al.c_sim) if s == 0.0]
        features.append({"feature": "conflicting_tokens", "query": display(left_q), "candidate": display(left_c), "value": round(-w["conflicting_tokens"] * conflict, 3)})
    if al.joined and q != c:
        features.append({"feature": "joined_tokens", "query": qd.replace(" ", ""), "candidate": cd.replace(" ", ""), "value": 1.0})
    if q_label and c_label and raw < 0.8:
        raw = max(raw, _legal_features(q, c, q_label, c_label, features, w))
    raw = _thin_evidence(q, c, al, raw, w, features)
    raw = _written_differently(q, c, q_label, c_label, raw, w, features)
    gq, gc = _SCHEMA_GROUP.get(q_schema or "", "any"), _SCHEMA_GROUP.get(c_schema or "", "any")
    if gq != "any" and gc != "any" and gq != gc:
        raw *= 1.0 - w["schema_mismatch"]
        features.append({"feature": "schema_mismatch", "query": q_schema, "candidate": c_schema, "value": -w["schema_mismatch"]})
    return PairScore(max(0.0, min(1.0, raw)), features)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The common words, folded as names are (trading → trade)."""
    return frozenset(t for word in common_words() for t in tokens(word))


def _thin_evidence(q: tuple[str, ...], c: tuple[str, ...], al: _Alignment, raw: float, w: Mapping[str, float], features: list[dict[str, Any]]) -> float:
    """Caps for matches that rest on too little: a one-word name inside a longer one (SUNRISE
    in "Sunrise Bakery"), or only common words with other words left over (GOLDEN STAR CO
    against "Golden Star Trading Co"). Each cap keeps the score under the threshold."""
    if al.joined:
        return raw
    strong_q = [(t, s) for t, s in zip(q, al.q_sim) if base_weight(t) >= 0.5 and not t.isdigit()]
    extra = [t for t, s in strong_q if s == 0.0]
    if len(c) == 1 and al.c_sim[0] > 0.0 and extra and raw > w["one_word_alias"]:
        features.append({"feature": "one_word_alias", "query": display(q), "candidate": display(c), "unexplained": display(extra), "value": w["one_word_alias"]})
        return w["one_word_alias"]
    # The legal form is not a word of the name: OOO BAYKAL against the alias BAIKAL is one word against one.
    core_q = [(t, s) for t, s in zip(q, al.q_sim) if not is_legal(t)]
    core_c = [t for t in c if not is_legal(t)]
    if len(core_q) == 1 == len(core_c) and 0.0 < core_q[0][1] < 1.0 and min(len(core_q[0][0]), len(core_c[0])) < 7 and raw > w["one_word_alias"]:
        features.append({"feature": "one_word_typo", "query": display(q), "candidate": display(c), "value": w["one_word_alias"]})
        return w["one_word_alias"]  # ELOIS against the alias ELVIS: one short word, spelt otherwise
    matched = [t for t, s in strong_q if s > 0.0]
    left = [t for t, s in [*zip(q, al.q_sim), *zip(c, al.c_sim)] if s == 0.0 and base_weight(t) > 0.1 and not t.isdigit()]
    common = _common()
    if left and all(t in common for t in matched) and raw > w["common_words_only"]:
        features.append({"feature": "common_words_only", "query": display(q), "candidate": display(c), "matched": display(matched),
                         "unexplained": display(left), "value": w["common_words_only"]})
        return w["common_words_only"]
    return raw


_CJK_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$|^[\uac00-\ud7a3]+$")
_PATRONYMIC = frozenset({"bin", "ibn", "ben"})


def _written_differently(q: tuple[str, ...], c: tuple[str, ...], q_label: str, c_label: str, raw: float, w: Mapping[str, float], features: list[dict[str, Any]]) -> float:
    """Caps for names whose romanizations agree but whose writing says otherwise:
    two Han or two Hangul names of one length that differ in a character (김정은 / 김종은,
    高市早苗 / 高石早苗: each character is a syllable of the name, not a typo); and 'A bin B'
    against 'B bin A' (a son against his father)."""
    cap = w["written_differently"]
    if raw <= cap:
        return raw
    if cjk_written_differently(q_label, c_label):
        features.append({"feature": "written_differently", "query": q_label, "candidate": c_label, "value": cap})
        return cap
    for bq in (i for i, t in enumerate(q) if t in _PATRONYMIC and 0 < i < len(q) - 1):
        for bc in (i for i, t in enumerate(c) if t in _PATRONYMIC and 0 < i < len(c) - 1):
            if q[bq - 1] == c[bc + 1] and q[bq + 1] == c[bc - 1] and q[bq - 1] != q[bq + 1]:
                features.append({"feature": "written_differently", "query": display(q[bq - 1:bq + 2]), "candidate": display(c[bc - 1:bc + 2]), "value": cap})
                return cap
    return raw


def cjk_written_differently(a: str, b: str) -> bool:
    """Two Han or two Hangul names of one length that differ in a character (simplified forms compared)."""
    qa, ca = a.replace(" ", ""), b.replace(" ", "")
    if len(qa) != len(ca) or qa == ca or not _CJK_NAME.match(qa) or not _CJK_NAME.match(ca):
        return False
    from tollwatch.core.names import chinese

    return chinese.to_simplified(qa) != chinese.to_simplified(ca)


def cap_written_differently(a: str, b: str, score: PairScore | float, w: Mapping[str, float]) -> float | None:
    """The capped score when the two names as written are different CJK names; None otherwise.
    Scores are the best over renderings, so the check is on the names themselves."""
    value = score.score if isinstance(score, PairScore) else score
    if value > w["written_differently"] and cjk_written_differently(a, b):
        return w["written_differently"]
    return None


def _could_be_acronym(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Cheap pre-check: some short word of `a` is spelt only with initials of `b`'s words."""
    initials = {w[0] for w in b if w}
    return len(b) >= 2 and any(2 <= len(t) <= 8 and t.isalpha() and set(t) <= initials for t in a)


def _legal_features(q: tuple[str, ...], c: tuple[str, ...], q_label: str, c_label: str, features: list[dict[str, Any]], w: Mapping[str, float]) -> float:
    """Acronyms and fixed-width truncation: a floor under the score when either holds."""
    best = 0.0
    qa, ca = "".join(q), acronym_of(c)
    acro = False
    # Acronyms only where one side is a single short word; truncation only where the
    # query is long and both start alike: the helpers are exact but not cheap.
    if (_could_be_acronym(q, c) or _could_be_acronym(c, q)) and len(re.sub(r"\W", "", q_label)) >= 3:
        try:
            acro = bool(legal.acronym_matches(q_label, c_label)) or bool(legal.acronym_matches(c_label, q_label))
        except Exception:  # noqa: BLE001 - a helper bug must not stop screening
            acro = False
    elif len(q) == 1 and len(qa) >= 3 and qa == ca:
        acro = True
    if acro:
        best = max(best, w["acronym"])
        features.append({"feature": "acronym", "query": q_label, "candidate": c_label, "value": w["acronym"]})
    trunc = False
    if len(q_label) >= 12 and len(c_label) > len(q_label) * 0.9:
        try:
            trunc = bool(legal.is_truncation(q_label, c_label))
        except Exception:  # noqa: BLE001 - a helper bug must not stop screening
            trunc = False
    if trunc:
        best = max(best, w["truncation"])
        features.append({"feature": "truncation", "query": q_label, "candidate": c_label, "value": w["truncation"]})
    return best
