"""The evidence dossier: built for real entities, verified by hash, leak-free, and honest about withdrawals."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tollwatch.app.dossier_files import verify_dossier, write_dossier
from tollwatch.app.evidence import make_source
from tollwatch.app.sources import withdraw_source
from tollwatch.core.model import Claim, Evidence, Method, Predicate, ReviewStatus, Sensitivity

MARK = "QZDOSSIERMARK7741"
KAECHON = "KP-KHS-001"


def _pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _add_confidential(store) -> str:
    text = f"The witness {MARK} saw wigs made at Kaechon."
    src = make_source(text, title=f"Testimony {MARK}", publisher=f"Desk {MARK}", url=f"https://{MARK.lower()}.example/t",
                      kind="testimony", sensitivity="confidential", grade="B", date="2023")
    quote = f"witness {MARK} saw wigs made"
    start = text.index(quote)
    with store.begin("tester") as tx:
        tx.add_source(src)
        tx.add_claim(Claim("", KAECHON, Predicate.PRODUCES, Evidence(src.id, quote, (start, start + len(quote)), Method.HUMAN), object_id="product-wigs"))
    with store.begin("reviewer") as tx:
        for c in tx.list_claims(source_id=src.id):
            tx.review_claim(c.id, ReviewStatus.ACCEPTED)
    return src.id


def _all_text(d) -> str:
    parts = [p.read_text(encoding="utf-8", errors="replace") for p in d.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    return "\n".join(parts) + (_pdf_text(d / "dossier.pdf") if (d / "dossier.pdf").exists() else "")


def test_kaechon_pdf_holds_every_citation_and_name_and_verify_catches_one_byte(store, tmp_path):
    out = tmp_path / "kaechon"
    write_dossier(store, KAECHON, out, purpose="eu-flr")
    content = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    text = "".join(_pdf_text(out / "dossier.pdf").split())
    assert content["evidence"]
    for row in content["evidence"]:
        for c in row["citations"]:
            assert "".join(c.split()) in text, c
    for party in content["parties"]:
        for n in party["names"]:
            if n["script"] in ("hangul", "han"):
                assert "".join(n["value"].split()) in text, n["value"]
    assert any(c["finding"] == "not established" for c in content["criteria"])
    assert {g["check"] for g in content["gaps"]} >= {"Claim resting on one source only", "Claim resting only on paraphrase"}
    assert content["parties"][0]["id"] == KAECHON
    assert verify_dossier(out) == []
    html = (out / "dossier.html").read_text(encoding="utf-8")
    assert json.loads((out / "manifest.json").read_text())["dossier_sha256"] in html
    for name in ("dossier.json", "dossier.html", "dossier.pdf", "chain.svg", next(iter((out / "evidence").iterdir())).relative_to(out).as_posix()):
        data = bytearray((out / name).read_bytes())
        data[len(data) // 2] ^= 1
        (out / name).write_bytes(bytes(data))
        assert any(p.startswith(name + ":") for p in verify_dossier(out)), name
        data[len(data) // 2] ^= 1
        (out / name).write_bytes(bytes(data))
    assert verify_dossier(out) == []


def test_confidential_source_never_leaks_and_is_redacted_when_cleared(store, tmp_path):
    _add_confidential(store)
    public = tmp_path / "public"
    write_dossier(store, KAECHON, public, purpose="cbp-allegation")
    assert MARK not in _all_text(public)
    cleared = tmp_path / "cleared"
    write_dossier(store, KAECHON, cleared, purpose="cbp-allegation", role="admin")
    everything = _all_text(cleared)
    assert MARK not in everything
    content = json.loads((cleared / "dossier.json").read_text(encoding="utf-8"))
    assert content["redactions"] and content["redactions"][0]["placeholder"].startswith("Testimony T-1, grade B, 2023")
    assert "TestimonyT-1,gradeB,2023" in "".join(_pdf_text(cleared / "dossier.pdf").split())


def test_positive_control_the_marker_is_found_when_the_guard_is_off(store, tmp_path, monkeypatch):
    """Break the redaction (placeholders for nobody) and the same check must find the marker."""
    from tollwatch.app import dossier

    _add_confidential(store)
    monkeypatch.setattr(dossier, "_placeholders", lambda sources: {})
    out = tmp_path / "broken"
    write_dossier(store, KAECHON, out, role="admin", pdf=False)
    assert MARK in _all_text(out)


def test_withdrawal_drops_exactly_the_claims_on_that_source(store, tmp_path):
    before = tmp_path / "before"
    write_dossier(store, KAECHON, before, pdf=False)
    rows = json.loads((before / "dossier.json").read_text(encoding="utf-8"))["evidence"]
    victim = rows[0]["source_id"]
    on_it = {x["id"] for x in rows if x["source_id"] == victim}
    withdraw_source(store, "tester", victim, "retracted by its publisher", Sensitivity.CONFIDENTIAL)
    after = tmp_path / "after"
    manifest = write_dossier(store, KAECHON, after, pdf=False)
    kept = {x["id"] for x in json.loads((after / "dossier.json").read_text(encoding="utf-8"))["evidence"]}
    assert kept == {x["id"] for x in rows} - on_it
    assert set(manifest["withdrawn"]["dropped_claims"]) == on_it
    assert manifest["withdrawn"]["sources"][0]["reason"] == "retracted by its publisher"
    with store.read(Sensitivity.PUBLIC) as r:
        assert r.audit(target_id=victim, action="source.withdraw")


def test_cli_builds_a_dossier_and_verify_names_the_changed_file(cli, tmp_path):
    out = tmp_path / "d"
    cli("dossier", "product-wigs", "-o", str(out), "--purpose", "cbp-admissibility", "--no-pdf")
    cli("dossier", "verify", str(out))
    path = out / "chain.svg"
    data = bytearray(path.read_bytes())
    data[10] ^= 1
    path.write_bytes(bytes(data))
    result = cli("dossier", "verify", str(out), expect=1)
    assert "chain.svg: changed" in result.output
    cli("dossier", "no-such-thing", "-o", str(tmp_path / "x"), expect=2)
    assert not (tmp_path / "x").exists()


PURPOSES = ("cbp-allegation", "cbp-admissibility", "eu-flr", "research")


def test_a_screening_hit_on_komid_builds_for_every_purpose(store, tmp_path):
    from tollwatch.app.runs import run_results, save_screening

    book = tmp_path / "suppliers.csv"
    book.write_text("name,country\nKorea Mining Development Trading Corporation,KP\n", encoding="utf-8")
    save_screening(store, "tester", "komid-check", book, None, write_output=False)
    _, results = run_results(store, "komid-check")
    row = next(iter(results))["query_id"]
    for purpose in PURPOSES:
        out = tmp_path / purpose
        write_dossier(store, f"komid-check:{row}", out, purpose=purpose)
        content = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
        assert content["screening_hit"] and "KOMID" in json.dumps(content["parties"][0]).upper(), purpose
        text = "".join(_pdf_text(out / "dossier.pdf").split())
        listing = content["parties"][0]["listing"]
        cited = listing["citation"] if listing else {}
        assert cited and cited["dataset"] in text and "".join(str(cited["record"]).split()) in text, purpose
        for n in content["parties"][0]["names"]:
            assert "".join(n["value"].split()) in text, n["value"]
        assert any(g["check"].startswith("Screening") or "screening" in g["check"].casefold() for g in content["gaps"]), content["gaps"]
        assert verify_dossier(out) == []


def test_trade_context_names_its_method_or_what_to_import(store, tmp_path):
    from tollwatch.app.trade import import_file

    empty = tmp_path / "empty"
    write_dossier(store, "product-wigs", empty, purpose="research", pdf=False)
    assert "No trade statistics are in the store" in (empty / "dossier.html").read_text(encoding="utf-8")
    header = ("typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
              "partnerCode,partnerISO,partner2Code,cmdCode,cmdDesc,customsCode,motCode,qty,netWgt,primaryValue,isReported")
    rows = [f"C,M,{p}01,{p[:4]},{p[4:]},{p},156,CHN,China,M,408,PRK,0,6704,desc,C00,0,,,{v},True"
            for p, v in [(f"2023{m:02d}", 1_000_000) for m in range(1, 13)] + [("202401", 9_000_000)]]
    path = tmp_path / "trade.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    import_file(store, "tester", path, "comtrade")
    out = tmp_path / "with-trade"
    write_dossier(store, "product-wigs", out, purpose="research", pdf=False)
    content = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    analysis = content["trade_analysis"]
    assert analysis["records"] == 13 and analysis["methods"]["surge_month"]
    assert any(s["period"] == "2024-01" for s in analysis["surges"]), analysis["surges"]
    from markupsafe import escape

    assert str(escape(analysis["methods"]["surge_month"])) in (out / "dossier.html").read_text(encoding="utf-8")
