"""The prepared screening index on disk: one folder of .npy arrays that processes memory-map.

`save` writes the index's arrays (core.match_index) as one .npy file each, its small metadata
as JSON, and the rest of the prepared state (risk facts, list metadata, profiles) pickled,
into a temporary folder renamed into place, so a reader never sees half an index. `load`
maps the arrays read-only (numpy mmap_mode="r"): nothing is parsed, pages are read when a
query touches them, and every process on the host that loads the same folder shares them
(server workers, Spark executors, a second `tollwatch screen`).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from tollwatch.core.matching import MatchIndex

__all__ = ["load", "save", "remove"]

_META, _REST = "index.json", "prepared.pkl"


def save(prepared: Any, path: Path) -> None:
    """Writes `prepared` (app.screening.Prepared) to the folder `path`, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".index-"))
    try:
        index: MatchIndex = prepared.index
        for name, arr in index.arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        (tmp / _META).write_text(json.dumps({**index.meta, "arrays": sorted(index.arrays)}), encoding="utf-8")
        rest = {k: v for k, v in vars(prepared).items() if k != "index"}
        with open(tmp / _REST, "wb") as fh:
            pickle.dump(rest, fh, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            os.rename(tmp, path)
        except OSError:  # another process wrote the same index meanwhile: keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load(path: Path, cls: type) -> Any:
    """The prepared index in `path`, its arrays memory-mapped; `cls` is app.screening.Prepared."""
    meta = json.loads((path / _META).read_text(encoding="utf-8"))
    arrays = {name: _map(path / f"{name}.npy") for name in meta.pop("arrays")}
    with open(path / _REST, "rb") as fh:
        rest = pickle.load(fh)
    return cls(index=MatchIndex(arrays=arrays, meta=meta), **rest)


def _map(file: Path) -> np.ndarray:
    try:
        arr = np.load(file, mmap_mode="r", allow_pickle=False)
    except ValueError:  # an empty array maps nothing
        return np.load(file, allow_pickle=False)
    return np.load(file, allow_pickle=False) if arr.size == 0 else arr


def remove(path: Path) -> None:
    """Drops a cached index; processes that mapped it keep reading their pages."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
