"""One streaming pass over list records into the compact index's arrays. Pure: no I/O.

Each record's names are split into tokens (core.name_tokens); each name is posted under its
tokens' keys and its name-level keys (core.names), and under its acronym. The pass only
appends integers to flat arrays and each distinct token, key, trigram and acronym once to a
table, so memory grows with the names' integers, not with Python objects per posting; the
tables and CSR lists are then sorted once (numpy). The arrays are what core.match_index
queries and app.index_cache memory-maps.
"""

from __future__ import annotations

import math
import pickle
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from tollwatch.core import names as name_intel
from tollwatch.core.index_tables import BlobsBuilder, Csr, StrTable, build_csr, build_strings, rows_of
from tollwatch.core.match_types import Record
from tollwatch.core.name_tokens import acronym_of, base_weight, token_keys, tokens, trigrams, variants

FORMAT = 1  # bump when the arrays change meaning
Mapper = Callable[[Callable[[Record], "Analysed"], Iterable[Record]], Iterator["Analysed"]]

__all__ = ["FORMAT", "Mapper", "analyse", "build_arrays", "encode_record", "decode_record"]


def encode_record(rec: Record) -> bytes:
    return pickle.dumps((rec.entity_id, rec.dataset, rec.source_id, rec.caption, rec.schema, rec.names, rec.info), protocol=pickle.HIGHEST_PROTOCOL)


def decode_record(data: memoryview) -> Record:
    return Record(*pickle.loads(data))


Analysed = tuple[bytes, str, list[tuple[str, list[tuple[str, ...]], list[str]]]]


def analyse(rec: Record) -> Analysed:
    """The text work of one record, apart from the integers: its encoding, and per label the
    token tuples of its distinct variants and its name-level keys. A pool's worker can do it."""
    seen: set[tuple[str, ...]] = set()
    labels = []
    for label in rec.names:
        extra = list(set(name_intel.token_keys(label)))
        names = []
        for variant in variants(label):
            toks = tokens(variant)
            if toks and toks not in seen:
                seen.add(toks)
                names.append(toks)
        labels.append((label, names, extra))
    return encode_record(rec), rec.dataset, labels


class _Ids:
    """Distinct strings in first-seen order, with their ids."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.items: list[str] = []

    def id(self, s: str) -> int:
        i = self.ids.get(s)
        if i is None:
            i = self.ids[s] = len(self.items)
            self.items.append(s)
        return i


class _Pass:
    """The streaming pass's state: tables being filled and flat (row, value) integer arrays."""

    def __init__(self) -> None:
        self.toks, self.keys, self.acrs = _Ids(), _Ids(), _Ids()
        self.tok_kids: list[tuple[int, ...]] = []  # per token: its keys, in token_keys order
        self.post_key, self.post_name = array("i"), array("i")
        self.acr_key, self.acr_name = array("i"), array("i")
        self.name_record, self.name_label = array("i"), array("i")
        self.name_tok_len, self.name_tok_val = array("q"), array("i")
        self.labels, self.recs = BlobsBuilder(), BlobsBuilder()
        self.rec_ds = array("h")
        self.datasets = _Ids()

    def token(self, t: str) -> int:
        n = len(self.toks.items)
        tid = self.toks.id(t)
        if tid == n:  # first seen: its keys
            self.tok_kids.append(tuple(self.keys.id(k) for k in token_keys(t)))
        return tid

    def add(self, done: Analysed) -> None:
        data, dataset, labels = done
        ri = self.recs.add(data)
        self.rec_ds.append(self.datasets.id(dataset))
        for label, names, extra_keys in labels:
            extra = [self.keys.id(k) for k in extra_keys]
            if not names:
                continue
            label_id = self.labels.add(label.encode("utf-8", "surrogatepass"))
            for toks in names:
                self._name(ri, label_id, toks, extra)
                extra = []

    def _name(self, ri: int, label_id: int, toks: tuple[str, ...], extra: list[int]) -> None:
        ni = len(self.name_record)
        self.name_record.append(ri)
        self.name_label.append(label_id)
        self.name_tok_len.append(len(toks))
        for t in toks:
            tid = self.token(t)
            self.name_tok_val.append(tid)
            keys = self.tok_kids[tid]
            self.post_key.extend(keys)
            self.post_name.extend([ni] * len(keys))
        self.post_key.extend(extra)
        self.post_name.extend([ni] * len(extra))
        a = acronym_of(toks)
        if len(a) >= 2:
            self.acr_key.append(self.acrs.id(a))
            self.acr_name.append(ni)
        # "ICBC" and "DCB" stand as names of their own in lists too.
        if len(toks) == 1 and 2 <= len(toks[0]) <= 6:
            self.acr_key.append(self.acrs.id(toks[0]))
            self.acr_name.append(ni)


def build_arrays(records: Iterable[Record], mapper: Mapper | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The compact index of `records` (read once, in order): named arrays and small metadata.
    `mapper(analyse, records)`: where the text work runs (a process pool's ordered imap), in order."""
    p = _Pass()
    for done in (mapper or map)(analyse, records):
        p.add(done)
    out: dict[str, np.ndarray] = {}
    tok_table, tok_new = build_strings(p.toks.items)
    key_table, key_new = build_strings(p.keys.items)
    acr_table, acr_new = build_strings(p.acrs.items)
    n_tok, n_key = len(tok_table), len(key_table)
    _put(out, "tok", tok_table.arrays)
    _put(out, "key", key_table.arrays)
    _put(out, "acr", acr_table.arrays)
    tok_key_val = np.asarray(array("i", (k for kids in p.tok_kids for k in kids)), dtype=np.int32)
    tok_keys = build_csr(tok_new[rows_of(len(kids) for kids in p.tok_kids)], key_new[tok_key_val], n_tok, unique=False)
    _put(out, "tok_keys", tok_keys.arrays)
    post = build_csr(key_new[np.asarray(p.post_key, dtype=np.int32)], np.asarray(p.post_name, dtype=np.int32), n_key, unique=True)
    del p.post_key, p.post_name
    _put(out, "post", post.arrays)
    _put(out, "acr_names", build_csr(acr_new[np.asarray(p.acr_key, dtype=np.int32)], np.asarray(p.acr_name, dtype=np.int32), len(acr_table), unique=True).arrays)
    name_toks = build_csr(rows_of(p.name_tok_len), tok_new[np.asarray(p.name_tok_val, dtype=np.int32)], len(p.name_record), unique=False)
    _put(out, "name_toks", name_toks.arrays)
    _put(out, "gram", _trigrams(p.toks.items, tok_new, out))
    n_names = len(p.name_record)
    n = max(1, n_names)
    key_idf = [math.log(1 + n / size) if size else 0.0 for size in np.diff(post.arrays["offs"]).tolist()]
    max_idf = math.log(1 + n)
    tok_idf = _tok_idf(tok_table, tok_keys, key_idf, max_idf)
    norms = array("d")
    offs, data = name_toks.arrays["offs"].tolist(), name_toks.arrays["data"].tolist()
    for i in range(n_names):
        norms.append(sum(tok_idf[t] for t in data[offs[i]:offs[i + 1]]) or 1.0)
    out["key_idf"] = np.asarray(key_idf, dtype=np.float64)
    out["tok_idf"] = np.asarray(tok_idf, dtype=np.float64)
    out["name_norm"] = np.asarray(norms, dtype=np.float64)
    out["name_record"] = np.asarray(p.name_record, dtype=np.int32)
    out["name_label"] = np.asarray(p.name_label, dtype=np.int32)
    out["rec_ds"] = np.asarray(p.rec_ds, dtype=np.int16)
    _put(out, "label", p.labels.done().arrays)
    _put(out, "rec", p.recs.done().arrays)
    return out, {"format": FORMAT, "datasets": list(p.datasets.items), "max_idf": max_idf}


def _put(out: dict[str, np.ndarray], prefix: str, arrays: dict[str, np.ndarray]) -> None:
    for k, v in arrays.items():
        out[f"{prefix}.{k}"] = v


def _trigrams(toks: list[str], tok_new: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Trigram -> the vocabulary tokens holding it (finds misspelt tokens)."""
    grams = _Ids()
    rows, vals = array("i"), array("i")
    for old, tok in enumerate(toks):
        for g in trigrams(tok):
            rows.append(grams.id(g))
            vals.append(old)
    table, new = build_strings(grams.items)
    csr = build_csr(new[np.asarray(rows, dtype=np.int32)], tok_new[np.asarray(vals, dtype=np.int32)], len(table), unique=False)
    _put(out, "gram_toks", csr.arrays)
    return table.arrays


def _tok_idf(tok_table: StrTable, tok_keys: Csr, key_idf: list[float], max_idf: float) -> list[float]:
    """Each token's weight: its rarest key's idf (MatchIndex.idf), times its base weight."""
    offs, data = tok_keys.arrays["offs"].tolist(), tok_keys.arrays["data"].tolist()
    out = []
    for i in range(len(tok_table)):
        best = max((key_idf[k] for k in data[offs[i]:offs[i + 1]]), default=0.0)
        w = best if best else max_idf
        out.append(w * base_weight(tok_table.get(i)))
    return out
