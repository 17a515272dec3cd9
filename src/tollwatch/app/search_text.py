"""The text side of search: which alias matched (and which of its words), HS codes, and source
texts in any script, with the passage that matched.

Hangul and Han have no spaces a word index could rely on (가발을, 假发厂), so sources are searched
by substring on NFKC-folded text: every word of the query must occur in the title, publisher,
id or text. Only sources the Reader loads (those at or below the reader's clearance) are searched.
"""

from __future__ import annotations

import re
import unicodedata

from tollwatch.app.visibility import Reader
from tollwatch.core import names as name_intel
from tollwatch.core.model import Entity
from tollwatch.core.records import source_to_dict
from tollwatch.store import search_repo

TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
HS_LIKE = re.compile(r"\d{2}(?:\d{2}){0,4}")
SNIPPET_BEFORE, SNIPPET_AFTER = 70, 130
MAX_WORDS = 8
SPACES = re.compile(r"\s+")
LINE_BREAKS = re.compile(r"\s*\n\s*")  # a compiled record's lines: kept apart in one-line snippets
# A paraphrase is never shown as the publisher's words: the snippet says whose words it is.
SNIPPET_LABELS = {"verbatim": "in the text", "paraphrase": "in our paraphrase", "compiled": "in the compiled record"}


def name_segments(entity: Entity, q: str) -> tuple[str | None, list[dict]]:
    """(the name that matched, its pieces with the matching words marked); the id when the query was one."""
    if q.strip() == entity.id:
        return entity.id, [{"text": entity.id, "mark": True}]
    keys = name_intel.query_keys(q)
    folded = q.casefold()
    best: tuple[tuple[int, bool], str, list[dict]] | None = None
    for name in entity.all_names():
        covered, pieces = _marked(name, keys)
        # Among names matching as much, the one spelled as typed (the Hangul alias for 개천) wins.
        score = (covered, any(p["mark"] and p["text"].casefold() in folded for p in pieces))
        if best is None or score > best[0]:
            best = (score, name, pieces)
    if best is None or best[0][0] == 0:
        return None, []
    return best[1], best[2]


def _marked(name: str, keys: set[str]) -> tuple[int, list[dict]]:
    pieces: list[dict] = []
    covered: set[str] = set()
    at = 0
    for m in TOKEN.finditer(name):
        hit = name_intel.token_keys(m.group()) & keys
        if not hit:
            continue
        covered |= hit
        if m.start() > at:
            pieces.append({"text": name[at : m.start()], "mark": False})
        pieces.append({"text": m.group(), "mark": True})
        at = m.end()
    if not covered and name_intel.token_keys(name) & keys:  # a glued spelling (개천교화소) matches only whole
        return len(name_intel.token_keys(name) & keys), [{"text": name, "mark": True}]
    if at < len(name):
        pieces.append({"text": name[at:], "mark": False})
    return len(covered), pieces


def hs_code_of(q: str) -> str | None:
    """The digits of an HS code typed as 6704, 6704.20 or 67 04 20; None for anything else."""
    digits = re.sub(r"[.\s]", "", q or "")
    return digits if HS_LIKE.fullmatch(digits) else None


def hs_query(reader: Reader, q: str) -> dict | None:
    """The HS code a query names: its HS 2022 description, the products filed under it, and how
    many stored trade rows carry it; None when the query is not an HS code."""
    from tollwatch.importers.reference import hs_table

    code = hs_code_of(q)
    if code is None:
        return None
    table = hs_table()
    entry = next((table[c] for c in (code, code[:6], code[:4], code[:2]) if c in table), None)
    products = []
    for row in search_repo.entity_rows(reader, kind="product"):
        codes = [str(c.get("code", "")) for c in row["attributes"].get("hs_codes") or [] if isinstance(c, dict)]
        if any(c and (c.startswith(code) or code.startswith(c)) for c in codes):
            products.append(row["id"])
    return {
        "code": code,
        "heading": entry["hscode"] if entry else None,
        "description": entry["description"] if entry else None,
        "products": products,
        "trade_lines": search_repo.trade_line_count(reader, code),
    }


def fold(text: str) -> str:
    """NFKC (full-width Ａ and ＡＢＣ match A and ABC) where that keeps every offset, so what is
    shown is cut from the stored text itself; the text unchanged where NFKC would move offsets."""
    folded = unicodedata.normalize("NFKC", text or "")
    return folded if len(folded) == len(text or "") else (text or "")


def search_sources(reader: Reader, q: str, limit: int = 50) -> list[dict]:
    """Sources whose title, publisher, id or text holds every word of the query, best first."""
    words = [w for w in fold(q).split() if w][:MAX_WORDS]
    if not words:
        return []
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    found = []
    for s in reader.list_sources():
        title, text = fold(s.title), fold(s.text or "")
        other = " ".join(fold(x) for x in (s.publisher or "", s.id))
        if not all(p.search(title) or p.search(other) or p.search(text) for p in patterns):
            continue
        in_title = sum(1 for p in patterns if p.search(title))
        hits = sum(len(p.findall(text)) for p in patterns)
        row = source_to_dict(s)
        row["title_segments"] = _highlight(title, patterns, s.title) if in_title else [{"text": s.title, "mark": False}]
        row["snippet"] = _snippet(text, patterns, s.text or "")
        row["snippet_label"] = SNIPPET_LABELS.get(s.text_kind.value, "in the stored text")
        row["text_hits"] = hits
        found.append((-in_title, -hits, s.id, row))
    found.sort(key=lambda t: t[:3])
    return [row for *_, row in found[:limit]]


def _snippet(text: str, patterns: list[re.Pattern], shown: str) -> list[dict]:
    """The passage around the first occurrence of a query word, every query word in it marked;
    `text` is searched (folded), `shown` (the stored text, same offsets) is what is cut."""
    first = min((m.start() for p in patterns if (m := p.search(text))), default=None)
    if first is None:
        return []
    start, end = max(0, first - SNIPPET_BEFORE), min(len(text), first + SNIPPET_AFTER)
    if start > 0 and " " in text[start:first]:
        start = text.index(" ", start) + 1  # begin at a word, where the script has words
    pieces = [{"text": SPACES.sub(" ", LINE_BREAKS.sub(" · ", p["text"])), "mark": p["mark"]} for p in _highlight(text[start:end], patterns, shown[start:end])]
    if start > 0:
        pieces.insert(0, {"text": "… ", "mark": False})
    if end < len(text):
        pieces.append({"text": " …", "mark": False})
    return pieces


def _highlight(text: str, patterns: list[re.Pattern], shown: str) -> list[dict]:
    """`shown` cut where the patterns match `text` (the same string, or its offset-keeping fold)."""
    spans = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text))
    pieces: list[dict] = []
    at = 0
    for a, b in spans:
        if a < at:
            continue
        if a > at:
            pieces.append({"text": shown[at:a], "mark": False})
        pieces.append({"text": shown[a:b], "mark": True})
        at = b
    if at < len(shown):
        pieces.append({"text": shown[at:], "mark": False})
    return pieces
