"""Disjoint sets (union-find), for grouping ids that are one thing: merged profiles,
dependent sources. Each group's root is its smallest id, so groups are order-independent."""

from __future__ import annotations


class DisjointSets:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
