"""Foreign FtM files, built with followthemoney itself, import without aborting: every line is
kept (as an entity, or folded onto the entity it names) or skipped with its reason in the
summary, through `tollwatch import` and `tollwatch lists import --format ftm` alike. A
malformed JSON line is a one-line error naming file, line and field, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from followthemoney import model

from tests.conftest import Cli
from tests.ftm_support import ftm_problems, write_entities
from tollwatch.core.model import Sensitivity
from tollwatch.importers.ftm_foreign import FTM_SCHEMAS

DATASET = "os_test"


def _make(schema: str, ident: str | None, **props) -> dict:
    entity = model.make_entity(schema)
    entity.id = ident
    for prop, values in props.items():
        entity.add(prop, values)
    return {**entity.to_dict(), "datasets": [DATASET]}


def foreign_file(tmp_path):
    """A small OpenSanctions-like graph, one entity of each schema the issue names, and the awkward lines."""
    company = _make("Company", "co-1", name="Korea Bad Trading Co", alias="KBTC", country="kp", addressEntity="addr-1", registrationNumber="KP-123")
    company["properties"]["name"] = "Korea Bad Trading Co"  # a string where FtM writes a list: one name
    entities = [
        company,
        _make("Person", "p-1", name="Kim Chol Su", birthDate="1961-04-15", nationality="kp"),
        _make("Person", "p-2", name="Kim Yong Hui"),
        _make("Vessel", "v-1", name="BAD STAR", imoNumber="IMO9074729", flag="kp"),
        _make("Address", "addr-1", full="Pyongyang, Potonggang District", country="kp"),
        _make("Address", "addr-2", full="Nowhere Street 1"),  # no entity points at it
        _make("Sanction", "s-1", entity="co-1", authority="OFAC", program="DPRK3", reason="Trade in DPRK labor", startDate="2018-08-03"),
        _make("Ownership", "o-1", owner="p-1", asset="co-1", percentage="51", startDate="2015"),
        _make("Family", "f-1", person="p-1", relative="p-2", relationship="sister"),
        _make("Directorship", "d-1", director="p-2", organization="co-1", role="director"),
        _make("Identification", "id-1", holder="p-1", number="ID-77", country="kp", type="national id"),
        _make("Passport", "pp-1", holder="p-1", number="P654321", country="kp"),
        _make("Sanction", "s-2", entity="someone-else", program="DPRK2"),  # its entity is not in the file
        _make("Payment", "pay-1", payer="co-1", beneficiary="p-1", amount="1000"),
        _make("Company", None, name="No Id Trading"),
        {"id": "x-1", "schema": "Spaceship", "properties": {"name": ["USS Nowhere"]}, "datasets": [DATASET]},
    ]
    return write_entities(tmp_path / "foreign.ftm.jsonl", entities)


def test_the_schema_list_is_followthemoneys():
    assert FTM_SCHEMAS == frozenset(model.schemata)


def test_the_file_is_valid_ftm_apart_from_its_deliberate_faults(tmp_path):
    records = [json.loads(x) for x in foreign_file(tmp_path).read_text(encoding="utf-8").splitlines()]
    records[0]["properties"]["name"] = [records[0]["properties"]["name"]]
    faults = [r for r in records if not r.get("id") or r["schema"] == "Spaceship" or r["id"] == "s-2"]
    assert ftm_problems([r for r in records if r not in faults]) == []
    assert len(ftm_problems(faults)) == 3


def _skipped(stderr: str) -> str:
    return "\n".join(x.strip() for x in stderr.splitlines() if x.startswith("  foreign.ftm.jsonl:"))


def test_graph_import_keeps_every_entity_or_says_why(cli, tmp_path, store):
    path = foreign_file(tmp_path)
    res = cli("import", str(path))
    assert "6 entities" in res.stdout and "6 folded" in res.stdout and "4 skipped" in res.stdout, res.output
    reasons = _skipped(res.stderr)
    assert "foreign.ftm.jsonl:6: Address addr-2" not in reasons  # the graph keeps an Address as a place
    for expected in (":13: Sanction s-2: none of the entities it names (someone-else)", ":14: Payment pay-1: tollwatch keeps no Payment",
                     ":15: id: missing", ":16: Spaceship x-1: unknown FtM schema 'Spaceship'"):
        assert expected in reasons, reasons
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        company, person, vessel = r.get_entity("co-1"), r.get_entity("p-1"), r.get_entity("v-1")
        assert r.get_entity("addr-2").kind.value == "place" and r.get_entity("addr-2").caption == "Nowhere Street 1"
    _check_folded(company, person)
    assert company.all_names() == ["Korea Bad Trading Co", "KBTC"]  # not K, o, r, e, a ...
    assert company.dataset == DATASET and company.attributes["country"] == ["kp"]
    assert ("imoNumber", "IMO9074729") in {(i.scheme, i.value) for i in vessel.identifiers}
    assert vessel.attributes["ftm_properties"]["flag"] == ["kp"]  # kept though we have no field for it


def _check_folded(company, person):
    """What a compliance user needs from the detail and relation lines, on the entities they name."""
    assert company.attributes["program"] == ["DPRK3"]
    assert company.attributes["sanctions"] == ["Sanction: authority OFAC; program DPRK3; reason Trade in DPRK labor; startDate 2018-08-03"]
    assert company.attributes["address"] == ["Pyongyang, Potonggang District"]
    assert ("registrationNumber", "KP-123") in {(i.scheme, i.value) for i in company.identifiers}
    ownership = "Ownership: Kim Chol Su (owner) → Korea Bad Trading Co (asset); percentage 51; startDate 2015"
    assert ownership in company.attributes["relations"] and ownership in person.attributes["relations"]
    assert "Directorship: Kim Yong Hui (director) → Korea Bad Trading Co (organization); role director" in company.attributes["relations"]
    assert "Family: Kim Chol Su (person) → Kim Yong Hui (relative); relationship sister" in person.attributes["relations"]
    assert {("passportNumber", "P654321"), ("idNumber", "ID-77")} <= {(i.scheme, i.value) for i in person.identifiers}
    assert person.attributes["birthDate"] == ["1961-04-15"] and person.attributes["nationality"] == ["kp"]
    assert person.attributes["passport_details"] == ["Passport: number P654321; country kp"]


def test_lists_import_screens_the_entities_and_folds_the_rest(cli, tmp_path, store):
    path = foreign_file(tmp_path)
    res = cli("lists", "import", "--format", "ftm", str(path))
    assert f"imported 4 records into {DATASET}" in res.stdout, res.output
    reasons = _skipped(res.stderr)
    assert "skipped 5 lines" in res.stderr
    assert ":6: Address addr-2: no entity kept from the file points at it" in reasons
    assert ":16: Spaceship x-1: unknown FtM schema" in reasons and ":15: id: missing" in reasons
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        company, person = r.get_entity(f"{DATASET}-co-1"), r.get_entity(f"{DATASET}-p-1")
        assert r.get_entity(f"{DATASET}-addr-1") is None  # folded, not screened
    assert company.attributes["addresses"] == ["Pyongyang, Potonggang District"] and company.attributes["list_ref"] == "co-1"
    company.attributes["address"] = company.attributes["addresses"]
    _check_folded(company, person)
    assert "folded 7 lines onto the entities they name" in res.stdout  # the Address an entity points at too
    assert {m["dataset"]: m for m in cli.json("lists", "--format", "json")}[DATASET]["count"] == 4


@pytest.mark.parametrize("command", [("import",), ("lists", "import", "--format", "ftm")])
def test_bad_json_is_one_line_and_stores_nothing(cli, tmp_path, store, command):
    path = foreign_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "late-1", "schema": "Company", "properties": {"name": ["Late Co"]\n', encoding="utf-8")
    res = cli(*command, str(path), expect=2)
    assert f"{path}:17: json: malformed JSON" in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("co-1") is None and r.get_entity(f"{DATASET}-co-1") is None
    assert DATASET not in {m["dataset"] for m in cli.json("lists", "--format", "json")}


def test_a_foreign_line_never_replaces_an_evidence_graph_entity(cli, tmp_path, store):
    path = write_entities(tmp_path / "f.jsonl", [{**_make("Organization", "KP-KHS-001", name="Impostor"), "datasets": ["tollwatch"]}])
    res = cli("import", str(path))
    assert "f.jsonl:1: Organization KP-KHS-001: that id is an entity of the evidence graph" in res.stderr
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity("KP-KHS-001").caption != "Impostor"


def test_an_empty_store_takes_a_followthemoney_file(tmp_path):
    other = Cli(f"sqlite:///{tmp_path / 'o.db'}")
    path = write_entities(tmp_path / "only.jsonl", [_make("Person", "p-9", name="Ri Su Yong"), _make("Sanction", "s-9", entity="p-9", program="DPRK")])
    assert "1 entities, 0 claims, 1 folded, 0 skipped" in other("import", str(path)).stdout


MALFORMED = [
    ({"properties": "d"}, "properties: not an object"),
    ({"schema": {"a": 1}}, "schema: must be text"),
    ({"properties": {"name": ["x"], "country": {"a": 1}}}, "properties.country: dict is not a text value"),
    ({"properties": {"name": ["x"], "idNumber": True}}, "properties.idNumber: bool is not a text value"),
    ({"id": None}, "id: missing"),
    ({"properties": {}}, "Company c-0: no name (properties.name)"),
]


def test_malformed_entities_are_skipped_naming_the_field(store, tmp_path):
    from tollwatch.app.export import import_graph

    good = _make("Company", "c-ok", name="Good Co")
    lines = [good] + [{**_make("Company", "c-0", name="x"), **change} for change, _ in MALFORMED]
    summary = import_graph(store, write_entities(tmp_path / "m.jsonl", lines), "tester")
    assert summary["entities"] == 1 and summary["skipped"] == len(MALFORMED)
    for n, (_, reason) in enumerate(MALFORMED, 2):
        assert any(s.startswith(f"m.jsonl:{n}: ") and reason in s for s in summary["skipped_lines"]), (reason, summary["skipped_lines"])


def test_a_list_left_with_no_records_says_why(cli, tmp_path):
    path = write_entities(tmp_path / "none.jsonl", [_make("Payment", "pay-1", amount="5")])
    res = cli("lists", "import", "--format", "ftm", str(path), expect=2)
    assert "no records found (1 skipped; the first: none.jsonl:1: Payment pay-1: tollwatch keeps no Payment records)" in res.stderr


def test_the_entity_page_shows_what_was_folded(cli, tmp_path, db_url, monkeypatch):
    from fastapi.testclient import TestClient

    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    cli("import", str(foreign_file(tmp_path)))
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    store = open_store(db_url)
    try:
        page = TestClient(create_app(store=store, secret_key="test-secret")).get("/entities/co-1")
    finally:
        store.close()
    assert page.status_code == 200
    for expected in ("Sanctions", "authority OFAC; program DPRK3", "Relations", "Ownership: Kim Chol Su (owner) → Korea Bad Trading Co (asset)", "Pyongyang, Potonggang District"):
        assert expected in page.text, expected


def test_ids_and_dataset_names_the_store_cannot_hold_are_skipped(store, tmp_path):
    from tollwatch.app.export import import_graph

    lines = [_make("Company", "c" * 121, name="Long Id Co"), {**_make("Company", "c-2", name="Odd Dataset Co"), "datasets": ["Not A Name!"]}]
    summary = import_graph(store, write_entities(tmp_path / "x.jsonl", lines), "tester")
    assert summary["entities"] == 0 and summary["skipped"] == 2
    assert "id: longer than 120 characters" in summary["skipped_lines"][0] and "datasets: 'Not A Name!'" in summary["skipped_lines"][1]
