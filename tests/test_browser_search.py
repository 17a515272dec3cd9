"""Faceted search in real Chromium: browse → kind → facility type → status by clicking links (no
script needed), a filter chip that removes itself, the sanctioned badge and the matched alias,
a Han word that finds a source; and each search page passes axe and fits a 390 px phone."""

from __future__ import annotations

import re

import pytest

from tests.server_support import LiveServer
from tests.test_browser_flows import chromium, pytestmark  # noqa: F401  (fixtures)
from tests.test_browser_pages import _check, folder  # noqa: F401  (fixture)
from tests.test_search_facets import PUBLIC_HAN, build_world

PAGES = {
    "search-browse": "/search",
    "search-facets": "/search?kind=facility&facility_type=kwalliso&status=active",
    "search-sanctioned": "/search?q=Korea&sanctioned=listed",
    "search-hs": "/search?q=6704",
    "search-han": "/search?q=%E5%81%87%E5%8F%91",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_search")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        world = build_world(tmp)
        with LiveServer(world["app"]) as server:
            yield server
        world["store"].close()


@pytest.fixture
def page(chromium, live):  # noqa: F811
    ctx = chromium.new_context(base_url=live.url, viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live.url) else r.abort())
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()


def _total(page) -> int:
    return int(page.inner_text(".search-main h2 .count"))


def test_faceted_search_by_links_without_script(page):
    page.goto("/search")
    page.click(".browse-card a[href='/search?kind=facility']")
    page.wait_for_url(re.compile(r".*/search\?kind=facility$"))
    assert _total(page) == 11
    kwalliso = page.locator("#facets a", has_text="kwalliso")
    count = int(kwalliso.locator("xpath=following-sibling::span[@class='count']").inner_text())
    kwalliso.click()
    page.wait_for_url(re.compile(r".*kind=facility&facility_type=kwalliso$"))
    assert _total(page) == count == page.locator("ul.results > li").count()
    page.locator("#facets section", has_text="Facility status").locator("a", has_text="active").click()
    page.wait_for_url(re.compile(r".*kind=facility&facility_type=kwalliso&status=active$"))
    assert 0 < _total(page) < count
    assert page.locator("#facets a[aria-current='true']").count() == 3
    # A chip removes its own filter and keeps the others.
    page.locator(".chosen-filters a.chip", has_text="Facility type").click()
    page.wait_for_url(re.compile(r".*/search\?kind=facility&status=active$"))
    assert _total(page) > 0


def test_sanctioned_badge_alias_and_han_source(page):
    page.goto("/search?q=Changgwang")
    item = page.locator("ul.results > li").first
    assert "TANCHON COMMERCIAL BANK" in item.inner_text()
    assert item.locator(".matched mark").inner_text() == "CHANGGWANG"
    assert item.locator(".badge.sanctioned").inner_text() == "sanctioned · OFAC SDN"
    page.goto("/search?q=Korea")
    page.locator("#facets a", has_text="On a sanctions list").click()
    page.wait_for_url(re.compile(r".*q=Korea&sanctioned=listed$"))
    assert page.locator("ul.results > li .badge.sanctioned").count() == _total(page) == 2
    page.goto("/search")
    page.fill(".big-search input[name=q]", "假发")
    page.press(".big-search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search\?q="))
    source = page.locator(f"a[href='/sources/{PUBLIC_HAN}']").locator("xpath=..")
    assert source.locator(".snippet mark").first.inner_text() == "假发"


@pytest.mark.parametrize("width", (1366, 390))
def test_search_pages_pass_axe_and_fit_the_phone(chromium, live, folder, width):  # noqa: F811
    problems = [p for name, url in PAGES.items() for p in _check(chromium, live, url, name, width, folder)]
    assert not problems, "\n".join(problems)
