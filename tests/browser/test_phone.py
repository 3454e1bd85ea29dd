"""The home page at phone width (390 x 844)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = "/tmp/browser-phone.png"


def test_home_page_at_phone_width(app_server, open_tab):
    tab = open_tab(viewport=PHONE)
    tab.open(f"{app_server.url}/")
    expect(tab.heading()).to_have_text("England")
    expect(tab.map_shapes()).to_have_count(42)

    # What a phone user first sees: the sidebar starts closed (initial_sidebar_state="auto"),
    # so nothing is drawn over the title.
    expect(tab.sidebar()).to_have_attribute("data-collapsed", "true")
    expect(tab.heading()).to_be_in_viewport()
    tab.wait_uncovered(tab.heading())
    tab.page.screenshot(path=SCREENSHOT)

    # The map fits the screen's width and nothing covers it once scrolled to.
    drawn_map = tab.map_area()
    drawn_map.scroll_into_view_if_needed()
    expect(drawn_map).to_be_in_viewport()
    tab.wait_uncovered(drawn_map)
    box = drawn_map.bounding_box()
    assert 0 < box["width"] <= PHONE["width"], f"map box {box} does not fit a {PHONE['width']} px screen"
    assert tab.outside_requests == []


# The map's view as Leaflet holds it: its zoom, and its centre (degrees).
MAP_VIEW_JS = """box => { const map = box.leafletMap; const c = map.getCenter();
  return {zoom: map.getZoom(), lat: c.lat, lng: c.lng}; }"""


@pytest.mark.parametrize("width", [390, 1400], ids=["phone", "desktop"])
def test_a_place_opens_at_its_own_view_at_any_width(app_server, open_tab, width):
    # The base map is fitted to England first; on a narrow screen that fit is a different zoom from the
    # map's first one, and an animated fit once finished after (and undid) the place's view.
    tab = open_tab(viewport={"width": width, "height": 844})
    tab.open(f"{app_server.url}/?place=Manchester")
    expect(tab.map_shapes()).to_have_count(43)
    tab.page.wait_for_timeout(600)  # longer than Leaflet's zoom animation (250 ms): a late one would show
    view = tab.map_area().evaluate(MAP_VIEW_JS)
    assert view["zoom"] >= 9, view  # Manchester's view, not England's (zoom 5-6)
    assert 53.3 < view["lat"] < 53.6 and -2.4 < view["lng"] < -2.1, view
