"""Mirrors and document-scrape copies are flagged wherever a citation is shown."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tollwatch.app.citations import mirror_hosts
from tollwatch.core.source_quality import is_mirror, parse_hosts

HOSTS = parse_hosts("# comment\npdfslide.net\n\nDokumen.Tips  # trailing comment\n")


def test_host_list_parses_comments_blank_lines_and_case():
    assert HOSTS == frozenset({"pdfslide.net", "dokumen.tips"})


def test_listed_hosts_subdomains_and_bare_ips_are_mirrors():
    assert is_mirror("https://pdfslide.net/documents/x.html", HOSTS)
    assert is_mirror("https://www.dokumen.tips/documents/y", HOSTS)
    assert is_mirror("http://46.235.172.94/Archive/arch-35000-35499/x.txt", HOSTS)
    assert is_mirror("http://[2001:db8::1]/doc", HOSTS)


def test_publishers_own_pages_are_not_mirrors():
    assert not is_mirror("https://www.dailynk.com/english/kaechon-prison-camp-works-inmates-death/", HOSTS)
    assert not is_mirror("https://notpdfslide.net/x", HOSTS)  # a suffix is not a subdomain
    assert not is_mirror(None, HOSTS) and not is_mirror("", HOSTS) and not is_mirror("not a url", HOSTS)


def test_the_packaged_list_has_the_known_mirrors():
    hosts = mirror_hosts()
    assert {"pdfslide.net", "dokumen.tips", "docslib.org", "yumpu.com"} <= hosts


def test_api_entity_claims_flag_mirror_citations(store, monkeypatch, tmp_path):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.server.app import create_app

    client = TestClient(create_app(store=store, secret_key="test-secret"))
    body = client.get("/api/entities/KP-KHS-004").json()
    status = next(c for c in body["claims"] if c["predicate"] == "has_status")
    assert status["evidence_kind"] == "compiled"
    assert status["citations"] == [
        {"url": "https://dokumen.tips/documents/north-koreas-long-term-re-education-through-labor-camp-.html", "mirror": True}
    ]
    kaechon = client.get("/api/entities/KP-KHS-001").json()
    status = next(c for c in kaechon["claims"] if c["predicate"] == "has_status")
    assert status["citations"] == [{"url": "https://www.dailynk.com/english/kaechon-prison-camp-works-inmates-death/", "mirror": False}]
    assert status["source_not_given"] is False
    para = next(c for c in kaechon["claims"] if c["source_id"].startswith("article-"))
    assert para["evidence_kind"] == "paraphrase" and para["source"]["text_kind"] == "paraphrase"
    src = client.get("/api/sources/article-dailynk-kaechon-works-inmates-death").json()
    assert src["text_kind"] == "paraphrase" and src["url_mirror"] is False
    listed = {s["id"]: s for s in client.get("/api/sources", params={"limit": 5000}).json()}
    assert listed["article-dailynk-kaechon-works-inmates-death"]["url_mirror"] is False


def test_trade_reference_figures_flag_a_scrape_site(cli):
    from tollwatch.app.trade import reference_figures

    figures = reference_figures()
    flagged = [f["source_url"] for f in figures if f["source_mirror"]]
    assert flagged and all("zzzogryeb.bond" in u for u in flagged)
    out = cli("trade", "figures").output
    assert out.count("[mirror") == len(flagged)
