"""The upload limits applied inside the document readers of app.ingest, page by page.

A PDF is refused for its page count before any page is read, for how far its page
contents unpack (pages may share one huge stream: each page counts it again) before any
text is extracted, and for its text as the pages are extracted, never after all of them.
"""

from __future__ import annotations

from tollwatch.core.errors import InputError
from tollwatch.core.limits import UploadLimits, limits_from


def current(limits: UploadLimits | None) -> UploadLimits:
    """The limits given, else the defaults with TOLLWATCH_* overrides."""
    return limits if limits is not None else limits_from()


def _content_bytes(page) -> int:
    """How many bytes the page's content streams unpack to (pypdf caps one stream's inflation itself)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    obj = contents.get_object()
    streams = obj if isinstance(obj, list) else [obj]
    total = 0
    for s in streams:
        data = s.get_object().get_data()
        total += len(data)
    return total


def check_pdf_layout(reader, raw_size: int, limits: UploadLimits, path: str) -> None:
    """Pages, then the unpacked size of all page contents against the file's size."""
    pages = len(reader.pages)
    if pages > limits.max_pages:
        raise limits.refuse(f"the PDF has {pages:,} pages", "max_pages", path)
    unpacked = 0
    allowed = max(limits.zip_ratio_floor_bytes, limits.max_zip_ratio * raw_size)
    for page in reader.pages:
        unpacked += _content_bytes(page)
        if unpacked > allowed:
            ratio = unpacked // max(raw_size, 1)
            raise limits.refuse(f"the PDF's page contents unpack {ratio:,}-fold (pages sharing one stream count it again)", "max_zip_ratio", path)


def pdf_page_texts(reader, limits: UploadLimits, path: str) -> list[str]:
    """Each page's text, stopping at the page that takes the text over the limit."""
    out: list[str] = []
    chars = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        chars += len(text)
        if chars > limits.max_text_chars:
            raise limits.refuse(f"the PDF's text reaches {chars:,} characters by page {len(out) + 1}", "max_text_chars", path)
        out.append(text)
    return out


def check_text(text: str, limits: UploadLimits, path: str) -> None:
    if len(text) > limits.max_text_chars:
        raise limits.refuse(f"the file expands to {len(text):,} characters of text", "max_text_chars", path)


def check_bytes(size: int, limits: UploadLimits, path: str) -> None:
    if size > limits.max_upload_bytes:
        raise limits.refuse(f"the file is {size:,} bytes", "max_upload_bytes", path)


__all__ = ["InputError", "check_bytes", "check_pdf_layout", "check_text", "current", "pdf_page_texts"]
