"""The compact inverted index the matcher queries: numpy arrays, shareable by memory-mapping. Pure: no I/O.

core.index_build makes the arrays in one pass; app.index_cache stores them as .npy files and
maps them back, so every process on a host reads the same pages. Tokens, keys, trigrams and
acronyms are string tables with integer ids (core.index_tables); postings, each name's
tokens and each token's keys are CSR lists; idf and norms are float arrays; each record is
encoded once and decoded only when it is a candidate. Retrieval and weights are exactly the
dict-based index's (the same sums in the same order), so scores do not move.
"""

from __future__ import annotations

import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np

from tollwatch.core.index_build import FORMAT, Mapper, build_arrays, decode_record
from tollwatch.core.index_tables import Blobs, Csr, StrTable
from tollwatch.core.match_types import Match, Record
from tollwatch.core.name_tokens import acronym_of, base_weight, token_keys, trigrams
from tollwatch.core.scoring import token_similarity

CACHE_SMALL = 200_000  # token expansions and query variants remembered
CACHE_RESULTS = 20_000  # whole query results remembered (shipment files repeat names)
CACHE_RECORDS = 50_000  # decoded candidate records remembered
MAX_POSTING = 2500  # keys more common than this only score, they do not retrieve
RETRIEVES = 0.5  # base weight a token needs to retrieve when its name has one that strong

__all__ = ["MatchIndex"]


def _sub(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) + 1:]: v for k, v in arrays.items() if k.startswith(prefix + ".")}


class _Lookup:
    """A string table's ids by string, remembered (query tokens repeat)."""

    def __init__(self, table: StrTable):
        self.table, self.memo = table, {}  # type: ignore[var-annotated]

    def __call__(self, s: str) -> int:
        hit = self.memo.get(s)
        if hit is None:
            if len(self.memo) > CACHE_SMALL:
                self.memo.clear()
            hit = self.memo[s] = self.table.find(s)
        return hit


class _Rows:
    """A mapping-like view `string -> row`: what the dict index's postings, acronyms and trigrams were."""

    def __init__(self, find: _Lookup, csr: Csr, decode: StrTable | None = None):
        self.find, self.csr, self.decode = find, csr, decode

    def get(self, key: str, default: Any = None) -> Any:
        i = self.find(key)
        if i < 0:
            return default
        row = self.csr.row(i)
        return row if self.decode is None else [self.decode.get(t) for t in row]

    def __contains__(self, key: str) -> bool:
        return self.find(key) >= 0


class _Vocab:
    """token -> its keys (core.name_tokens.token_keys), for the tokens of indexed names."""

    def __init__(self, index: MatchIndex):
        self.index = index

    def get(self, token: str, default: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
        tid = self.index.tok_id(token)
        return self.index.tok_keys(tid) if tid >= 0 else default

    def __getitem__(self, token: str) -> tuple[str, ...]:
        tid = self.index.tok_id(token)
        if tid < 0:
            raise KeyError(token)
        return self.index.tok_keys(tid)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.index.tok_id(token) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.tok)

    def __len__(self) -> int:
        return len(self.index.tok)


class _Seq:
    """A read-only sequence computed per item (names' tokens and labels, records)."""

    def __init__(self, n: int, item: Any):
        self.n, self.item = n, item

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.item(i)

    def __iter__(self) -> Iterator[Any]:
        return (self.item(i) for i in range(self.n))


class MatchIndex:
    """Inverted index over the names of many records; build once, query many times."""

    def __init__(self, records: Any = None, *, arrays: dict[str, np.ndarray] | None = None, meta: dict[str, Any] | None = None, mapper: Mapper | None = None):
        """From `records` (any iterable, read once), or from saved `arrays` and `meta`;
        `mapper`: where the names' text work runs (core.index_build.build_arrays)."""
        if arrays is None:
            arrays, meta = build_arrays(records or [], mapper)
        if not meta or meta.get("format") != FORMAT:
            raise ValueError("index arrays of another format")
        self._open(arrays, meta)

    def _open(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.arrays, self.meta = arrays, meta
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._results: OrderedDict[tuple[object, ...], list[Match]] = OrderedDict()
        self._recs: dict[int, Record] = {}
        self.tok = StrTable(**_strs(arrays, "tok"))
        self.key = StrTable(**_strs(arrays, "key"))
        self._tok_keys = Csr(**_sub(arrays, "tok_keys"))
        self._post = Csr(**_sub(arrays, "post"))
        self._gram_toks = Csr(**_sub(arrays, "gram_toks"))
        self._name_toks = Csr(**_sub(arrays, "name_toks"))
        self._labels = Blobs(**_sub(arrays, "label"))
        self._rec = Blobs(**_sub(arrays, "rec"))
        self.tok_id, self.key_id = _Lookup(self.tok), _Lookup(self.key)
        self._tkeys: dict[int, tuple[str, ...]] = {}
        self._key_idf, self._tok_idf, self._norm = (arrays[k].data for k in ("key_idf", "tok_idf", "name_norm"))
        self._rec_ds = arrays["rec_ds"].data
        self.name_record = arrays["name_record"].data
        self._name_label = arrays["name_label"].data
        self.dataset_names: list[str] = list(meta["datasets"])
        self.datasets: set[str] = set(self.dataset_names)
        self.max_idf: float = meta["max_idf"]
        self.vocab = _Vocab(self)
        self.postings = _Rows(self.key_id, self._post)
        self.trigram_vocab = _Rows(_Lookup(StrTable(**_strs(arrays, "gram"))), self._gram_toks, self.tok)
        self.acronyms = _Rows(_Lookup(StrTable(**_strs(arrays, "acr"))), Csr(**_sub(arrays, "acr_names")))
        self.name_tokens = _Seq(self._name_toks.n, lambda ni: tuple(self.tok.get(t) for t in self._name_toks.row(ni)))
        self.name_label = _Seq(len(self.name_record), lambda ni: self._labels.get(self._name_label[ni]))
        self.records = _Seq(self._rec.n, self.record)

    def __getstate__(self) -> dict[str, Any]:
        return {"arrays": {k: np.asarray(v) for k, v in self.arrays.items()}, "meta": self.meta}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._open(state["arrays"], state["meta"])

    # --- records and tokens ----------------------------------------------------------------

    def record(self, ri: int) -> Record:
        hit = self._recs.get(ri)
        if hit is None:
            if len(self._recs) > CACHE_RECORDS:
                self._recs.clear()
            hit = self._recs[ri] = decode_record(self._rec.raw(ri))
        return hit

    def record_dataset(self, ri: int) -> str:
        return self.dataset_names[self._rec_ds[ri]]

    def tok_keys(self, tid: int) -> tuple[str, ...]:
        hit = self._tkeys.get(tid)
        if hit is None:
            if len(self._tkeys) > CACHE_SMALL:
                self._tkeys.clear()
            hit = self._tkeys[tid] = tuple(self.key.get(k) for k in self._tok_keys.row(tid))
        return hit

    def _key_ids(self, token: str) -> list[int]:
        tid = self.tok_id(token)
        if tid >= 0:
            return self._tok_keys.row(tid).tolist()
        return [self.key_id(k) for k in token_keys(token)]

    # --- retrieval -----------------------------------------------------------------------

    def idf(self, token: str) -> float:
        tid = self.tok_id(token)
        if tid >= 0:
            return self._tok_idf[tid]
        kidf = self._key_idf
        best = max((kidf[k] if k >= 0 else 0.0 for k in self._key_ids(token)), default=0.0)
        w = best if best else self.max_idf
        return w * base_weight(token)

    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary tokens spelt like `token` (typos, doubled letters), with similarity."""
        key = ("tok", token)
        hit: list[tuple[str, float]] | None = self._cache.get(key)
        if hit is not None:
            return hit
        out: list[tuple[str, float]] = []
        own = self.tok_id(token)
        if own >= 0:
            out.append((token, 1.0))
        if len(token) >= 4 and not token.isdigit():
            counts: dict[int, int] = defaultdict(int)
            grams = trigrams(token)
            find, rows = self.trigram_vocab.find, self._gram_toks
            for g in grams:
                gi = find(g)
                if gi >= 0 and rows.size(gi) < 3000:
                    for cand in rows.row(gi).tolist():
                        counts[cand] += 1
            need = max(2, int(len(grams) * 0.4))
            for cand, c in counts.items():
                if c >= need and cand != own:
                    text = self.tok.get(cand)
                    sim = token_similarity(token, text, (), ())
                    if sim >= 0.8:
                        out.append((text, sim))
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
        self._recs.clear()
        self._tkeys.clear()
        for memo in (self.tok_id, self.key_id, self.trigram_vocab.find, self.acronyms.find):
            memo.memo.clear()

    def retrieve(self, variants: list[tuple[str, ...]], datasets: frozenset[str] | None) -> dict[int, float]:
        """Record index -> retrieval weight, from token keys, fuzzy tokens and acronyms."""
        best: dict[int, float] = {}
        for ni, s in self.retrieve_names(variants, datasets).items():
            ri = self.name_record[ni]
            if best.get(ri, 0.0) < s:
                best[ri] = s
        return best

    def _token_hits(self, t: str) -> dict[int, float]:
        """Name id -> similarity for one query token: its keys, its misspellings' keys, its split."""
        hits: dict[int, float] = {}
        expansions = [(k, 1.0) for k in self._key_ids(t)]
        expansions += [(k2, s) for v, s in self.similar_tokens(t) if v != t for k2 in self._key_ids(v)]
        post = self._post
        for k, s in expansions:
            if k < 0 or post.size(k) > MAX_POSTING:
                continue
            for ni in post.row(k).tolist():
                if hits.get(ni, 0.0) < s:
                    hits[ni] = s
        if self.tok_id(t) < 0:
            hits.update(dict.fromkeys(self.split_postings(t), 1.0))
        return hits

    def retrieve_names(self, variants: list[tuple[str, ...]], datasets: frozenset[str] | None) -> dict[int, float]:
        """Name id -> normalized retrieval score in [0, ~1] (shared weight over both names' weight)."""
        name_score: dict[int, float] = defaultdict(float)
        for toks in variants:
            strong = any(base_weight(t) >= RETRIEVES for t in toks)
            for t in dict.fromkeys(toks):  # ordered: float sums must not depend on hash seeds
                if strong and base_weight(t) < RETRIEVES:
                    continue  # legal forms and generic words rank, they do not retrieve
                w = self.idf(t)
                for ni, s in self._token_hits(t).items():
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
        name_record, norm, rec_ds = self.name_record, self._norm, self._rec_ds
        allowed = None if datasets is None else {i for i, d in enumerate(self.dataset_names) if d in datasets}
        for ni, s in name_score.items():
            if allowed is not None and rec_ds[name_record[ni]] not in allowed:
                continue
            out[ni] = s / math.sqrt(q_norm * norm[ni])
        return out


def _strs(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    sub = _sub(arrays, prefix)
    return {"blob": sub["blob"], "offs": sub["offs"], "hashes": sub["hash"]}
