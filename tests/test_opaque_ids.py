"""Opaque ids (#18, finding 3): no id derives from restricted text, and guessing one tells nothing.

An entity proposed from a restricted or confidential source gets a keyed-hash id, so a
guessed slug never names it; and a claim posted about an entity the caller cannot see is
refused with exactly the answer a wrong guess gets.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users
from tollwatch.core.model import Sensitivity

TEXT = "The source said {name} buys wigs made at the Kaechon labor camp and sells them to buyers in China."
OPAQUE = re.compile(r"^org-new-[0-9a-f]{24}$")


def _ingest(cli, tmp_path, name: str, sensitivity: str, tag: str = "") -> dict:
    doc = tmp_path / f"{sensitivity}{tag}.txt"
    doc.write_text(TEXT.format(name=name) + tag, encoding="utf-8")
    out = cli("ingest", str(doc), "--sensitivity", sensitivity, "--format", "json").stdout
    return json.loads(out.strip().splitlines()[0])


def _new_ids(store, caption: str) -> set[str]:
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return {e.id for e in r.list_entities(dataset="tollwatch") if e.is_new and e.caption == caption}


@pytest.mark.parametrize("sensitivity", ["restricted", "confidential"])
def test_restricted_text_gives_opaque_ids_stable_within_the_store(cli, tmp_path, store, sensitivity):
    _ingest(cli, tmp_path, "Qzsecret Trading Company", sensitivity)
    _ingest(cli, tmp_path, "Qzsecret Trading Company", sensitivity, tag=" Again.")
    (eid,) = _new_ids(store, "Qzsecret Trading Company")  # the same name in two reports meets as one entity
    assert OPAQUE.match(eid) and "qzsecret" not in eid
    audit = cli("audit", "--format", "json").stdout
    assert "qzsecret" not in audit.lower() and eid in audit


def test_public_text_keeps_readable_ids(cli, tmp_path, store):
    _ingest(cli, tmp_path, "Qzpublic Trading Company", "public")
    assert _new_ids(store, "Qzpublic Trading Company") == {"org-new-qzpublic-trading-company"}


def test_hidden_entity_and_wrong_guess_get_the_same_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.app.ingest import IngestOptions, ingest
    from tollwatch.server.app import create_app

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    try:
        keys = add_users(store)
        doc = tmp_path / "conf.txt"
        doc.write_text(TEXT.format(name="Qzsecret Trading Company"), encoding="utf-8")
        (res,) = ingest(store, doc, "admin", IngestOptions(sensitivity="confidential"))
        (hidden,) = [e.id for e in res.new_entities]
        client = TestClient(create_app(store=store, secret_key="test-secret"))
        h = {"Authorization": f"Bearer {keys['junior']}"}
        public = "Public note on wigs."
        sid = client.post("/api/sources", json={"text": public, "title": "note"}, headers=h).json()["id"]

        def post(subject: str):
            claim = {"subject": subject, "predicate": "reported_role", "value": "buyer", "source_id": sid}
            r = client.post("/api/claims", json=claim, headers=h)
            return r.status_code, r.json()["detail"].replace(subject, "<id>")

        guess = "org-new-qzsecret-trading-company"
        assert post(hidden) == post(guess) == post("org-new-" + "0" * 24) == (400, "subject: no entity with id <id>")
        assert client.get(f"/api/entities/{hidden}", headers=h).status_code == client.get(f"/api/entities/{guess}", headers=h).status_code == 404
        # positive control: a caller cleared for the source may post about the entity
        ok = client.post("/api/claims", json={"subject": hidden, "predicate": "reported_role", "value": "buyer", "source_id": sid},
                         headers={"Authorization": f"Bearer {keys['analyst']}"})
        assert ok.status_code == 201, ok.text
    finally:
        store.close()
