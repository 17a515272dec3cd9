"""The interactive map in real Chromium: clusters that split on zoom, keyboard zoom, the
highlight from an entity page, confidence in the legend, and the GeoJSON it is drawn from."""

from __future__ import annotations

import re

from tests.test_browser_flows import chromium, live, pytestmark, shot, tab  # noqa: F401  (fixtures)

CAMP_14, CAMP_18 = "KP-KLS-014", "KP-KLS-018"


def _ready(page, url: str = "/map") -> None:
    page.goto(url)
    page.wait_for_selector("#map[data-ready='1']")


def _visible_marker_ids(page) -> list[str]:
    return page.evaluate("""() => {
      const ids = [];
      window.tollwatchMap.eachLayer((l) => { if (l.facilityId && l.getElement && l.getElement()) ids.push(l.facilityId); });
      return ids;
    }""")


def test_close_camps_cluster_and_split_when_zoomed(tab):
    page = tab
    _ready(page)
    assert page.locator(".leaflet-container .tw-cluster").count() >= 1
    shown = _visible_marker_ids(page)
    assert CAMP_14 not in shown or CAMP_18 not in shown  # 3 km apart: one cluster at country scale
    page.evaluate("window.tollwatchMap.setView([39.56, 126.06], 13, {animate: false})")
    page.wait_for_function("() => window.tollwatchMap.getZoom() === 13")
    page.wait_for_timeout(400)
    shown = _visible_marker_ids(page)
    assert CAMP_14 in shown and CAMP_18 in shown
    shot(page, "map-zoomed-camps-14-18")


def test_keyboard_zooms_and_reaches_markers(tab):
    page = tab
    _ready(page)
    before = page.evaluate("window.tollwatchMap.getZoom()")
    page.focus("#map")
    page.keyboard.press("+")
    page.wait_for_function(f"() => window.tollwatchMap.getZoom() > {before}")
    focusable = page.locator("#map .tw-point[tabindex='0'], #map .tw-cluster[tabindex='0']")
    assert focusable.count() >= 1
    assert page.locator("#map .tw-point[title]").first.get_attribute("title")
    # Enter on a focused cluster zooms in until it splits, as a click would.
    _ready(page)
    zoom = page.evaluate("window.tollwatchMap.getZoom()")
    page.locator("#map .tw-cluster").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.tollwatchMap.getZoom() > {zoom}")


def test_show_on_map_centres_and_highlights(tab):
    page = tab
    page.goto(f"/entities/{CAMP_14}")
    page.click("text=Show on map")
    page.wait_for_url(re.compile(rf".*/map\?focus={CAMP_14}"))
    page.wait_for_selector(f"#map[data-focused='{CAMP_14}']")
    assert page.locator(".tw-point.highlight").count() == 2  # both cited points of Camp 14
    centre = page.evaluate("(() => { const c = window.tollwatchMap.getCenter(); return [c.lat, c.lng]; })()")
    assert abs(centre[0] - 39.57) < 0.1 and abs(centre[1] - 126.06) < 0.15
    assert "Camp 14" in page.inner_text(".leaflet-popup-content")
    assert "Confidence" in page.inner_text(".leaflet-popup-content")
    shot(page, "map-focus-camp-14")


def test_legend_explains_confidence_and_lines_join_conflicting_points(tab):
    page = tab
    _ready(page)
    legend = page.inner_text("#map-legend")
    assert all(w in legend for w in ("high", "medium", "low", "not stated", "dashed line"))
    levels = set(page.evaluate("""() => Array.from(document.querySelectorAll('#map .tw-point, .leaflet-marker-pane .tw-point'))
        .map((e) => Array.from(e.classList).find((c) => c.startsWith('conf-')))"""))
    page.evaluate("window.tollwatchMap.setView([39.57, 126.06], 14, {animate: false})")
    page.wait_for_timeout(300)
    assert page.locator("path.tw-spread").count() >= 1
    assert levels  # every drawn point says its confidence level


def test_geojson_api_matches_the_table(tab):
    page = tab
    _ready(page)
    doc = page.evaluate("fetch('/api/facilities.geojson').then((r) => r.json())")
    assert doc["type"] == "FeatureCollection"
    points = {f["properties"]["id"] for f in doc["features"] if f["geometry"]["type"] == "Point"}
    rows = page.locator("#facility-rows tbody tr").count()
    assert CAMP_14 in points and len(points) <= rows
    spread = [f for f in doc["features"] if f["properties"]["role"] == "spread"]
    assert any(f["properties"]["id"] == CAMP_14 for f in spread)


def test_place_names_appear_and_thicken_with_zoom(tab):
    page = tab
    _ready(page)
    names = page.locator("#map .tw-place")
    assert "Pyongyang" in page.inner_text("#map")
    few = names.count()
    page.evaluate("window.tollwatchMap.setView([39.6, 126.0], 9, {animate: false})")
    page.wait_for_timeout(300)
    assert 0 < few < names.count()
    assert "Natural Earth" in page.inner_text(".attribution")
