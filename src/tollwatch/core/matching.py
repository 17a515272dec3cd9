"""Candidate retrieval of names against screening lists, and the matcher on top. Pure: no I/O.

Retrieval is an inverted index, never a pairwise scan: each indexed name is split
into tokens (core.name_tokens); each token is posted under its cross-script and
romanization keys (from core.names), and a trigram index over the token vocabulary
finds misspelt tokens. Only the few best-retrieved candidates are scored in full, by
core.scoring, whose features and weights are core.features' registry. Every match
carries an explanation naming each feature with the query and candidate values.

The prepared `MatchIndex` is plain data (picklable), so a distributed engine can
broadcast it and call the same `match_name` per partition.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tollwatch.core import names as name_intel
from tollwatch.core.features import DEFAULT_WEIGHTS, weights_key
from tollwatch.core.loan_match import Loan, loan_candidates, query_loans
from tollwatch.core.match_types import Match, Record
from tollwatch.core.query_context import country_penalty, infer_schema, query_countries, schema_feature
from tollwatch.core.query_facts import QueryFacts, with_facts
from tollwatch.core.name_tokens import acronym_of, base_weight, token_keys, tokens, trigrams, variants
from tollwatch.core.scoring import PairScore, cap_written_differently, score_tokens, token_similarity

DEFAULT_THRESHOLD = 0.7
RETRIEVE = 12  # candidate records scored in full per query
CACHE_SMALL = 200_000  # token expansions and query variants remembered
CACHE_RESULTS = 20_000  # whole query results remembered (shipment files repeat names)
NAMES_PER_RECORD = 2  # of each, the names retrieval ranked best
MAX_POSTING = 2500  # keys more common than this only score, they do not retrieve
RETRIEVES = 0.5  # base weight a token needs to retrieve when its name has one that strong

__all__ = ["DEFAULT_THRESHOLD", "Match", "MatchIndex", "Matcher", "PairScore", "Record", "pair_score"]


class MatchIndex:
    """Inverted index over the names of many records; build once, query many times."""

    def __init__(self, records: list[Record]):
        self.records: list[Record] = []
        self.name_record: array[int] = array("i")
        self.name_label: list[str] = []  # the list's own spelling, shown in explanations
        self.name_tokens: list[tuple[str, ...]] = []
        self.vocab: dict[str, tuple[str, ...]] = {}
        self.postings: dict[str, array[int]] = {}
        self.trigram_vocab: dict[str, list[str]] = {}
        self.acronyms: dict[str, array[int]] = {}
        self.datasets: set[str] = set()
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()  # token expansions and query variants (small entries)
        self._results: OrderedDict[tuple[object, ...], list[Match]] = OrderedDict()  # whole query results (large entries: fewer kept)
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
            for g in trigrams(tok):
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

    def add(self, rec: Record, post: dict[str, list[int]], acr: dict[str, list[int]]) -> None:
        ri = len(self.records)
        self.records.append(rec)
        self.datasets.add(rec.dataset)
        seen: set[tuple[str, ...]] = set()
        for label in rec.names:
            extra = set(name_intel.token_keys(label))
            for variant in variants(label):
                toks = tokens(variant)
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
                        keys = self.vocab[t] = token_keys(t)
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

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cache": OrderedDict(), "_results": OrderedDict()}

    # --- retrieval -----------------------------------------------------------------------

    def idf(self, token: str) -> float:
        hit = self.tok_idf.get(token)
        if hit is not None:
            return hit
        keys = self.vocab.get(token) or token_keys(token)
        best = max((self.key_idf.get(k, 0.0) for k in keys), default=0.0)
        w = best if best else self.max_idf
        return w * base_weight(token)

    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary tokens spelt like `token` (typos, doubled letters), with similarity."""
        key = ("tok", token)
        hit: list[tuple[str, float]] | None = self._cache.get(key)
        if hit is not None:
            return hit
        out: list[tuple[str, float]] = []
        if token in self.vocab:
            out.append((token, 1.0))
        if len(token) >= 4 and not token.isdigit():
            counts: dict[str, int] = defaultdict(int)
            grams = trigrams(token)
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

    def split_postings(self, token: str) -> tuple[int, ...]:
        """Names holding a glued query word as two neighbouring words (Shenzhong: SHEN ZHONG)."""
        key = ("split", token)
        hit: tuple[int, ...] | None = self._cache.get(key)
        if hit is not None:
            return hit
        found: set[int] = set()
        if len(token) >= 5 and token.isalpha():
            for i in range(2, len(token) - 1):
                a, b = token[:i], token[i:]
                if a in self.vocab and b in self.vocab:
                    pa, pb = self.postings.get(a, ()), self.postings.get(b, ())
                    if len(pa) <= 8 * MAX_POSTING and len(pb) <= 8 * MAX_POSTING:
                        found |= set(pa) & set(pb)
        out = tuple(sorted(found))
        self._remember(key, out)
        return out

    def _remember(self, key: tuple[str, str], value: object) -> None:
        self._cache[key] = value
        if len(self._cache) > CACHE_SMALL:
            self._cache.popitem(last=False)

    def remember_result(self, key: tuple[object, ...], value: list[Match]) -> None:
        self._results[key] = value
        if len(self._results) > CACHE_RESULTS:
            self._results.popitem(last=False)

    def clear_caches(self) -> None:
        self._cache.clear()
        self._results.clear()

    def retrieve(self, variants: list[tuple[str, ...]], datasets: frozenset[str] | None) -> dict[int, float]:
        """Record index -> retrieval weight, from token keys, fuzzy tokens and acronyms."""
        best: dict[int, float] = {}
        for ni, s in self.retrieve_names(variants, datasets).items():
            ri = self.name_record[ni]
            if best.get(ri, 0.0) < s:
                best[ri] = s
        return best

    def retrieve_names(self, variants: list[tuple[str, ...]], datasets: frozenset[str] | None) -> dict[int, float]:
        """Name id -> normalized retrieval score in [0, ~1] (shared weight over both names' weight)."""
        name_score: dict[int, float] = defaultdict(float)
        for toks in variants:
            strong = any(base_weight(t) >= RETRIEVES for t in toks)
            for t in dict.fromkeys(toks):  # ordered: float sums must not depend on hash seeds
                if strong and base_weight(t) < RETRIEVES:
                    continue  # legal forms and generic words rank, they do not retrieve
                w = self.idf(t)
                hits: dict[int, float] = {}
                keys = self.vocab.get(t) or token_keys(t)
                expansions = [(k, 1.0) for k in keys] + [(k2, s) for v, s in self.similar_tokens(t) if v != t for k2 in self.vocab.get(v, ())]
                for k, s in expansions:
                    plist = self.postings.get(k)
                    if plist is None or len(plist) > MAX_POSTING:
                        continue
                    for ni in plist:
                        if hits.get(ni, 0.0) < s:
                            hits[ni] = s
                if t not in self.vocab:
                    hits.update(dict.fromkeys(self.split_postings(t), 1.0))
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


class Matcher:
    """Queries a MatchIndex; remembers recent queries (shipment files repeat names a lot)."""

    def __init__(self, index: MatchIndex, threshold: float = DEFAULT_THRESHOLD, weights: Mapping[str, float] | None = None):
        self.index = index
        self.threshold = threshold
        self.weights = weights or DEFAULT_WEIGHTS  # core.features.resolve_weights checked them

    def keys(self, token: str) -> tuple[str, ...]:
        k = self.index.vocab.get(token)
        if k is not None:
            return k
        cache = self.index._cache
        hit: tuple[str, ...] | None = cache.get(("keys", token))
        if hit is None:
            hit = token_keys(token)
            self.index._remember(("keys", token), hit)
        return hit

    def query_variants(self, name: str) -> list[tuple[str, tuple[str, ...]]]:
        cache = self.index._cache
        hit: list[tuple[str, tuple[str, ...]]] | None = cache.get(("var", name))
        if hit is None:
            hit = []
            seen = set()
            for v in variants(name):
                toks = tokens(v)
                if toks and toks not in seen:
                    seen.add(toks)
                    hit.append((v, toks))
            self.index._remember(("var", name), hit)
        return hit

    def _score_record(self, rec: Record, cands: list[tuple[float, int]], qvariants: list[tuple[str, tuple[str, ...]]], schema: str | None, kinds: Mapping[str, tuple[str, tuple[tuple[str, str], ...]]], loans: tuple[Loan, ...]) -> tuple[PairScore, str, str, dict[str, tuple[float, str]]] | None:
        """The best pair (query variant, candidate name) of one record, and the best score
        reached through a transliteration and through a translation of the query."""
        idx = self.index
        best: PairScore | None = None
        best_label, best_variant = "", ""
        by_kind: dict[str, tuple[float, str]] = {}
        for _, ni in sorted(cands, reverse=True)[:NAMES_PER_RECORD]:
            ctoks = idx.name_tokens[ni]
            for vtext, qtoks in qvariants:
                ps = score_tokens(qtoks, ctoks, idx.idf, self.keys, schema, rec.schema, vtext, idx.name_label[ni], self.weights, loans)
                if best is None or ps.score > best.score:
                    best, best_label, best_variant = ps, idx.name_label[ni], vtext
                how = kinds.get(vtext, ("", ()))[0]
                if how in ("translation", "transliteration") and ps.score > by_kind.get(how, (0.0, ""))[0]:
                    by_kind[how] = (ps.score, vtext)
        if best is None or best.score <= 0.0:
            return None
        return best, best_label, best_variant, by_kind

    def match(self, name: str, schema: str | None = None, *, limit: int = 5, datasets: frozenset[str] | None = None, threshold: float | None = None, country: str | None = None, facts: QueryFacts | None = None) -> list[Match]:
        """The best candidates for one name; `country` and `facts` (birth dates, ids, IMO) are the query row's, when known."""
        name = (name or "").strip()
        if not name:
            return []
        threshold = self.threshold if threshold is None else threshold
        key = ("q", name, schema, limit, datasets, threshold, weights_key(self.weights), country, facts)
        results: OrderedDict[tuple[object, ...], list[Match]] = self.index.__dict__.setdefault("_results", OrderedDict())
        hit = results.get(key)
        if hit is not None:
            results.move_to_end(key)
            return hit
        idx = self.index
        qvariants, loans = self.query_variants(name), query_loans(name)
        by_record: dict[int, list[tuple[float, int]]] = defaultdict(list)
        scores = idx.retrieve_names([t for _, t in qvariants], datasets)
        # Ties broken by id, never by hash order: the same input scores the same in any process.
        for ni, sc in heapq.nsmallest(RETRIEVE * 6, scores.items(), key=lambda x: (-x[1], x[0])):
            by_record[idx.name_record[ni]].append((sc, ni))
        top = sorted(by_record.items(), key=lambda x: (-max(x[1])[0], x[0]))[:RETRIEVE]
        # A Han brand's sound-alikes come in a lane of their own: they never push a candidate out.
        top += loan_candidates(idx, loans, [t for _, t in qvariants], scores, {ri for ri, _ in top}, datasets, self.weights["phonetic_loan"], MAX_POSTING)
        out: list[Match] = []
        kinds = _variant_kinds(name)
        inferred = None if schema else infer_schema(name)
        q_schema = schema or (inferred[0] if inferred else None)
        q_codes = query_countries(name, country)
        for ri, cands in top:
            rec = idx.records[ri]
            found = self._score_record(rec, cands, qvariants, q_schema, kinds, loans)
            if found is None:
                continue
            best, best_label, best_variant, by_kind = found
            feats, score = list(best.features), best.score
            capped = cap_written_differently(name, best_label, score, self.weights)
            if capped is not None:
                score = capped
                feats.append({"feature": "written_differently", "query": name, "candidate": best_label, "value": capped})
            mismatch = country_penalty(q_codes, rec.info, country, self.weights)
            if mismatch:
                score = max(0.0, score - self.weights["country_mismatch"])
                feats.append(mismatch)
            score, feats = with_facts(score, feats, facts, rec.info, rec.schema, self.weights)
            if inferred:
                feats.insert(0, schema_feature(name, inferred))
            for how in ("translation", "transliteration"):
                if how in by_kind:
                    kind_score, vtext = by_kind[how]
                    feats.insert(0, {"feature": how, "query": name, "candidate": vtext, "terms": [list(p) for p in kinds[vtext][1]], "value": round(kind_score, 4)})
            if best_variant != name:
                feats.insert(0, {"feature": "script_variant", "query": name, "candidate": best_variant, "value": 1.0})
            feats.insert(0, {"feature": "name", "query": name, "candidate": best_label, "value": round(score, 4)})
            out.append(Match(rec, score, score >= threshold, feats, best_label))
        out.sort(key=lambda m: (-m.score, m.record.dataset, m.record.source_id))
        out = out[:limit]
        idx.remember_result(key, out)
        return out


@lru_cache(maxsize=65536)
def _variant_kinds(name: str) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """Each Latin rendering of the query → how it was made (transliteration or translation)."""
    kinds = {v: (how, pairs) for v, how, pairs in name_intel.explained_variants(name)}
    for v in variants(name):
        kinds.setdefault(v, ("transliteration" if v != name else "original", ()))
    return kinds


def pair_score(name1: str, name2: str, schema: str | None = None, weights: Mapping[str, float] | None = None) -> PairScore:
    """Two names compared without an index (benchmarks, ad-hoc checks): best over variants."""
    best = PairScore(0.0, [])
    v1 = [(v, tokens(v)) for v in variants(name1)]
    v2 = [(v, tokens(v)) for v in variants(name2)]
    loans = query_loans(name1)
    for a, ta in v1:
        for b, tb in v2:
            ps = score_tokens(ta, tb, base_weight, token_keys, schema, schema, a, b, weights or DEFAULT_WEIGHTS, loans)
            if ps.score > best.score or not best.features:
                best = ps
    capped = cap_written_differently(name1, name2, best, weights or DEFAULT_WEIGHTS)
    if capped is not None:
        best = PairScore(capped, [*best.features, {"feature": "written_differently", "query": name1, "candidate": name2, "value": capped}])
    return best

