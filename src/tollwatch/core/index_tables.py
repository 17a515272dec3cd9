"""The compact index's building blocks: string tables and CSR lists over numpy arrays. Pure: no I/O.

A string table is one UTF-8 blob with offsets, ordered by the strings' CRC-32 (ties in
insertion order), so a string's id is its position and a lookup is a bisection over the
hashes plus one comparison. A CSR list is offsets plus int32 data. Both read their arrays
through memoryviews, so arrays memory-mapped from disk (app.index_cache) are shared by every
process that maps them, and scalar reads cost what a list's would.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

__all__ = ["Blobs", "BlobsBuilder", "Csr", "StrTable", "build_csr", "build_strings", "rows_of"]


def _crc(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass"))


class StrTable:
    """Strings by id, and ids by string (-1 when absent)."""

    def __init__(self, blob: np.ndarray, offs: np.ndarray, hashes: np.ndarray):
        self.arrays = {"blob": blob, "offs": offs, "hash": hashes}
        self._b, self._o, self._h = blob.data, offs.data, hashes.data
        self.n = len(offs) - 1

    def __len__(self) -> int:
        return self.n

    def get(self, i: int) -> str:
        o = self._o
        return str(self._b[o[i]:o[i + 1]], "utf-8", "surrogatepass")

    def find(self, s: str) -> int:
        h = _crc(s)
        hs, n = self._h, self.n
        i = bisect_left(hs, h)
        while i < n and hs[i] == h:
            if self.get(i) == s:
                return i
            i += 1
        return -1

    def __iter__(self) -> Iterator[str]:
        return (self.get(i) for i in range(self.n))


def build_strings(strings: Sequence[str]) -> tuple[StrTable, np.ndarray]:
    """The table of `strings` (distinct, ids by position) and each old id's new id."""
    n = len(strings)
    hashes = np.fromiter((_crc(s) for s in strings), dtype=np.uint32, count=n)
    order = np.argsort(hashes, kind="stable")
    encoded = [strings[i].encode("utf-8", "surrogatepass") for i in order.tolist()]
    offs = np.zeros(n + 1, dtype=np.int64)
    if n:
        np.cumsum(np.fromiter((len(b) for b in encoded), dtype=np.int64, count=n), out=offs[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8) if n else np.zeros(0, dtype=np.uint8)
    remap = np.empty(n, dtype=np.int32)
    remap[order] = np.arange(n, dtype=np.int32)
    return StrTable(blob, offs, hashes[order]), remap


class Csr:
    """Row i's int32 values, in the order they were built."""

    def __init__(self, offs: np.ndarray, data: np.ndarray):
        self.arrays = {"offs": offs, "data": data}
        self._o, self._d = offs.data, data.data
        self.n = len(offs) - 1

    def __len__(self) -> int:
        return self.n

    def row(self, i: int) -> memoryview:
        o = self._o
        return self._d[o[i]:o[i + 1]]

    def size(self, i: int) -> int:
        o = self._o
        return o[i + 1] - o[i]


def build_csr(rows: np.ndarray, values: np.ndarray, n_rows: int, *, unique: bool) -> Csr:
    """CSR from (row, value) pairs; values keep their order within a row, deduplicated when
    `unique` (then they were built in ascending order within each row, as name ids are)."""
    order = np.argsort(rows, kind="stable")
    r, v = rows[order], values[order]
    del order
    if unique and len(r):
        keep = np.ones(len(r), dtype=bool)
        keep[1:] = (r[1:] != r[:-1]) | (v[1:] != v[:-1])
        r, v = r[keep], v[keep]
    offs = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=offs[1:])
    return Csr(offs, np.ascontiguousarray(v, dtype=np.int32))


def rows_of(lengths: Iterable[int]) -> np.ndarray:
    """Row ids repeated by length: the rows of a flat list built row by row."""
    lens = np.asarray(array("q", lengths), dtype=np.int64)
    return np.repeat(np.arange(len(lens), dtype=np.int32), lens)


class Blobs:
    """Byte strings by id (labels, encoded records), without a lookup by value."""

    def __init__(self, blob: np.ndarray, offs: np.ndarray):
        self.arrays = {"blob": blob, "offs": offs}
        self._b, self._o = blob.data, offs.data
        self.n = len(offs) - 1

    def __len__(self) -> int:
        return self.n

    def raw(self, i: int) -> memoryview:
        o = self._o
        return self._b[o[i]:o[i + 1]]

    def get(self, i: int) -> str:
        return str(self.raw(i), "utf-8", "surrogatepass")


class BlobsBuilder:
    """Appends byte strings to one growing buffer: no Python object per string is kept."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.offs = array("q", [0])

    def add(self, data: bytes) -> int:
        self.buf += data
        self.offs.append(len(self.buf))
        return len(self.offs) - 2

    def done(self) -> Blobs:
        blob = np.frombuffer(self.buf, dtype=np.uint8) if self.buf else np.zeros(0, dtype=np.uint8)  # no copy
        self.buf = bytearray()
        return Blobs(blob, np.asarray(self.offs, dtype=np.int64))
