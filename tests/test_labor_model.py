"""The labor facts of issue 11, item 1: employs_workers, dispatched_by, plants outside North
Korea and the brand end of supplies, through the schema, the store, export/import, screening
(a real `tollwatch screen` on a real SQLite store) and the entity page of a real server."""

from __future__ import annotations

import csv
import json

import httpx
import pytest
from click.testing import CliRunner
from screening_support import fresh_db

from tests.server_support import LiveServer, add_users, sign_in
from tollwatch.core import schema
from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, ModelError, Name, Predicate, Quantity, Review, ReviewStatus, Sensitivity, Source
from tollwatch.core.records import claim_from_dict
from tollwatch.store.repository import Store

# Our own wording (no article text): a plant, its workers, who sent them, and its buyer.
TEXT = ("Haiqing Test Seafood Plant in Donggang employs 180 North Korean workers, sent by the "
        "Sobaeksu Trading Company. It supplied Northwind Foods until 2023, when Northwind suspended the contract.")
PLANT, SENDER, BUYER = "fac-new-haiqing-test", "org-new-sobaeksu-trading", "org-new-northwind-foods"


def _claim(predicate, subject="org-x", **kw) -> Claim:
    return Claim(id="", subject_id=subject, predicate=predicate, evidence=Evidence("src-x"), **kw)


# --- what may connect ------------------------------------------------------------------


def test_employs_workers_fits_a_company_or_a_plant_with_kp_nationality():
    ok = _claim(Predicate.EMPLOYS_WORKERS, quantity=Quantity(180, 180, "workers"), qualifiers={"nationality": "kp"})
    schema.check_claim(ok, "organization")
    schema.check_claim(ok, "facility")
    schema.check_claim(_claim(Predicate.EMPLOYS_WORKERS, value="hundreds of North Korean women"), "organization")


@pytest.mark.parametrize(
    ("claim", "kinds", "field"),
    [
        (_claim(Predicate.EMPLOYS_WORKERS, quantity=Quantity(5, 5, "workers")), ("person", None), "subject"),
        (_claim(Predicate.EMPLOYS_WORKERS, quantity=Quantity(5, 5, "workers")), ("product", None), "subject"),
        (_claim(Predicate.EMPLOYS_WORKERS, object_id="org-y"), ("organization", "organization"), "object"),
        (_claim(Predicate.EMPLOYS_WORKERS, quantity=Quantity(5, 5, "prisoners")), ("organization", None), "quantity.unit"),
        (_claim(Predicate.EMPLOYS_WORKERS, value="x", qualifiers={"nationality": "KP"}), ("organization", None), "qualifiers.nationality"),
        (_claim(Predicate.EMPLOYS_WORKERS, value="x", qualifiers={"nationality": "north korea"}), ("organization", None), "qualifiers.nationality"),
        (_claim(Predicate.EMPLOYS_WORKERS, value="x", qualifiers={"suspended": True}), ("organization", None), "qualifiers.suspended"),
        (_claim(Predicate.DISPATCHED_BY, object_id="product-wigs"), ("organization", "product"), "object"),
        (_claim(Predicate.DISPATCHED_BY, object_id="org-y"), ("place", "organization"), "subject"),
        (_claim(Predicate.SUPPLIES, object_id="org-y", qualifiers={"suspended": "yes"}), ("organization", "organization"), "qualifiers.suspended"),
        (_claim(Predicate.PRODUCES, object_id="product-wigs", qualifiers={"nationality": "kp"}), ("facility", "product"), "qualifiers.nationality"),
    ],
)
def test_the_schema_refuses_what_it_does_not_declare(claim, kinds, field):
    with pytest.raises(ModelError) as err:
        schema.check_claim(claim, *kinds)
    assert err.value.field == field


def test_supplies_to_a_brand_carries_a_period_and_suspended():
    from tollwatch.core.model import Period

    c = _claim(Predicate.SUPPLIES, subject=PLANT, object_id=BUYER, period=Period("2019", "2023"), qualifiers={"suspended": True})
    schema.check_claim(c, "facility", "organization")
    assert "brand" in schema.load().types["org_roles"].values
    assert "plant" in schema.load().types["facility_type"].values
    assert schema.predicate_label("employs_workers") == "Employs workers"
    assert schema.predicate_label("dispatched_by", inverse=True) == "Dispatches workers to"


def test_claim_records_refuse_malformed_qualifiers_naming_the_field():
    base = {"subject_id": "org-x", "predicate": "employs_workers", "value": "x", "source_id": "src-x"}
    assert claim_from_dict({**base, "qualifiers": {"nationality": "kp", "period_note": None}}).qualifiers == {"nationality": "kp"}
    with pytest.raises(ModelError) as err:
        claim_from_dict({**base, "qualifiers": ["kp"]})
    assert err.value.field == "qualifiers"


# --- a real store -------------------------------------------------------------------------


def seed(store: Store, status: ReviewStatus = ReviewStatus.PROPOSED) -> dict[str, str]:
    """A plant, its sender and its buyer, with one claim of each new predicate; returns the claim ids."""
    def span(words: str) -> tuple[int, int]:
        start = TEXT.index(words)
        return start, start + len(words)

    def ev(words: str) -> Evidence:
        return Evidence("src-labor", words, span(words))

    from tollwatch.core.model import Period

    with store.begin("analyst") as tx:
        tx.add_source(Source(id="src-labor", title="A note on a seafood plant", text=TEXT, url="https://example.org/labor"))
        tx.upsert_entity(Entity(id=PLANT, kind=EntityKind.FACILITY, caption="Haiqing Test Seafood Plant",
                                names=[Name.of("Haiqing Test Seafood Plant")], is_new=True,
                                attributes={"facility_type": "plant", "country": ["cn"], "proposed_from": "src-labor"}))
        tx.upsert_entity(Entity(id=SENDER, kind=EntityKind.ORGANIZATION, caption="Sobaeksu Trading Company",
                                names=[Name.of("Sobaeksu Trading Company")], is_new=True, attributes={"country": ["kp"]}))
        tx.upsert_entity(Entity(id=BUYER, kind=EntityKind.ORGANIZATION, caption="Northwind Foods",
                                names=[Name.of("Northwind Foods")], is_new=True, attributes={"roles": ["brand"]}))
        claims = {
            "employs": Claim(id="", subject_id=PLANT, predicate=Predicate.EMPLOYS_WORKERS, quantity=Quantity(180, 180, "workers"),
                             qualifiers={"nationality": "kp"}, evidence=ev("employs 180 North Korean workers"), review=Review(status)),
            "sent": Claim(id="", subject_id=PLANT, predicate=Predicate.DISPATCHED_BY, object_id=SENDER,
                          evidence=ev("sent by the Sobaeksu Trading Company")),
            "supplies": Claim(id="", subject_id=PLANT, predicate=Predicate.SUPPLIES, object_id=BUYER, period=Period(None, "2023"),
                              qualifiers={"suspended": True}, evidence=ev("It supplied Northwind Foods until 2023")),
        }
        for c in claims.values():
            tx.add_claim(c)
    return {k: c.id for k, c in claims.items()}


def invoke(db: str, *args, expect: int = 0):
    from tollwatch.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", db, "--actor", "tester", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
    return result


@pytest.mark.parametrize("fmt", ["jsonl", "ftm"])
def test_export_import_round_trip_keeps_qualifiers(tmp_path, fmt):
    from tollwatch.app.evidence import open_store

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    ids = seed(store)
    store.close()
    out = tmp_path / f"graph.{fmt}"
    invoke(f"sqlite:///{tmp_path / 'a.db'}", "export", "--format", fmt, "-o", out)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    claims = {(x.get("tollwatch") or x)["id"]: x for x in lines if (x.get("tollwatch") or x).get("record") == "claim"}
    if fmt == "ftm":
        from tests.ftm_support import ftm_problems

        assert ftm_problems(lines) == []  # followthemoney validates the qualifier text too
        assert claims[ids["supplies"]]["properties"]["description"] == ["(suspended: yes)"]
        assert "nationality: kp" in claims[ids["employs"]]["properties"]["description"][0]
    invoke(f"sqlite:///{tmp_path / 'b.db'}", "import", out)
    back = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    with back.read(max_sensitivity=Sensitivity.CONFIDENTIAL) as r:
        got = {c.id: c for c in r.list_claims()}
    assert got[ids["employs"]].qualifiers == {"nationality": "kp"}
    assert got[ids["supplies"]].qualifiers == {"suspended": True} and got[ids["supplies"]].period.end == "2023"
    assert got[ids["sent"]].qualifiers == {}
    back.close()
    csv_out = tmp_path / "claims.csv"
    invoke(f"sqlite:///{tmp_path / 'b.db'}", "export", "--format", "csv", "-o", csv_out)
    rows = {r["id"]: r for r in csv.DictReader(csv_out.open(encoding="utf-8"))}
    assert rows[ids["supplies"]]["qualifiers"] == "suspended=true" and rows[ids["employs"]]["qualifiers"] == "nationality=kp"


def test_store_refuses_an_undeclared_qualifier(tmp_path):
    from tollwatch.app.evidence import open_store

    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    seed(store)
    bad = Claim(id="", subject_id=SENDER, predicate=Predicate.DISPATCHED_BY, object_id=SENDER, qualifiers={"suspended": True},
                evidence=Evidence("src-labor"))
    with pytest.raises(ModelError), store.begin("analyst") as tx:
        tx.add_claim(bad)
    store.close()


# --- screening: a real `tollwatch screen` -------------------------------------------------


def _screen(tmp_path, db: str) -> dict:
    src = tmp_path / "suppliers.csv"
    src.write_text("query_id,supplier,country\nq1,Haiqing Test Seafood Plant,CN\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    invoke(db, "screen", src, "-o", out)
    return json.loads(out.read_text(encoding="utf-8").splitlines()[0])


def test_accepted_kp_labor_claim_makes_the_supplier_high_risk_and_a_proposed_one_does_not(tmp_path):
    db = fresh_db(tmp_path)
    store = Store(db)
    ids = seed(store)
    store.close()
    before = _screen(tmp_path, db)  # control: the claim is only proposed
    assert before["risk"]["level"] != "high"
    assert not any(r["reason"] in ("kp_labor_match", "camp_match") for r in before["risk"]["reasons"])
    store = Store(db)
    with store.begin("reviewer") as tx:
        tx.review_claim(ids["employs"], ReviewStatus.ACCEPTED)
    store.close()
    after = _screen(tmp_path, db)
    assert after["risk"]["level"] == "high"
    [reason] = [r for r in after["risk"]["reasons"] if r["reason"] == "kp_labor_match"]
    assert reason["claims"] == [ids["employs"]] and ids["employs"] in reason["text"]
    assert "CAATSA §321(b)" in reason["text"] and "not a sanctions listing" in reason["text"]
    assert reason["sources"][0]["url"] == "https://example.org/labor"
    assert not any(r["reason"] == "camp_match" for r in after["risk"]["reasons"]), "a plant is never a camp"


# --- the entity page ----------------------------------------------------------------------


def test_entity_page_shows_the_new_predicate_labels_and_qualifiers(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(f"sqlite:///{tmp_path / 'web.db'}")
    seed(store, ReviewStatus.ACCEPTED)
    add_users(store)
    with LiveServer(create_app(store=store, secret_key="labor-test-secret")) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        sign_in(client, "viewer")
        page = client.get(f"/entities/{PLANT}").text
        buyer = client.get(f"/entities/{BUYER}").text
    store.close()
    for label in (schema.predicate_label("employs_workers"), schema.predicate_label("dispatched_by"), "Supplies"):
        assert label in page, label
    assert "nationality: kp" in page and "suspended: yes" in page
    assert schema.predicate_label("supplies", inverse=True) in buyer
