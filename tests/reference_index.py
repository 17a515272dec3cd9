"""The screening index as dicts of Python objects, as core.matching.MatchIndex was before the
compact arrays (core.match_index): tests/test_compact_index.py checks both give the same matches."""

from __future__ import annotations

import math
from array import array
from collections import OrderedDict, defaultdict
from typing import Any

from tollwatch.core import names as name_intel
from tollwatch.core.match_types import Match, Record
from tollwatch.core.matching import CACHE_RESULTS, CACHE_SMALL, MAX_POSTING, RETRIEVES
from tollwatch.core.name_tokens import acronym_of, base_weight, token_keys, tokens, trigrams, variants
from tollwatch.core.scoring import token_similarity


class DictIndex:
    """The dict-based index as it was before core.match_index (main at b3069dd), kept to check against."""

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

    def record_dataset(self, ri: int) -> str:
        return self.records[ri].dataset

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
