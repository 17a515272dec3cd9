"""`tollwatch review` driven by real stdin: decisions change status and land in the audit log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tollwatch.core.model import Sensitivity

ROOT = Path(__file__).resolve().parents[1]

REPORT = (
    "The source said the Kaechon labor camp has received lots of thread to make wigs and sweater vests. "
    "Samjiyon Labor Camp received knitting yarn from China to make dolls."
)


def _ingest(cli, tmp_path, text=REPORT) -> str:
    f = tmp_path / "r.txt"
    f.write_text(text, encoding="utf-8")
    return json.loads(cli("ingest", str(f), "--format", "json").stdout)["source_id"]


def _claims(store, source_id):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.list_claims(source_id=source_id)


def _audit(store, claim_id):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.audit(target_id=claim_id)


def test_accept_reject_skip_quit(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    order = [c.id for c in _claims(store, sid) if c.review.status.value == "proposed"]
    assert len(order) >= 4
    # accept the first, reject the second with a reason, skip the third, quit
    result = cli("review", "--source", sid, input="a\nr\nwrong camp\ns\nq\n")
    assert "1 accepted, 1 rejected" in result.stdout
    status = {c.id: c for c in _claims(store, sid)}
    assert status[order[0]].review.status.value == "accepted" and status[order[0]].review.by == "tester"
    assert status[order[1]].review.status.value == "rejected" and status[order[1]].note == "wrong camp"
    assert status[order[2]].review.status.value == "proposed"
    assert status[order[3]].review.status.value == "proposed"
    a0 = [e for e in _audit(store, order[0]) if e["action"] == "review"]
    assert a0 and a0[0]["actor"] == "tester" and a0[0]["detail"]["to"] == "accepted" and a0[0]["detail"]["from"] == "proposed"
    a1 = [e for e in _audit(store, order[1]) if e["action"] == "review"]
    assert a1 and a1[0]["detail"]["to"] == "rejected" and a1[0]["detail"]["note"] == "wrong camp"
    assert not [e for e in _audit(store, order[2]) if e["action"] == "review"]
    # the next session starts with what is still proposed
    again = cli("review", "--source", sid, input="q\n")
    assert order[2] in again.stdout and order[0] not in again.stdout


def test_edit_replaces_the_proposal_with_an_accepted_claim(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    first = _claims(store, sid)[0]
    assert first.object_id
    # keep the predicate, point the object at another product, add a note
    result = cli("review", "--source", sid, "--limit", "1", input="e\n\nproduct-knitted-caps\nchecked against the source\n")
    assert "edited" in result.stdout
    claims = {c.id: c for c in _claims(store, sid)}
    assert claims[first.id].review.status.value == "rejected"
    assert "superseded by edited claim" in claims[first.id].note
    edited = [c for c in claims.values() if c.object_id == "product-knitted-caps" and c.subject_id == first.subject_id]
    assert len(edited) == 1
    e = edited[0]
    assert e.review.status.value == "accepted" and e.evidence.method.value == "human" and e.evidence.span == first.evidence.span
    assert e.note == "checked against the source"
    assert [x["action"] for x in reversed(_audit(store, e.id))][:2] == ["create", "review"]


def test_edit_of_a_bad_entity_keeps_the_claim_proposed(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    first = _claims(store, sid)[0]
    result = cli("review", "--source", sid, "--limit", "1", input="e\n\nno-such-entity-anywhere\n\nq\n")
    assert "error" in result.stderr and "no-such-entity-anywhere" in result.stderr
    assert {c.id: c for c in _claims(store, sid)}[first.id].review.status.value == "proposed"


def test_merge_a_new_entity_into_an_existing_one(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        new = [e for e in r.list_entities() if e.is_new]
    assert [e.caption for e in new] == ["Samjiyon Labor Camp"]
    new_id = new[0].id
    order = [c for c in _claims(store, sid)]
    idx = next(i for i, c in enumerate(order) if c.subject_id == new_id)
    # skip up to the claim about the new camp, merge it into Chongori (by name), then accept
    keys = "s\n" * idx + "m\nChongori prison camp\na\nq\n"
    result = cli("review", "--source", sid, input=keys)
    assert f"merged {new_id} into KP-KHS-012" in result.stdout
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_entity(new_id) is None
        chongori = r.get_entity("KP-KHS-012")
        assert "Samjiyon Labor Camp" in chongori.all_names()
        merged = r.audit(target_id=new_id)
    assert any(e["action"] == "merge" and e["detail"]["into"] == "KP-KHS-012" for e in merged)
    moved = [c for c in _claims(store, sid) if c.id == order[idx].id][0]
    assert moved.subject_id == "KP-KHS-012" and moved.review.status.value == "accepted"
    assert not [c for c in _claims(store, sid) if c.subject_id == new_id]


def test_claims_accept_and_reject_commands(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    a, b = _claims(store, sid)[:2]
    cli("claims", "accept", a.id)
    cli("claims", "reject", b.id, "--note", "not in the text")
    status = {c.id: c.review.status.value for c in _claims(store, sid)}
    assert status[a.id] == "accepted" and status[b.id] == "rejected"
    assert any(e["action"] == "review" for e in _audit(store, b.id))


def test_claims_list_jsonl_shape(cli, store, tmp_path):
    sid = _ingest(cli, tmp_path)
    lines = cli("claims", "list", "--source", sid, "--format", "jsonl").stdout.strip().splitlines()
    rows = [json.loads(x) for x in lines]
    assert len(rows) == len(_claims(store, sid))
    required = {"id", "subject", "predicate", "quantity", "period", "quote", "span", "source_id", "confidence", "status"}
    for row in rows:
        assert required <= set(row)
        assert set(row["subject"]) == {"id", "name", "kind", "aliases"}
        assert ("object" in row) != ("value" in row)
        if "object" in row:
            assert set(row["object"]) == {"id", "name", "kind"}
        assert isinstance(row["span"], list) and len(row["span"]) == 2
        assert row["status"] == "proposed"
    kaechon = [r for r in rows if r["subject"]["id"] == "KP-KHS-001"]
    assert kaechon and "Kaechon" in kaechon[0]["subject"]["aliases"] or "Kaech'ŏn" in kaechon[0]["subject"]["aliases"]


def test_review_in_a_real_terminal_process(tmp_path, db_url):
    """The installed command reading its own stdin, as a person would use it."""
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    exe = [str(Path(sys.executable).parent / "tollwatch"), "--db", db_url, "--actor", "analyst"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(exe + ["ingest", str(f), "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    sid = json.loads(out.stdout)["source_id"]
    out = subprocess.run(exe + ["review", "--source", sid], input="a\nq\n", capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "1 accepted" in out.stdout
    from tollwatch.store.repository import Store

    s = Store(db_url)
    with s.read(Sensitivity.CONFIDENTIAL) as r:
        accepted = r.list_claims(source_id=sid, status=None)
        decided = [c for c in accepted if c.review.status.value == "accepted"]
        assert len(decided) == 1 and decided[0].review.by == "analyst"
        assert r.audit(target_id=decided[0].id)[0]["actor"] == "analyst"
    s.close()
