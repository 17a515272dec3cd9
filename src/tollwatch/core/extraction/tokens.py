"""Words with their offsets, Korean particles and solid facility suffixes split off, and the
token keys that let Kaechon, Kaech'ŏn, Gaecheon and 개천 read alike."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tollwatch.core import names as name_intel
from tollwatch.core.extraction.lexicon import HANGUL, lexicon
from tollwatch.core.extraction.morph import Reading

_LEX = lexicon()
_WORD = _LEX.rx["word"]
_HANGUL_WORD = _LEX.rx["hangul_word"]
_KO_DESIGNATION = _LEX.rx["ko_designation_prefix"]
_DESIGNATION = _LEX.rx["designation"]
_PARTICLES = _LEX.lists["particles"]
_KO_FACILITY_SUFFIXES = _LEX.lists["ko_facility_suffixes"]


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def split_hangul(word: str, start: int, reading: Reading | None = None) -> list[Token]:
    """A Hangul word without its particle, with a solid facility suffix as its own token. With a
    morphological reading the particles and endings are its morphemes ("업체로부터" → "업체");
    without one, the longest ending of the particle list."""
    core = word
    end = reading.core_end(start, start + len(word)) if reading is not None else None
    if end is not None:
        core = word[: end - start]
    else:
        for p in _PARTICLES:
            if len(core) > len(p) and core.endswith(p):
                core = core[: -len(p)]
                break
    out: list[Token] = []
    for suf in _KO_FACILITY_SUFFIXES:
        if len(core) > len(suf) and core.endswith(suf):
            head = core[: -len(suf)]
            out.append(Token(head, start, start + len(head)))
            out.append(Token(suf, start + len(head), start + len(core)))
            return out
    out.append(Token(core, start, start + len(core)))
    return out


def tokenize(text: str, reading: Reading | None = None) -> list[Token]:
    out: list[Token] = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        if HANGUL.search(w) and _HANGUL_WORD.fullmatch(w):
            # "제1호교화소" -> "제1호", "교화소"; "개천교화소에서는" -> "개천", "교화소"
            num = _KO_DESIGNATION.match(w)
            if num and len(num.group(0)) < len(w):
                out.append(Token(num.group(0), m.start(), m.start() + num.end()))
                out.extend(split_hangul(w[num.end() :], m.start() + num.end(), reading))
            else:
                out.extend(split_hangul(w, m.start(), reading))
        else:
            out.append(Token(w, m.start(), m.end()))
    return out


@lru_cache(maxsize=65536)
def token_keys(token: str) -> frozenset[str]:
    """Strict keys of one word: its normal form, and its canonical reading from the name
    intelligence. The generous index keys of names.token_keys are not used: in running text
    they would match too much."""
    normal = name_intel.normalize(token)
    joined = normal.replace(" ", "")
    if not joined:
        return frozenset()
    keys = {joined}
    key_tokens = getattr(name_intel, "key_tokens", None)
    if key_tokens is not None:
        try:
            units = [k for _, k in key_tokens(token)]
        except Exception:  # pragma: no cover - name intelligence must never break extraction
            units = []
        if units:
            keys.add("=" + "|".join(units))
    return frozenset(keys)


# Words that say what kind of place a name is, not which one.
GENERIC = frozenset(name_intel.normalize(w).replace(" ", "") for w in _LEX.lists["generic_place_words"])


def is_designation(tok: str) -> bool:
    return bool(_DESIGNATION.fullmatch(tok.casefold().replace(" ", "")))
