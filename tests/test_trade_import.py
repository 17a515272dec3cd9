"""Importing trade statistics: both layouts, and bad input that must stop with nothing stored."""

from __future__ import annotations

import pytest
from store_support import backend_url  # noqa: F401  (a fixture)

from tollwatch.core.errors import InputError
from tollwatch.core.model import Sensitivity
from tollwatch.importers.trade import country_code, import_trade_file
from tollwatch.store import trade_repo

COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "partnerCode,partnerISO,partner2Code,cmdCode,cmdDesc,customsCode,motCode,qty,netWgt,primaryValue,isReported"
)


def comtrade_row(period, reporter, partner, flow, cmd, value, kg="", qty="", partner2="0", customs="C00", mot="0"):
    return (f"C,M,{period}01,{period[:4]},{period[4:]},{period},156,{reporter},China,{flow},408,{partner},{partner2},"
            f"{cmd},desc,{customs},{mot},{qty},{kg},{value},True")


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return trade_repo.load(r.conn)


def test_comtrade_layout_alpha3_extra_columns_and_reported_skips(store, tmp_path):
    path = write(tmp_path, "ct.csv", [
        COMTRADE_HEADER,
        comtrade_row("202304", "CHN", "PRK", "M", "6704", "22600000", kg="121000", qty="121000"),
        comtrade_row("202304", "CHN", "PRK", "X", "6703", "11600000", kg="300000"),
        comtrade_row("202304", "CHN", "W00", "M", "6704", "30000000"),
        comtrade_row("202304", "CHN", "PRK", "RX", "6704", "5"),  # re-export: skipped, counted
        comtrade_row("202304", "CHN", "PRK", "M", "6704", "7", mot="2100"),  # breakdown by transport mode
        comtrade_row("202304", "CHN", "ZZZ", "X", "6704", "9"),  # an unknown alpha-3 code: kept, reported
    ])
    result = import_trade_file(store, path, "comtrade", actor="tester")
    assert result.imported == 4
    assert result.skipped == {"flowCode RX (not a plain import/export)": 1,
                              "breakdown row (motCode not a total)": 1}
    assert result.unmapped_codes == ["ZZZ"]
    recs = {(r.partner, r.flow, r.hs): r for r in stored(store)}
    assert recs[("KP", "M", "6704")].value_usd == 22_600_000 and recs[("KP", "M", "6704")].net_kg == 121_000
    assert recs[("KP", "M", "6704")].period == "2023-04"
    assert ("W00", "M", "6704") in recs
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert any(a["action"] == "trade_import" for a in r.audit())


def test_generic_csv_and_idempotent_reimport(store, tmp_path):
    path = write(tmp_path, "g.csv", [
        "period,reporter,partner,flow,hs,value_usd,net_kg,qty,description,comment",
        "2023-01,CN,KP,export,0501,1000,50,,human hair,ignored",
        "2023,CHN,KOR,M,6704,5,,,,",
    ])
    assert import_trade_file(store, path, "auto").imported == 2
    again = import_trade_file(store, path, "csv")
    assert (again.imported, again.already_stored) == (0, 2)
    assert len(stored(store)) == 2


@pytest.mark.parametrize(
    "lines, layout, where",
    [
        (["date,country,amount", "2023-01,CN,5"], "auto", (":1:", "header", "unknown layout")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,6704,100", "2023-02,CN,KP,M,6704,lots"],
         "csv", (":3:", "value_usd", "not a number")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,6704,100", "2023-02,CN,KP,M,6704,1,200"],
         "csv", (":3:", "row", "cells")),
        ([COMTRADE_HEADER, comtrade_row("202301", "CHN", "PRK", "M", "6704", "1e5"),
          comtrade_row("202302", "CHN", "PRK", "M", "6704", "n/a")], "comtrade", (":3:", "primaryValue", "number")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,6704,100", "2023-02,CN,KP,M,6704,5",
          "2023-01,CHN,PRK,M,6704,100"], "csv", (":4:", "row", "duplicate row", "line 2")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,6704,100"], "comtrade",
         ("not a comtrade layout", "reporterISO")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,sideways,6704,100"], "csv", (":2:", "flow")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-00,CN,KP,M,6704,100"], "csv", (":2:", "period")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,wigs,100"], "csv", (":2:", "hs")),
        (["period,reporter,partner,flow,hs,value_usd", "2023-01,CN,KP,M,6704,-5"], "csv", (":2:", "negative")),
    ],
    ids=["unknown-layout", "non-numeric", "extra-cell", "comtrade-non-numeric", "duplicate", "wrong-layout",
         "bad-flow", "bad-period", "bad-hs", "negative"],
)
def test_bad_input_names_file_line_and_field_and_stores_nothing(store, tmp_path, lines, layout, where):
    path = write(tmp_path, "bad.csv", lines)
    with pytest.raises(InputError) as exc:
        import_trade_file(store, path, layout)
    message = str(exc.value)
    assert message.startswith(str(path))
    for part in where:
        assert part in message, message
    assert stored(store) == []


def test_a_conflicting_reimport_is_refused_and_changes_nothing(store, tmp_path):
    first = write(tmp_path, "a.csv", ["period,reporter,partner,flow,hs,value_usd",
                                     "2023-01,CN,KP,M,6704,100", "2023-02,CN,KP,M,6704,200"])
    import_trade_file(store, first)
    second = write(tmp_path, "b.csv", ["period,reporter,partner,flow,hs,value_usd",
                                      "2023-03,CN,KP,M,6704,300", "2023-01,CN,KP,M,6704,999"])
    with pytest.raises(InputError) as exc:
        import_trade_file(store, second)
    assert "b.csv:3" in str(exc.value) and "conflicts" in str(exc.value)
    assert sorted(r.period for r in stored(store)) == ["2023-01", "2023-02"]


def test_country_codes():
    assert country_code("prk") == "KP"
    assert country_code("KP") == "KP"
    assert country_code("WLD") == "W00"
    assert country_code("USA") == "US"


def test_import_and_report_on_both_backends(backend_url, tmp_path):
    from tollwatch.app.evidence import open_store
    from tollwatch.app.trade import report

    s = open_store(backend_url, load_reference=False)
    try:
        lines = ["period,reporter,partner,flow,hs,value_usd,net_kg"]
        lines += [f"2023-{m:02d},CN,KP,M,6704,{250 if m == 9 else 100},{10}" for m in range(1, 13)]
        lines += ["2023-05,CN,KP,M,6109,35,1", "2023,CN,US,X,6704,400,"]
        path = write(tmp_path, "t.csv", lines)
        assert import_trade_file(s, path).imported == 14
        with pytest.raises(InputError):
            import_trade_file(s, write(tmp_path, "dup.csv", [lines[0], "2024-01,CN,KP,M,6704,1", lines[1].replace(
                "100", "7")]))
        rep = report(s, "CN", "KP")
        assert [x["period"] for x in rep["surges"]] == ["2023-09"]
        assert [x["hs"] for x in rep["sanction_flags"]] == ["6109"]
        assert rep["exposure"][0]["exposure_usd"] == 400.0  # all 6704 imports come from KP: share 1
        assert len(stored(s)) == 14
    finally:
        s.close()
