"""List importers on the real OFAC and UN files, and on every kind of bad list input."""

from __future__ import annotations

import gzip
import json

import pytest
from screening_support import OFAC_ADD, OFAC_ALT, OFAC_SDN, UN_XML

from tollwatch.core.errors import InputError
from tollwatch.core.model import EntityKind, Sensitivity
from tollwatch.importers.lists import read_list


def test_ofac_csv_set_keeps_list_ids_programs_and_aliases():
    report, it = read_list("ofac-csv", [OFAC_SDN, OFAC_ALT, OFAC_ADD])
    ents = {e.id: e for e in it}
    assert report.count == len(ents) == 14965
    jang = ents["us_ofac_sdn-18556"]
    assert jang.kind == EntityKind.PERSON
    assert jang.identifiers[0].scheme == "us_ofac_sdn" and jang.identifiers[0].value == "18556"
    assert "JANG, Pom Su" in jang.all_names()
    assert jang.attributes["program"] == ["NPWMD"]
    bank = ents["us_ofac_sdn-11581"]
    assert bank.caption == "KOREA KWANGSON BANKING CORP" and bank.attributes["schema"] == "Organization"
    assert any(e.attributes["schema"] == "Vessel" and e.kind == EntityKind.VESSEL for e in ents.values())


def test_ofac_alias_without_main_record_is_reported_and_skipped():
    report, it = read_list("ofac-csv", [OFAC_SDN, OFAC_ALT])
    ents = list(it)
    assert report.skipped, "the alias file is newer than the main file: orphans must be reported"
    assert "has no main record" in report.skipped[0]
    assert "us_ofac_sdn-17016" not in {e.id for e in ents}  # Gazprombank's aliases have no main record here


def test_ofac_sdn_alone_is_valid_and_companions_alone_are_not(tmp_path):
    report, it = read_list("ofac-csv", [OFAC_SDN])
    assert sum(1 for _ in it) == 14965 and not report.skipped
    with pytest.raises(InputError, match="main file"):
        list(read_list("ofac-csv", [OFAC_ALT])[1])


def test_un_xml_joins_name_parts_and_cleans_reference_numbers():
    report, it = read_list("un-xml", [UN_XML])
    ents = {e.identifiers[0].value: e for e in it}
    assert report.snapshot_date == "2018-10-29"
    assert "KPe.009" in ents and "KPe.009 " not in ents
    jang = ents["KPi.016"]
    assert jang.caption == "JANG BOM SU" and jang.dataset == "un_sc_sanctions"
    kkbc = ents["KPe.025"]
    assert kkbc.kind == EntityKind.ORGANIZATION and "DPRK" in kkbc.attributes["program"]
    assert all(len(e.names) >= 1 for e in ents.values())


def test_gzipped_bundle_reads_like_the_source():
    from tollwatch.importers.reference import data_path

    _, it = read_list("un-xml", [data_path("un_sc.xml.gz")])
    assert sum(1 for _ in it) == 999  # the bundled UN list is the 2026-01-28 one


SDN_XML = """<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>03/15/2025</Publish_Date><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry><uid>11581</uid><lastName>KOREA KWANGSON BANKING CORP</lastName><sdnType>Entity</sdnType>
    <programList><program>NPWMD</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>KKBC</lastName></aka></akaList>
    <addressList><address><uid>2</uid><city>Pyongyang</city><country>Korea, North</country></address></addressList></sdnEntry>
  <sdnEntry><uid>18556</uid><firstName>Bom Su</firstName><lastName>JANG</lastName><sdnType>Individual</sdnType>
    <programList><program>NPWMD</program><program>DPRK3</program></programList></sdnEntry>
</sdnList>"""


def test_ofac_xml(tmp_path):
    p = tmp_path / "sdn.xml"
    p.write_text(SDN_XML)
    report, it = read_list("ofac-xml", [p])
    ents = list(it)
    assert report.snapshot_date == "2025-03-15"
    assert [e.caption for e in ents] == ["KOREA KWANGSON BANKING CORP", "JANG, Bom Su"]
    assert ents[0].all_names() == ["KOREA KWANGSON BANKING CORP", "KKBC"]
    assert ents[1].attributes["program"] == ["NPWMD", "DPRK3"] and ents[1].kind == EntityKind.PERSON


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CONSOLIDATED_LIST dateGenerated="2018-10-29"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&lol3;</FIRST_NAME>
<REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("fmt", ["un-xml", "ofac-xml"])
def test_xml_entity_expansion_is_refused(tmp_path, fmt):
    p = tmp_path / "bomb.xml"
    p.write_text(BOMB)
    with pytest.raises(InputError, match="refused"):
        list(read_list(fmt, [p])[1])


def test_malformed_and_empty_xml(tmp_path):
    p = tmp_path / "bad.xml"
    p.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")
    with pytest.raises(InputError, match="malformed XML"):
        list(read_list("un-xml", [p])[1])
    e = tmp_path / "empty.xml"
    e.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list(read_list("un-xml", [e])[1])


def test_un_record_without_name_names_the_field(tmp_path):
    p = tmp_path / "un.xml"
    p.write_text("<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>9</DATAID><FIRST_NAME> </FIRST_NAME><REFERENCE_NUMBER>KPe.099 </REFERENCE_NUMBER></ENTITY></ENTITIES></CONSOLIDATED_LIST>")
    with pytest.raises(InputError) as exc:
        list(read_list("un-xml", [p])[1])
    assert exc.value.field == "FIRST_NAME" and "KPe.099" in str(exc.value)


def test_ofac_bad_rows_name_file_line_field(tmp_path):
    p = tmp_path / "sdn.csv"
    p.write_bytes(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\nX1,"BAD",-0- ,"CUBA"\r\n')
    with pytest.raises(InputError) as exc:
        list(read_list("ofac-csv", [p])[1])
    assert (exc.value.line, exc.value.field) == (2, "ent_num") and str(p) in str(exc.value)


def test_csv_cell_over_limit_is_refused(tmp_path):
    p = tmp_path / "list.csv"
    with open(p, "w") as fh:
        fh.write("id,name\n1,")
        fh.write("A" * (50 * 1024 * 1024))
        fh.write("\n")
    with pytest.raises(InputError) as exc:
        list(read_list("csv", [p], "mylist")[1])
    assert exc.value.line == 2


def test_generic_csv_and_its_errors(tmp_path):
    p = tmp_path / "watch.csv"
    p.write_text("id,name,aliases,schema,program\nW1,Dandong Xinda Hair Products Co Ltd,丹东鑫达发制品有限公司;Xinda Hair,Company,internal\n")
    report, it = read_list("csv", [p], "watchlist")
    [e] = list(it)
    assert e.dataset == "watchlist" and e.identifiers[0].value == "W1" and len(e.names) == 3
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("id,title\n1,x\n")
    with pytest.raises(InputError) as exc:
        list(read_list("csv", [nameless], "x")[1])
    assert exc.value.field == "name" and exc.value.line == 1
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"id,name\n1,ok\n2,caf\xe9\n")
    with pytest.raises(InputError) as exc:
        list(read_list("csv", [bad], "x")[1])
    assert exc.value.line == 3 and exc.value.field == "encoding"


def test_ftm_lines(tmp_path):
    p = tmp_path / "os.jsonl"
    lines = [
        {"id": "NK-abc", "schema": "Company", "properties": {"name": ["Korea Ryonbong General Corporation"], "alias": ["Ryonbong"], "program": ["DPRK"], "country": ["kp"]}, "datasets": ["us_ofac_sdn"]},
        {"id": "addr-1", "schema": "Address", "properties": {"full": ["Pyongyang"]}, "datasets": ["us_ofac_sdn"]},
        {"id": "p-1", "schema": "Person", "properties": {"name": ["Jang Pom Su"]}, "datasets": ["us_ofac_sdn"]},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    report, it = read_list("ftm", [p], "opensanctions_dprk")
    ents = list(it)
    assert [e.identifiers[0].value for e in ents] == ["NK-abc", "p-1"]
    assert ents[0].dataset == "opensanctions_dprk" and ents[0].attributes["schema"] == "Company"
    assert len(report.skipped) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "schema": "Company", "properties": {"name": ["A"]}}\n{oops\n')
    with pytest.raises(InputError) as exc:
        list(read_list("ftm", [bad], "x")[1])
    assert exc.value.line == 2


def test_import_replaces_dataset_atomically(tmp_path):
    from screening_support import fresh_db

    from tollwatch.app.screening import import_list, loaded_lists
    from tollwatch.store.repository import Store

    store = Store(fresh_db(tmp_path))
    good = tmp_path / "w.csv"
    good.write_text("id,name\n1,Alpha Trading\n2,Beta Trading\n")
    import_list(store, "csv", [good], "watchlist", snapshot_date="2026-01-01")
    assert loaded_lists(store)["watchlist"]["count"] == 2
    bad = tmp_path / "w2.csv"
    bad.write_bytes(b"id,name\n1,Gamma\n2,\xff\xfe\n")
    with pytest.raises(InputError):
        import_list(store, "csv", [bad], "watchlist")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        names = sorted(e.caption for e in r.list_entities(dataset="watchlist"))
    assert names == ["Alpha Trading", "Beta Trading"], "a failed import must leave the old snapshot"
    assert loaded_lists(store)["us_ofac_sdn"]["snapshot_date"] == "2024-05-03"
    assert loaded_lists(store)["un_sc_sanctions"]["snapshot_date"] == "2026-01-28"
    store.close()


def test_gz_helper_sanity(tmp_path):
    p = tmp_path / "sdn.csv.gz"
    p.write_bytes(gzip.compress(OFAC_SDN.read_bytes()[:2000].rsplit(b"\n", 1)[0] + b"\n"))
    _, it = read_list("ofac-csv", [p])
    assert next(iter(it)).caption == "AEROCARIBBEAN AIRLINES"
