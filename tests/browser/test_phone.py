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
    map_iframe = tab.page.locator('iframe[title="streamlit_folium.st_folium"]')
    map_iframe.scroll_into_view_if_needed()
    expect(map_iframe).to_be_in_viewport()
    tab.wait_uncovered(map_iframe)
    box = map_iframe.bounding_box()
    assert 0 < box["width"] <= PHONE["width"], f"map box {box} does not fit a {PHONE['width']} px screen"
    assert tab.outside_requests == []
