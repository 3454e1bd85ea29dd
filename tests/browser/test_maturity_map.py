"""The ICS maturity page in Chromium: the map draws every ICS, with its legend, offline."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

ICB_COUNT = 42

pytestmark = pytest.mark.browser


def test_the_map_draws_42_icss_with_a_legend_and_no_outside_requests(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/ICS_maturity")
    expect(tab.heading()).to_have_text("ICS maturity")
    expect(tab.map_shapes()).to_have_count(ICB_COUNT)
    legend = tab.page.locator("[aria-label='Overall stage']")
    for label in ("1 Emerging", "4 Embedded", "Insufficient evidence", "Not assessed"):
        expect(legend).to_contain_text(label)
    # "Not assessed" is drawn dashed, never as a pale stage: the 13 ICSs with no current evidence
    # (the eight with none found, and five whose candidates were all rejected, historic or regional).
    dashed = tab.map_area().locator("path.leaflet-interactive[stroke-dasharray='4 3']")
    expect(dashed).to_have_count(13)
    tab.assert_clean()


def test_colouring_by_one_criterion_redraws_with_its_legend_and_hover_names_the_ics(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/ICS_maturity?colour=Strategy+%26+governance&ics=NHS+West+Yorkshire+ICB")
    expect(tab.map_shapes()).to_have_count(ICB_COUNT)
    legend = tab.page.locator("[aria-label='Strategy & governance']")
    expect(legend).to_contain_text("Not assessed")
    expect(legend).not_to_contain_text("Insufficient evidence")
    # The chosen ICS is outlined thickly; hovering it names it and its stage.
    chosen = tab.map_area().locator("path.leaflet-interactive[stroke-width='3.5']")
    expect(chosen).to_have_count(1)
    chosen.hover()
    tooltip = tab.map_area().locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("West Yorkshire")
    expect(tooltip).to_contain_text("3 Established")
