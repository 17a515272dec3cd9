"""Vendor the map's JavaScript from the npm registry into the package, so the map works offline.

Leaflet (BSD-2-Clause) and leaflet.markercluster (MIT) are fetched with `npm pack` into a
temporary folder; only their built dist files and licence texts are copied to
src/tollwatch/server/static/vendor/NAME/, and static/vendor/VENDOR.json records each
package's name, version, licence and the registry's integrity hash. Run once when updating;
needs npm. Nothing is fetched at run time.

    python scripts/build_vendor_js.py
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "tollwatch" / "server" / "static" / "vendor"

# package spec -> (folder, files to copy from the tarball's package/ folder)
PACKAGES = {
    "leaflet@1.9.4": (
        "leaflet",
        ["dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
         "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png", "LICENSE"],
    ),
    "leaflet.markercluster@1.5.3": (
        "markercluster",
        ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"],
    ),
}


def pack(spec: str, tmp: Path) -> tuple[Path, dict]:
    """`npm pack --json` downloads the registry tarball and reports its integrity."""
    out = subprocess.run(["npm", "pack", "--json", spec], cwd=tmp, check=True, capture_output=True, text=True)
    info = json.loads(out.stdout)[0]
    return tmp / info["filename"], info


def main() -> None:
    records = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for spec, (folder, files) in PACKAGES.items():
            tarball, info = pack(spec, tmp)
            dest = OUT / folder
            dest.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tarball) as tar:
                manifest = json.load(tar.extractfile("package/package.json"))
                for name in files:
                    data = tar.extractfile(f"package/{name}").read()
                    target = dest / Path(name).relative_to("dist") if name.startswith("dist/") else dest / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            records.append({
                "name": manifest["name"], "version": manifest["version"], "license": manifest.get("license"),
                "integrity": info.get("integrity"), "folder": f"vendor/{folder}", "files": files,
                "homepage": manifest.get("homepage"),
            })
    (OUT / "VENDOR.json").write_text(json.dumps(records, indent=2) + "\n", "utf-8")
    print("\n".join(f"{r['name']} {r['version']} ({r['license']}) -> {r['folder']}" for r in records))


if __name__ == "__main__":
    main()
