"""How much one uploaded file may hold, checked while it is read, not after.

A small file can unpack to a great deal (a zip bomb, a PDF whose pages share one huge
stream, a workbook of millions of shared strings), so the limits are on what a file
expands to as well as on its size. Each has a default, an environment variable and a
name for `tollwatch serve --limit NAME=VALUE`; docs/server.md lists them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from tollwatch.core.errors import InputError

ENV_PREFIX = "TOLLWATCH_"


@dataclass(frozen=True)
class UploadLimits:
    """Per upload. Names are the CLI's and, upper-cased after TOLLWATCH_, the environment's."""

    max_upload_bytes: int = 20 * 1024 * 1024  # the file as sent
    max_pages: int = 2_000  # PDF pages
    max_text_chars: int = 5_000_000  # the text a document expands to
    max_unzipped_bytes: int = 100 * 1024 * 1024  # all parts of a DOCX or XLSX package, unpacked
    max_zip_ratio: int = 100  # unpacked size over packed size, for parts and PDF content past the floor below
    zip_ratio_floor_bytes: int = 4 * 1024 * 1024  # parts smaller than this unpacked are never refused for ratio
    max_rows: int = 100_000  # rows of a screening upload
    max_cells: int = 5_000_000  # cells of a workbook sheet
    max_shared_strings: int = 1_000_000  # an XLSX's shared-string table

    def refuse(self, what: str, name: str, path: str | None, field: str = "size") -> InputError:
        """The one-line error for going over limit `name`; `what` says how far the file got."""
        return InputError(f"{what}, over the {name} limit of {getattr(self, name):,} "
                          f"(set {ENV_PREFIX}{name.upper()} or --limit {name}=N)", path=path, field=field)


NAMES = tuple(f.name for f in fields(UploadLimits))


def _number(raw: str, where: str) -> int:
    try:
        value = int(raw.replace("_", "").strip())
    except ValueError:
        raise InputError(f"expected a whole number, got {raw!r}", field=where) from None
    if value <= 0:
        raise InputError(f"expected a number above zero, got {value}", field=where)
    return value


def limits_from(env: Mapping[str, str] | None = None, options: Mapping[str, str] | None = None) -> UploadLimits:
    """The defaults, overridden by TOLLWATCH_<NAME> variables, overridden by NAME=VALUE options."""
    env = os.environ if env is None else env
    values: dict[str, int] = {}
    for name in NAMES:
        raw = env.get(ENV_PREFIX + name.upper(), "").strip()
        if raw:
            values[name] = _number(raw, ENV_PREFIX + name.upper())
    for name, raw in (options or {}).items():
        if name not in NAMES:
            raise InputError(f"unknown limit {name!r} (one of {', '.join(NAMES)})", field="limit")
        values[name] = _number(raw, name)
    return replace(UploadLimits(), **values)


def parse_options(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`--limit NAME=VALUE` options as a mapping; a malformed one is a one-line error."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"expected NAME=VALUE, got {item!r}", field="limit")
        out[name.strip().replace("-", "_")] = value
    return out
