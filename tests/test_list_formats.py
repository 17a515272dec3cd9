"""The government list formats on the real files in ../shared (UK OFSI, Australia DFAT, UN 2026)
and on a hand-written EU FSF file; bad input is one line naming the file, row and field."""

from __future__ import annotations

import csv
import gzip
import http.server
import io
import json
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from screening_support import SANCTIONS, fresh_db

from tollwatch.core.errors import InputError
from tollwatch.core.model import EntityKind
from tollwatch.importers.lists import FORMATS, read_list

UK_XLSX = SANCTIONS / "uk_ofsi_conlist_2025-04-14.xlsx"
AU_XLSX = SANCTIONS / "au_dfat_consolidated_asof-2024-12-17.xlsx"
UN_2026 = SANCTIONS / "un_sc_consolidated_2026-01-28.xml"
EU_XML = Path(__file__).parent / "fixtures" / "eu_fsf_sample.xml"
needs_shared = pytest.mark.skipif(not UK_XLSX.exists(), reason="../shared not present")


def _read(fmt: str, path: Path):
    from tollwatch.core.schema import check_entity

    report, it = read_list(fmt, [path])
    ents = {e.identifiers[0].value: e for e in it}
    for e in ents.values():
        check_entity(e)  # every attribute kept is one core/schema/entities.yaml declares for lists
    return report, ents


@pytest.fixture(scope="module")
def uk():
    return _read("uk-ofsi", UK_XLSX)


@needs_shared
def test_uk_ofsi_workbook_one_entity_per_group_id(uk):
    report, ents = uk
    assert (report.dataset, report.snapshot_date, report.count) == ("gb_hmt_sanctions", "2025-04-14", 4688)
    dprk = [e for e in ents.values() if "Democratic People's Republic of Korea" in e.attributes["program"]]
    assert len(dprk) == 239
    assert sorted(k.value for k in {e.kind for e in dprk}) == ["organization", "person", "vessel"]
    an = ents["13590"]
    assert an.kind == EntityKind.PERSON and an.caption == "Jong Hyuk AN"  # Name 1 ... Name 5, then Name 6 (the surname)
    assert {"Jong Hyuk AN", "Jong Hyok AN"} <= set(an.all_names())
    assert an.attributes["birthDate"] == ["1970-03-14"] and an.attributes["nationality"] == ["North Korea"]
    assert ("passportNumber", "563410155") in {(i.scheme, i.value) for i in an.identifiers}
    assert an.attributes["list_ref"] == "DPR0001" and an.attributes["listed_on"] == "2018-01-22"
    academy = ents["12871"]  # four name rows, one designation
    assert academy.caption == "SECOND ACADEMY OF NATURAL SCIENCES" and "2ND ACADEMY OF NATURAL SCIENCES" in academy.all_names()
    assert academy.attributes["un_ref"] == "KPe.018" and academy.attributes["addresses"] == ["Pyongyang, North Korea"]


@needs_shared
def test_uk_ofsi_ships_keep_their_imo_number(uk):
    _, ents = uk
    ship = ents["13651"]
    assert ship.kind == EntityKind.VESSEL and "AKTIVA" in ship.all_names()
    assert ("imoNumber", "7408873") in {(i.scheme, i.value) for i in ship.identifiers}


@needs_shared
def test_uk_ofsi_low_quality_aliases_are_kept_but_not_screened(uk):
    _, ents = uk
    weak = [e for e in ents.values() if e.attributes.get("weakAlias")]
    assert weak
    assert any(w not in e.all_names() for e in weak for w in e.attributes["weakAlias"])


@needs_shared
def test_bundled_uk_csv_reads_like_the_workbook(uk):
    from tollwatch.importers.reference import data_path, manifest

    report, ents = _read("uk-ofsi", Path(str(data_path("uk_ofsi.csv.gz"))))
    assert report.count == uk[0].count and report.snapshot_date == "2025-04-14"
    assert ents["13590"].all_names() == uk[1]["13590"].all_names()
    assert ents["13590"].attributes == uk[1]["13590"].attributes
    assert "Open Government Licence v3.0" in manifest()["inputs"]["uk_ofsi"]["attribution"]


@needs_shared
def test_au_dfat_groups_lettered_references():
    report, ents = _read("au-dfat", AU_XLSX)
    assert (report.dataset, report.snapshot_date, report.count) == ("au_dfat_sanctions", "2024-11-11", 3062)
    assert sum(1 for e in ents.values() if e.attributes["program"] == ["1718 (DPRK)"]) == 155
    komid = ents["1113"]  # rows 1113, 1113a, 1113b ...
    assert komid.caption == "Korea Mining Development Trading Corporation" and komid.kind == EntityKind.ORGANIZATION
    assert {"Changgwang Sinyong Corporation", "KOMID"} <= set(komid.all_names())
    assert komid.attributes["addresses"] == ["Central District, Pyongyang, DPRK"]
    yun = ents["1126"]
    assert yun.caption == "YUN HO-JIN" and "Yun Ho-chin" in yun.all_names()
    assert yun.attributes["birthDate"] == ["13 Oct. 1944"] and yun.attributes["nationality"] == ["Democratic People's Republic of Korea"]


@needs_shared
@pytest.mark.parametrize("fmt", ["un", "un-xml"])
def test_un_2026_file(fmt):
    report, ents = _read(fmt, UN_2026)
    assert (report.dataset, report.snapshot_date, report.count) == ("un_sc_sanctions", "2026-01-28", 999)
    assert sum(1 for e in ents.values() if e.kind == EntityKind.PERSON) == 726
    assert sum(1 for k in ents if k.startswith(("KPi.", "KPe."))) == 155
    jang = ents["KPi.016"]
    assert jang.all_names() == ["JANG BOM SU", "Jang Pom Su", "Jang Hyon U"]
    assert jang.attributes["birthDate"] == ["1957-04-15"] and jang.attributes["nationality"] == ["Democratic People's Republic of Korea"]
    assert jang.attributes["listed_on"] == "2016-03-02" and jang.attributes["position"] == ["Tanchon Commercial Bank Representative in Syria"]


def test_eu_fsf_fields():
    report, ents = _read("eu-fsf", EU_XML)
    assert (report.dataset, report.snapshot_date, report.count) == ("eu_fsf", "2026-11-20", 2)
    person = ents["900101"]
    assert person.kind == EntityKind.PERSON and person.all_names() == ["Testu Kimura", "Tesu Kimoora"]
    a = person.attributes
    assert a["weakAlias"] == ["Big Boss"] and a["birthDate"] == ["1961-07-04", "1962"]
    assert a["nationality"] == ["NORTH KOREA"] and a["program"] == ["PRK"] and a["listed_on"] == "2017-08-10"
    assert a["list_ref"] == "EU.9001.01" and a["un_ref"] == "KPi.999" and a["birthPlace"] == ["Testville, NORTH KOREA"]
    assert a["position"] == ["Director of the Example Trading Bureau"] and a["addresses"] == ["1 Example Street, Testville, NORTH KOREA"]
    assert ("passportNumber", "X0000001") in {(i.scheme, i.value) for i in person.identifiers}
    bureau = ents["900201"]
    assert bureau.kind == EntityKind.ORGANIZATION and "예시무역국" in bureau.all_names()
    assert ("imoNumber", "9999999") in {(i.scheme, i.value) for i in bureau.identifiers}


# --- bad input ---------------------------------------------------------------------------


def _uk_csv(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    header = header or ["Name 6", "Name 1", "DOB", "Nationality", "Group Type", "Alias Type", "Regime", "Group ID"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Last Updated", "01/11/2026"])
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path / "ConList.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _error(fmt: str, path: Path) -> str:
    with pytest.raises(InputError) as exc:
        list(read_list(fmt, [path])[1])
    line = str(exc.value)
    assert "\n" not in line and str(path) in line
    return line


def test_uk_csv_reads_and_groups(tmp_path):
    path = _uk_csv(tmp_path, [["DOE", "Jan", "00/00/1970", "Ruritania", "Individual", "Primary name", "Test", "1"],
                              ["DOUGH", "Jan", "00/00/1970", "Ruritania", "Individual", "AKA", "Test", "1"]])
    report, ents = _read("uk-ofsi", path)
    assert report.snapshot_date == "2026-11-01" and report.count == 1
    assert ents["1"].all_names() == ["Jan DOE", "Jan DOUGH"] and ents["1"].attributes["birthDate"] == ["1970"]


def test_uk_bad_input_names_row_and_field(tmp_path):
    assert _error("uk-ofsi", _uk_csv(tmp_path, [["X", "", "", "", "Individual", "", "", ""]])).endswith(":3: Group ID: row has no Group ID")
    line = _error("uk-ofsi", _uk_csv(tmp_path, [["X", "", "", "", "Individual", "", "", "1"], ["Y", "", "", "", "Planet", "", "", "2"]]))
    assert ":4: Group Type:" in line
    assert ":2: Group ID:" in _error("uk-ofsi", _uk_csv(tmp_path, [["X"]], header=["Name 6", "Group Type"]))
    assert ":3: Name 6:" in _error("uk-ofsi", _uk_csv(tmp_path, [["", "", "", "", "Entity", "", "", "7"]]))
    bad_date = tmp_path / "d.csv"
    bad_date.write_text("Last Updated,yesterday\nName 6,Group Type,Group ID\n", encoding="utf-8")
    assert ":1: Last Updated:" in _error("uk-ofsi", bad_date)


def test_xlsx_that_is_not_a_workbook(tmp_path):
    broken = tmp_path / "ConList.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert "xlsx: not a readable XLSX workbook" in _error("uk-ofsi", broken)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "file is empty" in _error("au-dfat", empty)


def test_au_bad_input_names_row_and_field(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Reference", "Name of Individual or Entity", "Type", "Name Type"])
    ws.append([1, "Test Person", "Individual", "Primary Name"])
    ws.append(["x1", "Other", "Individual", "aka"])
    path = tmp_path / "dfat.xlsx"
    wb.save(path)
    assert ":3: Reference:" in _error("au-dfat", path)
    ws.delete_rows(3)
    ws.append([2, "Boat", "Spaceship", "Primary Name"])
    wb.save(path)
    assert ":3: Type:" in _error("au-dfat", path)


def test_eu_bad_input(tmp_path):
    text = EU_XML.read_text(encoding="utf-8")
    no_type = tmp_path / "a.xml"
    no_type.write_text(text.replace('<subjectType code="enterprise" classificationCode="E"/>', ""), encoding="utf-8")
    assert "subjectType: record 900201" in _error("eu-fsf", no_type)
    no_name = tmp_path / "b.xml"
    no_name.write_text(text.replace('wholeName="Example Trading Bureau"', 'wholeName=""').replace('wholeName="예시무역국"', 'wholeName=""'), encoding="utf-8")
    assert "nameAlias: record 900201" in _error("eu-fsf", no_name)
    cut = tmp_path / "c.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "xml: malformed XML" in _error("eu-fsf", cut)
    bomb = tmp_path / "d.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><export><sanctionEntity logicalId="1">&a;</sanctionEntity></export>')
    assert "refused" in _error("eu-fsf", bomb)
    codec = tmp_path / "e.xml"
    codec.write_text('<?xml version="1.0" encoding="UTm-8"?><export/>', encoding="utf-8")
    assert "encoding: the XML declares an unknown encoding" in _error("eu-fsf", codec)
    dates = tmp_path / "f.xml"
    dates.write_text(text.replace('birthdate="" dayOfMonth="" monthOfYear=""', 'birthdate="" dayOfMonth="" monthOfYear="\u00b2"'), encoding="utf-8")
    assert _read("eu-fsf", dates)[1]["900101"].attributes["birthDate"] == ["1961-07-04", "1962"]


# --- the CLI and `lists update` ----------------------------------------------------------


def invoke(db: str, *args, expect: int = 0):
    from tollwatch.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", db, "--actor", "tester", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
    return result


def test_cli_offers_every_format():
    from tollwatch.cli.screening_cmds import LIST_FORMATS

    assert LIST_FORMATS == list(FORMATS)


def test_official_urls_for_every_list():
    from tollwatch.app.screening import OFFICIAL_URLS

    assert set(OFFICIAL_URLS) == {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions", "au_dfat_sanctions", "eu_fsf"}
    assert all(u.startswith("https://") for _, urls in OFFICIAL_URLS.values() for u in urls)
    assert [fmt for fmt, _ in OFFICIAL_URLS.values()] == ["ofac-csv", "un-xml", "uk-ofsi", "au-dfat", "eu-fsf"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@needs_shared
def test_lists_update_fetches_each_government_list(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    for src in (UK_XLSX, AU_XLSX, EU_XML):
        (served / src.name).write_bytes(src.read_bytes())
    db = fresh_db(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        # The EU's official URL ends in a query string; the download's local name drops it.
        monkeypatch.setenv("TOLLWATCH_LIST_URLS", f"eu_fsf={base}/{EU_XML.name}?token=abc;au_dfat_sanctions={base}/{AU_XLSX.name}")
        res = invoke(db, "lists", "update", "--only", "gb_hmt_sanctions", "--only", "au_dfat_sanctions", "--only", "eu_fsf",
                     "--url", f"gb_hmt_sanctions={base}/{UK_XLSX.name}")
        assert "updated gb_hmt_sanctions: 4688 records (snapshot 2025-04-14)" in res.output
        assert "updated au_dfat_sanctions: 3062 records (snapshot 2024-11-11)" in res.output
        assert "updated eu_fsf: 2 records (snapshot 2026-11-20)" in res.output
    finally:
        server.shutdown()
        server.server_close()
    rows = {r["dataset"]: r for r in json.loads(invoke(db, "lists", "--format", "json").stdout)}
    assert rows["eu_fsf"]["source_files"] == EU_XML.name and rows["gb_hmt_sanctions"]["source"].startswith(base)


def test_cli_import_eu_and_screen_it(tmp_path):
    db = fresh_db(tmp_path)
    res = invoke(db, "lists", "import", "--format", "eu-fsf", EU_XML)
    assert "imported 2 records into eu_fsf (snapshot 2026-11-20)" in res.output
    src = tmp_path / "in.csv"
    src.write_text("name\nExample Trading Bureau\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    invoke(db, "screen", src, "--list", "eu_fsf", "-o", out)
    [row] = [json.loads(x) for x in out.read_text().splitlines()]
    assert row["matches"][0]["source_id"] == "900201" and row["matches"][0]["list_date"] == "2026-11-20"
    bad = tmp_path / "bad.xml"
    bad.write_text("<export><sanctionEntity logicalId='1'><subjectType code='person'/></sanctionEntity></export>", encoding="utf-8")
    res = invoke(db, "lists", "import", "--format", "eu-fsf", bad, expect=2)
    assert "nameAlias" in res.stderr and "Traceback" not in res.output


def test_gz_uk_csv(tmp_path):
    path = _uk_csv(tmp_path, [["ROE", "Ann", "", "", "Entity", "Primary name", "Test", "9"]])
    gz = tmp_path / "ConList.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert _read("uk-ofsi", gz)[1]["9"].caption == "Ann ROE"


def test_imported_uk_list_sticks(tmp_path):
    """A UK import over the bundled UK list survives `lists` and `screen` (the bundle is decided per dataset)."""
    db = fresh_db(tmp_path)
    path = _uk_csv(tmp_path, [["ZEBRA-TEST TRADING", "", "", "", "Entity", "Primary name", "Test", "77"]])
    assert "imported 1 records into gb_hmt_sanctions (snapshot 2026-11-01)" in invoke(db, "lists", "import", "--format", "uk-ofsi", path).output
    src = tmp_path / "in.csv"
    src.write_text("name\nZebra-Test Trading\n", encoding="utf-8")
    invoke(db, "screen", src, "--list", "gb_hmt_sanctions", "-o", tmp_path / "o.jsonl")
    rows = {r["dataset"]: r for r in json.loads(invoke(db, "lists", "--format", "json").stdout)}
    assert rows["gb_hmt_sanctions"]["count"] == 1 and rows["gb_hmt_sanctions"]["source"] == "ConList.csv"
    assert rows["un_sc_sanctions"]["source"] == "bundled"
