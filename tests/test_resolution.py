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


def _person(eid: str, name: str, dataset: str, **attrs) -> Entity:
    ids = [Identifier("passportNumber", p) for p in attrs.pop("passports", [])]
    return Entity(eid, EntityKind.PERSON, name, names=[Name.of(name)], identifiers=ids, dataset=dataset, attributes={"schema": "Person", **attrs})


def test_passport_with_space_and_dates_one_day_apart_merge(store):
    """KPi.055 / KPi.065 on the bundled lists: a shared passport, birth dates a day apart (UN vs OFAC)."""
    un = _person("un_sc_sanctions-KPi.055", "HAN JANG SU", "un_sc_sanctions", list_ref="KPi.055", birthDate=["1969-11-07"], passports=["PS 745420176"])
    ofac = _person("us_ofac_sdn-21749", "HAN, Jang Su", "us_ofac_sdn", remarks="DOB 08 Nov 1969; Passport PS 745420176 (Korea, North).", birthDate=["08 Nov 1969"])
    far = _person("us_ofac_sdn-1", "HAN, Jang Su", "us_ofac_sdn", remarks="DOB 08 Nov 1979; Passport PS 745420176.", birthDate=["08 Nov 1979"])
    with store.begin("tester") as tx:
        replace_dataset(tx, "un_sc_sanctions", [un], {"snapshot_date": "2025-01-01"})
        replace_dataset(tx, "us_ofac_sdn", [ofac, far], {"snapshot_date": "2025-02-01"})
    with store.read(Sensitivity.PUBLIC) as r:
        found = {(c.left.id, c.right.id): c for c in candidates(r, ["us_ofac_sdn", "un_sc_sanctions"])}
    near = found[("un_sc_sanctions-KPi.055", "us_ofac_sdn-21749")]
    assert any(e["feature"] == "passport" and e["agree"] for e in near.evidence)
    assert near.rule == "shared-document"
    # Ten years apart is no clerical difference: the same passport alone does not merge them.
    assert found[("un_sc_sanctions-KPi.055", "us_ofac_sdn-1")].rule is None


def test_birth_date_spans_compare_by_year():
    from tollwatch.core.xref_features import compare, features_of

    un = _person("u", "KIM JONG SIK", "un_sc_sanctions", birthDate=["1967-1969"])
    ofac = _person("o", "KIM, Jong Sik", "us_ofac_sdn", remarks="DOB 01 Jan 1967 to 31 Dec 1969; Gender Male.")
    agree = [e for e in compare(features_of(un), features_of(ofac)) if e["feature"] == "birth_date"]
    assert agree and agree[0]["agree"] and agree[0]["values"] == ["1967", "1968", "1969"]


def test_reviewed_judgements_file_is_complete():
    from tollwatch.app.reviewed import REVIEWER, reviewed_judgements
    from tollwatch.core.resolution import parse_judgement

    rows = reviewed_judgements()
    assert len(rows) == 29
    for row in rows:
        parse_judgement(row["judgement"])
        assert row["reviewer"] == REVIEWER and row["reviewed_on"] == "2026-12-03"
        assert row["basis"]["names"], row
        assert row["left_id"].startswith("un_sc_sanctions-KP") and row["right_id"].startswith("us_ofac_sdn-")
    pairs = [(r["left_id"], r["right_id"]) for r in rows]
    assert len(set(pairs)) == len(pairs)


def test_reviewed_judgements_recorded_once_and_undo_wins(store):
    from tollwatch.app.reviewed import REVIEWER

    un = _person("un_sc_sanctions-KPi.020", "KANG RYONG", "un_sc_sanctions", list_ref="KPi.020", birthDate=["1969-08-21"])
    ofac = _person("us_ofac_sdn-17627", "KANG, Ryong", "us_ofac_sdn", remarks="DOB 21 Aug 1968; KOMID official in Syria.")
    with store.begin("tester") as tx:
        replace_dataset(tx, "un_sc_sanctions", [un], {"snapshot_date": "2025-01-01"})
        replace_dataset(tx, "us_ofac_sdn", [ofac], {"snapshot_date": "2025-02-01"})
    assert run_xref(store, "cli", Sensitivity.PUBLIC, ["us_ofac_sdn", "un_sc_sanctions"])["reviewed"] == 1
    with store.read(Sensitivity.PUBLIC) as r:
        [j] = resolution.list_judgements(r)
        assert resolution.resolve_id(r, "us_ofac_sdn-17627") == "un_sc_sanctions-KPi.020"
    assert j.actor == REVIEWER and "2026-12-03" in j.note and "designation" in j.note
    resolution.undo_judgement(store, "ana", "un_sc_sanctions-KPi.020", "us_ofac_sdn-17627")
    # A person's undo stands: the next pass does not record the shipped judgement again.
    assert run_xref(store, "cli", Sensitivity.PUBLIC, ["us_ofac_sdn", "un_sc_sanctions"])["reviewed"] == 0
    with store.read(Sensitivity.PUBLIC) as r:
        assert resolution.resolve_id(r, "us_ofac_sdn-17627") == "us_ofac_sdn-17627"


def test_review_queue_holds_only_what_waits_for_a_person(store):
    """The queue (CLI `xref review`, web /review/pairs) leaves out pairs an automatic rule
    decides, before the limit: the best pair here is auto-merged, so a limit of 1 must
    still show the one that waits, and the count must not include the automatic one."""
    from tollwatch.app.xref import review_queue

    _list_records(store)
    queue = review_queue(store, Sensitivity.PUBLIC, ["us_ofac_sdn", "un_sc_sanctions"], limit=1)
    assert queue["pending"] == 1
    assert [(c["left_id"], c["right_id"]) for c in queue["candidates"]] == [("un_sc_sanctions-KPi.022", "us_ofac_sdn-99")]
    with store.read(Sensitivity.PUBLIC) as r:
        assert not resolution.list_judgements(r)  # reading the queue records nothing
