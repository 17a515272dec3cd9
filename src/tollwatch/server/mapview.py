"""The facility map's data as GeoJSON, for the Leaflet map (static/map.js) and the API.

Every cited point of a facility is one Point feature carrying its source and confidence;
a facility whose sources disagree also gets a LineString joining its points, so the spread
is visible. Confidence is free text in the gazetteer ("medium (unverified provenance)");
its first word gives the level the legend explains, anything else reads "not stated".
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LEVELS = ("high", "medium", "low")


def confidence_level(text: str | None) -> str:
    word = (text or "").strip().split(" ", 1)[0].lower().strip("(),;:")
    return word if word in LEVELS else "not stated"


def facility_geojson(rows: list[dict]) -> dict:
    """A FeatureCollection: one Point per cited point, one LineString per facility with several."""
    features: list[dict] = []
    for f in rows:
        common = {"id": f["id"], "caption": f["caption"], "type": f["type"], "status": f["status"],
                  "url": f"/entities/{f['id']}"}
        points = f["points"]
        for i, p in enumerate(points):
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {**common, "role": "point", "primary": i == 0, "source": p.get("source"),
                               "confidence": p.get("confidence"), "level": confidence_level(p.get("confidence")),
                               "points": len(points)},
            })
        if len({(p["lon"], p["lat"]) for p in points}) > 1:
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[p["lon"], p["lat"]] for p in points]},
                "properties": {**common, "role": "spread", "points": len(points)},
            })
    return {"type": "FeatureCollection", "features": features}


@cache
def basemap_info() -> dict:
    """The bundled Natural Earth layer's extent and attribution (its shapes are served as a file)."""
    folder = resources.files("tollwatch.server") / "static" / "basemap"
    doc = json.loads((folder / "korea_ne10m.geojson").read_text("utf-8"))
    places = json.loads((folder / "places_ne10m.geojson").read_text("utf-8"))
    return {"bbox": doc["bbox"], "source": doc["source"], "places_source": places["source"]}
