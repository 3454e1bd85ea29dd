"""The home page (Overview): loads cleanly, offline, and draws the right shapes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

ICB_COUNT = 42  # integrated care boards in England since July 2022

pytestmark = pytest.mark.browser


def test_home_page_loads_without_errors_or_outside_requests(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/")
    expect(tab.heading()).to_have_text("England")
    # Wait for the map to finish drawing, so its requests are counted too.
    expect(tab.map_shapes()).to_have_count(ICB_COUNT)
    assert tab.console_errors == []
    assert tab.page_errors == []
    assert tab.failed_responses == []
    assert tab.outside_requests == []


@pytest.mark.parametrize("path", ["", "Assets"], ids=["overview", "a-grid-page"])
def test_the_scripts_the_page_names_up_front_are_each_fetched_once_and_used(app_server, open_tab, path):
    # serve.py adds preload hints for the element chunks and for Leaflet (and on a page that opens
    # with a grid, the grid's); a hint in the wrong mode (with or without crossorigin) would make the
    # browser fetch the file a second time.
    tab = open_tab()
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    tab.open(f"{app_server.url}/{path}")
    expect(tab.map_area().and_(tab.page.locator(".leaflet-container")).first).to_be_visible()  # Leaflet drew
    if path:
        expect(tab.page.get_by_test_id("stDataFrame").first).to_be_visible()
    tab.wait_idle()
    # The hints sent with the page (not those a page without a grid adds once idle).
    hinted = tab.page.eval_on_selector_all("link[rel=modulepreload][fetchpriority=low]:not([data-idle-preload])",
                                           "links => links.map(l => l.href.split('/').pop())")
    assert len(hinted) > 6 and any(name.startswith("Selectbox.") for name in hinted)
    assert any(name.startswith("DataFrame.") for name in hinted) == bool(path)
    for name in [*hinted, "leaflet.js", "leaflet.css"]:
        assert fetched.count(name) == 1, name
    tab.assert_clean()


def test_the_overview_readies_the_grids_scripts_once_idle_so_a_grid_page_fetches_none_again(app_server, open_tab):
    # Pages without a grid ask for its chunks after their first run (preload.idle_preload_script):
    # each is fetched once, and the first switch to a page with a grid reuses them.
    tab = open_tab()
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    tab.open(f"{app_server.url}/")
    expect(tab.map_shapes()).to_have_count(ICB_COUNT)
    later = tab.page.locator("link[data-idle-preload]")
    expect(later).not_to_have_count(0)
    names = later.evaluate_all("links => links.map(l => l.href.split('/').pop())")
    assert len(names) > 20 and any(name.startswith("DataFrame.") for name in names)
    tab.page.wait_for_load_state("networkidle")
    assert all(fetched.count(name) == 1 for name in names), [n for n in names if fetched.count(n) != 1]
    tab.sidebar().get_by_role("link", name="Assets", exact=True).click()
    expect(tab.page.get_by_test_id("stDataFrame").first).to_be_visible()
    tab.wait_idle()
    assert [name for name in names if fetched.count(name) != 1] == []
    tab.assert_clean()


@pytest.mark.parametrize(
    ("query", "heading", "shapes"),
    [
        ("", "England", ICB_COUNT),  # the 42 ICBs alone
        ("?place=Manchester", "Manchester", ICB_COUNT + 1),  # + the one local authority outlined
        ("?place=NHS+Greater+Manchester+ICB", "NHS Greater Manchester ICB", ICB_COUNT + 10),  # + its 10 boroughs
    ],
    ids=["england", "manchester", "greater-manchester-icb"],
)
def test_overview_map_draws_icbs_and_the_chosen_places_authorities(app_server, open_tab, query, heading, shapes):
    tab = open_tab()
    tab.open(f"{app_server.url}/{query}")
    expect(tab.heading()).to_have_text(heading)
    expect(tab.map_area()).to_be_visible()
    expect(tab.map_area()).to_have_class(re.compile(r"\bleaflet-container\b"))  # Leaflet has taken the element
    expect(tab.map_shapes()).to_have_count(shapes)
    assert tab.outside_requests == []


def test_hovering_a_shape_shows_its_name(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/?place=Manchester")
    expect(tab.map_shapes()).to_have_count(ICB_COUNT + 1)
    # The local authority layer is drawn last, so its outline is the last shape;
    # the map is fitted to it, so its centre lies inside.
    tab.map_shapes().last.hover()
    tooltip = tab.map_area().locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Local authority")
    expect(tooltip).to_contain_text("Manchester")
