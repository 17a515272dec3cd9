"""Names as tokens for matching: renderings in Latin, words with legal forms folded,
cross-romanization keys, and how much each word says about identity. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tollwatch.core import countries
from tollwatch.core import names as name_intel
from tollwatch.core.names import legal
from tollwatch.core.names.terms import english_forms

KO = "k:"  # prefix of Korean syllable keys from core.names


@lru_cache(maxsize=131072)
def variants(text: str) -> list[str]:
    """The name and its Latin renderings: Hangul and Han from core.names; other scripts
    (Cyrillic, Arabic, Georgian, kana ...) through anyascii, which core.names leaves alone."""
    out = [text]
    try:
        out.extend(v for v in name_intel.name_variants(text) if v)
    except Exception:  # noqa: BLE001 - a helper bug must not stop screening; the original still matches
        pass
    if _other_script(text):
        try:
            from anyascii import anyascii

            out.append(anyascii(text))
        except ImportError:  # pragma: no cover - anyascii is a dependency
            pass
    # "(UK)", "(Singapore)" are where a company is, not its acronym: alone they name nobody.
    return [v for v in dict.fromkeys(out) if v == text or not countries.is_country_name(v)]


def _other_script(text: str) -> bool:
    for ch in text:
        if ord(ch) < 0x250 or not ch.isalpha():
            continue
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            continue  # Hangul: core.names
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            continue  # Han: core.names
        return True
    return False


@lru_cache(maxsize=262144)
def tokens(text: str) -> tuple[str, ...]:
    """The name as words with legal forms folded ('Co., Ltd.' -> 'co ltd', 'OAO' -> 'jsc')."""
    words = legal.fold_legal(text).split()
    # "A.B.C." is one word, not three initials: order matters (A.B.C. is not C.B.A.).
    out: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        out.append(w)
    if run:
        out.append(run)
    return tuple(out)


@lru_cache(maxsize=262144)
def token_keys(token: str) -> tuple[str, ...]:
    """A word and its canonical key: Korean romanizations of one syllable string share it."""
    key = name_intel.name_key(token)
    keys = {token, key.replace(" ", "")} - {""}
    form = english_forms().get(token)
    if form:  # metals, metallic: forms of one word (core/data/en_forms.tsv)
        keys.add("f:" + form)
    return tuple(sorted(keys))


@lru_cache(maxsize=262144)
def base_weight(token: str) -> float:
    """What a word says about identity before rarity: legal forms little, generic words some."""
    if token.isdigit():
        return 0.6
    if len(token) == 1:
        return 0.3
    return legal.token_weight(token)


def display(tokens: Iterable[str]) -> str:
    return " ".join(t[len(KO):] if t.startswith(KO) else t for t in tokens)


def trigrams(token: str) -> set[str]:
    padded = f"^{token}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def acronym_of(tokens: tuple[str, ...]) -> str:
    """Initials of the strong tokens: 'Daedong Credit Bank' -> 'dcb'."""
    strong = [t for t in tokens if base_weight(t) >= 0.5 and not t.isdigit()]
    return "".join(t[0] for t in strong) if len(strong) >= 2 else ""


@lru_cache(maxsize=65536)
def is_legal(token: str) -> bool:
    """A legal form ("ltd", "jsc", "gmbh" ...), folded across spellings."""
    return bool(legal.is_legal_form(token))
