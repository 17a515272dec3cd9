"""Uploaded files: saved to a private temporary folder, size-checked, named safely for messages."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import HTTPException, UploadFile

from tollwatch.core.model import ModelError


def display_name(filename: str | None) -> str:
    name = Path(filename or "upload").name
    return re.sub(r"[^\w .()-]+", "_", name)[:120] or "upload"


def check_suffix(filename: str | None, allowed, default: str = "") -> str:
    suffix = Path(filename or default).suffix.lower()
    if suffix not in allowed:
        raise ModelError("file", f"unsupported type {suffix or '(none)'} (use {', '.join(allowed)})")
    return suffix


async def save_upload(file: UploadFile, stem: str, suffix: str, max_bytes: int, prefix: str) -> tuple[Path, Path]:
    """(folder, path) of the saved file; over `max_bytes` it is removed and answered 413."""
    tmpdir = Path(tempfile.mkdtemp(prefix=prefix))
    path = tmpdir / (stem + suffix)
    size = 0
    with open(path, "wb") as fh:
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                shutil.rmtree(tmpdir, ignore_errors=True)
                raise HTTPException(413, f"file: over the {max_bytes}-byte limit")
            fh.write(chunk)
    return tmpdir, path
