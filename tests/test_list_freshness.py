"""Stale lists are warned about (issue 14): the age rules with a fixed today, then the CLI lines."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from screening_support import fresh_db

from tollwatch.app.list_freshness import (
    list_age_days,
    max_list_age,
    needs_bundle,
    older_snapshot_error,
    source_label,
    stale_list_warnings,
)
from tollwatch.core.errors import InputError

TODAY = date(2026, 12, 2)
LISTS = {
    "us_ofac_sdn": {"snapshot_date": "2024-05-03", "bundled": True},
    "un_sc_sanctions": {"snapshot_date": "2026-11-25", "fetched_from": ["https://example.org/un.xml"]},
    "watchlist": {"snapshot_date": None, "source_files": ["w.csv"]},
}


def test_age_in_days_from_a_fixed_today():
    assert list_age_days(LISTS["us_ofac_sdn"], TODAY) == 943
    assert list_age_days(LISTS["un_sc_sanctions"], TODAY) == 7
    assert list_age_days(LISTS["watchlist"], TODAY) is None
    assert list_age_days({"snapshot_date": "not a date"}, TODAY) is None


def test_warnings_name_each_old_list_and_its_date():
    lines = stale_list_warnings(LISTS, TODAY, 30)
    assert len(lines) == 2
    ofac = next(line for line in lines if "us_ofac_sdn" in line)
    assert "2024-05-03" in ofac and "943 days" in ofac and "30" in ofac
    assert any("watchlist" in line and "no snapshot date" in line for line in lines)
    assert not any("un_sc_sanctions" in line for line in lines)
    assert stale_list_warnings(LISTS, TODAY, 5)[0].startswith("warning: list un_sc_sanctions is a snapshot of 2026-11-25")
    assert [line for line in stale_list_warnings(LISTS, TODAY, 1000) if "us_ofac_sdn" in line] == []


def test_exactly_the_allowed_age_is_not_stale():
    assert stale_list_warnings({"x": {"snapshot_date": "2026-11-02"}}, TODAY, 30) == []
    assert len(stale_list_warnings({"x": {"snapshot_date": "2026-11-01"}}, TODAY, 30)) == 1


def test_max_age_from_option_environment_or_default():
    assert max_list_age(None, {}) == 30
    assert max_list_age(None, {"TOLLWATCH_MAX_LIST_AGE": "90"}) == 90
    assert max_list_age(7, {"TOLLWATCH_MAX_LIST_AGE": "90"}) == 7
    with pytest.raises(InputError) as exc:
        max_list_age(None, {"TOLLWATCH_MAX_LIST_AGE": "a month"})
    assert exc.value.field == "TOLLWATCH_MAX_LIST_AGE"
    with pytest.raises(InputError):
        max_list_age(-1, {})


def test_bundle_only_where_no_list_or_an_earlier_bundle():
    assert needs_bundle(None, "b2")
    assert needs_bundle({"bundled": True, "bundle_sha256": "b1"}, "b2")
    assert not needs_bundle({"bundled": True, "bundle_sha256": "b2"}, "b2")
    assert not needs_bundle({"snapshot_date": "2020-01-01", "source_files": ["sdn.csv"]}, "b2")  # an import, however old


def test_older_snapshot_refusal():
    newer = {"snapshot_date": "2026-11-20", "source_files": ["sdn.csv"]}
    error = older_snapshot_error("us_ofac_sdn", "2025-01-31", newer)
    assert error is not None and error.field == "snapshot_date"
    assert "2025-01-31" in str(error) and "2026-11-20" in str(error) and "sdn.csv" in str(error) and "--force" in str(error)
    assert older_snapshot_error("us_ofac_sdn", "2026-11-20", newer) is None
    assert older_snapshot_error("us_ofac_sdn", "2026-12-01", newer) is None
    assert older_snapshot_error("us_ofac_sdn", None, newer) is None  # an undated file cannot be compared
    assert older_snapshot_error("us_ofac_sdn", "2025-01-31", None) is None


def test_source_labels():
    assert source_label(LISTS["us_ofac_sdn"]) == "bundled"
    assert source_label(LISTS["un_sc_sanctions"]) == "https://example.org/un.xml"
    assert source_label(LISTS["watchlist"]) == "w.csv"


# --- the command line ---------------------------------------------------------------------


def invoke(db: str, *args, expect: int = 0, env: dict | None = None):
    from tollwatch.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", db, "--actor", "tester", *map(str, args)], catch_exceptions=False, env=env)
    assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
    return result


def test_lists_command_shows_source_and_warns_on_old_lists(tmp_path):
    db = fresh_db(tmp_path)
    res = invoke(db, "lists", "--format", "json")
    rows = {r["dataset"]: r for r in json.loads(res.stdout)}
    assert rows["us_ofac_sdn"]["source"] == "bundled" and rows["us_ofac_sdn"]["count"] == 14965
    warnings = res.stderr.strip().splitlines()
    assert len(warnings) == 3, res.stderr  # today is later than 30 days after each bundled snapshot
    assert any("us_ofac_sdn" in w and "2024-05-03" in w for w in warnings)
    assert any("un_sc_sanctions" in w and "2026-01-28" in w for w in warnings)
    assert any("gb_hmt_sanctions" in w and "2025-04-14" in w for w in warnings)
    assert invoke(db, "lists", "--max-list-age", "100000").stderr == ""
    assert invoke(db, "lists", env={"TOLLWATCH_MAX_LIST_AGE": "100000"}).stderr == ""
    res = invoke(db, "lists", env={"TOLLWATCH_MAX_LIST_AGE": "soon"}, expect=2)
    assert "TOLLWATCH_MAX_LIST_AGE" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_screen_summary_warns_on_old_lists(tmp_path):
    db = fresh_db(tmp_path)
    src = tmp_path / "in.csv"
    src.write_text("name\nKorea Kwangson Banking Corp\n", encoding="utf-8")
    res = invoke(db, "screen", src, "--list", "us_ofac_sdn", "-o", tmp_path / "o.jsonl")
    lines = res.stderr.strip().splitlines()
    assert lines[-2].startswith("screened 1 rows") and "us_ofac_sdn 2024-05-03" in lines[-2]
    assert "warning: list us_ofac_sdn is a snapshot of 2024-05-03" in lines[-1]
    assert not any("un_sc_sanctions" in line for line in lines)  # only the lists screened against
    res = invoke(db, "screen", src, "--list", "us_ofac_sdn", "--max-list-age", "100000", "-o", tmp_path / "o.jsonl")
    assert "warning" not in res.stderr
