"""Reading input files safely: gzip or plain, bounded lines, errors that name the line.

Shared by the list importers and the screening engine's readers: a 2 GB line or a
50 MB cell is refused with its line number instead of filling memory.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from tollwatch.core.errors import InputError

MAX_CELL = 1024 * 1024  # 1 MiB: no real list has a longer field; a 50 MB cell is an attack or a broken file


def open_binary(path: Path):
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    head = fh.read(2)
    fh.seek(0)
    if head == b"\x1f\x8b":
        return _CheckedGzip(str(path), fileobj=fh)
    return fh


class _CheckedGzip(gzip.GzipFile):
    """A gzip stream whose corruption (bad header, truncation, bad data) is the one-line error."""

    def __init__(self, display: str, **kwargs):
        super().__init__(**kwargs)
        self.display = display

    def _checked(self, call, *args):
        try:
            return call(*args)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"corrupt gzip data ({type(exc).__name__})", path=self.display, field="gzip") from None

    def read(self, size=-1):
        return self._checked(super().read, size)

    def read1(self, size=-1):
        return self._checked(super().read1, size)

    def readline(self, size=-1):
        return self._checked(super().readline, size)

    def peek(self, n):
        return self._checked(super().peek, n)


def reject_lone_surrogates(obj, path: str, lineno: int) -> None:
    """A JSON escape such as \\ud800 decodes to a lone surrogate no store or writer can encode;
    refuse it at its line, naming the key it sits under."""
    stack = [(None, obj)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((k, v) for k, v in value.items())
            stack.extend((None, k) for k in value)
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError("a lone surrogate escape (\\ud800-\\udfff) is not text", path=path, line=lineno, field=str(key or "json")) from None


def check_nonempty(path: Path) -> None:
    with open_binary(path) as fh:
        if not fh.read(4096).strip():
            raise InputError("file is empty", path=str(path))


class LineCountingText(io.TextIOBase):
    """Decodes line by line so an undecodable byte is reported with its line number."""

    def __init__(self, raw, encoding: str, path: str):
        self.raw, self.encoding_name, self.path, self.lineno = raw, encoding, path, 0

    def readable(self) -> bool:
        return True

    def __iter__(self):
        limit = MAX_CELL * 4
        while True:
            raw_line = self.raw.readline(limit + 1)  # bounded: a 2 GB line never sits in memory
            if not raw_line:
                return
            self.lineno += 1
            if len(raw_line) > limit:
                raise InputError(f"line is over the {limit}-byte limit (a cell this large is not a name)", path=self.path, line=self.lineno, field="cell")
            try:
                yield raw_line.decode(self.encoding_name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {self.encoding_name} (byte {exc.start})", path=self.path, line=self.lineno, field="encoding"
                ) from None


def csv_rows(path: Path, encoding: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record, with oversize cells and bad bytes reported."""
    check_nonempty(path)
    raw = open_binary(path)
    text = LineCountingText(raw, encoding, str(path))
    lines = iter(text)
    if encoding.startswith("utf-8"):
        lines = (ln.lstrip("\ufeff") if text.lineno == 1 else ln for ln in lines)
    reader = csv.reader(lines, delimiter=delimiter)
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                msg = str(exc)
                if "field larger" in msg:
                    msg = f"a cell is over the {MAX_CELL}-byte limit"
                raise InputError(msg, path=str(path), line=text.lineno, field="cell") from None
            # OFAC files end with a DOS end-of-file mark (Ctrl-Z): not a record.
            if row and any(c.strip(" \t\r\n\x1a") for c in row):
                yield text.lineno, row
    finally:
        csv.field_size_limit(old)
        raw.close()
