"""Saved runs, decisions carried forward, and delta rescreen equal to a full re-screen.

Lists are generated (tests/runs_support.py) and imported through `lists import`; every
delta (adds, removes, renamed aliases, all three) is checked row by row and diff by diff
against a full `screen --save` of the same book on the new lists.
"""

from __future__ import annotations

import json
import os
import random

import pytest
from runs_support import delta, generate_book, generate_list, mark_bundle_handled, write_book, write_list

from tollwatch.app.decisions import open_items
from tollwatch.app.evidence import open_store
from tollwatch.app.lists import import_files
from tollwatch.app.rescreen import compare_versions, rescreen
from tollwatch.app.runs import decide, run_results, save_screening
from tollwatch.store import runs_repo


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def book_store(tmp_path, db_url):
    store = open_store(db_url)
    mark_bundle_handled(store)
    rng = random.Random(11)
    entries = generate_list(rng, 250)
    import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", entries)], "gen_list", "2026-01-01")
    book = generate_book(rng, entries, 300, ["Kumsong Mirim Shipping Group", "Nampo Taesong Mining Corporation"])
    write_book(tmp_path / "book.csv", book)
    yield store, entries, tmp_path
    store.close()


def _rows(store, ref):
    from tollwatch.app.runs import get_run

    v = get_run(store, ref)
    with store.engine.connect() as conn:
        return [(seq, result) for seq, _, result in runs_repo.iter_rows(conn, v["id"])]


def _new_snapshot(store, tmp_path, entries, date, **kw):
    new = delta(random.Random(3), entries, **kw)
    import_files(store, "tester", "csv", [write_list(tmp_path / "gen.csv", new)], "gen_list", date)
    return new


SECTIONS = ("new_hits", "gone_hits", "risk_changes", "reopened", "still_cleared")


@pytest.mark.parametrize("kw", [
    {"adds": 8, "removes": 0, "renames": 0, "add_names": ["Kumsong Mirim Shipping Group"]},
    {"adds": 0, "removes": 12, "renames": 0},
    {"adds": 0, "removes": 0, "renames": 15},
    {"adds": 5, "removes": 5, "renames": 5, "add_names": ["Nampo Taesong Mining Corporation"]},
], ids=["adds", "removes", "renamed-aliases", "mixed"])
def test_rescreen_equals_a_full_rescreen(book_store, kw):
    store, entries, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    _new_snapshot(store, tmp, entries, "2026-02-01", **kw)
    diff = rescreen(store, "tester", "book")
    save_screening(store, "tester", "full", tmp / "book.csv", tmp / "v2.jsonl")
    assert _rows(store, "book") == _rows(store, "full"), "every row of the rescreened version equals the full run's"
    full_diff = compare_versions(store, "book@1", "full@1")
    for k in SECTIONS:
        assert diff[k] == full_diff[k], k
    assert diff["rescreened"] < 300, "only rows a change can reach are screened again"
    assert diff["new_hits"] or diff["gone_hits"] or kw["renames"], "the delta changed something"
    for hit in diff["new_hits"] + diff["gone_hits"]:
        assert hit["cause"]["kind"] in ("list", "score") and hit["query_id"]
    if kw.get("add_names"):
        named = [h for h in diff["new_hits"] if h["name"] == kw["add_names"][0]]
        assert named and all(h["cause"] == {"kind": "list", "change": "added", "dataset": "gen_list", "entity_id": h["entity_id"], "caption": h["name"]} for h in named)
    if kw["removes"]:
        assert any(h["cause"].get("change") == "removed" for h in diff["gone_hits"])


def test_an_unchanged_list_rescreens_nothing_and_reports_nothing(book_store):
    store, _, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    diff = rescreen(store, "tester", "book")
    assert not any(diff[k] for k in SECTIONS) and not diff["lists"]
    assert _rows(store, "book@2") == _rows(store, "book@1")


def test_the_run_records_what_it_was_screened_on(book_store):
    store, _, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl", threshold=0.75)
    v, results = run_results(store, "book")
    m = v["meta"]
    assert len(m["input_sha256"]) == 64 and m["threshold"] == 0.75 and m["tollwatch_version"]
    assert m["lists"]["gen_list"]["snapshot_date"] == "2026-01-01" and len(m["lists"]["gen_list"]["content_sha256"]) == 64
    assert m["graph_version"] and m["rows"] == 300
    results = list(results)
    written = [json.loads(line) for line in (tmp / "v1.jsonl").read_text().splitlines()]
    assert results == written, "a saved run shows the results `screen` wrote"
    assert any(r["matches"] and r["risk"]["reasons"] for r in results)


def _a_hit(store, ref="book"):
    _, results = run_results(store, ref)
    for r in results:
        for m in r["matches"]:
            if m["match"] and m["dataset"] == "gen_list":
                return r, m
    raise AssertionError("no hit")


def test_cleared_stays_cleared_until_the_profile_changes(book_store):
    store, entries, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    row, hit = _a_hit(store)
    decide(store, "analyst", "book", row["query_id"], hit["entity_id"], "cleared", "a different company: other address")
    # An unrelated change: the cleared hit stays cleared.
    other = [e for e in entries if f"gen_list-{e['id']}" != hit["entity_id"]]
    import_files(store, "tester", "csv", [write_list(tmp / "gen.csv", other[:-1] + [e for e in entries if f"gen_list-{e['id']}" == hit["entity_id"]])], "gen_list", "2026-02-01")
    diff = rescreen(store, "tester", "book")
    assert not diff["reopened"]
    _, results = run_results(store, "book")
    d = next(m for r in results if r["query_id"] == row["query_id"] for m in r["matches"] if m["entity_id"] == hit["entity_id"])["decision"]
    assert d["decision"] == "cleared" and not d.get("reopened")
    _, results = run_results(store, "book")
    assert not any(o["entity_id"] == hit["entity_id"] and o["query_id"] == row["query_id"] for o in open_items(results, 10_000))
    # The listed profile changes (a new alias): shown again, with what changed.
    changed = [dict(e) for e in entries if e is not other[-1]]
    for e in changed:
        if f"gen_list-{e['id']}" == hit["entity_id"]:
            e["aliases"] = ";".join(a for a in (e["aliases"], "Ryugyong Songi Machinery") if a)
    import_files(store, "tester", "csv", [write_list(tmp / "gen.csv", changed)], "gen_list", "2026-03-01")
    diff = rescreen(store, "tester", "book")
    assert diff["reopened"], {k: diff[k] for k in ("reopened", "gone_hits", "rescreened", "record_changes")}
    [again] = [r for r in diff["reopened"] if r["query_id"] == row["query_id"] and r["entity_id"] == hit["entity_id"]]
    assert "Ryugyong Songi Machinery" in again["changed"]["profile"]["names_added"]
    _, results = run_results(store, "book")
    assert any(o["state"] == "reopened" and o["entity_id"] == hit["entity_id"] for o in open_items(results, 10_000))


def test_decisions_are_audited_and_checked(book_store):
    from tollwatch.core.errors import InputError, NotFound
    from tollwatch.core.model import Sensitivity

    store, _, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    row, hit = _a_hit(store)
    decide(store, "analyst", "book", row["query_id"], hit["entity_id"], "escalated", "same director as a listed party")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        [entry] = r.audit(action="run.decide")
    assert entry["actor"] == "analyst" and entry["detail"]["decision"] == "escalated" and entry["detail"]["entity_id"] == hit["entity_id"]
    with pytest.raises(InputError):
        decide(store, "analyst", "book", row["query_id"], hit["entity_id"], "maybe", "x")
    with pytest.raises(InputError):
        decide(store, "analyst", "book", row["query_id"], hit["entity_id"], "cleared", " ")
    with pytest.raises(NotFound):
        decide(store, "analyst", "book", "no-such-row", hit["entity_id"], "cleared", "x")
    with pytest.raises(NotFound):
        decide(store, "analyst", "book", row["query_id"], "no-such-entity", "cleared", "x")


def test_cli_save_runs_show_every_format_and_decide(book_store, cli):
    store, _, tmp = book_store
    out = cli("screen", str(tmp / "book.csv"), "--save", "book", "-o", str(tmp / "v1.jsonl"))
    assert "saved run book@1: 300 rows" in out.stderr
    listed = cli.json("runs", "--format", "json")
    assert listed[0]["name"] == "book" and listed[0]["rows"] == 300
    table = cli("runs", "show", "book").stdout
    assert "threshold 0.7" in table and "list gen_list: snapshot 2026-01-01" in table
    shown = json.loads(cli("runs", "show", "book", "--format", "json").stdout)
    assert shown["meta"]["input_sha256"] and shown["hits"]
    lines = cli("runs", "show", "book", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x) for x in lines] == [json.loads(x) for x in (tmp / "v1.jsonl").read_text().splitlines()]
    assert cli("runs", "show", "book", "--format", "csv").stdout.startswith("query_id,")
    for fmt in ("xlsx", "html", "parquet"):
        cli("runs", "show", "book", "--format", fmt, "-o", str(tmp / f"show.{fmt}"))
        assert (tmp / f"show.{fmt}").stat().st_size > 0
    hit = shown["hits"][0]
    cli("runs", "decide", "book", hit["row"], hit["entity_id"], "confirmed", "--note", "same address")
    again = json.loads(cli("runs", "show", "book", "--format", "json").stdout)
    assert next(h for h in again["hits"] if h["row"] == hit["row"] and h["entity_id"] == hit["entity_id"])["decision"] == "confirmed"


@pytest.mark.parametrize("args, says", [
    (("runs", "show", "nope"), "no saved run"),
    (("runs", "show", "book@x"), "version is a number"),
    (("runs", "decide", "book", "R1", "gen_list-GEN-0001", "confirmed"), "--note"),
    (("runs", "decide", "book", "R999", "gen_list-GEN-0001", "confirmed", "--note", "n"), "no row"),
    (("rescreen", "nope"), "no saved run"),
    (("rescreen", "book@1"), "latest version"),
    (("screen", "missing.csv", "--save", "x"), "no such file"),
    (("screen", "BOOK", "--save", "bad name"), "run name"),
    (("audit", "export", "--from", "2026-13-01", "--to", "2026-12-31"), "not a date"),
    (("audit", "export", "--from", "2026-12-02", "--to", "2026-12-01"), "before"),
    (("watch", "book", "--every", "soon", "--once"), "--every"),
])
def test_bad_input_is_one_line_and_a_nonzero_exit(book_store, cli, args, says):
    store, _, tmp = book_store
    if not runs_repo.list_versions(store.engine.connect()):
        save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    args = tuple(str(tmp / "book.csv") if a == "BOOK" else a for a in args)
    res = cli(*args, expect=None)
    assert res.exit_code != 0
    err = res.stderr.strip()
    assert says in err and len(err.splitlines()) == 1 and "Traceback" not in err, err


def test_spark_rescreen_equals_local(book_store):
    pytest.importorskip("pyspark")
    if not (os.environ.get("JAVA_HOME") or any(os.path.exists(os.path.join(p, "java")) for p in os.environ.get("PATH", "").split(os.pathsep))):
        pytest.skip("Spark needs Java")
    store, entries, tmp = book_store
    save_screening(store, "tester", "book", tmp / "book.csv", tmp / "v1.jsonl")
    save_screening(store, "tester", "other", tmp / "book.csv", tmp / "v1b.jsonl")
    _new_snapshot(store, tmp, entries, "2026-02-01", adds=4, removes=4, renames=4, add_names=["Kumsong Mirim Shipping Group"])
    local = rescreen(store, "tester", "book")
    spark = rescreen(store, "tester", "other", engine="spark", spark_master="local[1]")
    assert _rows(store, "book") == _rows(store, "other")
    for k in SECTIONS:
        assert local[k] == spark[k], k
