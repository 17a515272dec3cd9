"""The declarative schema (core/schema/*.yaml): the real data fits it, nonsense is refused on
every way in (CLI, server, FtM import, extraction), and docs/model.md follows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users
from tollwatch.core import schema
from tollwatch.core.model import (
    Claim,
    EntityKind,
    EvidenceKind,
    Evidence,
    FacilityType,
    ModelError,
    Predicate,
    Quantity,
    Sensitivity,
    SourceKind,
    parse_date,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "tests" / "gold").glob("*.jsonl"))
WIGS_MAKES_A_CAMP = {"subject": "product-wigs", "predicate": "produces", "object": "KP-KHS-001"}
PRISONERS_AS_WIGS = {"subject": "KP-KHS-001", "predicate": "holds_prisoners", "value": "wigs"}


def _claim(subject="KP-KHS-001", predicate=Predicate.PRODUCES, **kw) -> Claim:
    return Claim(None, subject, predicate, Evidence("src-x"), **kw)


# --- the schema itself ------------------------------------------------------------------------


def test_schema_declares_exactly_the_model_enums():
    s = schema.load()
    assert set(s.predicates) == {p.value for p in Predicate}
    assert set(s.kinds) == {k.value for k in EntityKind}
    assert set(s.types["facility_type"].values) == {t.value for t in FacilityType}
    assert set(s.types["source_kind"].values) == {k.value for k in SourceKind}
    assert set(s.types["evidence_kind"].values) == {k.value for k in EvidenceKind}
    assert schema.functional_predicates() == {"has_status", "located_in"}


def test_labels_in_both_directions():
    assert schema.predicate_label("produces") == "Produces"
    assert schema.predicate_label("produces", inverse=True) == "Produced by"
    assert schema.predicate_label("inspected_by", inverse=True) == "Inspects"
    assert schema.predicate_label("part_of", inverse=True) == "Has part"
    assert schema.predicate_label("has_status") == "Status"
    assert schema.predicate_label("no_such_predicate") == "no_such_predicate"
    for spec in schema.load().predicates.values():
        assert spec.label and (spec.inverse or not spec.object), spec.name  # a link reads both ways


def test_ftm_mapping_comes_from_the_schema():
    assert schema.ftm_schema_of("facility") == "PublicBody"
    assert schema.kind_of_ftm_schema("PublicBody") == "organization"  # a foreign public body
    assert schema.kind_of_ftm_schema("Company") == "organization"
    assert schema.kind_of_ftm_schema("Airplane") is None
    assert schema.predicate("produces").ftm_link.schema == "UnknownLink"
    assert schema.predicate("holds_prisoners").ftm_link is None
    assert schema.predicate("holds_prisoners").ftm_note.schema == "Note"


@pytest.mark.parametrize(
    "claim, kinds, field",
    [
        (_claim("product-wigs", object_id="KP-KHS-001"), ("product", "facility"), "subject"),
        (_claim(object_id="KP-LTC-PAEKTO"), ("facility", "facility"), "object"),
        (_claim(predicate=Predicate.HOLDS_PRISONERS, value="wigs"), ("facility", None), "value"),
        (_claim(predicate=Predicate.HOLDS_PRISONERS, quantity=Quantity(3, 5, "tonnes")), ("facility", None), "quantity.unit"),
        (_claim(predicate=Predicate.HAS_STATUS, value="sleepy"), ("facility", None), "value"),
        (_claim(predicate=Predicate.REVIEW_DEADLINE, value="2024-02-30"), ("organization", None), "value"),
        (_claim(predicate=Predicate.INSPECTED_BY, value="the bureau"), ("facility", None), "value"),
        (_claim(predicate=Predicate.REPORTED_ROLE, object_id="org-x"), ("organization", "organization"), "object"),
    ],
)
def test_nonsense_is_refused_naming_the_field(claim, kinds, field):
    with pytest.raises(ModelError) as err:
        schema.check_claim(claim, *kinds)
    assert err.value.field == field


def test_what_the_chain_says_is_allowed():
    schema.check_claim(_claim(object_id="product-wigs"), "facility", "product")
    schema.check_claim(_claim(value="coal mining"), "facility")
    schema.check_claim(_claim(predicate=Predicate.HOLDS_PRISONERS, quantity=Quantity(30, 70, "prisoners")), "facility")
    schema.check_claim(_claim(predicate=Predicate.HAS_STATUS, value="closed"), "facility")
    schema.check_claim(_claim(predicate=Predicate.REVIEW_DEADLINE, value="--01-15"), "organization")


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-02-30", "2023-02-29", "2024-00", "2024-1-1", "May 2024"])
def test_impossible_dates_are_refused(bad):
    with pytest.raises(ModelError):
        parse_date(bad, "period.start")


@pytest.mark.parametrize("good", ["2024", "2024-02", "2024-02-29", "1999-12-31"])
def test_real_dates_at_every_precision(good):
    assert parse_date(good) == good


def test_country_is_always_a_list():
    from tollwatch.core.model import Entity

    assert Entity("x", EntityKind.ORGANIZATION, "X", attributes={"country": "kp"}).attributes["country"] == ["kp"]
    assert Entity("x", EntityKind.ORGANIZATION, "X", attributes={"country": ["cn", "kp"]}).attributes["country"] == ["cn", "kp"]


# --- the real data fits --------------------------------------------------------------------


def test_every_bundled_claim_and_entity_fits(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entities = {e.id: e for e in r.list_entities()}
        claims = r.list_claims()
    assert len(claims) > 90
    for c in claims:
        schema.check_claim(c, entities[c.subject_id].kind, entities[c.object_id].kind if c.object_id else None)
    for e in entities.values():
        schema.check_entity(e)
        assert not isinstance(e.attributes.get("country", []), str)


def _gold_claim(g: dict) -> Claim:
    obj = g.get("object")
    q = g.get("quantity")
    return Claim(
        None, g["subject"], Predicate(g["predicate"]), Evidence("src-gold"),
        object_id=obj, value=g.get("value"), quantity=Quantity(q["low"], q["high"], q["unit"]) if q else None,
    )


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_gold_claims_fit(store, path):
    """Gold subjects written `new:...` are entities the extractor proposes: their kind is not checked."""
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        kinds = {e.id: e.kind for e in r.list_entities()}
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for g in lines[1:]:
        c = _gold_claim(g)
        schema.check_claim(c, kinds.get(c.subject_id), kinds.get(c.object_id) if c.object_id else None)


def _gold_text(path: Path) -> str | None:
    meta = json.loads(path.read_text(encoding="utf-8").splitlines()[0])["meta"]
    text = (ROOT / meta["text"]) if not meta["text"].startswith("..") else ROOT.parent / meta["text"][3:]
    return text.read_text(encoding="utf-8") if text.exists() else None


def test_extraction_output_fits(store):
    from tollwatch.core.extraction import Gazetteer, extract

    with store.read(Sensitivity.CONFIDENTIAL) as r:
        gazetteer = Gazetteer(r.list_entities())
    checked = 0
    for path in GOLD:
        text = _gold_text(path)
        if text is None:
            continue
        res = extract(text, "src-x", gazetteer)
        kinds = {e.id: e.kind for e in gazetteer.entities} | {e.id: e.kind for e in res.new_entities}
        for e in res.new_entities:
            schema.check_entity(e)
        for c in res.claims:
            schema.check_claim(c, kinds[c.subject_id], kinds[c.object_id] if c.object_id else None)
            checked += 1
    assert checked > 100


# --- every way in refuses what breaks it ------------------------------------------------------


def _source(cli, tmp_path, text="The camp makes wigs."):
    doc = tmp_path / "src.txt"
    doc.write_text(text, encoding="utf-8")
    return cli.json("sources", "add", str(doc), "--format", "json")["source_id"]


def _count_claims(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.counts()["claims"]


@pytest.mark.parametrize("record, field", [(WIGS_MAKES_A_CAMP, "subject"), (PRISONERS_AS_WIGS, "value")])
def test_cli_claims_add_refuses(cli, tmp_path, store, record, field):
    sid = _source(cli, tmp_path)
    good = {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid}
    f = tmp_path / "claims.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps({"source_id": sid, **record}) + "\n", encoding="utf-8")
    before = _count_claims(store)
    res = cli("claims", "add", str(f), expect=2)
    assert res.stderr.startswith(f"error: {f}:2: {field}: ") and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert _count_claims(store) == before


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    tmp = tmp_path_factory.mktemp("schema_server")
    store = open_store(f"sqlite:///{tmp / 'tw.db'}")
    keys = add_users(store)
    client = TestClient(create_app(store=store, secret_key="test-secret"))
    headers = {"Authorization": f"Bearer {keys['analyst']}"}
    text = "Kaechon prisoners were said to make wigs."
    sid = client.post("/api/sources", json={"text": text, "title": "Schema test"}, headers=headers).json()["id"]
    yield client, headers, sid, store
    store.close()


@pytest.mark.parametrize("record, field", [(WIGS_MAKES_A_CAMP, "subject"), (PRISONERS_AS_WIGS, "value")])
def test_server_refuses_new_and_replaced_claims(server, record, field):
    client, h, sid, store = server
    good = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "value": "wigs", "source_id": sid}, headers=h).json()
    before = _count_claims(store)
    r = client.post("/api/claims", json={"source_id": sid, **record}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith(f"{field}: "), r.text
    r = client.put(f"/api/claims/{good['id']}", json={"source_id": sid, **record}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith(f"{field}: ")
    assert _count_claims(store) == before
    assert client.get(f"/api/claims/{good['id']}").json()["value"] == "wigs"


def test_server_review_edit_refuses(server):
    client, h, sid, store = server
    cid = client.post("/api/claims", json={"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs", "source_id": sid}, headers=h).json()["id"]
    r = client.post(f"/api/claims/{cid}/edit", json={"predicate": "holds_prisoners", "value": "wigs"}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith("value: holds_prisoners takes a quantity"), r.text
    r = client.post(f"/api/claims/{cid}/edit", json={"predicate": "has_status"}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith("object: has_status takes a value")
    assert client.get(f"/api/claims/{cid}").json()["status"] == "proposed"  # nothing half-done


def test_ftm_import_refuses(cli, tmp_path, store):
    out = tmp_path / "export.jsonl"
    cli("export", "--format", "ftm", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    claim_line = next(i for i, x in enumerate(lines) if json.loads(x)["tollwatch"]["record"] == "claim" and json.loads(x)["tollwatch"].get("object"))
    record = json.loads(lines[claim_line])
    record["tollwatch"]["subject"] = {"id": "product-wigs"}
    record["tollwatch"]["object"] = {"id": "KP-KHS-001"}
    record["tollwatch"]["predicate"] = "produces"
    record["tollwatch"]["id"] = None
    lines[claim_line] = json.dumps(record)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _count_claims(store)
    res = cli("import", str(bad), expect=2)
    assert f"{bad}:{claim_line + 1}: subject: produces is said of" in res.stderr, res.stderr
    assert _count_claims(store) == before
    entity_line = next(i for i, x in enumerate(lines) if json.loads(x)["tollwatch"]["record"] == "entity")
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[entity_line])
    record["tollwatch"]["attributes"]["country"] = ["North Korea"]
    record["tollwatch"]["kind"] = "facility"
    lines[entity_line] = json.dumps(record)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"{bad}:{entity_line + 1}: attributes." in cli("import", str(bad), expect=2).stderr


def test_ingest_drops_proposals_that_break_the_schema(store, tmp_path, monkeypatch, caplog):
    from tollwatch.app import ingest as ingest_mod
    from tollwatch.core.extraction import ExtractionResult

    text = "Kaechon prisoners make wigs."

    def backend(text_, source, gazetteer, options):
        ev = Evidence(source.id, "wigs", (23, 27))
        good = Claim(None, "KP-KHS-001", Predicate.PRODUCES, ev, object_id="product-wigs")
        bad = Claim(None, "product-wigs", Predicate.PRODUCES, ev, object_id="KP-KHS-001")
        worse = Claim(None, "KP-KHS-001", Predicate.HOLDS_PRISONERS, ev, value="wigs")
        return ExtractionResult(claims=[good, bad, worse])

    monkeypatch.setattr(ingest_mod, "run_backend", backend)
    doc = tmp_path / "r.txt"
    doc.write_text(text, encoding="utf-8")
    with caplog.at_level("WARNING", logger="tollwatch.app.ingest"):
        [res] = ingest_mod.ingest(store, doc, "tester", ingest_mod.IngestOptions())
    assert [c.subject_id for c in res.claims] == ["KP-KHS-001"] and len(res.dropped) == 2
    assert "dropped proposed claim" in caplog.text
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        stored = r.list_claims(source_id=res.source.id)
    assert [(c.subject_id, c.predicate.value) for c in stored] == [("KP-KHS-001", "produces")]


# --- docs/model.md follows the schema --------------------------------------------------------


def test_model_doc_tables_are_generated_from_the_schema():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_model_doc", ROOT / "scripts" / "build_model_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert doc == module.render(doc), "docs/model.md is stale: run python scripts/build_model_doc.py"


def test_merge_refuses_a_target_the_claims_would_not_fit(store):
    from tollwatch.app import review
    from tollwatch.core.model import Entity, Name, Source

    with store.begin("tester") as tx:
        src = tx.add_source(Source("src-merge", "Merge test", text="Hongxing Trading supplies wigs."))
        tx.upsert_entity(Entity("org-new-hongxing", EntityKind.ORGANIZATION, "Hongxing Trading", [Name.of("Hongxing Trading")], is_new=True))
        tx.add_claim(Claim(None, "org-new-hongxing", Predicate.SUPPLIES, Evidence(src.id), object_id="product-wigs"))
    with pytest.raises(ModelError) as err, store.begin("tester") as tx:
        review.merge(tx, "org-new-hongxing", "product-false-eyelashes")
    assert err.value.field == "into" and "supplies is said of" in err.value.message
    with store.begin("tester") as tx:
        assert review.merge(tx, "org-new-hongxing", "org-kp-mss-corrections-bureau").id == "org-kp-mss-corrections-bureau"
