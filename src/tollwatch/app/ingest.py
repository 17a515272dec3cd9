"""Ingest reports: read a document's text, store it as a source, propose claims and new entities.

Every file is read and checked before anything is written, and everything is written in
one transaction, so a bad file leaves the store as it was.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tollwatch.app import document_limits as limits_in
from tollwatch.app.opaque_ids import hide_ids
from tollwatch.core.errors import InputError
from tollwatch.core.extraction import ExtractionResult, Gazetteer, extract
from tollwatch.core.limits import UploadLimits
from tollwatch.core.model import Claim, Entity, ModelError, Source
from tollwatch.core.schema import check_claim
from tollwatch.store.repository import Store

# Sizes, pages, text and unpacking are limited by core.limits.UploadLimits (TOLLWATCH_MAX_* to change them).
SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
log = logging.getLogger(__name__)


@dataclass
class Document:
    path: str
    text: str
    title: str | None = None
    format: str = "txt"

    @property
    def language(self) -> str:
        hangul = sum(1 for c in self.text if "\uac00" <= c <= "\ud7a3")
        letters = sum(1 for c in self.text if c.isalpha()) or 1
        return "ko" if hangul / letters > 0.3 else "en"


@dataclass
class IngestResult:
    source: Source
    claims: list[Claim] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)
    language: str = "en"
    path: str = ""
    dropped: list[tuple[Claim, str]] = field(default_factory=list)  # proposals the schema refused, and why


# --- reading documents ----------------------------------------------------------------------


def list_inputs(path: Path) -> list[Path]:
    """A file, or the supported files under a directory (sorted, so runs repeat)."""
    if not path.exists():
        raise InputError("no such file or directory", path=str(path))
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        if not files:
            raise InputError(f"no supported files ({', '.join(SUPPORTED)}) in the directory", path=str(path))
        return files
    return [path]


def read_document(path: Path, *, limits: UploadLimits | None = None, display: str | None = None) -> Document:
    """The document's text, refused as soon as it goes over a limit; errors name `display` (else the path)."""
    limits = limits_in.current(limits)
    where = display or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(f"unsupported file type {suffix or '(none)'!r} (supported: {', '.join(SUPPORTED)})", path=str(path), field="format")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    limits_in.check_bytes(size, limits, where)
    if size == 0:
        raise InputError("file is empty", path=str(path), field="content")
    raw = path.read_bytes()
    if suffix in (".txt", ".md"):
        doc = Document(str(path), _decode(raw, path), None, suffix[1:])
    elif suffix in (".html", ".htm"):
        doc = _read_html(raw, path)
    elif suffix == ".pdf":
        doc = _read_pdf(raw, path, limits, where)
    else:
        doc = _read_docx(raw, path, limits, where)
    limits_in.check_text(doc.text, limits, where)
    text = _clean(doc.text)
    if not text.strip():
        raise InputError("no text in the file", path=str(path), field="content")
    junk = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn") and c not in "\n\t")
    if junk > max(8, len(text) // 100):
        raise InputError("binary content, not text", path=str(path), field="content")
    doc.text = text
    return doc


def _decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise InputError("file is empty", path=str(path), field="content")
    if b"\x00" in raw[:8192]:
        raise InputError("binary content, not text", path=str(path), field="content")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start})", path=str(path), line=line, field="text") from None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


_BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button", "template")
_BOILERPLATE_HINT = re.compile(r"(^|[-_ ])(nav|menu|footer|header|sidebar|share|social|comment|related|advert|ads?|cookie|breadcrumb|subscribe|newsletter|popup|banner)([-_ ]|$)", re.I)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "figcaption", "dd", "dt")


def _read_html(raw: bytes, path: Path) -> Document:
    from bs4 import BeautifulSoup

    if b"\x00" in raw[:8192]:
        raise InputError("binary content, not HTML", path=str(path), field="content")
    try:
        html = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        html = None
    try:
        soup = BeautifulSoup(html if html is not None else raw, "lxml")
    except (ValueError, LookupError):  # not UTF-8, and the charset the page declares is not one lxml accepts
        raise InputError("not UTF-8, and the page's declared charset is unusable", path=str(path), field="encoding") from None
    title = None
    og = soup.find("meta", attrs={"property": "og:title"})
    if og and og.get("content"):
        title = str(og["content"]).strip()
    elif soup.title and soup.title.string:
        title = soup.title.string.strip()
    for tag in soup(_BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        marks = " ".join([str(tag.get("id") or "")] + list(tag.get("class") or []) + [str(tag.get("role") or "")])
        if tag.name not in ("html", "body", "main", "article") and _BOILERPLATE_HINT.search(marks):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.find(None, {"role": "main"}) or soup.body or soup
    paragraphs = []
    for block in root.find_all(_BLOCKS):
        if block.find(_BLOCKS):
            continue  # the inner blocks carry the text
        line = " ".join(block.get_text(" ", strip=True).split())
        if line:
            paragraphs.append(line)
    if not paragraphs:
        paragraphs = [" ".join(root.get_text(" ", strip=True).split())]
    return Document(str(path), "\n\n".join(paragraphs), title, "html")


def _read_pdf(raw: bytes, path: Path, limits: UploadLimits, where: str) -> Document:
    if not raw.lstrip()[:5] == b"%PDF-":
        raise InputError("not a PDF (no %PDF header)", path=str(path), field="content")
    # pypdf logs its repairs of damaged files; the user gets our one-line error instead.
    pdf_log = logging.getLogger("pypdf")
    level = pdf_log.level
    pdf_log.setLevel(logging.CRITICAL)
    try:
        return _parse_pdf(raw, path, limits, where)
    finally:
        pdf_log.setLevel(level)


def _parse_pdf(raw: bytes, path: Path, limits: UploadLimits, where: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError("encrypted PDF: decrypt it first (tollwatch does not guess passwords)", path=str(path), field="encryption")
        limits_in.check_pdf_layout(reader, len(raw), limits, where)
        pages = limits_in.pdf_page_texts(reader, limits, where)
        title = None
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title).strip() or None
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, RecursionError) as exc:
        raise InputError(f"unreadable PDF: {exc}".split("\n")[0], path=str(path), field="content") from None
    text = "\n\n".join(unwrap(p.strip()) for p in pages if p.strip())
    if not text.strip():
        raise InputError("the PDF has no text layer (a scan?); run OCR first", path=str(path), field="content")
    return Document(str(path), text, title, "pdf")


def unwrap(text: str) -> str:
    """Join the lines a PDF wraps inside a sentence; keep breaks after sentence ends and short heading lines."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in para.split("\n") if ln.strip()]
        joined = ""
        for ln in lines:
            if not joined:
                joined = ln
            elif re.search(r"[A-Za-z]-$", joined) and re.match(r"[a-z]", ln):
                joined = joined[:-1] + ln  # de-hyphenate "manu-\nfacturing"
            elif re.search(r"[.!?:;\"”’)]$", joined) or len(ln) < 3:
                joined += "\n" + ln
            else:
                joined += " " + ln
        out.append(joined)
    return "\n\n".join(out)


def _read_docx(raw: bytes, path: Path, limits: UploadLimits, where: str) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from tollwatch.importers.packages import check_package

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError("not a DOCX (not a zip package)", path=str(path), field="content")
    check_package(io.BytesIO(raw), limits, where, "DOCX")
    from lxml.etree import LxmlError  # type: ignore[import-untyped]  # no stubs installed

    try:
        d = docx.Document(io.BytesIO(raw))
        parts, title = _docx_text(d)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, LxmlError, SyntaxError, AttributeError, TypeError,
            IndexError, OSError, EOFError, zlib.error) as exc:  # a broken part: malformed XML, a missing or odd element
        raise InputError(f"unreadable DOCX: {exc}".split("\n")[0], path=str(path), field="content") from None
    return Document(str(path), "\n\n".join(parts), title, "docx")


def _docx_text(d) -> tuple[list[str], str | None]:
    parts = [p.text for p in d.paragraphs if p.text.strip()]
    for table in d.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append(" | ".join(dict.fromkeys(cells)))
    title = (d.core_properties.title or "").strip() or None
    return parts, title


# --- storing ------------------------------------------------------------------------------


@dataclass
class IngestOptions:
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    grade: str | None = None
    sensitivity: str = "public"
    kind: str = "news"
    origin: str | None = None
    backend: str = "rule"
    llm: dict | None = None  # url, model, key for the model backend
    limits: UploadLimits | None = None  # None: the defaults and TOLLWATCH_MAX_* overrides
    isolate_s: float | None = None  # read and extract each file in its own process, killed after this long


def ingest(store: Store, path: Path, actor: str, options: IngestOptions) -> list[IngestResult]:
    """Read every file first, then store sources, entities and claims in one transaction."""
    from tollwatch.app.evidence import make_source

    files = list_inputs(path)
    docs = [step(options, read_document, f, limits=options.limits) for f in _progress(files, "reading")]
    sources: list[tuple[Document, Source]] = []
    seen: dict[str, str] = {}
    for doc in docs:
        title = options.title if (options.title and len(docs) == 1) else (doc.title or Path(doc.path).name)
        try:
            source = make_source(
                doc.text, title=title, publisher=options.publisher, url=options.url if len(docs) == 1 else None,
                date=options.date, kind=options.kind, grade=options.grade, sensitivity=options.sensitivity,
                origin=options.origin,
            )
        except ModelError as exc:
            raise InputError(exc.message, path=doc.path, field=exc.field) from None
        assert source.sha256 is not None  # a source made from a text carries the text's hash
        if source.sha256 in seen:
            raise InputError(f"same content as {seen[source.sha256]}", path=doc.path, field="content")
        seen[source.sha256] = doc.path
        sources.append((doc, source))
    from tollwatch.core.model import Sensitivity

    # A duplicate is refused whatever the ingester may read (the store refuses it anyway).
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        for doc, source in sources:
            existing = r.find_source_by_hash(source.sha256 or "")
            if existing:
                raise InputError(f"already ingested as {existing}", path=doc.path, field="content")
        # The process's cached gazetteer (app.annotation), kept until an entity changes: in process it
        # is used (built if need be); a step in its own process gets the entities only, from the
        # cache when it is current (a built matcher pickles slower than the child builds one, and
        # building one here that the child does not use would only hold up the server).
        from tollwatch.app.annotation import fresh_gazetteer, gazetteer_entities, gazetteer_for

        if options.isolate_s is None:
            gazetteer = gazetteer_for(store, r)
        else:
            cached = fresh_gazetteer(store, r)
            gazetteer = Gazetteer(list(cached.entities) if cached else gazetteer_entities(r))
    from tollwatch.app.resolution import profile_map, to_profiles

    with store.read(Sensitivity.PUBLIC) as pr:
        profiles = profile_map(pr)  # judged at public clearance: a hidden record names no profile
    results = []
    for doc, source in _progress(sources, "extracting"):
        extraction = step(options, run_backend, doc.text, source, gazetteer, options)
        claims, dropped = fit_schema(to_profiles(extraction.claims, profiles), gazetteer.by_id, extraction.new_entities)
        results.append(IngestResult(source, claims, used_entities(extraction.new_entities, claims), doc.language, doc.path, dropped))
    with store.begin(actor) as tx:
        for res in results:
            res.new_entities, res.claims = hide_ids(tx, res.source, res.new_entities, res.claims)
            tx.add_source(res.source)
            for entity in res.new_entities:
                if tx.get_entity(entity.id) is None:
                    tx.upsert_entity(entity)
            for claim in res.claims:
                try:
                    tx.add_claim(claim)
                except ModelError as exc:
                    raise InputError(f"claim {claim.id}: {exc.message}", path=res.path, field=exc.field) from None
    return results


def used_entities(entities: list[Entity], claims: list[Claim]) -> list[Entity]:
    """Only the proposed entities a kept claim uses: a name with no claim would be an orphan
    (no page shows why it is there, and a reader below the source's level could not see it)."""
    used = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id}
    return [e for e in entities if e.id in used]


def fit_schema(claims: list[Claim], known: dict[str, Entity], new_entities: list[Entity]) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Drop the proposals the schema refuses (a rule's mistake is no reason to lose a report), and log them."""
    kinds = {eid: e.kind for eid, e in known.items()} | {e.id: e.kind for e in new_entities}
    kept, dropped = [], []
    for claim in claims:
        try:
            check_claim(claim, kinds.get(claim.subject_id), kinds.get(claim.object_id) if claim.object_id else None)
        except ModelError as exc:
            log.warning("dropped proposed claim %s (%s): %s", claim.id, claim.predicate, exc)
            dropped.append((claim, str(exc)))
            continue
        kept.append(claim)
    return kept, dropped


def _progress(items: list, desc: str):
    """A bar on stderr for directories of reports; silent for one file or when not a terminal."""
    import sys

    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="file", file=sys.stderr, disable=len(items) < 2 or not sys.stderr.isatty())


def step(options: IngestOptions, fn, *args, **kwargs):
    """fn(...) here, or in its own process when options.isolate_s is set (the server: app.isolated)."""
    if options.isolate_s is None:
        return fn(*args, **kwargs)
    from tollwatch.app.isolated import run_isolated

    what = next((str(a) for a in args if isinstance(a, Path)), "the file")
    return run_isolated(fn, *args, timeout=options.isolate_s, what=what, **kwargs)


def run_backend(text: str, source: Source, gazetteer: Gazetteer, options: IngestOptions) -> ExtractionResult:
    if options.backend == "rule":
        from tollwatch.app.extraction_lexicon import user_entries  # a reviewer's cues, after the packaged ones
        from tollwatch.engines.korean import korean_analyzer  # kiwipiepy, loaded on the first Korean text only

        return extract(text, source.id, gazetteer, reference_date=source.date, lexicon_entries=user_entries(),
                       korean=korean_analyzer())
    if options.backend == "llm":
        from tollwatch.engines.llm import LLMConfig, extract_with_model

        cfg = LLMConfig.from_options(**(options.llm or {}))
        return extract_with_model(text, source.id, gazetteer, cfg, sensitivity=source.sensitivity.value)
    raise InputError(f"unknown backend {options.backend!r} (rule or llm)", field="backend")
