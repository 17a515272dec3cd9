"""Passage-to-claim annotation (app.annotation) on a real SQLite store: the span is checked
against the stored text, suggestions come from the gazetteer, the graph and the schema, the
claim enters the review queue as a human proposal, and nothing confidential reaches a reader
without clearance (with the cleared reader as the positive control)."""

from __future__ import annotations

import pytest

from tollwatch.app import annotation, review_queue, sources
from tollwatch.app.errors import ModelError, NotFound
from tollwatch.core.model import Entity, EntityKind, Name, Sensitivity

C, R = Sensitivity.CONFIDENTIAL, Sensitivity.RESTRICTED
# Written for these tests (no article text): a camp, a product and a place the reference knows.
TEXT = ("Note for the tests.\nPrisoners at Kyo-hwa-so No. 1 make wigs for export, a witness said; "
        "the 개천 제1호교화소 work team sorts human hair.\nQuorvex Lantern Trading buys the wigs.")
SECRET = "Quorvex Lantern Trading"


def _source(store, text=TEXT, sensitivity="public") -> str:
    return sources.add_source(store, sources.make_source(text, title=f"note {sensitivity}", sensitivity=sensitivity), "tester").id


def _span(text: str, passage: str) -> dict:
    start = text.index(passage)
    return {"start": start, "end": start + len(passage), "quote": passage}


@pytest.fixture
def world(store):
    public = _source(store)
    secret_text = f"Testimony: {SECRET} ordered wigs."
    confidential = _source(store, secret_text, "confidential")
    with store.begin("tester") as tx:  # proposed by extraction from the confidential testimony only
        tx.upsert_entity(Entity("org-quorvex", EntityKind.ORGANIZATION, SECRET, names=[Name.of(SECRET)],
                                attributes={"proposed_from": confidential}, is_new=True))
    return {"public": public, "confidential": confidential, "secret_text": secret_text}


def test_suggestions_name_the_passage_entities_and_the_schema(store, world):
    p = _span(TEXT, "Prisoners at Kyo-hwa-so No. 1 make wigs for export")
    out = annotation.suggest(store, R, world["public"], p["start"], p["end"], p["quote"])
    named = {m["id"]: m for m in out["mentions"]}
    assert {"KP-KHS-001", "product-wigs"} <= set(named)
    wig = named["product-wigs"]
    assert TEXT[wig["span"][0]:wig["span"][1]] == "wigs"  # offsets into the stored text, not the passage
    produces = next(x for x in out["predicates"] if x["name"] == "produces")
    assert produces["subject"] == ["facility", "organization"] and produces["object"] == ["product"]
    assert not any(x["name"] == "holds_prisoners" for x in out["predicates"])  # a count only: not this form's
    guess = out["guess"]
    assert (guess["subject"], guess["predicate"], guess["object"]) == ("KP-KHS-001", "produces", "product-wigs")
    # The graph adds what the reference links to the camp (its products, its operator).
    assert out["graph"] and all(g["id"] not in named for g in out["graph"])


def test_hangul_names_are_found(store, world):
    p = _span(TEXT, "개천 제1호교화소 work team sorts human hair")
    ids = {m["id"] for m in annotation.suggest(store, R, world["public"], **_args(p))["mentions"]}
    assert {"KP-KHS-001", "product-hair"} <= ids


def _args(p: dict) -> dict:
    return {"start": p["start"], "end": p["end"], "quote": p["quote"]}


def test_predicate_kinds():
    assert annotation.predicate_kinds("located_in")["object"] == ["place"]
    with pytest.raises(ModelError):
        annotation.predicate_kinds("holds_prisoners")


@pytest.mark.parametrize("start,end,quote,field", [
    (0, 4, "Nope", "span"), (-1, 4, "Note", "span"), (5, 4, "x", "span"), (0, 10**6, "Note", "span"),
    ("0", 4, "Note", "span"), (0, 4, "   ", "quote"), (True, 4, "Note", "span"),
])
def test_a_span_that_is_not_the_stored_text_is_refused(store, world, start, end, quote, field):
    with pytest.raises(ModelError) as exc:
        annotation.suggest(store, R, world["public"], start, end, quote)
    assert exc.value.field == field
    with pytest.raises(ModelError):
        annotation.make_claim(store, "ann", R, world["public"], {"start": start, "end": end, "quote": quote,
                                                                 "subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs"})


def test_saved_claim_is_a_human_proposal_in_the_queue_with_the_exact_span(store, world):
    p = _span(TEXT, "Prisoners at Kyo-hwa-so No. 1 make wigs for export")
    made = annotation.make_claim(store, "ann", R, world["public"],
                                 {**p, "subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs"})
    assert (made["status"], made["method"], made["span"], made["quote"]) == ("proposed", "human", [p["start"], p["end"]], p["quote"])
    with store.read(R) as r:
        queued = {c["id"]: c for c in review_queue.review_queue(r)["items"]}
        entry = r.audit(target_id=made["id"])[0]
    assert queued[made["id"]]["quote"] == TEXT[p["start"]:p["end"]]
    assert (entry["actor"], entry["action"]) == ("ann", "create")
    assert "ann" in queued[made["id"]]["note"]


def test_names_and_values_and_schema_errors(store, world):
    p = _span(TEXT, "make wigs for export")
    made = annotation.make_claim(store, "ann", R, world["public"],
                                 {**p, "subject": "Kyo-hwa-so No. 1", "predicate": "produces", "value": "wigs for export"})
    assert made["subject"]["id"] == "KP-KHS-001" and made["value"] == "wigs for export"
    with pytest.raises(ModelError):  # a product cannot be located in a product
        annotation.make_claim(store, "ann", R, world["public"], {**p, "subject": "product-wigs", "predicate": "located_in", "object": "product-wigs"})
    with pytest.raises(ModelError) as exc:
        annotation.make_claim(store, "ann", R, world["public"], {**p, "subject": "KP-KHS-001", "predicate": "produces"})
    assert exc.value.field == "object"


def test_no_confidential_text_or_entity_reaches_a_reader_without_clearance(store, world):
    conf, text = world["confidential"], world["secret_text"]
    p = _span(text, f"{SECRET} ordered wigs")
    pub = _span(TEXT, f"{SECRET} buys the wigs")
    for clearance in (R, Sensitivity.PUBLIC):
        with pytest.raises(NotFound):
            annotation.suggest(store, clearance, conf, **_args(p))
        with pytest.raises(NotFound):
            annotation.make_claim(store, "junior", clearance, conf, {**p, "subject": "KP-KHS-001", "predicate": "produces", "value": "x"})
        # On a public source naming it, the entity proposed only from the testimony is not suggested,
        # and may not be named as a subject either (the words are those for an unknown entity).
        out = annotation.suggest(store, clearance, world["public"], **_args(pub))
        assert "org-quorvex" not in str(out) and conf not in str(out)
        with pytest.raises(ModelError, match="no visible entities"):
            annotation.make_claim(store, "junior", clearance, world["public"], {**pub, "subject": "org-quorvex", "predicate": "supplies", "object": "product-wigs"})
    # Positive control: the cleared analyst gets both, so the checks above can fail.
    assert annotation.suggest(store, C, conf, **_args(p))["quote"] == p["quote"]
    assert "org-quorvex" in {m["id"] for m in annotation.suggest(store, C, world["public"], **_args(pub))["mentions"]}
    made = annotation.make_claim(store, "analyst", C, world["public"], {**pub, "subject": "org-quorvex", "predicate": "supplies", "object": "product-wigs"})
    assert made["subject"]["id"] == "org-quorvex"
    # Visibility is decided per request, not cached with the gazetteer: a public claim about the
    # entity now makes it visible to the junior analyst too (app.visibility's rule).
    assert "org-quorvex" in {m["id"] for m in annotation.suggest(store, R, world["public"], **_args(pub))["mentions"]}


def test_the_cached_gazetteer_follows_new_entities(store, world):
    text = "Zentrix Velour Holdings buys the wigs."
    sid = _source(store, text)
    p = _span(text, text)
    assert annotation.suggest(store, R, sid, **_args(p))["mentions"][0]["id"] == "product-wigs"
    with store.begin("tester") as tx:
        tx.upsert_entity(Entity("org-zentrix", EntityKind.ORGANIZATION, "Zentrix Velour Holdings", names=[Name.of("Zentrix Velour Holdings")]))
    assert [m["id"] for m in annotation.suggest(store, R, sid, **_args(p))["mentions"]] == ["org-zentrix", "product-wigs"]


def test_the_leak_check_fails_when_the_visibility_guard_is_broken(store, world, monkeypatch):
    """Mutation check: with `get_visible_entity` bypassed, the hidden proposal is suggested."""
    pub = _span(TEXT, f"{SECRET} buys the wigs")
    assert "org-quorvex" not in str(annotation.suggest(store, R, world["public"], **_args(pub)))
    monkeypatch.setattr(annotation, "get_visible_entity", lambda reader, entity_id: reader.get_entity(entity_id))
    assert "org-quorvex" in str(annotation.suggest(store, R, world["public"], **_args(pub)))
