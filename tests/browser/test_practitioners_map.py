"""The Practitioners page in Chromium: clusters drawn as outlines and sized circles with counts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_map_draws_each_cluster_as_an_outline_and_a_circle_with_its_count(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Practitioners?radius=10&min=10")
    expect(tab.heading()).to_have_text("Practitioners")
    summary = tab.page.get_by_text(re.compile(r"clusters hold"))
    expect(summary).to_be_visible()
    clusters = int(re.match(r"(\d+) clusters", summary.inner_text()).group(1))
    assert clusters > 5
    # One outline and one circle per cluster; never a marker per practitioner (3,000 of them).
    expect(tab.map_shapes()).to_have_count(2 * clusters)
    circles = tab.map_area().locator("path.leaflet-interactive[fill='#D55E00']")
    expect(circles).to_have_count(clusters)
    circles.first.hover()
    tooltip = tab.map_area().locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(re.compile(r"Cluster \d+: [\d,]+ practitioners"))
    tab.assert_clean()


def test_a_larger_radius_draws_fewer_bigger_clusters(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Practitioners?radius=50&min=10")
    summary = tab.page.get_by_text(re.compile(r"clusters hold"))
    expect(summary).to_be_visible()
    wide = int(re.match(r"(\d+) clusters", summary.inner_text()).group(1))
    expect(tab.map_shapes()).to_have_count(2 * wide)
    tab.open(f"{app_server.url}/Practitioners?radius=5&min=10")
    summary = tab.page.get_by_text(re.compile(r"clusters hold"))
    expect(summary).to_be_visible()
    narrow = int(re.match(r"(\d+) clusters", summary.inner_text()).group(1))
    assert narrow != wide
