"""The phonetic_loan feature's query side and retrieval (core.names.loans has the sound keys).

A Han query's brands (the characters neither a place nor a term) may be a foreign name
written by sound: 普萊米樂 for PREMERA. `query_loans` gives each brand's tokens, as the
query's renderings write them, with its sound key; `loan_candidates` finds a few list records holding
a word of that key, besides those retrieved by spelling, so such a candidate is scored at all; core.scoring credits the pair only
beside other words that agree (place, translated terms), never on the sound alone. Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rapidfuzz.distance import OSA

from tollwatch.core.name_tokens import is_legal, tokens
from tollwatch.core.names import chinese, loans
from tollwatch.core.names.terms import common_words

if TYPE_CHECKING:
    from tollwatch.core.matching import MatchIndex

Loan = tuple[tuple[str, ...], str, str]  # (the brand's query tokens, its pinyin, its sound key)
MIN_KEY = 2  # sound classes a key needs: one consonant says nothing
MAX_WORDS = 400  # a key shared by more list words than this retrieves nothing
LANE = 4  # records retrieved by sound, besides those retrieved by spelling
_VOCABS: WeakKeyDictionary[MatchIndex, dict[str, list[str]]] = WeakKeyDictionary()

__all__ = ["Loan", "query_loans", "loan_candidates"]


@lru_cache(maxsize=65536)
def query_loans(name: str) -> tuple[Loan, ...]:
    """The brands of a Han name with their sound keys; () for a name without Han."""
    if not chinese.has_han(name):
        return ()
    out = []
    for words, syllables in loans.brand_runs(name):
        key = loans.pinyin_key(syllables)
        toks = tokens(" ".join(words))
        if len(key) >= MIN_KEY and toks:
            out.append((toks, " ".join(syllables), key))
    return tuple(out)


def loan_word(token: str, key: str) -> bool:
    """A list word that may be the loan of `key`: a Latin word of 3+ letters, not a legal form,
    not a word common in names everywhere (SINO, GOLDEN: a translation, not a sound loan)."""
    return _loanable(token) and loans.english_key(token) == key


def _loanable(token: str) -> bool:
    return len(token) >= 3 and token.isalpha() and token.isascii() and not is_legal(token) and token not in common_words() and not loans.reads_as_pinyin(token)


def spelled_alike(brand: tuple[str, ...], word: str) -> bool:
    """The brand's pinyin is also spelled within two edits of the list word (XINNUO, SINNO):
    evidence beside the sound key, so a short key may retrieve and count (core.scoring)."""
    return any(len(t) >= 5 and len(word) >= 5 and OSA.distance(t, word, score_cutoff=2) <= 2 for t in brand)


def _vocab(index: MatchIndex) -> dict[str, list[str]]:
    """The index's words by sound key, built at the first loan query (the index is shared, read-only)."""
    vocab = _VOCABS.get(index)
    if vocab is None:
        grouped: dict[str, list[str]] = defaultdict(list)
        for tok in index.vocab:
            if _loanable(tok):
                key = loans.english_key(tok)
                if len(key) >= MIN_KEY:
                    grouped[key].append(tok)
        vocab = _VOCABS[index] = dict(grouped)
    return vocab


def loan_candidates(index: MatchIndex, query: tuple[Loan, ...], variants: list[tuple[str, ...]], scores: Mapping[int, float],
                    seen: set[int], datasets: frozenset[str] | None, weight: float, max_posting: int) -> list[tuple[int, list[tuple[float, int]]]]:
    """Up to LANE records, not among `seen`, holding a word that sounds like a query brand, best
    first by their retrieval score plus the brand's weight: (record index, [(score, name id)])."""
    if not query or not weight:
        return []
    vocab = _vocab(index)
    by_record: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for brand, _, key in query:
        words = vocab.get(key, ())
        # Words also spelled like the brand (SINNO for xinnuo) go first, alone; a common key retrieves no others.
        close = [w for w in words if spelled_alike(brand, w)]
        if close or len(words) > MAX_WORDS:
            words = close[:MAX_WORDS]
        # The list word stands in for the brand's words: it weighs what they weigh in retrieval,
        # once per rendering of the query that holds them.
        renderings = sum(1 for toks in variants if all(t in toks for t in brand))
        bonus = sum(index.idf(t) for t in brand) * weight * renderings
        for ni in sorted({ni for word in words for k in index.vocab[word] for ni in _postings(index, k, max_posting)}):
            ri = index.name_record[ni]
            if ri not in seen and (datasets is None or index.record_dataset(ri) in datasets):
                by_record[ri].append((scores.get(ni, 0.0) + bonus, ni))
    return sorted(by_record.items(), key=lambda x: (-max(x[1])[0], x[0]))[:LANE]


def _postings(index: MatchIndex, key: str, max_posting: int) -> Sequence[int]:
    plist = index.postings.get(key, ())
    return plist if len(plist) <= max_posting else ()
