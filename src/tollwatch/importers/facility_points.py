"""Facility databases read at run time: Korea Future's North Korean Prison Database points.

The points are evidence to cite, not data to ship (../shared/README.md): they are read from
the user's copy of the GeoJSON, never bundled. Each point becomes a facility entity in its
own dataset, `kf_prison_db`, whose id is its position in the file (`kfpdb-008`), with the
point's coordinates, province, operating agency and the type its name states, and the
source URL it came from on every coordinate and in `citations`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tollwatch.core.errors import InputError
from tollwatch.core.model import Coordinates, Entity, EntityKind, Identifier, ModelError, Name

KF_DATASET = "kf_prison_db"
KF_ID_PREFIX = "kfpdb-"
# Where the points come from (../shared/README.md): Korea Future's database via this pinned copy.
KF_SOURCE_URL = "https://github.com/Synn-Arch/NorthKoreanPrison/blob/c6ce3c65/Data/rev_filtered_north_korea_data.geojson"
KF_PUBLISHER = "Korea Future, North Korean Prison Database"
_NAME = "Location Where the Violation Occurred"
_AGENCY = "Affiliated Organisation"
_PROVINCE = "Province Where the Violation Occurred"
MAX_BYTES = 64 * 1024 * 1024  # the real file is 30 kB; a facility database this large is a broken or hostile file


@cache
def _type_rules() -> list[tuple[re.Pattern[str], str]]:
    text = resources.files("tollwatch.core").joinpath("data/facility_point_types.tsv").read_text(encoding="utf-8")
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, kind = line.split("\t")
            rules.append((re.compile(pattern, re.I), kind.strip()))
    return rules


def facility_type_of(name: str) -> str | None:
    """The type a facility's English name states (data/facility_point_types.tsv), or None."""
    return next((kind for pattern, kind in _type_rules() if pattern.search(name)), None)


def point_id(index: int) -> str:
    return f"{KF_ID_PREFIX}{index:03d}"


def read_points(path: Path, source_url: str = KF_SOURCE_URL) -> list[Entity]:
    """Every point of a Korea Future GeoJSON file as a facility entity; a bad point is a one-line error."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise InputError(f"larger than {MAX_BYTES // 2**20} MiB", path=str(path), field="size")
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not JSON: {exc}", path=str(path), line=getattr(exc, "lineno", None), field="geojson") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError("no FeatureCollection features", path=str(path), field="features")
    return [_point(i, f, str(path), source_url) for i, f in enumerate(features)]


def _point(index: int, feature: Any, path: str, source_url: str) -> Entity:
    where = f"features[{index}]"
    props = feature.get("properties") if isinstance(feature, dict) else None
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        raise InputError("no properties", path=path, field=where)
    name = " ".join(str(props.get(_NAME) or "").split())
    if not name:
        raise InputError("no name", path=path, field=f"{where}.properties.{_NAME}")
    try:
        lon, lat = (float(v) for v in geometry["coordinates"][:2])  # type: ignore[index]
        coords = [Coordinates(lat, lon, f"{KF_PUBLISHER}, point {point_id(index)} ({source_url})", None)]
    except (TypeError, KeyError, ValueError, ModelError):
        raise InputError("no valid Point coordinates", path=path, field=f"{where}.geometry") from None
    counts = {k.removesuffix("_count").strip(): int(v) for k, v in props.items() if k.endswith("_count") and isinstance(v, (int, float))}
    return Entity(
        id=point_id(index),
        kind=EntityKind.FACILITY,
        caption=name,
        names=[Name.of(name, lang="en")],
        identifiers=[Identifier(KF_DATASET, point_id(index))],
        coordinates=coords,
        attributes={
            "schema": "Organization",
            "facility_type": facility_type_of(name),
            "province": " ".join(str(props.get(_PROVINCE) or "").split()) or None,
            "operating_agency": " ".join(str(props.get(_AGENCY) or "").split()) or None,
            "country": "kp",
            "violation_counts": counts or None,
            "source_url": source_url,
            "citations": [source_url],
        },
        dataset=KF_DATASET,
    )
