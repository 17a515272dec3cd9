"""The chain view: entities one and two steps away, labelled and cited, never drawn from evidence the reader may not see."""

from __future__ import annotations

from xml.etree import ElementTree

from fastapi.testclient import TestClient

from tests.server_support import add_users, sign_in
from tollwatch.app.chain import entity_chain
from tollwatch.app.evidence import make_source
from tollwatch.core.chain import chain_to_dict
from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate, Sensitivity
from tollwatch.writers.chain_svg import chain_svg

MARK = "Qzchainmark5512"
KAECHON = "KP-KHS-001"


def _add_confidential_buyer(store) -> None:
    text = f"Wigs from Kaechon went to {MARK} Trading."
    src = make_source(text, title="Testimony", kind="testimony", sensitivity="confidential", grade="B")
    with store.begin("tester") as tx:
        tx.add_source(src)
        tx.upsert_entity(Entity("org-chain-secret", EntityKind.ORGANIZATION, f"{MARK} Trading", names=[Name.of(f"{MARK} Trading")],
                                attributes={"proposed_from": src.id}, is_new=True))
        quote = f"{MARK} Trading"
        start = text.index(quote)
        tx.add_claim(Claim("", KAECHON, Predicate.SUPPLIES, Evidence(src.id, quote, (start, start + len(quote)), Method.HUMAN), object_id="org-chain-secret"))


def test_kaechon_chain_reaches_products_and_the_other_camp(store):
    with store.read(Sensitivity.PUBLIC) as r:
        chain = entity_chain(r, KAECHON)
    depth = {n.id: n.depth for n in chain.nodes}
    assert depth[KAECHON] == 0 and depth["product-wigs"] == 1 and depth.get("KP-KHS-012") == 2
    wigs = next(e for e in chain.edges if e.subject_id == KAECHON and e.object_id == "product-wigs")
    assert wigs.label == "Produces" and wigs.citations >= 1 and wigs.claim_ids and wigs.status == "accepted"
    d = chain_to_dict(chain)
    assert all(set(e) >= {"predicate", "citations", "claims", "status"} for e in d["edges"])
    svg = chain_svg(chain)
    ElementTree.fromstring(svg)  # well-formed
    assert "Produces · " in svg and f"/api/claims/{wigs.claim_ids[0]}" in svg


def test_proposed_edges_are_dashed_and_can_be_left_out(store):
    with store.read(Sensitivity.PUBLIC) as r:
        every = entity_chain(r, KAECHON)
        accepted = entity_chain(r, KAECHON, include_proposed=False)
    assert all(e.accepted for e in accepted.edges)
    proposed = [e for e in every.edges if not e.accepted]
    svg = chain_svg(every)
    assert ('stroke-dasharray' in svg) == bool(proposed)
    assert svg.count('class="edge proposed"') == len(proposed)


def test_confidential_edges_never_drawn_for_public_and_drawn_for_cleared(store):
    _add_confidential_buyer(store)
    with store.read(Sensitivity.PUBLIC) as r:
        public = chain_svg(entity_chain(r, KAECHON))
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        cleared = chain_svg(entity_chain(r, KAECHON))
    assert MARK not in public
    assert MARK in cleared  # positive control: the same check sees it when the reader may


def test_chain_page_and_cli(store, db_url, tmp_path, cli):
    _add_confidential_buyer(store)
    from tollwatch.server.app import create_app

    add_users(store)
    client = TestClient(create_app(store=store, secret_key="test-secret"))
    page = client.get(f"/chain?from={KAECHON}")
    assert page.status_code == 200 and "Produces" in page.text and MARK not in page.text
    assert client.get("/chain?from=no-such-entity").status_code == 404
    sign_in(client, "analyst")
    assert MARK in client.get(f"/chain?from={KAECHON}").text
    out = tmp_path / "kaechon.svg"
    cli("chain", KAECHON, "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<svg") and MARK not in text
