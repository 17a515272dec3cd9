"""`tollwatch export` applies the one visibility rule (app/visibility.py) for its reader.

The export's reader is public, or restricted with `--include-restricted`; never confidential.
An entity proposed only from sources that reader cannot see is not in the export at all,
and no attribute points at such a source. Each check has a positive control: the same
grep finds the marker when the reader may see it, so a leak would be caught.
"""

from __future__ import annotations

import json

import pytest

from tollwatch.core.model import Sensitivity

FORMATS = ("ftm", "jsonl", "csv")
SECRET = "Qzsecret Trading Company"
RESTRICTED = "Qzhidden Trading Company"
TEXT = "The source said {name} buys wigs made at the Kaechon labor camp and sells them to buyers in China."


def _ingest(cli, tmp_path, name: str, sensitivity: str) -> str:
    doc = tmp_path / f"{sensitivity}.txt"
    doc.write_text(TEXT.format(name=name), encoding="utf-8")
    out = cli("ingest", str(doc), "--sensitivity", sensitivity, "--format", "json").stdout
    return json.loads(out.strip().splitlines()[0])["source_id"]


def _export(cli, tmp_path, fmt: str, *extra: str) -> str:
    out = tmp_path / f"export-{fmt}-{len(extra)}.{fmt}"
    cli("export", "--format", fmt, "-o", str(out), *extra)
    return out.read_text(encoding="utf-8")


@pytest.fixture
def planted(cli, tmp_path, store):
    """A confidential and a restricted source, each proposing one new trading company."""
    secret_sid = _ingest(cli, tmp_path, SECRET, "confidential")
    restricted_sid = _ingest(cli, tmp_path, RESTRICTED, "restricted")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        captions = {e.caption: e for e in r.list_entities(dataset="tollwatch") if e.is_new}
    # the markers really are in the store, as proposed entities pointing at their sources
    assert captions[SECRET].attributes["proposed_from"] == secret_sid
    assert captions[RESTRICTED].attributes["proposed_from"] == restricted_sid
    return {"confidential": (secret_sid, captions[SECRET].id), "restricted": (restricted_sid, captions[RESTRICTED].id)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_export_has_no_entity_proposed_from_unseen_sources(cli, tmp_path, planted, fmt):
    text = _export(cli, tmp_path, fmt)
    for sid, eid in planted.values():
        assert sid not in text and eid not in text
    assert SECRET not in text and "Qzsecret" not in text
    assert RESTRICTED not in text and "Qzhidden" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_restricted_export_shows_restricted_but_never_confidential(cli, tmp_path, planted, fmt):
    text = _export(cli, tmp_path, fmt, "--include-restricted")
    # positive control: the reader may see the restricted source, so the same grep finds its marker
    assert RESTRICTED in text and planted["restricted"][0] in text
    if fmt != "csv":  # the entity itself (the csv holds claims only)
        assert planted["restricted"][1] in text
    secret_sid, secret_eid = planted["confidential"]
    assert "Qzsecret" not in text and secret_sid not in text and secret_eid not in text


def test_confidential_reader_would_see_the_marker(store, planted):
    """Positive control for the confidential marker: the export's own writer, given a confidential
    reader, carries the name and source id; so the greps above would catch a leak."""
    from tollwatch.app.export import export_lines

    for fmt in FORMATS[:2]:
        text = "\n".join(export_lines(store, fmt, Sensitivity.CONFIDENTIAL))
        assert SECRET in text and planted["confidential"][0] in text


def test_source_reference_attributes_are_redacted(cli, tmp_path, planted):
    """A public claim makes the restricted-proposed entity visible to a public reader, but its
    `proposed_from` still points at the restricted source, and that attribute must go."""
    restricted_sid, eid = planted["restricted"]
    doc = tmp_path / "public.txt"
    doc.write_text(f"{RESTRICTED} supplies wigs.", encoding="utf-8")
    sid = cli.json("sources", "add", str(doc), "--format", "json")["source_id"]
    claim = {"subject": eid, "predicate": "reported_role", "value": "buyer", "source_id": sid}
    (tmp_path / "c.jsonl").write_text(json.dumps(claim) + "\n", encoding="utf-8")
    cli("claims", "add", str(tmp_path / "c.jsonl"))
    for fmt in ("ftm", "jsonl"):
        lines = [json.loads(x) for x in _export(cli, tmp_path, fmt).splitlines()]
        native = [x.get("tollwatch", x) for x in lines]
        entity = next(x for x in native if x.get("record") == "entity" and x["id"] == eid)
        assert "proposed_from" not in entity["attributes"]
        assert all(restricted_sid not in json.dumps(x) for x in lines)
    # positive control: the restricted reader sees the attribute
    lines = [json.loads(x) for x in _export(cli, tmp_path, "jsonl", "--include-restricted").splitlines()]
    entity = next(x for x in lines if x.get("record") == "entity" and x["id"] == eid)
    assert entity["attributes"]["proposed_from"] == restricted_sid
