"""A static facility map for reports (the dossier): the same Natural Earth outline and
place names the web map serves, the parties' cited points, and a line between two points
of one facility whose sources disagree. Static, because a PDF cannot pan or zoom.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import Any

WIDTH, HEIGHT, PAD = 640, 560, 24
BOX = (123.5, 37.5, 131.2, 43.1)  # lon_min, lat_min, lon_max, lat_max: the DPRK with the border cities
RING = {"high": ("#1f4e79", ""), "medium": ("#1f4e79", ' stroke-dasharray="3 2"'), "low": ("#888", ' stroke-dasharray="1 2"')}


@lru_cache(maxsize=1)
def _basemap() -> tuple[dict[str, Any], dict[str, Any]]:
    base = files("tollwatch") / "server" / "static" / "basemap"
    return (json.loads((base / "korea_ne10m.geojson").read_text(encoding="utf-8")),
            json.loads((base / "places_ne10m.geojson").read_text(encoding="utf-8")))


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x0, y0, x1, y1 = BOX
    return PAD + (lon - x0) / (x1 - x0) * (WIDTH - 2 * PAD), PAD + (y1 - lat) / (y1 - y0) * (HEIGHT - 2 * PAD)


def _outline(feature: dict) -> str:
    geom = feature["geometry"]
    polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    paths = []
    for polygon in polygons:
        for ring in polygon:
            pts = " L".join(f"{x:.1f},{y:.1f}" for x, y in (_xy(lon, lat) for lon, lat in ring))
            paths.append(f"M{pts} Z")
    fill = "#f3efe4" if feature["properties"].get("iso_a3") == "PRK" else "#e4e4e4"
    return f'<path d="{" ".join(paths)}" fill="{fill}" stroke="#999" stroke-width="0.6"/>'


def _level(confidence: str | None) -> str:
    text = (confidence or "").casefold()
    return next((k for k in ("high", "medium", "low") if text.startswith(k)), "low")


def facility_map_svg(facilities: list[dict]) -> str:
    """One SVG: `facilities` are dossier parties with `caption` and `coordinates` (lat, lon, confidence)."""
    inside = [f | {"coordinates": [c for c in f["coordinates"] if BOX[0] <= c["lon"] <= BOX[2] and BOX[1] <= c["lat"] <= BOX[3]]}
              for f in facilities]
    facilities = [f for f in inside if f["coordinates"]]
    if not facilities:
        return ""
    countries, places = _basemap()
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"'
             ' role="img" aria-label="Map of the dossier\'s facilities" font-family="Noto Sans CJK KR, Noto Sans, sans-serif">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#dfeaf2"/>']
    parts += [_outline(f) for f in countries["features"]]
    for p in places["features"]:
        lon, lat = p["geometry"]["coordinates"]
        if BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3] and int(p["properties"].get("rank") or 99) <= 20:
            x, y = _xy(lon, lat)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="#666"/>'
                         f'<text x="{x + 4:.1f}" y="{y + 3:.1f}" font-size="9" fill="#555">{escape(str(p["properties"]["name"]))}</text>')
    for n, fac in enumerate(facilities, start=1):
        pts = [(_xy(c["lon"], c["lat"]), _level(c.get("confidence"))) for c in fac["coordinates"]]
        if len(pts) > 1:
            parts.append('<polyline points="' + " ".join(f"{x:.1f},{y:.1f}" for (x, y), _ in pts)
                         + '" fill="none" stroke="#b5482b" stroke-width="1.2" stroke-dasharray="4 3"/>')
        for (x, y), level in pts:
            colour, dash = RING[level]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#b5482b" fill-opacity="0.8" stroke="{colour}" stroke-width="1.6"{dash}/>')
        (x, y), _ = pts[0]
        right = x > WIDTH * 0.55  # labels of eastern points run leftwards, so none leaves the drawing
        anchor = "end" if right else "start"
        parts.append(f'<text x="{x - 7 if right else x + 7:.1f}" y="{y - 6:.1f}" font-size="11" font-weight="bold" fill="#111"'
                     f' text-anchor="{anchor}">{n}. {escape(fac["caption"])}</text>')
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 20}" font-size="9" fill="#555">Base map and place names: Natural Earth 1:10m (public domain).</text>'
                 f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="9" fill="#555">Ring: solid high, dashed medium, dotted low or not stated confidence;'
                 ' a dashed line joins one facility\'s disagreeing points.</text>')
    parts.append("</svg>")
    return "\n".join(parts)
