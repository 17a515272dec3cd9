"""The bundled-data build: reproducible from ../shared, and only what the licenses allow."""

import importlib.util
import shutil

import pytest

from tests.conftest import ROOT, SHARED
from tollwatch.core.model import Sensitivity

spec = importlib.util.spec_from_file_location("build_reference_data", ROOT / "scripts" / "build_reference_data.py")
build_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_mod)

needs_shared = pytest.mark.skipif(not (SHARED / "README.md").exists(), reason="../shared not present")


@needs_shared
def test_build_reproduces_the_committed_bundle(tmp_path):
    build_mod.build(SHARED, tmp_path)
    bundled = ROOT / "src" / "tollwatch" / "data"
    for f in tmp_path.iterdir():
        assert f.read_bytes() == (bundled / f.name).read_bytes(), f"{f.name} differs: rerun scripts/build_reference_data.py"


@needs_shared
def test_never_bundles_what_the_license_forbids(tmp_path):
    bundled = {p.name for p in (ROOT / "src" / "tollwatch" / "data").iterdir()}
    assert not any("seed" in n or "korea_future" in n or "name_bench" in n for n in bundled)
    seed_text = (SHARED / "data" / "seed" / "dailynk-more-production-tasks.txt").read_text(encoding="utf-8")
    sentence = next(s for s in seed_text.split(". ") if len(s) > 80)[:80]
    for p in (ROOT / "src" / "tollwatch" / "data").iterdir():
        if not p.name.endswith(".gz"):
            assert sentence not in p.read_text(encoding="utf-8")


@needs_shared
def test_refuses_an_input_not_marked_bundle(tmp_path):
    fake = tmp_path / "shared"
    shutil.copytree(SHARED / "data", fake / "data", ignore=shutil.ignore_patterns("*.enc"))
    readme = (SHARED / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "| data/facilities/facilities.csv |" in x)
    (fake / "README.md").write_text(readme.replace(line, line.rsplit("|", 2)[0] + "| no |"), encoding="utf-8")
    with pytest.raises(build_mod.BuildError, match="facilities.csv"):
        build_mod.build(fake, tmp_path / "out")


@needs_shared
def test_catalogue_codes_must_exist(tmp_path, monkeypatch):
    from tollwatch.core import catalogue

    bad = catalogue.Product("product-x", "x", ("6799",), ("x",))
    monkeypatch.setattr(catalogue, "PRODUCTS", catalogue.PRODUCTS + (bad,))
    with pytest.raises(build_mod.BuildError, match="6799"):
        build_mod.build(SHARED, tmp_path / "out")


def test_manifest_records_dates_licenses_and_hashes():
    from tollwatch.importers.reference import manifest

    m = manifest()
    assert m["inputs"]["ofac_sdn"]["snapshot_date"] == "2024-05-03"
    assert m["inputs"]["un_sc"]["snapshot_date"] == "2026-01-28"
    assert m["inputs"]["uk_ofsi"]["snapshot_date"] == "2025-04-14" and "Open Government Licence" in m["inputs"]["uk_ofsi"]["license"]
    assert "public domain" in m["inputs"]["ofac_sdn"]["license"]
    import hashlib

    for name, digest in m["files"].items():
        data = (ROOT / "src" / "tollwatch" / "data" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest


def test_reference_load_keeps_conflicts_and_citations(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        kangdong = r.get_entity("KP-KHS-004")
        assert len(kangdong.coordinates) == 2  # HRNK point and the Korea Future point ~16 km away
        assert {round(c.lat, 2) for c in kangdong.coordinates} == {39.01, 39.14}
        paekto = r.get_entity("KP-LTC-PAEKTO")
        assert paekto.coordinates == [] and paekto.attributes["province"] is None
        wigs = r.get_entity("product-wigs")
        assert wigs.attributes["hs_codes"][0]["code"] == "6704" and "Wigs" in wigs.attributes["hs_codes"][0]["description"]
        monsheery = r.get_entity("org-monsheery")
        assert monsheery.attributes["allegation"] is True and monsheery.dataset == "tollwatch"
        # Paekto's gazetteer row says its product list is a camp-type generalisation: no product claims.
        assert [c for c in r.list_claims(entity_id="KP-LTC-PAEKTO") if c.predicate == "produces" and c.evidence.source_id.startswith("gazetteer")] == []
        for c in r.list_claims():
            src = r.get_source(c.evidence.source_id)
            assert src.url or src.text, c.id
