"""`extraction report` on a real store whose claims were reviewed through the review use case,
and a user lexicon entry (`extraction lexicon add`) that changes what ingest extracts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tollwatch.app import review as rv
from tollwatch.app.evidence import open_store
from tollwatch.app.extraction_report import rule_report
from tollwatch.app.ingest import IngestOptions, ingest
from tollwatch.cli.main import cli
from tollwatch.core.model import Predicate, Sensitivity

REPORT = (
    "Kaechon prison camp makes wigs and knitted caps for Chinese companies.\n\n"
    "Camp 14 in Kaechon holds 15,000 prisoners.\n"
)


def test_report_counts_accepted_rejected_and_corrected_per_rule(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path}/r.db")
    doc = tmp_path / "report.txt"
    doc.write_text(REPORT, encoding="utf-8")
    (res,) = ingest(store, doc, "analyst", IngestOptions())
    products = [c for c in res.claims if c.predicate == Predicate.PRODUCES]
    others = [c for c in res.claims if c.predicate != Predicate.PRODUCES]
    assert len(products) >= 2 and others and all(c.evidence.rule for c in res.claims)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        proposed_before = sum(row["proposed"] for row in rule_report(r))
    with store.begin("reviewer") as tx:
        rv.accept(tx, products[0].id)
        rv.reject(tx, products[1].id, "not what the sentence says")
        rv.edit(tx, others[0], value="a corrected value")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        rows = {row["rule"]: row for row in rule_report(r)}
    assert rows["products"]["accepted"] == 1 and rows["products"]["rejected"] == 1
    assert rows[others[0].evidence.rule]["corrected"] == 1
    assert sum(row["proposed"] for row in rows.values()) == proposed_before  # the edit is no proposal
    store.close()
    out = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path}/r.db", "extraction", "report"])
    assert out.exit_code == 0 and "products" in out.output and "corrected" in out.output


def test_lexicon_add_changes_what_ingest_extracts(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_HOME", str(tmp_path / "home"))
    doc = tmp_path / "r.txt"
    doc.write_text("Kaechon prison camp fabricates wigs.\n", encoding="utf-8")

    def produces(db: str) -> list[str]:
        store = open_store(f"sqlite:///{tmp_path}/{db}.db")
        (res,) = ingest(store, doc, "analyst", IngestOptions())
        store.close()
        return [c.object_id or "" for c in res.claims if c.predicate == Predicate.PRODUCES]

    assert produces("before") == []
    out = CliRunner().invoke(cli, ["extraction", "lexicon", "add", "produce", "fabricates", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "home" / "extraction" / "lexicon.yaml").exists()
    assert produces("after") == ["product-wigs"]
    bad = CliRunner().invoke(cli, ["extraction", "lexicon", "add", "no-such-cue", "x"])
    assert bad.exit_code != 0 and "unknown cue kind" in bad.output
