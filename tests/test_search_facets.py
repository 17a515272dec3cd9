"""Faceted search (app.search) on a real SQLite store: the reference graph, a three-record list
snapshot, a public Chinese source and a confidential testimony. Facets count only what the
reader may see, and the same page shows the testimony to a cleared analyst (the positive control)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.server_support import add_users, sign_in
from tollwatch.core.model import Sensitivity

RUN = uuid.uuid4().hex[:8].upper()
MARK = f"QZFACET{RUN}"  # only in the confidential testimony and its proposed entity
HAN_TEXT = "丹东的商人说，朝鲜工人手工制作假发，假发出口到中国。"
PUBLIC_HAN = "src-facets-han"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("facets")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        built = build_world(tmp)
        yield built
        built["store"].close()


def build_world(tmp) -> dict:
    """The store and app both this file and the browser test search."""
    from tollwatch.app.evidence import make_source, open_store
    from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate
    from tollwatch.server.app import create_app
    from tollwatch.store import lists as store_lists

    store = open_store(f"sqlite:///{tmp / 'tw.db'}")
    add_users(store)
    listed = [
        Entity("ofac-1", EntityKind.ORGANIZATION, "TANCHON COMMERCIAL BANK", dataset="us_ofac_sdn",
               names=[Name.of("TANCHON COMMERCIAL BANK"), Name.of("KOREA CHANGGWANG CREDIT BANK")],
               attributes={"country": ["Korea, North"], "program": ["DPRK"]}),
        Entity("ofac-2", EntityKind.ORGANIZATION, "KOREA <b>RYONBONG</b> GENERAL CORPORATION", dataset="us_ofac_sdn",
               names=[Name.of("KOREA <b>RYONBONG</b> GENERAL CORPORATION")], attributes={"country": ["Korea, North", "China"]}),
        Entity("ofac-3", EntityKind.PERSON, "KIM Il", dataset="us_ofac_sdn", names=[Name.of("KIM Il")], attributes={"country": ["Russia"]}),
    ]
    han = make_source(HAN_TEXT, title="丹东假发贸易", publisher="Public desk", kind="news")
    han.id = PUBLIC_HAN
    conf_text = f"The witness {MARK} said 假发 went to {MARK} Trading in Dandong."
    conf = make_source(conf_text, title=f"Testimony {MARK}", kind="testimony", sensitivity="confidential", grade="B")
    quote = f"假发 went to {MARK} Trading"
    start = conf_text.index(quote)
    with store.begin("tester") as tx:
        store_lists.replace_dataset(tx, "us_ofac_sdn", listed, meta={"snapshot_date": "2026-01-01"})
        tx.add_source(han)
        tx.add_source(conf)
        tx.upsert_entity(Entity("org-facets-hidden", EntityKind.ORGANIZATION, f"{MARK} Trading", names=[Name.of(f"{MARK} Trading")],
                                attributes={"proposed_from": conf.id, "country": ["CN"]}, is_new=True))
        tx.add_claim(Claim("c-facets-hidden", "org-facets-hidden", Predicate.REPORTED_ROLE,
                           Evidence(conf.id, quote, (start, start + len(quote)), Method.HUMAN, 1.0), value="buyer"))
    app = create_app(store=store, secret_key="facets-secret")
    return {"store": store, "app": app, "conf": conf.id}


def search(world, q="", clearance=Sensitivity.PUBLIC, page=1, **filters):
    from tollwatch.app.search import faceted_search

    with world["store"].read(clearance) as r:
        return faceted_search(r, q, filters, page)


def facet(result, name) -> dict[str, int]:
    return {o["value"]: o["count"] for f in result["facets"] if f["name"] == name for o in f["options"]}


def test_browse_counts_kinds_datasets_and_facility_types(world):
    b = search(world)["browse"]
    kinds = {r["value"]: r["count"] for r in b["kinds"]}
    assert kinds["facility"] == 11 and kinds["product"] == 10 and kinds["person"] == 1
    datasets = {r["value"]: (r["label"], r["count"]) for r in b["datasets"]}
    assert datasets["us_ofac_sdn"] == ("OFAC SDN", 3)
    assert sum(r["count"] for r in b["facility_types"]) == 11
    assert ("kind", "facility") in b["kinds"][[r["value"] for r in b["kinds"]].index("facility")]["params"]
    assert any(p["value"] == "product-wigs" and p["count"] >= 2 for p in b["products"])


def test_facets_combine_and_count_the_current_result(world):
    res = search(world, kind="facility")
    assert res["total"] == 11
    types = facet(res, "facility_type")
    assert sum(types.values()) == 11 and types["kwalliso"] == 6
    assert sum(facet(res, "status").values()) == 11
    both = search(world, kind="facility", facility_type="kyohwaso", status="active")
    assert 0 < both["total"] < types["kyohwaso"] + 1
    assert all("kyohwaso · long-term reform-through-labour camp" in e["facts"] and "active" in e["facts"] for e in both["entities"])
    # The chosen value's link drops it, the others' links add theirs to the rest of the query.
    chosen = [o for f in both["facets"] if f["name"] == "status" for o in f["options"] if o["selected"]][0]
    assert chosen["params"] == [("kind", "facility"), ("facility_type", "kyohwaso")]


def test_dataset_sanctioned_and_country_facets(world):
    res = search(world, "Korea")
    assert facet(res, "dataset") == {"us_ofac_sdn": 2, "tollwatch": 1}
    assert facet(res, "sanctioned") == {"listed": 2, "not_listed": 1}
    assert facet(res, "country")["KP"] == 2 and facet(res, "country")["CN"] == 1
    narrowed = search(world, "Korea", sanctioned="listed", country="CN")
    assert [e["id"] for e in narrowed["entities"]] == ["ofac-2"]
    e = narrowed["entities"][0]
    assert e["listed"] and e["dataset_label"] == "OFAC SDN"


def test_matched_alias_is_the_one_marked(world):
    res = search(world, "Changgwang")
    e = res["entities"][0]
    assert e["caption"] == "TANCHON COMMERCIAL BANK" and e["matched_name"] == "KOREA CHANGGWANG CREDIT BANK"
    assert [s["text"] for s in e["segments"] if s["mark"]] == ["CHANGGWANG"]
    assert e["program"] == "DPRK"
    kaechon = search(world, "개천")["entities"]
    assert kaechon and all("개천" in e["matched_name"] and not e["by_reading"] for e in kaechon)  # the alias as typed
    assert all("개천" in [s["text"] for s in e["segments"] if s["mark"]] for e in kaechon)
    assert not e["by_reading"]  # CHANGGWANG is what was typed
    wigs = search(world, "假发")["entities"]
    assert wigs[0]["id"] == "product-wigs" and wigs[0]["by_reading"]  # by meaning: the page says so


def test_hs_code_finds_products_and_the_facilities_making_them(world):
    res = search(world, "6704")
    assert res["hs"]["description"].startswith("Wigs")
    ids = {e["id"] for e in res["entities"]}
    assert {"product-wigs", "product-false-eyelashes"} <= ids
    assert "KP-KHS-001" in ids  # Kaechon No. 1 makes wigs (a visible claim)
    assert facet(res, "hs")["6704"] == len(ids)
    assert search(world, "6704.20")["hs"]["products"] and search(world, "67")["hs"]["heading"] == "67"


def test_han_and_hangul_words_find_source_texts(world):
    han = search(world, "假发")
    src = [s for s in han["sources"] if s["id"] == PUBLIC_HAN]
    assert src and [p["text"] for p in src[0]["snippet"] if p["mark"]][:1] == ["假发"]
    assert [p["text"] for p in src[0]["title_segments"] if p["mark"]] == ["假发"]
    assert "，" in "".join(p["text"] for p in src[0]["snippet"])  # cut from the stored text, not its NFKC fold
    hangul = search(world, "교화소")["sources"]
    assert any(s["id"] == "gazetteer-kp-khs-001" for s in hangul)


def test_hidden_evidence_adds_no_hit_count_or_snippet_and_a_cleared_reader_sees_it(world):
    for q, filters in (("假发", {}), ("", {"kind": "organization"}), ("Trading", {}), ("", {"country": "CN"})):
        public = search(world, q, **filters)
        cleared = search(world, q, Sensitivity.CONFIDENTIAL, **filters)
        assert MARK not in repr(public), (q, filters)
        assert MARK in repr(cleared), (q, filters)  # the positive control: the same search does find it
    assert facet(search(world, "", kind="organization"), "country").get("CN", 0) + 1 == \
        facet(search(world, "", Sensitivity.CONFIDENTIAL, kind="organization"), "country")["CN"]


def test_search_page_escapes_marks_and_hides_the_testimony(world):
    client = TestClient(world["app"])
    page = client.get("/search", params={"q": "Ryonbong"}).text
    assert "&lt;b&gt;<mark>RYONBONG</mark>&lt;/b&gt;" in page and "<b>RYONBONG" not in page
    assert 'class="badge sanctioned"' in page and "OFAC SDN" in page
    facets_page = client.get("/search", params={"kind": "facility", "facility_type": "kwalliso"}).text
    assert 'aria-current="true"' in facets_page and "/search?kind=facility&amp;facility_type=kwalliso&amp;status=" in facets_page
    for url in ("/search?q=%E5%81%87%E5%8F%91", "/search?kind=organization", "/search?q=Trading", "/search"):
        assert MARK.casefold() not in client.get(url).text.casefold(), url
    analyst = TestClient(world["app"])
    sign_in(analyst, "analyst")
    assert MARK in analyst.get("/search?q=%E5%81%87%E5%8F%91").text
    assert MARK in analyst.get("/search?kind=organization").text


def test_a_write_refreshes_the_browsing_counts(world):
    """Browsing reads a universe cached per store version: a write must show at once (runs last: it adds a facility)."""
    from tollwatch.core.model import Entity, EntityKind, Name

    before = search(world, kind="facility")["total"]
    with world["store"].begin("tester") as tx:
        tx.upsert_entity(Entity("fac-facets-new", EntityKind.FACILITY, "Facet test plant", names=[Name.of("Facet test plant")],
                                attributes={"facility_type": "plant"}))
    after = search(world, kind="facility")
    assert after["total"] == before + 1 and facet(after, "facility_type")["plant"] == 1
