"""The user lexicon: cue words and product terms a reviewer adds, loaded after the packaged ones.

It lives in TOLLWATCH_HOME/extraction/lexicon.yaml (TOLLWATCH_HOME defaults to ~/.tollwatch), never
in the installed package. `tollwatch extraction lexicon add KIND TERM` writes it (whole file
replaced atomically, so nothing is half-written); ingest passes its entries to the extractor.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from tollwatch.app.errors import InputError
from tollwatch.core.extraction import LexiconEntry, check_entry


def home() -> Path:
    return Path(os.environ.get("TOLLWATCH_HOME") or Path.home() / ".tollwatch")


def lexicon_path() -> Path:
    return home() / "extraction" / "lexicon.yaml"


def user_entries(path: Path | None = None) -> tuple[LexiconEntry, ...]:
    """The user lexicon's entries; none when there is no file. A bad entry is a one-line error."""
    path = path or lexicon_path()
    if not path.exists():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise InputError(f"{path}, line {line}: not valid YAML") from None
    out = []
    for i, raw in enumerate(data.get("entries") or [], 1):
        if not isinstance(raw, dict):
            raise InputError(f"{path}, entry {i}: expected a mapping with kind, term and lang")
        entry = LexiconEntry(str(raw.get("kind", "")), str(raw.get("term", "")), str(raw.get("lang", "")))
        try:
            check_entry(entry)
        except ValueError as exc:
            raise InputError(f"{path}, entry {i}, field {exc}") from None
        out.append(entry)
    return tuple(out)


def add_entry(kind: str, term: str, lang: str = "", path: Path | None = None) -> tuple[LexiconEntry, bool]:
    """Add one entry (checked first); (the entry, whether it was new)."""
    path = path or lexicon_path()
    entry = LexiconEntry(kind, term.strip(), lang)
    try:
        check_entry(entry)
    except ValueError as exc:
        raise InputError(f"{exc}") from None
    entries = list(user_entries(path))
    if entry in entries:
        return entry, False
    entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"entries": [{"kind": e.kind, "term": e.term, "lang": e.lang} for e in entries]}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# User additions to tollwatch's extraction lexicon (tollwatch extraction lexicon add).\n")
        yaml.safe_dump(body, fh, allow_unicode=True, sort_keys=False)
    os.replace(tmp, path)
    return entry, True
