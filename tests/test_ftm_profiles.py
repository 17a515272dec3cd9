"""Judgements through FollowTheMoney (issue 13): the FtM export writes one entity per merged
profile, its canonical id as `id` and the other members' ids in `referents` (nomenklatura's form),
and the FtM import turns `referents` back into `same` judgements.

Real SQLite stores; lines checked with the followthemoney library. The lists are loaded into the
fresh store from their own records, as `tollwatch lists` would (an export never re-publishes them).
"""

from __future__ import annotations

import json

import pytest
from followthemoney import model
from followthemoney.entity import ValueEntity

from tests.ftm_support import ftm_problems
from tollwatch.app import resolution
from tollwatch.app.evidence import open_store
from tollwatch.app.export import export_graph, import_graph
from tollwatch.app.ingest import IngestOptions, ingest
from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, EntityKind, Identifier, Name, Sensitivity
from tollwatch.store.lists import replace_dataset

PAEKTO = "KP-LTC-PAEKTO"
UN, OFAC, OTHER = "un_sc_sanctions-KPi.022", "us_ofac_sdn-17624", "us_ofac_sdn-99"


def _lists(store) -> None:
    def person(eid, name, dataset, **attrs):
        return Entity(eid, EntityKind.PERSON, name, names=[Name.of(name)], identifiers=[Identifier(dataset, eid.split("-", 1)[1])],
                      dataset=dataset, attributes={"schema": "Person", **attrs})

    with store.begin("tester") as tx:
        replace_dataset(tx, "un_sc_sanctions", [person(UN, "KIM KYU", "un_sc_sanctions", birthDate=["1968-07-30"])], {"snapshot_date": "2025-01-01"})
        replace_dataset(tx, "us_ofac_sdn", [person(OFAC, "KIM, Kyu", "us_ofac_sdn", remarks="DOB 30 Jul 1968."),
                                            person(OTHER, "KIM, Kyu Chol", "us_ofac_sdn")], {"snapshot_date": "2025-02-01"})


def _profiles(store) -> dict[str, str]:
    with store.read(Sensitivity.PUBLIC) as r:
        return {m: c for m, c in resolution.profile_map(r).items() if m != c}


@pytest.fixture
def judged(store, tmp_path):
    """A proposed facility judged the same as Paekto (its claim names it), and a UN/OFAC pair."""
    _lists(store)
    doc = tmp_path / "a.txt"
    doc.write_text("토성 교화소에서 가발을 만든다.", encoding="utf-8")
    [res] = ingest(store, doc, "analyst", IngestOptions(title="a"))
    [proposed] = [e.id for e in res.new_entities if e.kind.value == "facility"]
    resolution.judge_pair(store, "ana", proposed, PAEKTO, "same", note="토성 is Tosong-ri")
    resolution.judge_pair(store, "tollwatch/xref", UN, OFAC, "same", rule="name-and-birth-date", note="score 1.0")
    resolution.judge_pair(store, "ana", UN, OTHER, "different")
    return proposed


def test_one_ftm_entity_per_profile_with_referents(store, tmp_path, judged):
    out = tmp_path / "g.ftm.jsonl"
    export_graph(store, out)
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert ftm_problems(records) == []
    by_id = {r["id"]: r for r in records}
    assert judged not in by_id  # the member is written inside its profile's one line
    paekto, person = by_id[PAEKTO], by_id[UN]
    assert paekto["referents"] == [judged] and person["referents"] == [OFAC]
    assert person["datasets"] == ["un_sc_sanctions", "us_ofac_sdn"]
    assert {"KIM KYU", "KIM, Kyu"} <= set(person["properties"]["name"] + person["properties"].get("alias", []))
    assert OTHER not in by_id  # `different` has no FtM form, and a list entry nobody cites is not re-published
    for r in (paekto, person):  # followthemoney itself reads the referents
        assert ValueEntity(model.get(r["schema"]), dict(r)).referents == set(r["referents"])
    # Links about the member point at the profile's line.
    about = [r for r in records if r["schema"] in ("UnknownLink", "Note") and r["tollwatch"]["subject"]["id"] == judged]
    assert about and all(PAEKTO in (r["properties"].get("subject", []) + r["properties"].get("entity", [])) for r in about)


def test_export_fresh_store_import_gives_the_same_profiles(store, tmp_path, judged):
    first = tmp_path / "one.ftm.jsonl"
    export_graph(store, first)
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        _lists(fresh)
        assert _profiles(fresh) == {}
        summary = import_graph(fresh, first, "importer")
        assert summary["profiles"] == 2 and summary["judgements"] == 2
        assert _profiles(fresh) == _profiles(store) == {judged: PAEKTO, OFAC: UN}
        with fresh.read(Sensitivity.PUBLIC) as r:
            [j] = [j for j in resolution.list_judgements(r) if UN in (j.left_id, j.right_id)]
        assert (j.rule, j.note) == ("name-and-birth-date", "score 1.0")
        second = tmp_path / "two.ftm.jsonl"
        export_graph(fresh, second)
        assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    finally:
        fresh.close()


def test_a_profile_naming_a_record_the_store_lacks_stores_nothing(store, tmp_path):
    line = {"id": PAEKTO, "schema": "Organization", "properties": {"name": ["Paekto"]}, "datasets": ["tollwatch"],
            "referents": ["somelist-1"], "tollwatch": {"record": "profile", "id": PAEKTO, "members": [],
                                                      "judgements": [{"left_id": PAEKTO, "right_id": "somelist-1", "judgement": "same"}]}}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_graph(store, path, "importer")
    assert exc.value.line == 1 and exc.value.field == "referents" and "somelist-1" in exc.value.message
    assert _profiles(store) == {}


def test_foreign_referents_become_same_judgements(store, tmp_path):
    lines = [
        {"id": "x-1", "schema": "Company", "properties": {"name": ["Sobaeksu Trading"]}, "datasets": ["other"]},
        {"id": "x-2", "schema": "Company", "properties": {"name": ["Sobaeksu Trading Co"]}, "datasets": ["other"], "referents": ["x-1", "nk-unheld"]},
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    summary = import_graph(store, path, "importer")
    assert summary["entities"] == 2 and summary["judgements"] == 1 and summary["skipped"] == 0
    assert any("1 referents name no entity" in s for s in summary["skipped_lines"])
    assert set(_profiles(store).items()) <= {("x-1", "x-2"), ("x-2", "x-1")} and _profiles(store)
