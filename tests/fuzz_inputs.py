"""Inputs for the fuzz suite: seed files, mutations of them, and structured garbage.

Seeds are real files (src/tollwatch/data, tests/gold, ../shared/data) or small files
built here in the layouts the importers read; nothing from them is copied into the repo.
A strategy draws bytes: a seed mutated at the byte, line or zip-member level, or garbage
built to hit a known weak spot (wrong JSON types, bare \\r, odd encodings, control chars).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "tollwatch" / "data"
SHARED = ROOT.parent / "shared" / "data"
GOLD = ROOT / "tests" / "gold"

# Byte strings known to upset parsers, spliced into seeds.
TOKENS = [
    b"\r", b"\r\n", b"\n", b"\x00", b"\x01", b"\x0b", b"\x1f", b"\x7f", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf",
    b"\xc3", b"\xed\xa0\x80", b'"', b"'", b",", b"\t", b";", b"|", b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x1;",
    b"]]>", b"<!--", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"nan", b"NaN", b"inf", b"-inf", b"1e999", b"-1e999",
    b"-1", b"0", b"9" * 40, b"1.5", b"true", b"null", b"[]", b"{}", b'"d"', b"[\"tollwatch\"]", b"tollwatch",
    b"=cmd|' /C calc'!A0", b"\xe2\x80\xae", b"\xe5\x8c\x97\xe4\xba\xac", b"\xea\xb9\x80", b"2024-13-45", b"0000-00",
    b"%s%n", b"\\", b"\\u0000", b"\\ud800", b" " * 64, b"A" * 300,
]


def _gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def _head_lines(raw: bytes, n: int) -> bytes:
    return b"".join(raw.splitlines(keepends=True)[:n])


@cache
def ofac_csv_seeds() -> tuple[bytes, ...]:
    sdn = _gz(DATA / "ofac_sdn.csv.gz")
    shared = SHARED / "sanctions" / "ofac_sdn_2024-05-03.csv"
    seeds = [_head_lines(sdn, 12), _head_lines(sdn[len(sdn) // 2:], 8).split(b"\n", 1)[-1]]
    if shared.exists():
        seeds.append(_head_lines(shared.read_bytes(), 10))
    return tuple(seeds)


def _xml_records(raw: bytes, open_tag: bytes, close_tag: bytes, n: int) -> bytes:
    """The file's head and its first n records, closed again (a small valid file)."""
    end = 0
    for _ in range(n):
        end = raw.index(close_tag, end) + len(close_tag)
    head = raw[:end]
    root = raw[: raw.index(open_tag)]
    closers = [t for t in (b"</INDIVIDUALS>", b"</ENTITIES>") if t.replace(b"/", b"") in head and t not in head]
    tail = b"".join(closers) + (b"</CONSOLIDATED_LIST>" if b"<CONSOLIDATED_LIST" in root else b"")
    return head + tail


@cache
def uk_ofsi_seeds() -> tuple[bytes, ...]:
    """The bundled OFSI ConList CSV: its "Last Updated" line, the header and a few designations."""
    lines = _gz(DATA / "uk_ofsi.csv.gz").splitlines(keepends=True)
    return (b"".join(lines[:12]),)


def eu_fsf_seeds() -> tuple[bytes, ...]:
    """The hand-written FSF fixture (invented data in the published schema's layout)."""
    return ((Path(__file__).parent / "fixtures" / "eu_fsf_sample.xml").read_bytes(),)


def un_xml_seeds() -> tuple[bytes, ...]:
    raw = _gz(DATA / "un_sc.xml.gz")
    seeds = [_xml_records(raw, b"<INDIVIDUAL>", b"</INDIVIDUAL>", 2)]
    shared = SHARED / "sanctions" / "un_sc_consolidated_2026-01-28.xml"
    if shared.exists():
        seeds.append(_xml_records(shared.read_bytes()[:400_000], b"<INDIVIDUAL>", b"</INDIVIDUAL>", 1))
    return tuple(seeds)


AU_HEADER = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth", "Place of Birth",
             "Citizenship", "Address", "Additional Information", "Listing Information", "Committees", "Control Date"]


def au_dfat_seeds() -> tuple[bytes, ...]:
    """DFAT's regulation8_consolidated.xlsx layout (columns as in ../shared), invented rows: 1, 1a and 1b are one listing."""
    from datetime import datetime

    when = datetime(2024, 12, 17)
    rows = [AU_HEADER,
            [1, "FUZZ TRADING CORPORATION", "Entity", "Primary Name", "NA", "NA", "NA", "Pyongyang", "Invented.", "Listed 2016", "DPRK", when],
            ["1a", "FTC", "Entity", "aka", "NA", "NA", "NA", "Pyongyang", "Invented.", "Listed 2016", "DPRK", when],
            [2, "KIM FUZZ", "Individual", "Primary Name", "1970-01-01", "Sinuiju", "Korea, North", "NA", "NA", "Listed 2017", "DPRK", when],
            ["2b", "\uae40\ud37c\uc988", "Individual", "Original Script", 1970, "NA", "Korea, North", "NA", "NA", "NA", "DPRK", when]]
    return (xlsx_bytes(rows),)


def uk_ofsi_header() -> list[str]:
    return uk_ofsi_seeds()[0].decode("utf-8-sig").splitlines()[1].split(",")


def uk_ofsi_xlsx_seeds() -> tuple[bytes, ...]:
    """The bundled OFSI CSV's first rows written as a ConList.xlsx workbook (the layout OFSI publishes)."""
    return (xlsx_bytes(list(csv.reader(io.StringIO(uk_ofsi_seeds()[0].decode("utf-8-sig"))))),)


OFAC_XML = b"""<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>03/15/2025</Publish_Date><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry><uid>11581</uid><lastName>KOREA KWANGSON BANKING CORP</lastName><sdnType>Entity</sdnType>
    <programList><program>NPWMD</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>KKBC</lastName></aka></akaList>
    <addressList><address><uid>2</uid><city>Pyongyang</city><country>Korea, North</country></address></addressList>
    <dateOfBirthList><dateOfBirthItem><uid>3</uid><dateOfBirth>01 Jan 1960</dateOfBirth></dateOfBirthItem></dateOfBirthList></sdnEntry>
  <sdnEntry><uid>18556</uid><firstName>Bom Su</firstName><lastName>JANG</lastName><sdnType>Individual</sdnType>
    <programList><program>NPWMD</program><program>DPRK3</program></programList></sdnEntry>
</sdnList>"""

FTM_LINES = [
    {"id": "fz-org-1", "schema": "Company", "datasets": ["fuzz_ftm"], "properties": {"name": ["Fuzz Trading Co"], "country": ["kp"], "alias": ["FTC"]}},
    {"id": "fz-p-1", "schema": "Person", "datasets": ["fuzz_ftm"], "properties": {"name": ["Kim Fuzz"], "birthDate": ["1970-01-01"], "nationality": ["kp"]}},
    {"id": "fz-v-1", "schema": "Vessel", "datasets": ["fuzz_ftm"], "properties": {"name": ["FUZZ STAR"], "imoNumber": ["IMO1234567"]}},
]


def ftm_seed() -> bytes:
    return b"".join(json.dumps(x).encode() + b"\n" for x in FTM_LINES)


LIST_CSV = b"id,name,schema,country,alias\nfz-1,Fuzz Trading Co,Organization,KP,FTC;Fuzz Co\nfz-2,Kim Fuzz,Person,KP,\n"
SCREEN_CSV = ROOT / "src" / "tollwatch" / "demo" / "sample_shipments_fictitious.csv"

COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "partnerCode,partnerISO,partner2Code,cmdCode,cmdDesc,customsCode,motCode,qty,netWgt,primaryValue,isReported"
)
COMTRADE_ROW = "C,M,{p}01,{y},{m},{p},156,CHN,China,{f},408,PRK,0,670419,desc,C00,0,,{kg},{v},True"


def trade_seeds() -> tuple[bytes, ...]:
    generic = "period,reporter,partner,flow,hs,value_usd,net_kg,qty,description\n2024-01,CN,KP,M,6704,1000,12.5,,hair\n2024-02,CN,KP,X,670419,5000,,,wigs\n"
    rows = [COMTRADE_ROW.format(p=f"2024{m:02d}", y=2024, m=f"{m:02d}", f=f, kg=10 * m, v=1000 * m) for m in (1, 2) for f in ("M", "X")]
    return (generic.encode(), (COMTRADE_HEADER + "\n" + "\n".join(rows) + "\n").encode())


def claims_seeds() -> tuple[bytes, ...]:
    """Claims JSONL in the `claims add` layout; SOURCE is replaced by a stored source's id."""
    lines = [
        {"source_id": "SOURCE", "subject_id": "KP-KHS-001", "predicate": "holds_prisoners", "quantity": {"low": 3, "high": 5, "unit": "prisoners"}, "period": {"start": "2024-01", "end": "2024-06"}, "quote": "q", "note": "n"},
        {"source_id": "SOURCE", "subject_id": "KP-KHS-001", "predicate": "located_in", "value": "Hoeryong", "grade": "B2", "method": "human"},
    ]
    return (b"".join(json.dumps(x).encode() + b"\n" for x in lines),)


def screen_seeds() -> dict[str, tuple[bytes, ...]]:
    csv_raw = SCREEN_CSV.read_bytes()
    rows = [line.split(",") for line in csv_raw.decode().splitlines()]
    header, body = rows[0], rows[1:]
    jsonl = b"".join(json.dumps(dict(zip(header, r))).encode() + b"\n" for r in body)
    parquet = parquet_bytes({h: [r[i] if i < len(r) else None for r in body] for i, h in enumerate(header)})
    return {"csv": (csv_raw, csv_raw.replace(b",", b"\t")), "jsonl": (jsonl,), "xlsx": (xlsx_bytes([header, *body]),),
            "parquet": (parquet,)}


def parquet_bytes(columns: dict[str, list]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), buf)
    return bytes(buf.getvalue().to_pybytes())


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "Fuzz report"
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a text stream (Helvetica, ASCII), written by hand."""
    text = "".join(f"({ln.encode('ascii', 'replace').decode().replace('(', '').replace(')', '')}) Tj T* " for ln in lines)
    stream = f"BT /F1 11 Tf 14 TL 50 750 Td {text}ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>stream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


INVENTED = [
    "The Fuzz Knitting Factory in Sinuiju produces wool caps for a Chinese buyer.",
    "Workers at the Hoeryong camp were sent to the Dandong Fuzz Seafood Co. plant in 2023.",
    "No. 5 Mine ships anthracite; the Ryugyong Fuzz Trading Company arranges the toll processing.",
]


def ingest_seeds() -> dict[str, tuple[bytes, ...]]:
    texts = [p.read_bytes()[:4000] for p in sorted(GOLD.glob("*.txt"))[:3]]
    dev = sorted((SHARED / "extraction_dev").glob("*.txt"))[:2]
    texts += [p.read_bytes()[:4000] for p in dev]
    html = ("<html><head><title>Fuzz</title><meta charset='utf-8'></head><body><h1>Report</h1>"
            + "".join(f"<p>{t}</p>" for t in INVENTED) + "<script>x()</script></body></html>").encode()
    return {"txt": tuple(texts) or (" ".join(INVENTED).encode(),), "html": (html,),
            "pdf": (pdf_bytes(INVENTED),), "docx": (docx_bytes(INVENTED),)}


# --- mutations ------------------------------------------------------------------------------


@st.composite
def mutate_bytes(draw, raw: bytes) -> bytes:
    """A few splices, deletions, duplications or truncations of `raw`."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup_line", "truncate", "flip"]))
        pos = draw(st.integers(0, max(0, len(data))))
        if op == "insert":
            data[pos:pos] = draw(st.sampled_from(TOKENS) | st.binary(max_size=8))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == "replace":
            data[pos:pos + draw(st.integers(1, 12))] = draw(st.sampled_from(TOKENS))
        elif op == "dup_line":
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(i, lines[i])
                data = bytearray(b"".join(lines))
        elif op == "truncate":
            del data[pos:]
        elif data and pos < len(data):
            data[pos] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


@st.composite
def mutate_zip(draw, raw: bytes) -> bytes:
    """A zip (XLSX, DOCX) with one member's bytes mutated, dropped or emptied, zipped again."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zin:
        members = [(i, zin.read(i)) for i in zin.infolist()]
    k = draw(st.integers(0, len(members) - 1))
    how = draw(st.sampled_from(["mutate", "mutate", "mutate", "drop", "empty", "bytes"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for j, (info, body) in enumerate(members):
            if j == k:
                if how == "drop":
                    continue
                body = b"" if how == "empty" else draw(mutate_bytes(body))
            zout.writestr(info.filename, body)
    out = buf.getvalue()
    return draw(mutate_bytes(out)) if how == "bytes" else out


def seeded(seeds: tuple[bytes, ...], *, zipped: bool = False) -> st.SearchStrategy[bytes]:
    mutate = mutate_zip if zipped else mutate_bytes
    return st.sampled_from(seeds) | st.sampled_from(seeds).flatmap(mutate)


# --- structured garbage ---------------------------------------------------------------------

JSON_ODD = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
    | st.sampled_from(["nan", "1e999", "tollwatch", "d", "\x01", "\r", "2024-13", ""]),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
    max_leaves=8,
)


@st.composite
def json_lines_like(draw, seed_lines: list[dict]) -> bytes:
    """Seed objects with fields set to values of the wrong type, dropped or added."""
    out = []
    for obj in draw(st.lists(st.sampled_from(seed_lines), min_size=1, max_size=3)):
        obj = json.loads(json.dumps(obj))
        keys = list(obj) + ["properties", "datasets", "schema", "id", "quantity", "period"]
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(keys))
            if draw(st.booleans()) and isinstance(obj.get(key), dict) and obj[key]:
                obj[key][draw(st.sampled_from(sorted(obj[key])))] = draw(JSON_ODD)
            elif draw(st.integers(0, 4)) == 0:
                obj.pop(key, None)
            else:
                obj[key] = draw(JSON_ODD)
        out.append(json.dumps(obj, allow_nan=True).encode())
    if draw(st.integers(0, 5)) == 0:
        out.append(json.dumps(draw(JSON_ODD)).encode())
    return draw(st.sampled_from([b"\n", b"\r\n", b"\r"])).join(out) + b"\n"


@st.composite
def xml_odd(draw, seed: bytes) -> bytes:
    """The seed with an odd declared encoding, a DOCTYPE, or a bare \\r in place of newlines."""
    body = seed.split(b"?>", 1)[-1] if seed.startswith(b"<?xml") else seed
    enc = draw(st.sampled_from([b"zUTF-8", b"utf-16", b"UTF-32", b"latin-1", b"ebcdic-cp-us", b"", b"utf-8\x00", b"cp1252"]))
    decl = b'<?xml version="1.0" encoding="' + enc + b'"?>'
    if draw(st.booleans()):
        decl += b"<!DOCTYPE x [<!ENTITY a 'b'>]>"
    if draw(st.booleans()):
        body = body.replace(b"\n", b"\r")
    return decl + body


@st.composite
def csv_rows_odd(draw, header: list[str], cells: st.SearchStrategy[str] | None = None) -> bytes:
    """A CSV with the header and rows of odd cells: control chars, numbers out of range, quotes."""
    cells = cells or (st.text(max_size=10) | st.sampled_from(["nan", "1e999", "-1", "", '"', "\r", "\x01", "2024-13", "KP", "CN", "M", "6704"]))
    n = len(header) + draw(st.integers(-2, 1))
    rows = [",".join(header)] + [",".join(draw(st.lists(cells, min_size=max(0, n), max_size=max(0, n)))) for _ in range(draw(st.integers(0, 3)))]
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(rows).encode("utf-8", "surrogatepass")


def xlsx_garbage() -> st.SearchStrategy[bytes]:
    """Workbooks with control chars, formulas, numbers, empty sheets; or bytes that only start like a zip."""
    cell = st.none() | st.text(max_size=10) | st.integers() | st.floats(allow_nan=False) | st.sampled_from(["\x01", "=1+1", "nan", "KOREA KWANGSON BANKING CORP"])
    rows = st.lists(st.lists(cell, max_size=5), max_size=4)
    safe = rows.map(lambda rs: [[_xlsx_safe(c) for c in r] for r in rs]).map(xlsx_bytes)
    return safe | st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18]) | st.binary(max_size=64).map(lambda b: b"PK" + b)


@st.composite
def xlsx_rows_odd(draw, header: list[str]) -> bytes:
    """A list workbook: its header (maybe a column short), then rows of odd cells, dates and the list's own words."""
    from datetime import datetime

    cell = (st.none() | st.text(max_size=10) | st.integers() | st.floats(allow_nan=False) | st.just(datetime(1900, 1, 1))
            | st.sampled_from(["NA", "Individual", "Entity", "Ship", "Vessel", "Primary Name", "aka", "fka", "Low quality",
                               "1", "1a", "12 b", "00/00/1994", "31/02/2024", "2024-13-45", "Last Updated", "\x01", "=1+1", ""]))
    cols = header[: len(header) - draw(st.integers(0, 1))]
    rows = draw(st.lists(st.lists(cell, min_size=len(cols) - 2, max_size=len(cols) + 1), max_size=4))
    lead = [["Last Updated", draw(cell)]] if draw(st.integers(0, 3)) == 0 else []
    return xlsx_bytes([[_xlsx_safe(c) for c in r] for r in (*lead, cols, *rows)])


def _xlsx_safe(value):
    """openpyxl refuses control characters on write; keep them but as a visible escape (still odd input)."""
    if isinstance(value, str):
        return "".join(c if _xml_char(c) else f"_x{ord(c):04X}_" for c in value)
    return value


def _xml_char(c: str) -> bool:
    """What XML 1.0 allows in text: no C0 controls but tab and newlines, no surrogates, no U+FFFE/U+FFFF."""
    return (c >= " " or c in "\t\n\r") and not ("\ud800" <= c <= "\udfff") and c not in "\ufffe\uffff"


def text_garbage() -> st.SearchStrategy[bytes]:
    return (st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass"))
            | st.binary(max_size=200)
            | st.sampled_from([b"", b"\xef\xbb\xbf", b"Start " + b"No. " * 400, b"\r" * 100, b"\x00" * 50]))


_PARQUET_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=10) | st.sampled_from(["\x01", "=1+1", "nan", "KOREA KWANGSON BANKING CORP", ""])
_PARQUET_COLUMN = {
    "text": st.none() | _PARQUET_TEXT, "int": st.none() | st.integers(-(2**63), 2**63 - 1), "float": st.floats(),
    "bool": st.booleans(), "binary": st.binary(max_size=8), "list": st.lists(_PARQUET_TEXT, max_size=3),
    "struct": st.fixed_dictionaries({"a": _PARQUET_TEXT}), "null": st.none(),
}


@st.composite
def parquet_garbage(draw) -> bytes:
    """Parquet files with the screening columns (or none) holding numbers, bytes, lists, structs, nulls."""
    names = draw(st.lists(st.sampled_from(["name", "country", "address", "id", "Name", "dob", "x"]) | _PARQUET_TEXT, max_size=4, unique=True))
    n = draw(st.integers(0, 4))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(sorted(_PARQUET_COLUMN)))
        columns[name] = draw(st.lists(_PARQUET_COLUMN[kind], min_size=n, max_size=n))
    return parquet_bytes(columns)
