"""Draw the facility map as inline SVG, offline: a plain equirectangular projection
over bundled Natural Earth boundaries (Web Mercator only when online tiles are configured).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

WIDTH = 760


def _basemap() -> dict:
    raw = (resources.files("tollwatch.server") / "static" / "basemap" / "korea_ne10m.geojson").read_text("utf-8")
    return json.loads(raw)


class Equirectangular:
    """x ∝ lon·cos(φ0), y ∝ −lat: true to scale along the map's middle latitude."""

    def __init__(self, bbox: tuple[float, float, float, float], width: int = WIDTH):
        self.lon0, self.lat0, self.lon1, self.lat1 = bbox
        self.k = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        self.scale = width / ((self.lon1 - self.lon0) * self.k)
        self.width = width
        self.height = round((self.lat1 - self.lat0) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.lon0) * self.k * self.scale, 1), round((self.lat1 - lat) * self.scale, 1))


class WebMercator:
    """Slippy-map tile space at one zoom level, for when online tiles are configured."""

    def __init__(self, bbox: tuple[float, float, float, float], zoom: int = 6):
        self.zoom = zoom
        self.lon0, self.lat0, self.lon1, self.lat1 = bbox
        self.x0, self.y0 = self._px(self.lon0, self.lat1)
        x1, y1 = self._px(self.lon1, self.lat0)
        self.width, self.height = round(x1 - self.x0), round(y1 - self.y0)

    def _px(self, lon: float, lat: float) -> tuple[float, float]:
        n = 256 * 2**self.zoom
        x = (lon + 180.0) / 360.0 * n
        s = math.sin(math.radians(lat))
        y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n
        return x, y

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._px(lon, lat)
        return (round(x - self.x0, 1), round(y - self.y0, 1))

    def tiles(self, url_template: str) -> list[dict]:
        out = []
        for tx in range(int(self.x0 // 256), int((self.x0 + self.width) // 256) + 1):
            for ty in range(int(self.y0 // 256), int((self.y0 + self.height) // 256) + 1):
                out.append(
                    {
                        "href": url_template.replace("{z}", str(self.zoom)).replace("{x}", str(tx)).replace("{y}", str(ty)),
                        "x": round(tx * 256 - self.x0, 1),
                        "y": round(ty * 256 - self.y0, 1),
                    }
                )
        return out


@cache
def _paths(kind: str) -> tuple[list[dict], dict]:
    doc = _basemap()
    bbox = tuple(doc["bbox"])
    proj = projection(kind, bbox)
    shapes = []
    for f in doc["features"]:
        d = []
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                pts = [proj(x, y) for x, y in ring]
                d.append("M" + " L".join(f"{x},{y}" for x, y in pts) + " Z")
        shapes.append({"iso": f["properties"]["iso_a3"], "name": f["properties"]["name"], "d": " ".join(d)})
    return shapes, {"width": proj.width, "height": proj.height, "source": doc["source"]}


def projection(kind: str, bbox=None):
    bbox = bbox or tuple(_basemap()["bbox"])
    return WebMercator(bbox) if kind == "mercator" else Equirectangular(bbox)


def render_map(facilities: list[dict], tiles_url: str | None = None) -> dict:
    """Everything the template needs: base shapes, projected points, graticule, tiles."""
    kind = "mercator" if tiles_url else "equirectangular"
    shapes, info = _paths(kind)
    proj = projection(kind)
    markers = []
    for f in facilities:
        pts = [dict(p, xy=proj(p["lon"], p["lat"])) for p in f["points"]]
        if pts:
            markers.append({**f, "projected": pts})
    place_labels(markers, info["width"])
    graticule = []
    for lon in range(124, 132, 2):
        (x, _), (_, y1) = proj(lon, 44.0), proj(lon, 36.5)
        graticule.append({"x1": x, "y1": 0, "x2": x, "y2": y1, "label": f"{lon}°E", "lx": x + 2, "ly": 12})
    for lat in range(38, 44, 2):
        (_, y), (x1, _) = proj(123.0, lat), proj(132.0, lat)
        graticule.append({"x1": 0, "y1": y, "x2": x1, "y2": y, "label": f"{lat}°N", "lx": 2, "ly": y - 2})
    return {
        "width": info["width"],
        "height": info["height"],
        "shapes": shapes,
        "markers": markers,
        "graticule": graticule,
        "tiles": proj.tiles(tiles_url) if tiles_url else [],
        "attribution": info["source"],
    }


LABEL_HEIGHT = 12.0
CHAR_WIDTH = 5.9  # average advance of the 10.5px label font


def place_labels(markers: list[dict], width: float) -> None:
    """Greedy placement: right of the point, else left, else shifted up or down with a leader line."""
    placed: list[tuple[float, float, float, float]] = []
    dots = [(p["xy"][0], p["xy"][1]) for m in markers for p in m["projected"]]
    for m in sorted(markers, key=lambda m: m["projected"][0]["xy"][1]):
        x, y = m["projected"][0]["xy"]
        w = CHAR_WIDTH * len(m["caption"])
        options = []
        for dy in (0, 14, -14, 28, -28, 42, -42, 56, -56):
            for side in ("right", "left"):
                lx = x + 9 if side == "right" else x - 9 - w
                options.append((side, dy, lx))
        chosen = None
        for side, dy, lx in options:
            box = (lx, y + dy - 8, lx + w, y + dy + 4)
            if box[0] < 2 or box[2] > width - 2:
                continue
            if any(_overlap(box, b) for b in placed):
                continue
            if any(box[0] - 4 <= dx <= box[2] + 4 and box[1] - 4 <= dy_ <= box[3] + 4 for dx, dy_ in dots if (dx, dy_) != (x, y)):
                continue
            chosen = (side, dy, lx, box)
            break
        if chosen is None:
            side, dy, lx = ("left", 0, x - 9 - w) if x + 9 + w > width else ("right", 0, x + 9)
            chosen = (side, dy, lx, (lx, y - 8, lx + w, y + 4))
        side, dy, lx, box = chosen
        placed.append(box)
        m["label"] = {
            "x": round(x + 8 if side == "right" else x - 8, 1),
            "y": round(y + dy + 4, 1),
            "anchor": "start" if side == "right" else "end",
            "leader": dy != 0,
            "lx": round(x + (7 if side == "right" else -7), 1),
            "ly": round(y + dy, 1),
        }


def _overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])
