"""Gazetteer facilities linked to Korea Future's prison-database points (issue 13, item 3).

The points are read from ../shared at run time (never bundled). The hand key
(tests/data/kf_facility_key.tsv) was written from the point properties and the gazetteer
before any tuning: which point is which facility, and which facilities have none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tollwatch.app import resolution
from tollwatch.app.xref import candidates, facility_links, load_facility_points
from tollwatch.core.errors import InputError
from tollwatch.core.model import ModelError, Sensitivity
from tollwatch.core.resolution import Judgement, JudgementRecord, components
from tollwatch.importers.facility_points import KF_SOURCE_URL, read_points
from tollwatch.importers.reference import read_json
from tollwatch.store import judgements_repo

POINTS = Path(__file__).resolve().parents[1] / "../shared/data/facilities/korea_future_prison_db_points.geojson"
KEY = Path(__file__).parent / "data" / "kf_facility_key.tsv"
DATASETS = ["tollwatch", "kf_prison_db"]
KAECHON = ("KP-KHS-001", "KP-KLS-014")


def hand_key() -> dict[str, str | None]:
    rows = [line.split("\t") for line in KEY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {r[0]: (None if r[1] == "none" else r[1]) for r in rows}


def score_links(links: dict[str, str]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true links, links found, links in the key); a link to a facility the key says has none is a false one."""
    key = hand_key()
    truth = {g: p for g, p in key.items() if p}
    hits = sum(1 for g, p in links.items() if key.get(g) == p)
    precision = hits / len(links) if links else 1.0
    return precision, hits / len(truth), hits, len(links), len(truth)


def found_links(store) -> dict[str, str]:
    with store.read(Sensitivity.PUBLIC) as r:
        found = candidates(r, DATASETS)
    return {g: (c.right if c.right.dataset == "kf_prison_db" else c.left).id for g, c in facility_links(found).items()}


@pytest.fixture
def linked(store):
    assert load_facility_points(store, "tester", POINTS) == 60
    return store


def test_the_key_covers_every_gazetteer_facility_and_only_real_points():
    key = hand_key()
    assert set(key) == {row["facility_id"] for row in read_json("facilities.json")}
    ids = {e.id for e in read_points(POINTS)}
    assert {p for p in key.values() if p} <= ids
    assert len(set(filter(None, key.values()))) == len([p for p in key.values() if p])  # one point, one facility


def test_xref_finds_the_korea_future_counterparts(linked, capsys):
    precision, recall, hits, found, truth = score_links(found_links(linked))
    with capsys.disabled():
        print(f"\nKorea Future links: precision {precision:.2f} ({hits}/{found}), recall {recall:.2f} ({hits}/{truth})")
    assert precision == 1.0
    assert recall >= 0.9


def test_a_link_keeps_its_evidence_and_both_coordinates(linked):
    with linked.read(Sensitivity.PUBLIC) as r:
        link = facility_links(candidates(r, DATASETS))["KP-KHS-004"].as_dict()
    assert "kfpdb-006" in (link["left_id"], link["right_id"])
    assert link["explanation"]["citations"]["kfpdb-006"] == [KF_SOURCE_URL]
    coords = {(c["entity_id"], c["lat"], c["lon"]): c["source"] for c in link["explanation"]["coordinates"]}
    # Kangdong: HRNK's point and Korea Future's, ~16 km apart, each with its source.
    assert ("KP-KHS-004", 39.008838, 126.153277) in coords and "HRNK" in coords[("KP-KHS-004", 39.008838, 126.153277)]
    assert "kfpdb-006" in coords[("kfpdb-006", 39.1429891, 126.0889511)] and KF_SOURCE_URL in coords[("kfpdb-006", 39.1429891, 126.0889511)]
    resolution.judge_pair(linked, "ana", "KP-KHS-004", "kfpdb-006", "same", note="xref link")
    with linked.read(Sensitivity.PUBLIC) as r:
        view = resolution.profile_view(r, "kfpdb-006")
    assert view["id"] == "KP-KHS-004"  # the gazetteer names the profile
    sides = {c["value"]["source"]: c["entity_ids"] for c in view["conflicts"]["coordinates"]}
    assert any("HRNK" in s for s in sides) and any(KF_SOURCE_URL in s for s in sides)


def test_kaechon_pair_never_merges_even_through_a_point(linked):
    resolution.judge_pair(linked, "ana", "KP-KHS-001", "kfpdb-008", "same")
    with pytest.raises(ModelError, match="different numbers"):
        resolution.judge_pair(linked, "ana", "kfpdb-008", "KP-KLS-014", "same")
    with pytest.raises(ModelError, match="different numbers"):
        resolution.judge_pair(linked, "ana", *KAECHON, "same")
    # A chain stored behind the app's back (an old store, a hand-edited import) still makes no profile of the two.
    with linked.begin("someone") as tx:
        judgements_repo.judge(tx, "kfpdb-008", "KP-KLS-014", Judgement.SAME)
    with linked.read(Sensitivity.PUBLIC) as r:
        assert "KP-KHS-001" not in {m["id"] for m in resolution.profile_view(r, "KP-KLS-014")["members"]}
        assert resolution.resolve_id(r, "KP-KLS-014") != resolution.resolve_id(r, "KP-KHS-001")
        pairs = {(c.left.id, c.right.id) for c in candidates(r, DATASETS)}
    assert tuple(sorted(KAECHON)) not in pairs


def test_the_block_is_in_the_resolver_itself():
    def same(a: str, b: str, at: str) -> JudgementRecord:
        return JudgementRecord(*sorted((a, b)), Judgement.SAME, "t", at)

    chain = [same("A-no1", "X", "1"), same("X", "B-no14", "2"), same("Y", "X", "3")]
    numbers = {"A-no1": frozenset({"1"}), "B-no14": frozenset({"14"})}
    comps = components(chain, numbers=numbers)
    assert comps["A-no1"] == frozenset({"A-no1", "X", "Y"})
    assert "B-no14" not in comps["X"]
    assert components(chain)["A-no1"] >= {"B-no14"}  # the positive control: without numbers the chain joins them


def test_no_facility_pair_with_different_numbers_is_proposed(linked):
    with linked.read(Sensitivity.PUBLIC) as r:
        found = candidates(r, DATASETS)
    for c in found:
        assert not any(e["feature"] == "facility_number" and not e["agree"] for e in c.evidence), c.as_dict()


def test_a_bad_points_file_is_one_line_naming_the_field(tmp_path):
    bad = tmp_path / "points.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"Location Where the Violation Occurred": "X"}, "geometry": None}]}))
    with pytest.raises(InputError, match=r"features\[0\]\.geometry"):
        read_points(bad)


def test_cli_reads_the_points_at_run_time(cli):
    out = cli.json("xref", "--facility-points", str(POINTS), "--dataset", "tollwatch", "--dataset", "kf_prison_db", "--format", "json")
    pairs = {(c["left_id"], c["right_id"]) for c in out}
    assert ("KP-KHS-001", "kfpdb-008") in pairs
    assert not any(c["auto_rule"] for c in out)  # a facility link waits for review
    table = cli("xref", "--dataset", "tollwatch", "--dataset", "kf_prison_db")
    assert "KP-KLS-015 -> kfpdb-012" in table.output
