"""`tollwatch sources edit` and `sources delete`: the app.sources use cases from the command line."""

from __future__ import annotations

import json

from tollwatch.core.model import Sensitivity


def _add(cli, tmp_path, text="A note on a trading company in Dandong.", *extra):
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    return cli.json("sources", "add", str(path), "--publisher", "Someone", "--url", "https://example.org/a", *extra, "--format", "json")["source_id"]


def test_edit_changes_fields_and_audits_their_names(cli, tmp_path, store):
    sid = _add(cli, tmp_path)
    out = cli("sources", "edit", sid, "--title", "Dandong note", "--grade", "b", "--url", "", "--sensitivity", "restricted").stdout
    assert out.strip() == f"updated source {sid}: grade, sensitivity, title, url"
    shown = json.loads(cli("sources", "edit", sid, "--date", "2024-05", "--format", "json").stdout)
    assert (shown["title"], shown["grade"], shown["url"], shown["date"], shown["sensitivity"]) == (
        "Dandong note", "B", None, "2024-05", "restricted")
    assert shown["publisher"] == "Someone" and "text" not in shown
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entries = [(a["actor"], a["action"], a["detail"]) for a in r.audit(target_id=sid)]
    assert entries[:2] == [("tester", "update", {"fields": ["date"]}),
                           ("tester", "update", {"fields": ["grade", "sensitivity", "title", "url"]})]


def test_edit_refusals_are_one_line_naming_the_field(cli, tmp_path):
    sid = _add(cli, tmp_path)
    bad = cli("sources", "edit", sid, "--grade", "Z", expect=2)
    assert bad.output.startswith("error: ") and "grade" in bad.output and "Traceback" not in bad.output
    bad = cli("sources", "edit", sid, "--date", "next week", expect=2)
    assert "date" in bad.output
    bad = cli("sources", "edit", sid, "--title", " ", expect=2)
    assert "title: must be a non-empty string" in bad.output
    missing = cli("sources", "edit", "src-nope", "--title", "x", expect=2)
    assert "no source with id src-nope" in missing.output
    nothing = cli("sources", "edit", sid, expect=2)
    assert "nothing to change" in nothing.output


def test_delete_a_source_without_claims_and_refuse_one_with_claims(cli, tmp_path, store):
    sid = _add(cli, tmp_path)
    assert cli("sources", "delete", sid).stdout.strip() == f"deleted source {sid}"
    assert sid not in cli("sources", "list", "--format", "json").stdout
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.audit(target_id=sid)[0]["action"] == "delete"
        claimed = r.list_claims()[0].evidence.source_id
    refused = cli("sources", "delete", claimed, expect=2)
    assert "claim(s) rest on this source" in refused.output
    assert cli("sources", "delete", sid, expect=2).output.startswith("error: id: no source with id")
