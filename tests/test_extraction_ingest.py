"""`tollwatch ingest` on every file type, and every bad input refused with nothing stored."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from tollwatch.core.model import Sensitivity

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "seed" / "dailynk-more-production-tasks.txt"

REPORT = (
    "The source said the Kaechon labor camp has received lots of thread to make wigs and sweater vests. "
    "At Paekto, prisoners make dolls. Each camp is a bit different, but generally indoor work includes furniture and shoemaking."
)


def _counts(store):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.counts()


def _claims_for(store, source_id):
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return r.list_claims(source_id=source_id)


def _produces(claims):
    return {(c.subject_id, c.object_id) for c in claims if c.predicate.value == "produces"}


def _ingest_json(cli, path, *extra):
    out = cli("ingest", str(path), "--format", "json", *extra).stdout.strip().splitlines()
    return [json.loads(x) for x in out]


def test_seed_report_end_to_end(cli, store):
    (res,) = _ingest_json(cli, SEED, "--publisher", "Daily NK", "--date", "2021-11-16", "--grade", "B")
    assert set(res) == {"source_id", "claims"} and res["claims"] >= 15
    claims = _claims_for(store, res["source_id"])
    assert len(claims) == res["claims"]
    assert all(c.review.status.value == "proposed" for c in claims)
    kaechon = {o for s, o in _produces(claims) if s == "KP-KHS-001"}
    assert {"product-wigs", "product-false-eyelashes", "product-knitted-clothes", "product-crocheted-caps",
            "product-knitted-caps", "product-sweater-vests"} == kaechon
    assert {("KP-LTC-PAEKTO", "product-dolls"), ("KP-LTC-PAEKTO", "product-accessories")} <= _produces(claims)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        src = r.get_source(res["source_id"])
        assert src.publisher == "Daily NK" and src.grade == "B" and src.date == "2021-11-16"
        for c in claims:
            assert src.text[c.evidence.span[0] : c.evidence.span[1]] == c.evidence.quote
        new = [e for e in r.list_entities() if e.is_new]
        assert any("Production department" in e.caption for e in new)
    # the same content again is recognised by its hash, and nothing more is stored
    before = _counts(store)
    again = cli("ingest", str(SEED), expect=2)
    assert f"already ingested as {res['source_id']}" in again.stderr
    assert _counts(store) == before


def test_table_summary(cli, tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    out = cli("ingest", str(f)).stdout
    assert "stored source" in out and "proposed" in out and "tollwatch review --source" in out
    assert "—produces→ wigs" in out


def test_markdown(cli, store, tmp_path):
    f = tmp_path / "r.md"
    f.write_text("# Field notes\n\n" + REPORT + "\n", encoding="utf-8")
    (res,) = _ingest_json(cli, f)
    assert ("KP-KHS-001", "product-wigs") in _produces(_claims_for(store, res["source_id"]))


def test_html_main_text_without_boilerplate(cli, store, tmp_path):
    f = tmp_path / "r.html"
    f.write_text(
        "<html><head><title>Camp report</title><script>var wigs = 'Kaechon makes dolls';</script></head><body>"
        "<nav class='menu'><a href='/'>Kaechon camp makes hats</a></nav>"
        "<header><p>Site header: Paekto produces wigs</p></header>"
        f"<article><h1>Camp report</h1><p>{REPORT.split('. ')[0]}.</p><p>At Paekto, prisoners make dolls.</p></article>"
        "<aside class='related'><p>Related: Kaechon camp makes eyelashes</p></aside>"
        "<footer><p>Copyright. Kaechon prison camp produces accessories.</p></footer></body></html>",
        encoding="utf-8",
    )
    (res,) = _ingest_json(cli, f)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        src = r.get_source(res["source_id"])
    assert src.title == "Camp report"
    assert "Site header" not in src.text and "Related" not in src.text and "Copyright" not in src.text and "var wigs" not in src.text
    assert _produces(_claims_for(store, res["source_id"])) == {
        ("KP-KHS-001", "product-wigs"),
        ("KP-KHS-001", "product-sweater-vests"),
        ("KP-LTC-PAEKTO", "product-dolls"),
    }


def _pdf_bytes(lines: list[str], title: str = "PDF report") -> bytes:
    import matplotlib

    matplotlib.use("pdf")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.05, 0.95 - i * 0.03, line, fontsize=9)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(buf, format="pdf", metadata={"Title": title})
    plt.close(fig)
    return buf.getvalue()


def test_pdf_text_layer_with_wrapped_lines(cli, store, tmp_path):
    f = tmp_path / "r.pdf"
    f.write_bytes(_pdf_bytes(["The source said the Kaechon labor camp has received lots of thread", "to make wigs and sweater vests.", "At Paekto, prisoners make dolls."]))
    (res,) = _ingest_json(cli, f)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        src = r.get_source(res["source_id"])
    assert src.title == "PDF report"
    assert "thread to make wigs" in src.text  # the wrapped line is joined back into its sentence
    produces = _produces(_claims_for(store, res["source_id"]))
    assert {("KP-KHS-001", "product-wigs"), ("KP-KHS-001", "product-sweater-vests"), ("KP-LTC-PAEKTO", "product-dolls")} == produces


def test_docx_english_and_korean(cli, store, tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "교화소 보고"
    d.add_paragraph("소식통에 따르면 개천 교화소에서는 가발과 속눈썹을 생산한다.")
    d.add_paragraph("At Paekto, prisoners make dolls.")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "전거리 교화소에서는 인형을 만든다."
    f = tmp_path / "r.docx"
    d.save(f)
    (res,) = _ingest_json(cli, f)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.get_source(res["source_id"]).title == "교화소 보고"
    produces = _produces(_claims_for(store, res["source_id"]))
    assert {("KP-KHS-001", "product-wigs"), ("KP-KHS-001", "product-false-eyelashes"), ("KP-LTC-PAEKTO", "product-dolls"), ("KP-KHS-012", "product-dolls")} == produces


def test_korean_text_file(cli, store):
    (res,) = _ingest_json(cli, ROOT / "tests" / "gold" / "own_ko_report.txt", "--date", "2020-11-01")
    claims = _claims_for(store, res["source_id"])
    assert ("KP-KHS-001", "product-wigs") in _produces(claims)
    assert [c.value for c in claims if c.predicate.value == "review_deadline"] == ["2021-01-15"]


def test_directory_ingests_each_supported_file(cli, store, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.md").write_text("Chongori prison camp makes eyelashes.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("ignored,file\n", encoding="utf-8")
    results = _ingest_json(cli, tmp_path)
    assert len(results) == 2
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        titles = {s.title for s in r.list_sources() if s.id in {x["source_id"] for x in results}}
    assert titles == {"a.txt", "b.md"}


def test_sensitivity_and_metadata_are_kept(cli, store, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(REPORT, encoding="utf-8")
    (res,) = _ingest_json(cli, f, "--title", "Interview 7", "--kind", "testimony", "--sensitivity", "confidential", "--origin", "informant-7")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        src = r.get_source(res["source_id"])
    assert (src.title, src.kind.value, src.sensitivity.value, src.origin) == ("Interview 7", "testimony", "confidential", "informant-7")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        audit = r.audit(target_id=res["source_id"])
    assert audit and "Interview 7" not in json.dumps(audit, default=str)  # the log never copies the title or text


# --- bad input: one line naming the file and field, exit 2, nothing stored --------------------


def _encrypted_pdf(tmp_path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf_bytes(["Kaechon labor camp makes wigs."]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    f = tmp_path / "locked.pdf"
    with open(f, "wb") as fh:
        writer.write(fh)
    return f


def _bad_inputs(tmp_path) -> dict[str, tuple[Path, str]]:
    cases = {}
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    cases["empty"] = (empty, "empty")
    blank = tmp_path / "blank.md"
    blank.write_text("  \n\n\t\n", encoding="utf-8")
    cases["blank"] = (blank, "empty")
    cases["encrypted pdf"] = (_encrypted_pdf(tmp_path), "encrypted")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(4096))
    cases["binary junk"] = (junk, "binary")
    junk_pdf = tmp_path / "junk.pdf"
    junk_pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(2048))
    cases["junk pdf"] = (junk_pdf, "PDF")
    not_pdf = tmp_path / "fake.pdf"
    not_pdf.write_bytes(os.urandom(2048))
    cases["not a pdf"] = (not_pdf, "not a PDF")
    junk_docx = tmp_path / "junk.docx"
    junk_docx.write_bytes(os.urandom(2048))
    cases["junk docx"] = (junk_docx, "DOCX")
    junk_html = tmp_path / "junk.html"
    junk_html.write_bytes(b"\x00\x01\x02" + os.urandom(2048))
    cases["junk html"] = (junk_html, "binary")
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    cases["100 MB"] = (big, "limit")
    unknown = tmp_path / "report.xyz"
    unknown.write_text(REPORT, encoding="utf-8")
    cases["unknown extension"] = (unknown, "unsupported")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Kaechon camp makes wigs. Caf\xe9".encode("latin-1"))
    cases["not utf-8"] = (latin1, "UTF-8")
    missing = tmp_path / "missing.txt"
    cases["missing"] = (missing, "no such file")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf_bytes([]))
    cases["pdf without text"] = (scan, "no text layer")
    return cases


def test_every_bad_input_is_one_clear_line_and_stores_nothing(cli, store, tmp_path):
    before = _counts(store)
    for name, (path, needle) in _bad_inputs(tmp_path).items():
        result = cli("ingest", str(path), expect=2)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith("error: ") and str(path) in lines[0], (name, lines[0])
        assert needle.casefold() in lines[0].casefold(), (name, lines[0])
        assert "Traceback" not in result.output
    assert _counts(store) == before


def test_bad_metadata_is_refused_before_storing(cli, store, tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    before = _counts(store)
    for args, field in ((("--date", "last week"), "date"), (("--grade", "Z"), "grade"), (("--sensitivity", "secret"), "sensitivity"), (("--kind", "rumour"), "kind")):
        result = cli("ingest", str(f), *args, expect=2)
        assert field in result.stderr and str(f) in result.stderr
    assert _counts(store) == before


def test_a_bad_file_in_a_directory_stores_none_of_it(cli, store, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    before = _counts(store)
    result = cli("ingest", str(tmp_path), expect=2)
    assert "b.txt" in result.stderr
    assert _counts(store) == before


def test_same_content_twice_in_one_directory(cli, store, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(REPORT, encoding="utf-8")
    result = cli("ingest", str(tmp_path), expect=2)
    assert "same content" in result.stderr


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_same_text_in_another_format_is_a_duplicate(cli, tmp_path, suffix):
    a = tmp_path / ("a" + suffix)
    a.write_text(REPORT, encoding="utf-8")
    cli("ingest", str(a))
    b = tmp_path / "b.html"
    b.write_text(f"<html><body><p>{REPORT}</p></body></html>", encoding="utf-8")
    assert "already ingested as" in cli("ingest", str(b), expect=2).stderr


def test_seed_report_as_a_web_page(cli, store, tmp_path):
    """The seed report inside a page with navigation, share buttons and a footer (built at run time)."""
    import html

    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = (
        "<html><head><title>Some camps given more production tasks | Daily NK</title></head><body>"
        "<header class='site-header'><ul><li>Kaechon prison camp makes dolls</li></ul></header>"
        "<div class='share-buttons'><p>Share: Paekto makes wigs</p></div>"
        f"<main><article>{body}</article></main>"
        "<footer><p>Hwasong camp produces eyelashes. All rights reserved.</p></footer></body></html>"
    )
    f = tmp_path / "seed.html"
    f.write_text(page, encoding="utf-8")
    (res,) = _ingest_json(cli, f, "--publisher", "Daily NK")
    claims = _claims_for(store, res["source_id"])
    produces = _produces(claims)
    assert {o for s, o in produces if s == "KP-KHS-001"} == {
        "product-wigs", "product-false-eyelashes", "product-knitted-clothes", "product-crocheted-caps",
        "product-knitted-caps", "product-sweater-vests",
    }
    assert {o for s, o in produces if s == "KP-LTC-PAEKTO"} == {"product-dolls", "product-accessories"}
    assert not any(s == "KP-KLS-016" for s, _ in produces)  # the footer's line is gone
    assert ("KP-KHS-001", "product-thread") in {(c.subject_id, c.object_id) for c in claims if c.predicate.value == "receives_input"}


def test_a_docx_that_unpacks_too_far_is_refused(cli, store, tmp_path):
    import zipfile

    f = tmp_path / "bomb.docx"
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (210 * 1024 * 1024))  # compresses to ~200 KB
    before = _counts(store)
    result = cli("ingest", str(f), expect=2)
    assert "unpacks to" in result.stderr and str(f) in result.stderr
    assert _counts(store) == before
