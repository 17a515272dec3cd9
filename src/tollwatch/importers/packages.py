"""Zip packages (DOCX, XLSX) checked before any parser opens them.

A package's directory says how big each part unpacks to, and zipfile never reads past
that size, so totals and ratios are checked from the directory alone. XML parts are
then streamed once: a document type definition (entities: a billion laughs) is refused,
Word and Excel never write one, and an XLSX's shared strings are counted up to the
limit, because openpyxl loads that whole table before the first row.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import IO

from tollwatch.core.errors import InputError
from tollwatch.core.limits import UploadLimits

CHUNK = 1 << 16
SHARED_STRINGS = "xl/sharedStrings.xml"


def check_package(source: Path | IO[bytes], limits: UploadLimits, display: str, kind: str) -> None:
    """Refuse a DOCX or XLSX (kind) that unpacks too far, declares entities or has too many shared strings."""
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_sizes(infos, limits, display, kind)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and not info.is_dir():
                    _check_xml_part(zf, info, limits, display, kind)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError, zlib.error) as exc:
        raise InputError(f"not a readable {kind} package ({type(exc).__name__}: {exc})".split("\n")[0], path=display, field="content") from None


def _check_sizes(infos: list[zipfile.ZipInfo], limits: UploadLimits, display: str, kind: str) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise limits.refuse(f"the {kind} unpacks to {total:,} bytes", "max_unzipped_bytes", display)
    for info in infos:
        if info.file_size > limits.zip_ratio_floor_bytes:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise limits.refuse(f"part {info.filename[:80]} unpacks {ratio:,}-fold", "max_zip_ratio", display)


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits, display: str, kind: str) -> None:
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise InputError(f"part {info.filename[:80]} declares XML entities (a DTD), which a {kind} never does; refused",
                                 path=display, field="content")
            tail = chunk[-16:]
    if kind == "XLSX" and info.filename == SHARED_STRINGS:
        _count_shared_strings(zf, info, limits, display)


def _count_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits, display: str) -> None:
    from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

    strings = 0
    with zf.open(info) as fh:
        try:
            for _, elem in etree.iterparse(fh, events=("end",), tag="{*}si", resolve_entities=False, no_network=True):
                strings += 1
                if strings > limits.max_shared_strings:
                    raise limits.refuse(f"the XLSX has more than {limits.max_shared_strings:,} shared strings", "max_shared_strings", display)
                elem.clear()
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
        except etree.LxmlError as exc:
            raise InputError(f"not a readable XLSX workbook (shared strings: {exc})".split("\n")[0], path=display, field="content") from None
