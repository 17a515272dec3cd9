"""Candidate retrieval of names against screening lists, and the matcher on top. Pure: no I/O.

Retrieval is an inverted index, never a pairwise scan: each indexed name is split
into tokens (core.name_tokens); each token is posted under its cross-script and
romanization keys (from core.names), and a trigram index over the token vocabulary
finds misspelt tokens. Only the few best-retrieved candidates are scored in full, by
core.scoring, whose features and weights are core.features' registry. Every match
carries an explanation naming each feature with the query and candidate values.

The prepared `MatchIndex` (core.match_index) is numpy arrays: picklable, so a distributed
engine can broadcast it, and memory-mappable, so processes on one host share one copy.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from functools import lru_cache

from tollwatch.core import names as name_intel
from tollwatch.core.features import DEFAULT_WEIGHTS, weights_key
from tollwatch.core.loan_match import Loan, loan_candidates, query_loans
from tollwatch.core.match_types import Match, Record
from tollwatch.core.query_context import country_penalty, infer_schema, query_countries, schema_feature
from tollwatch.core.match_index import CACHE_RESULTS, CACHE_SMALL, MAX_POSTING, RETRIEVES, MatchIndex
from tollwatch.core.query_facts import QueryFacts, with_facts
from tollwatch.core.name_tokens import base_weight, token_keys, tokens, variants
from tollwatch.core.scoring import PairScore, cap_written_differently, score_tokens

DEFAULT_THRESHOLD = 0.7
RETRIEVE = 12  # candidate records scored in full per query
NAMES_PER_RECORD = 2  # of each, the names retrieval ranked best

__all__ = ["CACHE_RESULTS", "CACHE_SMALL", "DEFAULT_THRESHOLD", "MAX_POSTING", "RETRIEVES", "Match", "MatchIndex", "Matcher", "PairScore", "Record", "pair_score"]


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

