"""Every bundled claim cites the pages its input row in ../shared/data gives for that very fact.

The walk is independent of the loader: it finds the field of the row whose text holds the
claim's quote, reads the URLs of the column that cites that field, and checks the claim
cites only those (and, where the fact names its publisher, only that publisher's pages).
"""

from __future__ import annotations

import csv
import re

from conftest import SHARED

import pytest

from tollwatch.core.model import EvidenceKind, Sensitivity

FACILITIES = SHARED / "data" / "facilities" / "facilities.csv"
COMPANIES = SHARED / "data" / "companies" / "companies_named_in_reporting.csv"
URL = re.compile(r"https?://[^\s|;,)\"]+")
CITES_FOR = {"status": "status_source", "reported_products_or_labor": "product_sources"}


def _rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _field_of(row: dict, quote: str) -> str:
    fields = [f for f in ("status", "reported_products_or_labor", "notes") if quote in (row[f] or "")]
    assert len(fields) == 1, (row["facility_id"], quote, fields)
    return fields[0]


@pytest.fixture
def reader(store):
    with store.read(Sensitivity.PUBLIC) as r:
        yield r


def test_every_gazetteer_claim_cites_its_own_fields_pages(reader):
    rows = {r["facility_id"].lower(): r for r in _rows(FACILITIES)}
    claims = [c for c in reader.list_claims() if c.evidence.source_id.startswith("gazetteer-")]
    assert len(claims) > 30
    for c in claims:
        row = rows[c.evidence.source_id.removeprefix("gazetteer-")]
        assert c.evidence.kind == EvidenceKind.COMPILED
        assert c.evidence.cites is not None, c
        field = _field_of(row, c.evidence.quote)
        allowed = set(URL.findall(row[CITES_FOR[field]])) if field in CITES_FOR else set()
        assert set(c.evidence.cites) <= allowed, (row["facility_id"], field, c.evidence.quote, c.evidence.cites)
        assert bool(c.evidence.cites) == bool(allowed)  # "source not given" only where the row gives none


def _claims_of(reader, fid: str, predicate: str):
    return [c for c in reader.list_claims(entity_id=fid) if c.predicate.value == predicate and c.subject_id == fid]


def test_kaechon_status_cites_daily_nk_not_wikipedia(reader):
    (status,) = _claims_of(reader, "KP-KHS-001", "has_status")
    assert status.value == "active"
    assert status.evidence.cites == ("https://www.dailynk.com/english/kaechon-prison-camp-works-inmates-death/",)


def test_kaechon_products_cite_the_publisher_the_row_names():
    from tollwatch.importers.reference import fact_citations, split_items

    row = next(r for r in _rows(FACILITIES) if r["facility_id"] == "KP-KHS-001")
    items = dict(split_items(row["reported_products_or_labor"]))
    wigs = fact_citations(row, "reported_products_or_labor", items["wigs"])
    assert wigs and all("dailynk.com" in u for u in wigs)
    clothing = fact_citations(row, "reported_products_or_labor", items["clothing (Wikipedia)"])
    assert clothing == ("https://en.wikipedia.org/wiki/Kaechon_prison_camp",)


def test_camp_22_closed_never_cites_the_product_source(reader):
    row = next(r for r in _rows(FACILITIES) if r["facility_id"] == "KP-KLS-022")
    product_urls = set(URL.findall(row["product_sources"]))
    (status,) = _claims_of(reader, "KP-KLS-022", "has_status")
    assert status.value == "closed"
    assert status.evidence.cites and not set(status.evidence.cites) & product_urls
    assert set(status.evidence.cites) <= set(URL.findall(row["status_source"]))


def test_a_figure_with_no_source_column_says_source_not_given(reader):
    held = [c for c in reader.list_claims() if c.predicate.value == "holds_prisoners" and c.evidence.source_id.startswith("gazetteer-")]
    assert held
    assert all(c.evidence.cites == () for c in held)


def test_company_claims_cite_their_rows_url(reader):
    by_name = {r["name"]: r for r in _rows(COMPANIES)}
    claims = [c for c in reader.list_claims() if c.evidence.source_id.startswith("companies-")]
    assert len(claims) == len(by_name)
    for c in claims:
        entity = reader.get_entity(c.subject_id)
        url = by_name[entity.caption]["source_url"]
        assert c.evidence.kind == EvidenceKind.COMPILED
        assert c.evidence.cites == ((url,) if url.startswith("http") else ())


def test_article_index_claims_are_paraphrases(reader):
    claims = [c for c in reader.list_claims() if c.evidence.source_id.startswith("article-")]
    assert claims
    assert {c.evidence.kind for c in claims} == {EvidenceKind.PARAPHRASE}
    src = reader.get_source("article-dailynk-kaechon-works-inmates-death")
    assert src.text_kind == EvidenceKind.PARAPHRASE
