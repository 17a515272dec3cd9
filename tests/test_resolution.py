"""Entity resolution (issue 13): judgements, profiles, candidates, exchange, screening slots.

Real SQLite stores, the bundled gazetteer, and small list records built in the test.
"""

from __future__ import annotations

import json

import pytest

from tollwatch.app import resolution
from tollwatch.app.xref import candidates, run_xref
from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, EntityKind, Identifier, ModelError, Name, Sensitivity
from tollwatch.engines.local import fold_profiles
from tollwatch.store.lists import replace_dataset

KAECHON = ("KP-KHS-001", "KP-KLS-014")


def _list_records(store) -> None:
    un = Entity("un_sc_sanctions-KPi.022", EntityKind.PERSON, "KIM KYU", names=[Name.of("KIM KYU")],
                identifiers=[Identifier("un_sc_sanctions", "KPi.022")], dataset="un_sc_sanctions",
                attributes={"schema": "Person", "list_ref": "KPi.022", "birthDate": ["1968-07-30"], "nationality": ["Democratic People's Republic of Korea"]})
    ofac = Entity("us_ofac_sdn-17624", EntityKind.PERSON, "KIM, Kyu", names=[Name.of("KIM, Kyu")],
                  identifiers=[Identifier("us_ofac_sdn", "17624")], dataset="us_ofac_sdn",
                  attributes={"schema": "Person", "list_ref": "17624", "remarks": "DOB 30 Jul 1968; nationality Korea, North; UN Ref KPi.022."})
    other = Entity("us_ofac_sdn-99", EntityKind.PERSON, "KIM, Kyu Chol", names=[Name.of("KIM, Kyu Chol")],
                   identifiers=[Identifier("us_ofac_sdn", "99")], dataset="us_ofac_sdn",
                   attributes={"schema": "Person", "remarks": "DOB 01 Jan 1950.", "birthDate": ["1950-01-01"]})
    with store.begin("tester") as tx:
        replace_dataset(tx, "un_sc_sanctions", [un], {"snapshot_date": "2025-01-01"})
        replace_dataset(tx, "us_ofac_sdn", [ofac, other], {"snapshot_date": "2025-02-01"})


def test_judge_merge_undo_and_audit(store):
    _list_records(store)
    resolution.judge_pair(store, "ana", "us_ofac_sdn-17624", "un_sc_sanctions-KPi.022", "same", note="DOB and UN ref")
    with store.read(Sensitivity.PUBLIC) as r:
        view = resolution.profile_view(r, "us_ofac_sdn-17624")
        audit = r.audit(actor="ana", action="judge")
    # The documented canonical rule: a UN record names the profile before an OFAC one.
    assert view["id"] == "un_sc_sanctions-KPi.022"
    assert {m["dataset"] for m in view["memberships"]} == {"un_sc_sanctions", "us_ofac_sdn"}
    assert {m["snapshot_date"] for m in view["memberships"]} == {"2025-01-01", "2025-02-01"}
    assert audit and audit[0]["detail"]["judgement"] == "same"
    resolution.undo_judgement(store, "ana", "un_sc_sanctions-KPi.022", "us_ofac_sdn-17624")
    with store.read(Sensitivity.PUBLIC) as r:
        assert resolution.resolve_id(r, "us_ofac_sdn-17624") == "us_ofac_sdn-17624"
        assert r.audit(action="unjudge")


def test_conflicts_are_kept_side_by_side(store):
    _list_records(store)
    resolution.judge_pair(store, "ana", "us_ofac_sdn-99", "un_sc_sanctions-KPi.022", "same")
    with store.read(Sensitivity.PUBLIC) as r:
        view = resolution.profile_view(r, "us_ofac_sdn-99")
    sides = {c["value"]: c["datasets"] for c in view["conflicts"]["birthDate"]}
    assert sides == {"1968-07-30": ["un_sc_sanctions"], "1950-01-01": ["us_ofac_sdn"]}


def test_xref_auto_rule_and_different_blocks(store):
    _list_records(store)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        found = {(c.left.id, c.right.id): c for c in candidates(r, ["us_ofac_sdn", "un_sc_sanctions"])}
    pair = found[("un_sc_sanctions-KPi.022", "us_ofac_sdn-17624")]
    assert pair.rule == "un-ref-cited"
    assert any(e["feature"] == "birth_date" and e["agree"] for e in pair.evidence)
    result = run_xref(store, "cli", Sensitivity.CONFIDENTIAL, ["us_ofac_sdn", "un_sc_sanctions"])
    assert result["merged"] == {"un-ref-cited": 1}
    # A `different` judgement keeps a pair from ever being proposed again.
    resolution.judge_pair(store, "ana", "us_ofac_sdn-99", "un_sc_sanctions-KPi.022", "different")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        again = {(c.left.id, c.right.id) for c in candidates(r, ["us_ofac_sdn", "un_sc_sanctions"])}
    assert ("un_sc_sanctions-KPi.022", "us_ofac_sdn-99") not in again
    assert ("un_sc_sanctions-KPi.022", "us_ofac_sdn-17624") not in again


def test_kaechon_pair_stays_two(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        pairs = {(c.left.id, c.right.id) for c in candidates(r, ["tollwatch"])}
    assert tuple(sorted(KAECHON)) not in pairs
    with pytest.raises(ModelError, match="different numbers"):
        resolution.judge_pair(store, "ana", *KAECHON, "same")
    with store.read(Sensitivity.PUBLIC) as r:
        assert resolution.resolve_id(r, KAECHON[0]) == KAECHON[0]


def test_judgements_round_trip_jsonl(store, tmp_path, db_url):
    _list_records(store)
    resolution.judge_pair(store, "ana", "us_ofac_sdn-17624", "un_sc_sanctions-KPi.022", "same")
    resolution.judge_pair(store, "ana", "us_ofac_sdn-99", "un_sc_sanctions-KPi.022", "different")
    out = tmp_path / "judgements.jsonl"
    assert resolution.export_judgements(store, out, Sensitivity.PUBLIC) == 2
    from tollwatch.app.evidence import open_store

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    _list_records(other)
    assert resolution.import_judgements(other, out, "importer") == 2
    with other.read(Sensitivity.PUBLIC) as r:
        assert {j.judgement.value for j in resolution.list_judgements(r)} == {"same", "different"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(out.read_text() + json.dumps({"left_id": "a", "right_id": "b", "judgement": "maybe"}) + "\n")
    with pytest.raises(InputError, match=r"bad.jsonl:3: judgement:"):
        resolution.import_judgements(other, bad, "importer")


def test_screening_one_slot_per_profile():
    matches = [
        {"entity_id": "un-1", "dataset": "un", "source_id": "KPe.002", "name": "RYONBONG", "score": 1.0, "info": {"snapshot_date": "2025-01-01"}},
        {"entity_id": "ofac-1", "dataset": "ofac", "source_id": "9347", "name": "RYONBONG", "score": 0.99, "info": {"snapshot_date": "2025-02-01"}},
        {"entity_id": "x", "dataset": "ofac", "source_id": "1", "name": "OTHER", "score": 0.8, "info": {}},
    ]
    folded = fold_profiles(matches, {"un-1": "un-1", "ofac-1": "un-1"})
    assert [d["entity_id"] for d in folded] == ["un-1", "x"]
    assert folded[0]["also_listed"][0]["list_date"] == "2025-02-01"
    assert "also_listed" not in folded[1]
