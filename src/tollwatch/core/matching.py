"""Candidate retrieval and scoring of names against screening lists. Pure: no I/O.

Retrieval is an inverted index, never a pairwise scan: each indexed name is split
into tokens; each token is posted under its cross-script/romanization keys (from
core.names), and a trigram index over the token vocabulary finds misspelt tokens.
Only the few best-retrieved candidates are scored in full.

Scores lie in [0, 1]: a weighted alignment of tokens (rare tokens weigh more),
coverage of both names, character similarity, and penalties for conflicting tokens
and for incompatible schemas. Every match carries an explanation naming each feature
with the query value and the candidate value it compared.

The prepared `MatchIndex` is plain data (picklable), so a distributed engine can
broadcast it and call the same `match_name` per partition.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from functools import lru_cache
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from tollwatch.core import names as name_intel

DEFAULT_THRESHOLD = 0.7
CLASH = 0.12  # a strong word unmatched on both sides
THIN = 0.0  # one strong word against several (kept as a feature; the benchmark favours no penalty)
TYPO1_SHORT = 0.75  # one edit in a 4-letter word (Jang/Wang are different surnames)
PREFIX = 0.7  # one word the start of the other (short forms, cut-off words)
TYPO2 = 0.7  # similarity of two edits in a word of 5+ letters
RETRIEVE = 12  # candidate records scored in full per query
CACHE_SMALL = 200_000  # token expansions and query variants remembered
CACHE_RESULTS = 20_000  # whole query results remembered (shipment files repeat names)
NAMES_PER_RECORD = 2  # of each, the names retrieval ranked best
MAX_POSTING = 2500  # keys more common than this only score, they do not retrieve
KO = "k:"  # prefix of Korean syllable keys from core.names

try:  # the legal-forms helpers arrive with the name-intelligence work
    from tollwatch.core.names import legal as _legal  # type: ignore
except ImportError:  # pragma: no cover - until names.legal lands
    _legal = None

# Legal forms and generic company words: they weigh little, so "X Co Ltd" ≈ "X Corporation".
_WEAK_TOKENS = frozenset(
    """co corp corporation company companies ltd limited llc inc incorporated plc sa ag gmbh jsc ojsc pjsc cjsc oao zao ooo
    bv nv spa srl sarl pte pty kk lp llp jv group grp holding holdings international intl trading trdg trade the of and
    de la el al bin ibn mfg manufacturing industrial industry industries enterprise enterprises firm"""
    .split()
)


@lru_cache(maxsize=131072)
def _variants(text: str) -> list[str]:
    """The name and its Latin renderings: Hangul and Han from core.names; other scripts
    (Cyrillic, Arabic, Georgian, kana ...) through anyascii, which core.names leaves alone."""
    out = [text]
    try:
        out.extend(v for v in name_intel.name_variants(text) if v)
    except Exception:  # noqa: BLE001 - a helper bug must not stop screening; the original still matches
        pass
    if _other_script(text):
        try:
            from anyascii import anyascii

            out.append(anyascii(text))
        except ImportError:  # pragma: no cover - anyascii is a dependency
            pass
    return list(dict.fromkeys(out))


def _other_script(text: str) -> bool:
    for ch in text:
        if ord(ch) < 0x250 or not ch.isalpha():
            continue
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            continue  # Hangul: core.names
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            continue  # Han: core.names
        return True
    return False


@lru_cache(maxsize=262144)
def _tokens(text: str) -> tuple[str, ...]:
    """The name as words with legal forms folded ('Co., Ltd.' -> 'co ltd', 'OAO' -> 'jsc')."""
    fold = getattr(_legal, "fold_legal", None) if _legal is not None else None
    words = (fold(text) if fold else name_intel.normalize(text)).split()
    # "A.B.C." is one word, not three initials: order matters (A.B.C. is not C.B.A.).
    out: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        out.append(w)
    if run:
        out.append(run)
    return tuple(out)


@lru_cache(maxsize=262144)
def _token_keys(token: str) -> tuple[str, ...]:
    """A word and its canonical key: Korean romanizations of one syllable string share it."""
    fn = getattr(name_intel, "name_key", None)
    key = fn(token) if fn else token
    return tuple(sorted({token, key.replace(" ", "")} - {""}))


@lru_cache(maxsize=262144)
def base_weight(token: str) -> float:
    """What a word says about identity before rarity: legal forms little, generic words some."""
    if token.isdigit():
        return 0.6
    if len(token) == 1:
        return 0.3
    fn = getattr(_legal, "token_weight", None) if _legal is not None else None
    if fn is not None:
        return fn(token)
    return 0.2 if token in _WEAK_TOKENS else 1.0


def _display(tokens) -> str:
    return " ".join(t[len(KO):] if t.startswith(KO) else t for t in tokens)


def _trigrams(token: str) -> set[str]:
    padded = f"^{token}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def acronym_of(tokens: tuple[str, ...]) -> str:
    """Initials of the strong tokens: 'Daedong Credit Bank' -> 'dcb'."""
    strong = [t for t in tokens if base_weight(t) >= 0.5 and not t.isdigit()]
    return "".join(t[0] for t in strong) if len(strong) >= 2 else ""


@dataclass
class Record:
    """One screenable entry: a list record or an evidence-graph entity."""

    entity_id: str
    dataset: str
    source_id: str  # the list's own identifier (OFAC ent_num, UN reference number) or our entity id
    caption: str
    schema: str  # FtM schema: Person, Organization, Company, Vessel, Airplane
    names: tuple[str, ...]
    info: dict = field(default_factory=dict)  # program, country, kind, allegation ... for risk and reports


@dataclass
class Match:
    record: Record
    score: float
    is_match: bool
    explanation: list[dict]
    matched_name: str

    def as_dict(self) -> dict:
        return {
            "dataset": self.record.dataset,
            "source_id": self.record.source_id,
            "entity_id": self.record.entity_id,
            "name": self.record.caption,
            "matched_name": self.matched_name,
            "schema": self.record.schema,
            "score": round(self.score, 4),
            "match": self.is_match,
            "explanation": self.explanation,
        }


class MatchIndex:
    """Inverted index over the names of many records; build once, query many times."""

    def __init__(self, records: list[Record]):
        self.records: list[Record] = []
        self.name_record = array("i")
        self.name_label: list[str] = []  # the list's own spelling, shown in explanations
        self.name_tokens: list[tuple[str, ...]] = []
        self.vocab: dict[str, tuple[str, ...]] = {}
        self.postings: dict[str, array] = {}
        self.trigram_vocab: dict[str, list[str]] = {}
        self.acronyms: dict[str, array] = {}
        self.datasets: set[str] = set()
        self._cache: OrderedDict = OrderedDict()  # token expansions and query variants (small entries)
        self._results: OrderedDict = OrderedDict()  # whole query results (large entries: fewer kept)
        # Lists, not sets, while building: a set per key costs several times the memory.
        post: dict[str, list[int]] = defaultdict(list)
        acr: dict[str, list[int]] = defaultdict(list)
        for rec in records:
            self.add(rec, post, acr)
        self.postings = {k: array("i", sorted(set(v))) for k, v in post.items()}
        del post
        self.acronyms = {k: array("i", sorted(set(v))) for k, v in acr.items()}
        tri: dict[str, list[str]] = defaultdict(list)
        for tok in self.vocab:
            for g in _trigrams(tok):
                tri[g].append(tok)
        self.trigram_vocab = dict(tri)
        n = max(1, len(self.name_tokens))
        self.key_idf = {k: math.log(1 + n / len(v)) for k, v in self.postings.items()}
        self.max_idf = math.log(1 + n)
        self.tok_idf: dict[str, float] = {}
        self.tok_idf = {t: self.idf(t) for t in self.vocab}
        # Each name's total weight: retrieval scores are normalized by it (a cosine of sorts),
        # so long names do not win by sheer length.
        self.name_norm = array("d", (sum(self.tok_idf[t] for t in toks) or 1.0 for toks in self.name_tokens))

    # --- build ---------------------------------------------------------------------------

    def add(self, rec: Record, post, acr) -> None:
        ri = len(self.records)
        self.records.append(rec)
        self.datasets.add(rec.dataset)
        seen: set[tuple[str, ...]] = set()
        for label in rec.names:
            extra = set(name_intel.token_keys(label))
            for variant in _variants(label):
                toks = _tokens(variant)
                if not toks or toks in seen:
                    continue
                seen.add(toks)
                ni = len(self.name_tokens)
                self.name_record.append(ri)
                self.name_label.append(label)
                self.name_tokens.append(toks)
                for t in toks:
                    keys = self.vocab.get(t)
                    if keys is None:
                        keys = self.vocab[t] = _token_keys(t)
                    for k in keys:
                        post[k].append(ni)
                for k in extra:
                    post[k].append(ni)
                extra = set()
                a = acronym_of(toks)
                if len(a) >= 2:
                    acr[a].append(ni)
                # "ICBC" and "DCB" stand as names of their own in lists too.
                if len(toks) == 1 and 2 <= len(toks[0]) <= 6:
                    acr[toks[0]].append(ni)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = OrderedDict()
        state["_results"] = OrderedDict()
        return state

    # --- retrieval -----------------------------------------------------------------------

    def idf(self, token: str) -> float:
        hit = self.tok_idf.get(token)
        if hit is not None:
            return hit
        keys = self.vocab.get(token) or _token_keys(token)
        best = max((self.key_idf.get(k, 0.0) for k in keys), default=0.0)
        w = best if best else self.max_idf
        return w * base_weight(token)

    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary tokens spelt like `token` (typos, doubled letters), with similarity."""
        key = ("tok", token)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out: list[tuple[str, float]] = []
        if token in self.vocab:
            out.append((token, 1.0))
        if len(token) >= 4 and not token.isdigit():
            counts: dict[str, int] = defaultdict(int)
            grams = _trigrams(token)
            for g in grams:
                lst = self.trigram_vocab.get(g)
                if lst is not None and len(lst) < 3000:
                    for cand in lst:
                        counts[cand] += 1
            need = max(2, int(len(grams) * 0.4))
            for cand, c in counts.items():
                if c >= need and cand != token:
                    sim = token_similarity(token, cand, (), ())
                    if sim >= 0.8:
                        out.append((cand, sim))
            out.sort(key=lambda x: (-x[1], x[0]))
            out = out[:12]
        self._remember(key, out)
        return out

    def _remember(self, key, value) -> None:
        self._cache[key] = value
        if len(self._cache) > CACHE_SMALL:
            self._cache.popitem(last=False)

    def remember_result(self, key, value) -> None:
        self._results[key] = value
        if len(self._results) > CACHE_RESULTS:
            self._results.popitem(last=False)

    def clear_caches(self) -> None:
        self._cache.clear()
        self._results.clear()

    def retrieve(self, variants: list[tuple[str, ...]], datasets: frozenset | None) -> dict[int, float]:
        """Record index -> retrieval weight, from token keys, fuzzy tokens and acronyms."""
        best: dict[int, float] = {}
        for ni, s in self.retrieve_names(variants, datasets).items():
            ri = self.name_record[ni]
            if best.get(ri, 0.0) < s:
                best[ri] = s
        return best

    def retrieve_names(self, variants: list[tuple[str, ...]], datasets: frozenset | None) -> dict[int, float]:
        """Name id -> normalized retrieval score in [0, ~1] (shared weight over both names' weight)."""
        name_score: dict[int, float] = defaultdict(float)
        for toks in variants:
            strong = any(base_weight(t) >= 0.5 for t in toks)
            for t in dict.fromkeys(toks):  # ordered: float sums must not depend on hash seeds
                if strong and base_weight(t) < 0.5:
                    continue  # legal forms and generic words rank, they do not retrieve
                w = self.idf(t)
                hits: dict[int, float] = {}
                keys = self.vocab.get(t) or _token_keys(t)
                expansions = [(k, 1.0) for k in keys] + [(k2, s) for v, s in self.similar_tokens(t) if v != t for k2 in self.vocab.get(v, ())]
                for k, s in expansions:
                    plist = self.postings.get(k)
                    if plist is None or len(plist) > MAX_POSTING:
                        continue
                    for ni in plist:
                        if hits.get(ni, 0.0) < s:
                            hits[ni] = s
                for ni, s in hits.items():
                    name_score[ni] += w * s
            if len(toks) == 1 or all(len(t) == 1 for t in toks):
                acr = "".join(toks).casefold()
                for ni in self.acronyms.get(acr, ()):
                    name_score[ni] += self.max_idf
            else:
                a = acronym_of(toks)
                for ni in self.acronyms.get(a, ()) if len(a) >= 3 else ():
                    name_score[ni] += self.max_idf * 0.5
        q_norm = max((sum(self.idf(t) for t in toks) for toks in variants), default=1.0) or 1.0
        out: dict[int, float] = {}
        records, name_record, norm = self.records, self.name_record, self.name_norm
        for ni, s in name_score.items():
            if datasets is not None and records[name_record[ni]].dataset not in datasets:
                continue
            out[ni] = s / math.sqrt(q_norm * norm[ni])
        return out

    def names_of(self, ri: int) -> list[int]:
        # Records are appended with contiguous name ids: find the slice by binary search.
        lo, hi = 0, len(self.name_record)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.name_record[mid] < ri:
                lo = mid + 1
            else:
                hi = mid
        out = []
        while lo < len(self.name_record) and self.name_record[lo] == ri:
            out.append(lo)
            lo += 1
        return out


# --- scoring --------------------------------------------------------------------------------


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


_SCHEMA_GROUP = {"Person": "person", "Organization": "org", "Company": "org", "LegalEntity": "any", "PublicBody": "org", "Vessel": "craft", "Airplane": "craft"}


@dataclass
class PairScore:
    score: float
    features: list[dict]


def score_tokens(
    q: tuple[str, ...],
    c: tuple[str, ...],
    weight,
    keys,
    q_schema: str | None = None,
    c_schema: str | None = None,
    q_label: str = "",
    c_label: str = "",
) -> PairScore:
    """Score one query name (as tokens) against one candidate name; explain every feature."""
    features: list[dict] = []
    if not q or not c:
        return PairScore(0.0, [])
    wq = [weight(t) for t in q]
    wc = [weight(t) for t in c]
    used = [False] * len(c)
    q_sim = [0.0] * len(q)
    c_sim = [0.0] * len(c)
    pairs = []
    # Greedy alignment, rarest query tokens first: each candidate token is used once.
    for i in sorted(range(len(q)), key=lambda i: -wq[i]):
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
    qd, cd = _display(q), _display(c)
    q_join, c_join = qd.replace(" ", ""), cd.replace(" ", "")
    joined = 1.0 if q_join == c_join else (0.9 if len(q_join) >= 8 and OSA.distance(q_join, c_join, score_cutoff=1) <= 1 else 0.0)
    sum_q, sum_c = sum(wq), sum(wc)
    cov_q = sum(w * s for w, s in zip(wq, q_sim)) / sum_q if sum_q else 0.0
    cov_c = sum(w * s for w, s in zip(wc, c_sim)) / sum_c if sum_c else 0.0
    if joined and len(q) != len(c):
        cov_q = cov_c = joined
    chars = fuzz.token_sort_ratio(qd, cd) / 100.0
    full, both = max(cov_q, cov_c), min(cov_q, cov_c)
    # Tokens left over on both sides are a conflict (Octavian vs Olaf); on one side only,
    # the shorter name is contained in the longer (a middle name, a branch, a legal form).
    conflict = min(1.0 - cov_q, 1.0 - cov_c)
    strong_q = [t for t in q if base_weight(t) >= 0.5]
    strong_c = [t for t in c if base_weight(t) >= 0.5]
    digits_q = {t for t in q if t.isdigit()}
    digits_c = {t for t in c if t.isdigit()}
    raw = 0.42 * full + 0.38 * both + 0.20 * chars - 0.6 * conflict
    # A strong word left unmatched on each side (AL-RAWI vs AL-TIKRITI) names someone else.
    clash = any(s == 0.0 and base_weight(t) >= 0.5 for t, s in zip(q, q_sim)) and any(s == 0.0 and base_weight(t) >= 0.5 for t, s in zip(c, c_sim))
    if clash:
        raw -= CLASH
    thin = min(len(strong_q), len(strong_c)) <= 1 and max(len(strong_q), len(strong_c)) >= 2
    if thin:
        raw -= THIN  # one strong token against several: weak evidence
    if digits_q != digits_c:
        raw -= 0.15 if (digits_q and digits_c) else 0.08  # "Fund VIII" vs "Fund IX", "Company 23" vs "Company"
    legal_q = {t for t in q if _is_legal(t)}
    legal_c = {t for t in c if _is_legal(t)}
    if legal_q and legal_c and legal_q.isdisjoint(legal_c):
        raw -= 0.08
        features.append({"feature": "legal_form_differs", "query": " ".join(sorted(legal_q)), "candidate": " ".join(sorted(legal_c)), "value": -0.08})
    features.append({"feature": "tokens", "query": qd, "candidate": cd, "value": round(both, 3), "pairs": [(_display([a]), _display([b]), v) for a, b, v in pairs]})
    features.append({"feature": "coverage", "query": round(cov_q, 3), "candidate": round(cov_c, 3), "value": round(full, 3)})
    features.append({"feature": "characters", "query": qd, "candidate": cd, "value": round(chars, 3)})
    if conflict > 0.01:
        left_q = [t for t, s in zip(q, q_sim) if s == 0.0]
        left_c = [t for t, s in zip(c, c_sim) if s == 0.0]
        features.append({"feature": "conflicting_tokens", "query": _display(left_q), "candidate": _display(left_c), "value": round(-0.6 * conflict, 3)})
    if thin and THIN:
        features.append({"feature": "single_strong_token", "query": _display(strong_q), "candidate": _display(strong_c), "value": -THIN})
    if joined and q != c:
        features.append({"feature": "joined_tokens", "query": q_join, "candidate": c_join, "value": 1.0})
    # Acronyms and fixed-width truncation, from the legal-forms helper when present.
    if q_label and c_label and raw < 0.8:
        bonus = _legal_features(q, c, q_label, c_label, features)
        raw = max(raw, bonus)
    gq, gc = _SCHEMA_GROUP.get(q_schema or "", "any"), _SCHEMA_GROUP.get(c_schema or "", "any")
    if gq != "any" and gc != "any" and gq != gc:
        raw *= 0.75
        features.append({"feature": "schema_mismatch", "query": q_schema, "candidate": c_schema, "value": -0.25})
    return PairScore(max(0.0, min(1.0, raw)), features)


def _could_be_acronym(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Cheap pre-check: some short word of `a` is spelt only with initials of `b`'s words."""
    initials = {w[0] for w in b if w}
    return len(b) >= 2 and any(2 <= len(t) <= 8 and t.isalpha() and set(t) <= initials for t in a)


@lru_cache(maxsize=65536)
def _is_legal(token: str) -> bool:
    fn = getattr(_legal, "is_legal_form", None) if _legal is not None else None
    return bool(fn(token)) if fn else token in _WEAK_TOKENS


def _legal_features(q, c, q_label: str, c_label: str, features: list[dict]) -> float:
    best = 0.0
    qa, ca = "".join(q), acronym_of(c)
    acro = False
    # Acronyms only where one side is a single short word; truncation only where the
    # query is long and both start alike: the helpers are exact but not cheap.
    maybe_acronym = _could_be_acronym(q, c) or _could_be_acronym(c, q)
    if maybe_acronym and _legal is not None and hasattr(_legal, "acronym_matches") and len(re.sub(r"\W", "", q_label)) >= 3:
        try:
            acro = bool(_legal.acronym_matches(q_label, c_label)) or bool(_legal.acronym_matches(c_label, q_label))
        except Exception:  # noqa: BLE001
            acro = False
    elif len(q) == 1 and len(qa) >= 3 and qa == ca:
        acro = True
    if acro:
        best = max(best, 0.8)
        features.append({"feature": "acronym", "query": q_label, "candidate": c_label, "value": 0.8})
    trunc = False
    maybe_trunc = len(q_label) >= 12 and len(c_label) > len(q_label) * 0.9
    if not maybe_trunc:
        pass
    elif _legal is not None and hasattr(_legal, "is_truncation"):
        try:
            trunc = bool(_legal.is_truncation(q_label, c_label))
        except Exception:  # noqa: BLE001
            trunc = False
    else:
        qs, cs = _display(q), _display(c)
        trunc = len(qs) >= 15 and len(cs) > len(qs) and cs.startswith(qs)
    if trunc:
        best = max(best, 0.78)
        features.append({"feature": "truncation", "query": q_label, "candidate": c_label, "value": 0.78})
    return best


class Matcher:
    """Queries a MatchIndex; remembers recent queries (shipment files repeat names a lot)."""

    def __init__(self, index: MatchIndex, threshold: float = DEFAULT_THRESHOLD):
        self.index = index
        self.threshold = threshold

    def keys(self, token: str) -> tuple[str, ...]:
        k = self.index.vocab.get(token)
        if k is not None:
            return k
        cache = self.index._cache
        hit = cache.get(("keys", token))
        if hit is None:
            hit = _token_keys(token)
            self.index._remember(("keys", token), hit)
        return hit

    def query_variants(self, name: str) -> list[tuple[str, str]]:
        cache = self.index._cache
        hit = cache.get(("var", name))
        if hit is None:
            hit = []
            seen = set()
            for v in _variants(name):
                toks = _tokens(v)
                if toks and toks not in seen:
                    seen.add(toks)
                    hit.append((v, toks))
            self.index._remember(("var", name), hit)
        return hit

    def match(self, name: str, schema: str | None = None, *, limit: int = 5, datasets: frozenset | None = None, threshold: float | None = None) -> list[Match]:
        name = (name or "").strip()
        if not name:
            return []
        threshold = self.threshold if threshold is None else threshold
        key = ("q", name, schema, limit, datasets, threshold)
        results = self.index.__dict__.setdefault("_results", OrderedDict())
        hit = results.get(key)
        if hit is not None:
            results.move_to_end(key)
            return hit
        idx = self.index
        variants = self.query_variants(name)
        by_record: dict[int, list[tuple[float, int]]] = defaultdict(list)
        scores = idx.retrieve_names([t for _, t in variants], datasets)
        # Ties broken by id, never by hash order: the same input scores the same in any process.
        for ni, sc in heapq.nsmallest(RETRIEVE * 6, scores.items(), key=lambda x: (-x[1], x[0])):
            by_record[idx.name_record[ni]].append((sc, ni))
        top = sorted(by_record.items(), key=lambda x: (-max(x[1])[0], x[0]))[:RETRIEVE]
        out: list[Match] = []
        for ri, cands in top:
            rec = idx.records[ri]
            best: PairScore | None = None
            best_label, best_variant = "", ""
            for _, ni in sorted(cands, reverse=True)[:NAMES_PER_RECORD]:
                ctoks = idx.name_tokens[ni]
                for vtext, qtoks in variants:
                    ps = score_tokens(qtoks, ctoks, idx.idf, self.keys, schema, rec.schema, vtext, idx.name_label[ni])
                    if best is None or ps.score > best.score:
                        best, best_label, best_variant = ps, idx.name_label[ni], vtext
            if best is None or best.score <= 0.0:
                continue
            feats = list(best.features)
            if best_variant != name:
                feats.insert(0, {"feature": "script_variant", "query": name, "candidate": best_variant, "value": 1.0})
            feats.insert(0, {"feature": "name", "query": name, "candidate": best_label, "value": round(best.score, 4)})
            out.append(Match(rec, best.score, best.score >= threshold, feats, best_label))
        out.sort(key=lambda m: (-m.score, m.record.dataset, m.record.source_id))
        out = out[:limit]
        idx.remember_result(key, out)
        return out


def pair_score(name1: str, name2: str, schema: str | None = None) -> PairScore:
    """Two names compared without an index (benchmarks, ad-hoc checks): best over variants."""
    def keys(t):
        return _token_keys(t)

    weight = base_weight

    best = PairScore(0.0, [])
    v1 = [(v, _tokens(v)) for v in _variants(name1)]
    v2 = [(v, _tokens(v)) for v in _variants(name2)]
    for a, ta in v1:
        for b, tb in v2:
            ps = score_tokens(ta, tb, weight, keys, schema, schema, a, b)
            if ps.score > best.score or not best.features:
                best = ps
    return best

