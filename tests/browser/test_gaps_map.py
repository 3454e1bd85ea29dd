"""The Coverage gaps page in Chromium: the bivariate map draws every area, with its legend."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_bivariate_map_draws_296_authorities_with_a_3x3_legend(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Coverage_gaps?place=Bradford")
    expect(tab.heading()).to_have_text("Coverage gaps")
    expect(tab.map_shapes()).to_have_count(296)
    legend = tab.page.locator("[aria-label='Need and provision legend']")
    expect(legend).to_contain_text("Need")
    expect(legend).to_contain_text("Provision (assets per 10,000)")
    expect(legend.locator("div[title^='Need ']")).to_have_count(9)
    # Bradford is outlined; hovering it names its need and provision.
    chosen = tab.map_area().locator("path.leaflet-interactive[stroke-width='3.5']")
    expect(chosen).to_have_count(1)
    chosen.hover()
    tooltip = tab.map_area().locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Bradford")
    expect(tooltip).to_contain_text("need,")
    tab.assert_clean()


def test_the_icb_level_draws_42_areas(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Coverage_gaps?level=Integrated+care+boards+%2842%29")
    expect(tab.map_shapes()).to_have_count(42)


def test_the_investment_view_draws_its_map_scatter_and_legend(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Coverage_gaps?view=Arts+Council+investment&theme=Dementia"
             "&level=Integrated+care+boards+%2842%29")
    expect(tab.map_shapes()).to_have_count(42)
    legend = tab.page.locator("[aria-label='Need and provision legend']")
    expect(legend).to_contain_text("Investment (£ per head)")
    expect(legend.locator("div[title^='Need ']")).to_have_count(9)
    chart = tab.page.locator("[data-testid='stPlotlyChart']")
    expect(chart).to_have_count(1)
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .point").first).to_be_visible()
    expect(tab.page.get_by_text("ACE Priority Place").first).to_be_visible()
    # The ranking is a sortable table of the 42 (no data grid on the page); its yes/no columns sort too.
    ranked = tab.page.locator("table[aria-label='Need against Arts Council investment, ranked']")
    expect(ranked.locator("tbody tr")).to_have_count(42)
    expect(tab.page.get_by_test_id("stDataFrame")).to_have_count(0)
    header = ranked.locator("thead th").filter(has_text="ACE Priority Place")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(ranked.locator("tbody tr").first.locator("td").nth(5)).to_have_text("Yes")
    tab.assert_clean()
