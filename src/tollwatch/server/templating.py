"""Pages: the Jinja environment, `render`, and the small response helpers routes share."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

import tollwatch

PKG_DIR = Path(str(resources.files("tollwatch.server")))


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PKG_DIR / "templates")),
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "xml"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(version=tollwatch.__version__, urlencode=urlencode, quote=quote)
    env.filters["safe_url"] = safe_url
    env.filters["amount"] = amount
    return env


def amount(value) -> str:
    """A quantity as people write it: 30, not 30.0; 2.5 stays 2.5."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def render(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    from tollwatch.server.auth import ANONYMOUS

    principal = getattr(request.state, "principal", ANONYMOUS)
    session = getattr(request.state, "session", {})
    templates: Environment = request.app.state.tw.templates
    html = templates.get_template(template).render(
        request=request, principal=principal, csrf_token=session.get("csrf", ""), path=request.url.path, **context
    )
    return HTMLResponse(html, status_code=status)


def safe_url(url) -> str:
    """Only web links become hrefs: a stored `javascript:` URL must not run."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def local_url(url: str, default: str) -> str:
    """Only same-site paths: a `next` parameter must not redirect elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default
