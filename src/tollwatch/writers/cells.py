"""The two rules every written cell obeys: no spreadsheet formula runs, no HTML is markup."""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

FORMULA_STARTS = "=+-@\t\r|"


def safe_cell(value: object) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ (or a control char) is made inert."""
    text = "" if value is None else str(value)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


# What an XLSX cell may not hold: XML 1.0 forbids these control characters, the non-characters
# U+FFFE and U+FFFF, and lone surrogates; openpyxl (lxml) refuses them mid-stream.
_XLSX_ILLEGAL = str.maketrans({c: "\ufffd" for c in [*range(0, 9), 11, 12, *range(14, 32), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]})


def xlsx_cell(value: object) -> object:
    """A safe_cell for a worksheet: floats stay numbers, control characters become U+FFFD."""
    if isinstance(value, float):
        return value
    return safe_cell(value).translate(_XLSX_ILLEGAL)


def escape(value: object) -> str:
    """HTML text or attribute value; None is empty."""
    return html.escape("" if value is None else str(value), quote=True)


def number_text(x: float | int) -> str:
    """30.0 -> "30", 2.5 -> "2.5": no spurious ".0" and no exponent for big counts."""
    f = float(x)
    return str(int(f)) if f.is_integer() else repr(f)


@contextmanager
def atomic_text(path: Path, prefix: str = ".tollwatch-") -> Iterator[IO[str]]:
    """A text file written beside PATH and renamed into place: a failure leaves no partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
