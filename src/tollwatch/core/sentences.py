"""Sentence spans of a report, in time linear in its length.

Abbreviations ("Jan.", "No.") and legal forms ("Co., Ltd.") do not end a sentence, and a
hard-wrapped line goes on with the same one. Every look at the text around a boundary is
bounded by what it needs (the word before it, the word after it), never the sentence so
far, so a hostile text such as 16,000 "No. " in a row stays linear.
"""

from __future__ import annotations

import re

_ABBREV = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "mr", "mrs",
    "ms", "dr", "st", "co", "ltd", "inc", "corp", "est", "approx", "vs", "etc", "e.g", "i.e", "u.s", "u.n", "gen", "lt",
}
_LEGAL_END = {"co", "ltd", "inc", "corp", "b.v", "n.v", "s.a", "llc", "plc", "gmbh", "limited", "s.r.l", "ag"}
# the look-behind starts a run of stops only at its first stop: a run that cannot end a
# sentence from its first stop cannot from a later one, and retrying each would be quadratic
_BOUNDARY = re.compile(r"(?<![.!?。])[.!?。]+[\"'”’)\]]*(?=\s|$)|\n\s*\n|\n")
_CLOSING = frozenset(".!?:;\"”’")
_WORD_BEFORE = re.compile(r"([\w.]+)\.*$")
_WORD_AFTER = re.compile(r"\s+([A-Z][\w.]*)")
_FORM_AFTER = re.compile(r"\s{1,3}([A-Z][A-Za-z]{1,6})\.?\)")  # bounded: a legal form closing a parenthesis
_WRAPPED_ON = re.compile(r"[a-z(]")


def _ends_closed(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] ends with a closing mark and then only whitespace."""
    k = end
    while k > start and text[k - 1].isspace():
        k -= 1
    return k > start and text[k - 1] in _CLOSING


def _word_before(text: str, start: int, end: int) -> str:
    """The run of word characters and dots that ends text[start:end], casefolded.

    Same answer as searching the whole of text[start:end], looking back only as far as the
    run goes (the window doubles while the match touches its left edge)."""
    size = 16
    while True:
        lo = max(start, end - size)
        m = _WORD_BEFORE.search(text, lo, end)
        if m is None:
            return ""
        if m.start() > lo or lo == start:
            return m.group(1).casefold()
        size *= 2


def _goes_on(text: str, m: re.Match[str], start: int) -> bool:
    """Whether the boundary m, in the sentence begun at start, does not end it."""
    end = m.end()
    if m.group(0) == "\n":
        return bool(_WRAPPED_ON.match(text, end, end + 1)) and not _ends_closed(text, start, m.start())
    if not m.group(0).startswith("."):
        return False
    w = _word_before(text, start, m.start())
    if m.group(0) == ".":
        form = _FORM_AFTER.match(text, end, end + 16)
        if form and form.group(1).casefold() in _LEGAL_END - {"limited"}:
            return True  # "Rixin Foods. Ltd.)": a legal form after the stop goes on with the company's name
    if w in _LEGAL_END or ("." in w and w not in _ABBREV):
        # "Co., Ltd." and "B.V." end a company's name; they end the sentence too when a
        # capitalised word that is not another legal form follows
        nxt = _WORD_AFTER.match(text, end)
        return not nxt or nxt.group(1).rstrip(".").casefold() in _LEGAL_END
    return w in _ABBREV or (len(w) == 1 and w.isalpha())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, trimmed of surrounding whitespace."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _goes_on(text, m, start):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out
