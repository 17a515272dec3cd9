"""The trade analysis on small tables whose answers were worked out by hand."""

from __future__ import annotations

import pytest

from tollwatch.core.trade import (
    AnalysisParams,
    SurgeRule,
    TradeDataError,
    TradeRecord,
    analyze,
    best_lag,
    compare_reference,
    dedupe_hierarchy,
    exposure,
    find_surges,
    month_label,
    parse_period,
    reference_months,
    robust_z,
    sanction_flags,
    seasonality,
    yearly_series,
)


def rec(period, flow, hs, value, kg=None, reporter="CN", partner="KP"):
    return TradeRecord(period, reporter, partner, flow, hs, value, kg)


def months(year_from=2022, year_to=2023):
    return [f"{y}-{m:02d}" for y in range(year_from, year_to + 1) for m in range(1, 13)]


# --- surges ------------------------------------------------------------------------------


def surge_table():
    """6704 imports of 100 a month for two years, with three departures:

    2022-04 = 500: only 3 months of history, so too early to call (min baseline 6);
    2023-03 = 250: trailing median 100, 250 > 2 x 100 -> the one surge;
    2023-07 = 190: 190 < 200 -> a quiet month, not a surge.
    """
    special = {"2022-04": 500, "2023-03": 250, "2023-07": 190}
    return [rec(p, "M", "6704", special.get(p, 100)) for p in months()]


def test_surge_months_come_out_right_and_quiet_months_do_not():
    out = find_surges(surge_table(), SurgeRule(k=2, window=12, min_baseline=6), SurgeRule(k=2, window=3, min_baseline=2))
    assert [(s["period"], s["hs"], s["value"], s["baseline"]) for s in out] == [("2023-03", "6704", 250.0, 100.0)]


def test_a_flat_series_has_no_surges():
    flat = [rec(p, "M", "6704", 100) for p in months()]
    assert find_surges(flat, SurgeRule(), SurgeRule(window=3, min_baseline=2)) == []


def test_zero_baseline_never_makes_a_surge():
    # 10 in Jan, nothing for ten months (zeros), then 50: the trailing median is 0.
    sparse = [rec("2022-01", "X", "0501", 10), rec("2022-12", "X", "0501", 50)]
    assert find_surges(sparse, SurgeRule(), SurgeRule(window=3, min_baseline=2)) == []


def test_a_lower_k_turns_the_quiet_month_into_a_surge():
    out = find_surges(surge_table(), SurgeRule(k=1.5), SurgeRule(window=3, min_baseline=2))
    assert [s["period"] for s in out] == ["2023-03", "2023-07"]


def test_yearly_surges_use_the_trailing_years():
    # 100, 100, 100, then 700 > 2 x median(100,100,100): a surge in 2023 only.
    recs = [rec(str(y), "M", "6704", v) for y, v in ((2020, 100), (2021, 100), (2022, 100), (2023, 700))]
    out = find_surges(recs, SurgeRule(), SurgeRule(k=2, window=3, min_baseline=2))
    assert [(s["period"], s["granularity"], s["baseline"]) for s in out] == [("2023", "year", 100.0)]


# --- sanction flags ------------------------------------------------------------------------


def test_textile_flags_and_non_textile_codes():
    recs = [
        rec("2018-05", "M", "6109", 50),  # DPRK T-shirts into China after 2375: flagged
        rec("2017-05", "M", "6110", 40),  # before 2375 was adopted (2017-09-11): not flagged
        rec("2017-09", "M", "5208", 30),  # the month of adoption counts
        rec("2018-05", "M", "6704", 900),  # wigs (chapter 67) are not textiles: not flagged
        rec("2018-05", "X", "6109", 20),  # Chinese T-shirts to the DPRK: not a DPRK export
        rec("2018-06", "M", "6203", 0),  # zero value: nothing to flag
    ]
    flags = sanction_flags(recs)
    assert [(f["period"], f["hs"], f["resolution"]) for f in flags] == [
        ("2017-09", "5208", "UNSCR 2375"),
        ("2018-05", "6109", "UNSCR 2375"),
    ]
    assert all("textiles" in f["rule"] and "2375" in f["rule"] for f in flags)


def test_other_banned_categories_carry_their_resolution():
    recs = [
        rec("2018-01", "M", "030741", 10),  # seafood from the DPRK: 2371
        rec("2018-01", "M", "2701", 10),  # coal: 2371
        rec("2019-01", "X", "8471", 10),  # computers supplied to the DPRK: 2397 (ch. 84 to the DPRK)
        rec("2019-01", "M", "0801", 10),  # nuts from the DPRK: 2397 (food and agriculture)
        rec("2019-01", "X", "0501", 10),  # human hair to the DPRK: not banned
        TradeRecord("2019", "KP", "CN", "X", "2601", 10),  # iron ore reported by the DPRK itself
    ]
    got = {(f["hs"], f["rule_id"]) for f in sanction_flags(recs)}
    assert got == {
        ("030741", "unscr2371-seafood"),
        ("2701", "unscr2371-coal"),
        ("8471", "unscr2397-machinery-to-dprk"),
        ("0801", "unscr2397-food-agri"),
        ("2601", "unscr2371-iron"),
    }


def test_hierarchy_counts_the_coarsest_code_once():
    recs = [rec("2023-01", "M", "6704", 100), rec("2023-01", "M", "670411", 60), rec("2023-01", "M", "670419", 40),
            rec("2023-02", "M", "670411", 70)]
    kept = dedupe_hierarchy(recs)
    assert sorted((r.period, r.hs) for r in kept) == [("2023-01", "6704"), ("2023-02", "670411")]
    rep = analyze(recs)
    assert {r["period"]: r["output_usd"] for r in rep["ratios"] if r["granularity"] == "month"} == {
        "2023-01": 100.0, "2023-02": 70.0}


# --- lag, ratios, seasonality ------------------------------------------------------------------


def test_lag_detection_on_a_constructed_series():
    pattern = [5, 9, 2, 7, 3, 8, 1, 6, 4, 10, 2, 9, 3, 7, 5, 8, 1, 6, 9, 2, 4, 7, 3, 8]
    labels = [month_label(2021 * 12 + i) for i in range(len(pattern))]
    inputs = dict(zip(labels, pattern))
    # Outputs are three times the inputs, two months later.
    outputs = {month_label(2021 * 12 + i + 2): 3 * v for i, v in enumerate(pattern)}
    lag = best_lag(inputs, outputs, max_lag=6)
    assert lag["best_lag_months"] == 2
    assert lag["correlation"] == pytest.approx(1.0)
    assert [b["lag"] for b in lag["by_lag"]] == list(range(7))


def test_ratio_and_lag_through_analyze():
    pattern = [5, 9, 2, 7, 3, 8, 1, 6, 4, 10, 2, 9, 3, 7, 5, 8]
    recs = []
    for i, v in enumerate(pattern):
        recs.append(rec(month_label(2022 * 12 + i), "X", "6703", v * 10, kg=v))
        recs.append(rec(month_label(2022 * 12 + i + 1), "M", "6704", v * 40, kg=v / 2))
    rep = analyze(recs)
    assert rep["lag"]["best_lag_months"] == 1
    by_month = {r["period"]: r for r in rep["ratios"] if r["granularity"] == "month"}
    # 2022-02: inputs 9*10 = 90, outputs 5*40 = 200.
    assert by_month["2022-02"]["input_usd"] == 90 and by_month["2022-02"]["output_usd"] == 200
    assert by_month["2022-02"]["ratio"] == pytest.approx(200 / 90, abs=1e-4)
    year = {r["period"]: r for r in rep["ratios"] if r["granularity"] == "year"}["2022"]
    assert year["input_usd"] == 10 * sum(pattern[:12]) and year["output_usd"] == 40 * sum(pattern[:11])
    assert year["months"] == 12


def test_seasonality_profile_and_early_winter_share():
    # 100 in November and December, 10 in the other months, over two years.
    series = {p: (100 if p[5:] in ("11", "12") else 10) for p in months()}
    s = seasonality(series)
    assert s["peak_month"] in (11, 12)
    # Nov+Dec+Jan = 210 of 300 a year.
    assert s["early_winter_share"] == pytest.approx(0.7)
    assert sum(p["share"] for p in s["profile"]) == pytest.approx(1.0)


def test_seasonality_does_not_overweight_months_seen_twice():
    # Jan 2022 .. Mar 2023, flat at 10: every calendar month has the same mean, so the same share.
    series = {p: 10 for p in months()[:15]}
    s = seasonality(series)
    assert [p["share"] for p in s["profile"]] == pytest.approx([1 / 12] * 12)
    assert s["early_winter_index"] == pytest.approx(1.0)


def test_annual_record_wins_over_the_months_of_the_same_year():
    recs = [rec("2023", "M", "6704", 1200), rec("2023-01", "M", "6704", 100), rec("2022-01", "M", "6704", 50)]
    ys = yearly_series(recs, lambda r: True)
    assert ys["2023"].value == 1200 and ys["2023"].months == 12
    assert ys["2022"].value == 50 and ys["2022"].months == 1


# --- unit values -------------------------------------------------------------------------------


def test_unit_values_and_the_anomalous_month():
    values = [20, 21, 19, 20, 22, 18, 20, 21, 19, 200]  # US$/kg; the last is an outlier
    recs = [rec(f"2023-{i + 1:02d}", "M", "6704", v * 50, kg=50) for i, v in enumerate(values)]
    rep = analyze(recs)
    monthly = [u for u in rep["unit_values"] if u["granularity"] == "month"]
    assert [u["usd_per_kg"] for u in monthly] == values
    assert [u["period"] for u in monthly if u["anomaly"]] == ["2023-10"]


def test_a_constant_unit_value_with_float_noise_is_not_an_anomaly():
    # 4v / (4v/100) is 100 give or take one ulp: noise, not dispersion.
    recs = [rec(f"2023-{i + 1:02d}", "M", "6704", 4 * v, kg=4 * v / 100) for i, v in enumerate([50, 70, 40, 60, 80, 55, 65])]
    rep = analyze(recs)
    assert not any(u["anomaly"] for u in rep["unit_values"])


def test_robust_z_needs_five_points():
    assert robust_z([1, 2, 3, 4]) == [None] * 4
    z = robust_z([10, 10, 10, 10, 11])  # MAD 0 -> mean absolute deviation fallback
    assert z[-1] > 3.5 and z[0] == 0


# --- exposure ----------------------------------------------------------------------------------


def test_exposure_arithmetic_with_a_world_row():
    recs = [
        rec("2023", "M", "6704", 600),  # from KP
        TradeRecord("2023", "CN", "W00", "M", "6704", 1000),  # from the world
        TradeRecord("2023", "CN", "VN", "M", "6704", 400),
        TradeRecord("2023", "CN", "US", "X", "6704", 500),
        TradeRecord("2023", "CN", "JP", "X", "6704", 200),
        TradeRecord("2023", "CN", "W00", "X", "6704", 5000),  # the world total is not a destination
    ]
    exp = exposure(recs)
    assert exp["shares"][0]["share"] == pytest.approx(0.6)
    assert [(e["destination"], e["exposure_usd"]) for e in exp["by_destination"]] == [("US", 300.0), ("JP", 120.0)]


def test_exposure_share_from_the_sum_of_partners():
    recs = [
        rec("2024-01", "M", "6704", 300),
        TradeRecord("2024-01", "CN", "VN", "M", "6704", 100),
        TradeRecord("2024-02", "CN", "DE", "X", "670419", 80),
    ]
    exp = exposure(recs)
    assert exp["shares"][0]["share"] == pytest.approx(0.75)
    assert exp["by_destination"][0]["exposure_usd"] == pytest.approx(60.0)


# --- validation and reference figures ------------------------------------------------------------


def test_record_validation_names_the_field():
    with pytest.raises(TradeDataError) as exc:
        TradeRecord("2023-13", "CN", "KP", "M", "6704", 1)
    assert exc.value.field == "period"
    with pytest.raises(TradeDataError) as exc:
        TradeRecord("2023-01", "CN", "KP", "M", "6704", "12,5")
    assert exc.value.field == "value_usd"
    with pytest.raises(TradeDataError) as exc:
        TradeRecord("2023-01", "CN", "KP", "Q", "6704", 1)
    assert exc.value.field == "flow"
    assert parse_period("202304") == "2023-04" and parse_period("2023") == "2023"


def test_reference_periods_and_comparison():
    assert reference_months("2023-01..03") == ("month", ["2023-01", "2023-02", "2023-03"])
    assert reference_months("2024-H2")[1][0] == "2024-07"
    assert reference_months("someday") is None
    recs = [rec(f"2023-{m:02d}", "M", "6704", 10_000_000) for m in range(1, 13)]
    rep = analyze(recs, AnalysisParams())
    figures = [
        {"period": "2023", "flow": "NK->CN exports", "hs_scope": "6704", "value_usd": "100000000"},
        {"period": "2023-01..07", "flow": "NK->CN exports", "hs_scope": "wigs", "value_usd": "70000000"},
        {"period": "2016", "flow": "NK exports (all partners)", "hs_scope": "textiles", "value_usd": "1"},
    ]
    cmp = compare_reference(figures, rep)
    assert [c["imported_usd"] for c in cmp] == [120_000_000, 70_000_000, None]
    assert cmp[0]["difference_pct"] == 20.0
