"""Reading user files: size limits, encodings and JSON lines, with errors that name the place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tollwatch.core.errors import InputError
from tollwatch.importers.streams import reject_lone_surrogates

MAX_TEXT_BYTES = 50 * 1024 * 1024


def read_text(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """A user's text file, refused when too big, empty, binary or not UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if size > max_bytes:
        raise InputError(f"file is {size} bytes, over the {max_bytes}-byte limit", path=str(path))
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", path=str(path))
    if b"\x00" in raw[:8192]:
        raise InputError("binary content, not text", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start})", path=str(path), line=line, field="text") from None
    return text.replace("\r\n", "\n")


def read_jsonl(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) per non-blank line; errors name the file, line and field."""
    text = read_text(path, max_bytes=max_bytes)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno, field="json") from None
        if not isinstance(data, dict):
            raise InputError("each line must be a JSON object", path=str(path), line=lineno, field="json")
        if "\\u" in line:  # only an escape can make a lone surrogate
            reject_lone_surrogates(data, str(path), lineno)
        yield lineno, data
