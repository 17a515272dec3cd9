"""Issue 13's first "Done when", on the real bundled lists: every North Korean target named on
both OFAC and the UN (each as its own record) is one profile with both memberships.

The hand key (tests/data/dprk_un_ofac_key.tsv) names, for each of the 155 North Korean UN
records (KPi/KPe), its OFAC counterpart and how the two join (an automatic rule, or the shipped
reviewed judgements), or `none` with the reason. The test loads the bundled lists into a real
SQLite store and runs `xref` as a user would; it takes about two minutes.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from tollwatch.app.resolution import list_judgements, profile_map, profile_view
from tollwatch.app.reviewed import REVIEWER
from tollwatch.app.screening import ensure_default_lists
from tollwatch.app.xref import run_xref
from tollwatch.core.model import Sensitivity

KEY = Path(__file__).parent / "data" / "dprk_un_ofac_key.tsv"
UN, OFAC = "un_sc_sanctions", "us_ofac_sdn"


def _key() -> list[dict[str, str]]:
    lines = [line for line in KEY.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def xref_store(tmp_path_factory):
    from tollwatch.app.evidence import open_store

    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('bundled') / 'tollwatch.db'}")
    ensure_default_lists(s)
    result = run_xref(s, "cli", Sensitivity.PUBLIC, [OFAC, UN])
    yield s, result
    s.close()


def test_key_covers_every_north_korean_un_record(xref_store):
    store, _ = xref_store
    with store.read(Sensitivity.PUBLIC) as r:
        refs = {e.id.removeprefix(f"{UN}-") for e in r.list_entities(dataset=UN)}
    north_korean = {x for x in refs if x.startswith(("KPi.", "KPe."))}
    assert len(north_korean) == 155
    assert {row["un_ref"] for row in _key()} == north_korean


def test_every_target_on_both_lists_is_one_profile_with_both_memberships(xref_store):
    store, result = xref_store
    key = _key()
    with store.read(Sensitivity.PUBLIC) as r:
        profiles = profile_map(r)
        how = {(j.left_id, j.right_id): j.rule or j.actor for j in list_judgements(r)}
        for row in key:
            un_id = f"{UN}-{row['un_ref']}"
            view = profile_view(r, un_id)
            assert view is not None, un_id
            members = {m["entity_id"]: m["dataset"] for m in view["memberships"]}
            if row["ofac_id"] == "none":
                assert OFAC not in members.values(), (un_id, members)
                continue
            ofac_id = f"{OFAC}-{row['ofac_id']}"
            # One profile, exactly these two records, both lists among its memberships.
            assert set(members) == {un_id, ofac_id}, (un_id, members)
            assert profiles[un_id] == profiles[ofac_id] == view["id"] == un_id
            assert {m["dataset"] for m in view["memberships"]} == {UN, OFAC}
            assert all(m["list_id"] for m in view["memberships"])
            joined_by = how[min(un_id, ofac_id), max(un_id, ofac_id)]
            assert joined_by == (REVIEWER if row["how"] == "reviewed" else row["how"]), row
    counts = Counter(row["how"] if row["ofac_id"] != "none" else "none" for row in key)
    # The figures docs/resolution.md states.
    assert counts["reviewed"] == 28 and counts["none"] == 3
    assert sum(n for rule, n in counts.items() if rule not in ("reviewed", "none")) == 124
    assert result["reviewed"] == 29  # 28 `same` for North Korean pairs above, 1 `different`
