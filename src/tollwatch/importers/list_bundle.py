"""The bundled lists, pre-parsed: the store rows their import makes, built once by a script.

Parsing the bundled OFAC, UN and UK files and analysing their 52,000 names took most of
the first screening's time (19-34 s on a shared 2-core machine). `scripts/build_list_bundle.py`
runs the ordinary import once and keeps the rows it would insert in `lists_preparsed.json.gz`;
first use then inserts those rows in bulk. The file names the bundled files it was made
from (their sha256, as in manifest.json) and a digest of the code that makes the rows; when
either differs, the rows are not used and the files are imported the ordinary way, so the
store always holds what today's code makes of today's files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from tollwatch.importers.lists import ImportReport
from tollwatch.store.lists import grouped_rows

PREPARSED = "lists_preparsed.json.gz"
# What the rows depend on besides the files: the readers, the model, name analysis and its
# word lists, the row layout, and the libraries the readers and name analysis call.
_CODE = ("importers/*.py", "core/model.py", "core/errors.py", "core/names/*.py", "core/data/*.tsv", "core/data/*.txt", "store/lists.py", "store/schema.py")
_LIBRARIES = ("opencc-python-reimplemented", "pypinyin", "RapidFuzz", "openpyxl", "defusedxml")


@cache
def code_digest() -> str:
    """A digest of everything besides the files that decides the rows."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for pattern in _CODE:
        for path in sorted(root.glob(pattern)):
            h.update(f"{path.relative_to(root).as_posix()}\n".encode())
            h.update(path.read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=none\n".encode())
    return h.hexdigest()


def encode(datasets: dict[str, tuple[ImportReport, dict[str, list[dict]]]], files: dict[str, str]) -> bytes:
    """The pre-parsed file: each dataset's import report and its rows grouped by entity
    (byte-identical for the same input)."""
    body = {
        "code_digest": code_digest(),
        "files": dict(sorted(files.items())),
        "datasets": {ds: {"report": _report_dict(r), "entities": grouped_rows(rows)} for ds, (r, rows) in sorted(datasets.items())},
    }
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")  # attributes keep their key order
    return gzip.compress(raw, compresslevel=9, mtime=0)


def _report_dict(r: ImportReport) -> dict:
    return {"dataset": r.dataset, "fmt": r.fmt, "files": [Path(f).name for f in r.files], "snapshot_date": r.snapshot_date,
            "count": r.count, "skipped": r.skipped, "folded": r.folded}


@cache
def _body() -> dict | None:
    path = resources.files("tollwatch") / "data" / PREPARSED
    if not path.is_file():
        return None
    import orjson  # parses this 30 MB file several times faster than json

    body: dict = orjson.loads(gzip.decompress(path.read_bytes()))
    return body


def preparsed(dataset: str, files: dict[str, str | None]) -> tuple[ImportReport, list[list]] | None:
    """The report and grouped rows (`store.lists.grouped_rows`) of one bundled dataset, or None when the file is
    missing or was made from other files (`files`: name -> sha256) or by other code than this."""
    body = _body()
    if body is None or body.get("code_digest") != code_digest():
        return None
    entry = body["datasets"].get(dataset)
    if entry is None or any(body["files"].get(name) != sha for name, sha in files.items()):
        return None
    rep = entry["report"]
    paths = [str(resources.files("tollwatch") / "data" / name) for name in rep["files"]]
    report = ImportReport(rep["dataset"], rep["fmt"], paths, rep["snapshot_date"], rep["count"], list(rep["skipped"]), rep["folded"])
    return report, entry["entities"]
