"""Full list entries (#13 item 5): every format keeps every field its list gives, and the
page, /api/entities, /match and screening outputs show them with their citation.

Real files from ../shared (UN 2026, OFAC CSV, UK OFSI, AU DFAT) and the hand-built EU FSF file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from screening_support import OFAC_ADD, OFAC_ALT, OFAC_SDN, SANCTIONS, fresh_db

from tests.ftm_support import ftm_problems
from tests.server_support import add_users
from tollwatch.core.schema import check_entity
from tollwatch.importers.ftm import entity_to_ftm
from tollwatch.importers.lists import read_list

UN_2026 = SANCTIONS / "un_sc_consolidated_2026-01-28.xml"
UK_XLSX = SANCTIONS / "uk_ofsi_conlist_2025-04-14.xlsx"
AU_XLSX = SANCTIONS / "au_dfat_consolidated_asof-2024-12-17.xlsx"
EU_XML = Path(__file__).parent / "fixtures" / "eu_fsf_sample.xml"
needs_shared = pytest.mark.skipif(not UN_2026.exists(), reason="../shared not present")


def _entities(fmt: str, *paths: Path) -> dict[str, object]:
    _, it = read_list(fmt, list(paths))
    ents = {e.identifiers[0].value: e for e in it}
    for e in ents.values():
        check_entity(e)
    return ents


def _idents(e) -> set[tuple[str, str]]:
    return {(i.scheme, i.value) for i in e.identifiers}


@needs_shared
def test_un_kim_kyu_keeps_birth_date_designation_and_validates_as_ftm():
    ents = _entities("un-xml", UN_2026)
    kim = ents["KPi.022"]
    assert kim.attributes["birthDate"] == ["1968-07-30"]
    assert kim.attributes["position"] == ["Korea Mining Development Trading Corporation (KOMID) External Affairs Officer"]
    assert kim.attributes["listed_on"] == "2016-03-02" and kim.attributes["nationality"] == ["Democratic People's Republic of Korea"]
    assert "title" not in kim.attributes  # unknowns stay empty
    assert any(e.attributes.get("weakAlias") for e in ents.values())  # names by type: the UN's Low aliases
    ftm = [entity_to_ftm(e) for e in ents.values()]
    assert ftm_problems(ftm) == []
    props = next(r for r in ftm if r["id"] == "un_sc_sanctions-KPi.022")["properties"]
    assert props["birthDate"] == ["1968-07-30"] and props["nationality"] == ["kp"] and props["createdAt"] == ["2016-03-02"]
    assert "KOMID" in props["position"][0]


@needs_shared
def test_ofac_csv_reads_dob_documents_and_imo_out_of_remarks():
    ents = _entities("ofac-csv", OFAC_SDN, OFAC_ALT, OFAC_ADD)
    paek = ents["15667"]
    assert paek.attributes["birthDate"] == ["18 Jun 1964"] and paek.attributes["birthPlace"] == ["Kaesong, DPRK"]
    assert ("passportNumber", "381420754") in _idents(paek)
    ship = ents["17069"]  # CHONG CHON GANG
    assert ("imoNumber", "7937317") in _idents(ship)
    assert ship.attributes["vessel_type"] == "General Cargo" and ship.attributes["vessel_flag"] == "Democratic People's Republic of Korea"
    assert ents["12211"].attributes["birthDate"] == ["circa 1947", "circa 1946"]
    assert any(e.attributes.get("previousName") for e in ents.values())  # fka names, by type
    sample = [entity_to_ftm(ents[k]) for k in ("15667", "17069", "12211", "15771")]
    assert ftm_problems(sample) == []
    assert next(r for r in sample if r["id"].endswith("17069"))["properties"]["imoNumber"] == ["7937317"]


@needs_shared
def test_uk_ofsi_fields_and_split_passports():
    ents = _entities("uk-ofsi", UK_XLSX)
    an = ents["13590"]
    assert an.attributes["birthDate"] == ["1970-03-14"] and ("passportNumber", "563410155") in _idents(an)
    numbered = [e for e in ents.values() if len([i for i in e.identifiers if i.scheme == "passportNumber"]) >= 5]
    assert numbered and all("(" not in i.value for e in numbered for i in e.identifiers)
    assert ftm_problems([entity_to_ftm(e) for e in ents.values()]) == []


@needs_shared
def test_au_dfat_fields():
    ents = _entities("au-dfat", AU_XLSX)
    people = [e for e in ents.values() if e.attributes.get("birthDate") and e.attributes.get("nationality")]
    assert len(people) > 500
    assert all(e.attributes.get("program") for e in ents.values())
    company = next(e for e in ents.values() if e.caption == "CHONGCHONGANG SHIPPING COMPANY")
    assert ("imoNumber", "5342883") in _idents(company)  # read out of Additional Information
    assert ftm_problems([entity_to_ftm(e) for e in ents.values()]) == []


def test_eu_fsf_fields_and_ftm():
    ents = _entities("eu-fsf", EU_XML)
    assert ftm_problems([entity_to_ftm(e) for e in ents.values()]) == []
    person = next(e for e in ents.values() if e.attributes["schema"] == "Person")
    assert person.attributes["birthDate"] and person.attributes["nationality"]


def test_generic_csv_keeps_dob_documents_and_imo(tmp_path):
    path = tmp_path / "mylist.csv"
    path.write_text("id,name,type,dob,nationality,passport,imo,remarks\n"
                    "A1,KIM TEST,person,1970-01-02,North Korea,P 123456,,listed for tests\n"
                    "V1,TEST SHIP,vessel,,,,9123456,\n", encoding="utf-8")
    ents = _entities("csv", path)
    assert ents["A1"].attributes["birthDate"] == ["1970-01-02"] and ("passportNumber", "P 123456") in _idents(ents["A1"])
    assert ("imoNumber", "9123456") in _idents(ents["V1"]) and ents["A1"].attributes["remarks"] == "listed for tests"
    assert "birthDate" not in ents["V1"].attributes


@needs_shared
def test_page_and_api_show_kim_kyu_with_citation(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(fresh_db(tmp_path))
    try:
        keys = add_users(store)
        client = TestClient(create_app(store=store, secret_key="test-secret"))
        auth = {"Authorization": f"Bearer {keys['analyst']}"}
        api = client.get("/api/entities/un_sc_sanctions-KPi.022", headers=auth).json()
        fields = {f["field"]: f["values"] for f in api["listing"]["fields"]}
        assert fields["birthDate"] == ["1968-07-30"] and "KOMID" in fields["position"][0]
        assert api["listing"]["citation"]["dataset"] == "un_sc_sanctions" and api["listing"]["citation"]["record"] == "KPi.022"
        assert api["listing"]["citation"]["snapshot_date"]
        page = client.get("/entities/un_sc_sanctions-KPi.022", headers=auth).text
        assert "1968-07-30" in page and "External Affairs" in page and "record KPi.022" in page
        body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Kyu"], "birthDate": ["1968-07-30"]}}}}
        res = client.post("/match/default", json=body, headers=auth).json()["responses"]["q"]["results"]
        hit = next(r for r in res if r["id"] == "un_sc_sanctions-KPi.022")
        assert hit["properties"]["birthDate"] == ["1968-07-30"] and "birth_date_match" in hit["features"]
    finally:
        store.close()


@needs_shared
def test_screen_jsonl_and_html_show_listing_fields(tmp_path):
    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    db = fresh_db(tmp_path)
    rows = tmp_path / "rows.csv"
    rows.write_text("query_id,name,dob\nq1,KIM KYU,1968-07-30\n", encoding="utf-8")
    for fmt in ("jsonl", "html"):
        out = tmp_path / f"out.{fmt}"
        r = CliRunner().invoke(cli, ["--db", db, "screen", str(rows), "-o", str(out), "--format", fmt], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        text = out.read_text(encoding="utf-8")
        assert "1968-07-30" in text and "External Affairs Officer" in text
    result = json.loads(next(line for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines() if '"query_id"' in line and '"q1"' in line))
    hit = next(m for m in result["matches"] if m["source_id"] == "KPi.022")
    assert hit["listing"]["birthDate"] == ["1968-07-30"] and result["query"]["dob"] == "1968-07-30"


OFAC_XML_ENTRY = """<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>03/15/2025</Publish_Date></publshInformation>
  <sdnEntry><uid>17624</uid><firstName>Kyu</firstName><lastName>KIM</lastName><sdnType>Individual</sdnType>
    <title>KOMID External Affairs Officer</title><remarks>KOMID External Affairs Officer; UN Ref KPi.022.</remarks>
    <programList><program>NPWMD</program></programList>
    <idList><id><uid>1</uid><idType>Passport</idType><idNumber>PS 472330208</idNumber><idCountry>Korea, North</idCountry><expirationDate>04 Jul 2017</expirationDate></id></idList>
    <akaList><aka><uid>2</uid><type>a.k.a.</type><category>strong</category><lastName>KIM</lastName><firstName>Gyu</firstName></aka>
      <aka><uid>3</uid><type>f.k.a.</type><category>strong</category><lastName>KIM</lastName><firstName>Kyu Il</firstName></aka>
      <aka><uid>4</uid><type>a.k.a.</type><category>weak</category><lastName>KYU</lastName></aka></akaList>
    <nationalityList><nationality><uid>5</uid><country>Korea, North</country><mainEntry>true</mainEntry></nationality></nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>6</uid><dateOfBirth>30 Jul 1968</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
    <placeOfBirthList><placeOfBirthItem><uid>7</uid><placeOfBirth>Pyongyang, North Korea</placeOfBirth><mainEntry>true</mainEntry></placeOfBirthItem></placeOfBirthList>
  </sdnEntry>
  <sdnEntry><uid>9999</uid><lastName>CHON MYONG 1</lastName><sdnType>Vessel</sdnType><programList><program>DPRK3</program></programList>
    <idList><id><uid>8</uid><idType>Vessel Registration Identification</idType><idNumber>IMO 8712362</idNumber></id></idList>
    <vesselInfo><callSign>HMYZ</callSign><vesselType>Oil Tanker</vesselType><vesselFlag>Korea, North</vesselFlag><grossRegisteredTonnage>749</grossRegisteredTonnage></vesselInfo>
  </sdnEntry>
</sdnList>"""


def test_ofac_xml_keeps_birth_date_documents_names_by_type_and_vessel(tmp_path):
    p = tmp_path / "sdn.xml"
    p.write_text(OFAC_XML_ENTRY)
    ents = _entities("ofac-xml", p)
    kim = ents["17624"]
    a = kim.attributes
    assert a["birthDate"] == ["30 Jul 1968"] and a["birthPlace"] == ["Pyongyang, North Korea"]
    assert a["nationality"] == ["Korea, North"] and a["title"] == "KOMID External Affairs Officer"
    assert "UN Ref KPi.022" in a["remarks"] and a["program"] == ["NPWMD"]
    assert ("passportNumber", "PS 472330208") in _idents(kim)
    assert any("expires 04 Jul 2017" in d for d in a["id_details"])
    assert a["previousName"] == ["KIM, Kyu Il"] and a["weakAlias"] == ["KYU"]
    assert "KYU" not in kim.all_names() and "KIM, Gyu" in kim.all_names()  # a weak alias is kept, not screened
    ship = ents["9999"].attributes
    assert (ship["call_sign"], ship["vessel_type"], ship["vessel_flag"], ship["tonnage"]) == ("HMYZ", "Oil Tanker", "Korea, North", "GRT 749")
    assert a["list_ref"] == "17624" and ("imoNumber", "8712362") in _idents(ents["9999"])
    assert ftm_problems([entity_to_ftm(e) for e in ents.values()]) == []
