"""The dossier's HTML and PDF, from one template (writers/templates/dossier*.j2).

The PDF is WeasyPrint's rendering of the very HTML written beside it, so the two never
differ in content; Hangul and Han render with Noto CJK (Debian's fonts-noto-cjk).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape


def _env() -> Environment:
    return Environment(loader=PackageLoader("tollwatch.writers", "templates"), autoescape=select_autoescape(default=True, default_for_string=True))


def render_html(content: dict, chain_svg: str, *, dossier_hash: str, version: str, builder: str, built_at: str) -> str:
    from tollwatch.writers.facility_map_svg import facility_map_svg

    captions = {n["id"]: n["caption"] for n in content["chain"]["nodes"]}
    return _env().get_template("dossier.html.j2").render(
        d=content, chain_svg=chain_svg, facility_map=facility_map_svg(content.get("facility") or []), captions=captions, dossier_hash=dossier_hash, version=version, builder=builder, built_at=built_at)


def write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]

    HTML(string=html).write_pdf(str(path))
