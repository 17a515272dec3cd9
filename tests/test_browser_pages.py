"""Every page in real Chromium at 1366 and 390 px: axe-core (via axe-playwright-python) finds no
serious or critical violation, nothing scrolls sideways on a phone, and a screenshot of each
page is saved to $TOLLWATCH_SCREENSHOTS (or the test's tmp folder) for a person to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_browser_flows import ARGS, CHROMIUM, chromium, live, pytestmark, sign_in  # noqa: F401  (fixtures)

WIDTHS = (1366, 390)
PUBLIC = {
    "home": "/", "search": "/search?q=%EA%B0%9C%EC%B2%9C", "search-empty": "/search",
    "entity-kaechon": "/entities/KP-KHS-001", "entity-wigs": "/entities/product-wigs",
    "search-listed": "/search?q=Korea+Kwangson+Banking", "map": "/map", "map-focus": "/map?focus=KP-KLS-014",
    "sources": "/sources", "source": "/sources/article-dailynk-kaechon-works-inmates-death",
    "screen": "/screen", "trade": "/trade", "login": "/login",
    "chain-kaechon": "/chain?from=KP-KHS-001", "chain-wigs": "/chain?from=product-wigs",
    "api-docs": "/docs",  # Swagger UI, served from the installed fastapi-offline package, never a CDN
}
ANALYST = {"ingest": "/ingest", "review": "/review", "monitoring": "/monitoring",
           "review-pairs": "/review/pairs?dataset=un_sc_sanctions&dataset=us_ofac_sdn"}
SUPPLIERS = "name,country,extra note\nKorea Kwangson Banking Corp,kp,first supplier\nJang Pom Su,kp,x\nAcme Garden Furniture,de,y\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = Path(os.environ.get("TOLLWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def analyst_state(chromium, live, tmp_path_factory):  # noqa: F811
    """One signed-in analyst session, and one screening job, for the pages behind sign-in."""
    ctx = chromium.new_context(base_url=live.url)
    page = ctx.new_page()
    page.set_default_timeout(180_000)  # the first upload page loads the bundled lists
    sign_in(page, "analyst")
    upload = tmp_path_factory.mktemp("upload") / "suppliers.csv"
    upload.write_text(SUPPLIERS, encoding="utf-8")
    page.goto("/screen")
    page.set_input_files("input[type=file]", str(upload))
    page.click("form[action='/screen'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/screen/uploads/"), timeout=180_000)  # the first upload page loads the bundled lists
    page.click("form.screen-map button[type=submit]")
    page.wait_for_url(re.compile(r".*/screen/jobs/"))
    page.wait_for_selector("text=rows screened", timeout=120_000)
    job = page.url.split(live.url, 1)[1]
    state = ctx.storage_state()
    ctx.close()
    return state, job


def _check(chromium, live, url: str, name: str, width: int, folder: Path, state=None) -> list[str]:  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    ctx = chromium.new_context(base_url=live.url, viewport={"width": width, "height": 900}, storage_state=state)
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live.url) else r.abort())
    page = ctx.new_page()
    page.set_default_timeout(120_000)  # a shared machine: a slow page is not a broken one
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.locator("#pairs-computing").count():  # the pair queue page reloads itself until it is computed
        page.wait_for_selector("#pairs-computing", state="detached", timeout=900_000)
        page.wait_for_load_state("networkidle")
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready='1']")
        page.wait_for_timeout(500)  # let Leaflet's fade and zoom animations end before axe reads colours
    problems = [f"{name}@{width}: console/page error: {e}" for e in errors]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if width == 390 and scroll > 390:
        wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > 391)
            .slice(0, 4).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        problems.append(f"{name}@390: scrollWidth {scroll} > 390 ({wide})")
    result = Axe().run(page)
    for v in result.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            problems.append(f"{name}@{width}: axe {v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}")
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    ctx.close()
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_pass_axe_and_fit_the_phone(chromium, live, folder, width):  # noqa: F811
    problems = [p for name, url in PUBLIC.items() for p in _check(chromium, live, url, name, width, folder)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_analyst_pages_pass_axe_and_fit_the_phone(chromium, live, folder, analyst_state, width):  # noqa: F811
    state, job = analyst_state
    pages = {"screen-results": job, **ANALYST}  # the slow candidate-pairs page last, so a timeout there hides nothing
    problems = [p for name, url in pages.items() for p in _check(chromium, live, url, name, width, folder, state)]
    assert not problems, "\n".join(problems)


def test_every_page_has_skip_link_favicon_and_cjk_fonts(chromium, live):  # noqa: F811
    ctx = chromium.new_context(base_url=live.url)
    page = ctx.new_page()
    page.goto("/map")
    assert page.request.get(page.get_attribute("link[rel=icon]", "href")).ok
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    fonts = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert all(f in fonts for f in ("Noto Sans KR", "Noto Sans SC", "Nanum Gothic", "Malgun Gothic", "PingFang SC"))
    ctx.close()
