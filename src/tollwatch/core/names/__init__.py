"""Name intelligence: one place that knows how names in every script meet.

Public contract used by store lookups, screening and extraction:
- normalize(text): casefolded, accent-free, punctuation-free form
- token_keys(text): the set of per-token keys a name is indexed under, across
  scripts and romanizations (Kaechon, Kaech'ŏn, Gaecheon and 개천 share one)
"""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\W_]+", " ", text.casefold())
    return " ".join(text.split())


def token_keys(text: str) -> set[str]:
    return set(normalize(text).split())
