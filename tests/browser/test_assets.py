"""The Assets page in a browser: the map agrees with the count, filters live in the URL,
the sample notice's button works, hostile record text stays text, and the phone layout.

Counts are read from the page ("**N assets** match.") and from the notice, never hard-coded,
so the tests follow the data build.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from tests.browser.browser_helpers import MAP_DRAWN_JS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PHONE_SCREENSHOT = "/tmp/assets-phone.png"  # the list's end above the map
PHONE_SCREENSHOT_TOP = "/tmp/assets-phone-top.png"  # the first screen
COUNT_TEXT = re.compile(r"^(\d[\d,]*) assets$")
NOTICE_TEXT = re.compile(r"([\d,]+) of the ([\d,]+) records shown are generated sample data")
MAP_WAIT_MS = 15_000

# ---- helpers -----------------------------------------------------------------------------

def _count(tab):
    """The bold "N assets" in "**N assets** match.". During a rerun the old one can linger
    beside the new one, so expect it as a list (``to_have_text([...])``) or wait for one."""
    return tab.page.get_by_test_id("stMain").locator("strong").filter(has_text=COUNT_TEXT)


def _shown_count(tab) -> int:
    locator = _count(tab)
    expect(locator).to_have_count(1)
    return int(COUNT_TEXT.match(locator.inner_text().strip()).group(1).replace(",", ""))


def _notice(tab):
    """The sample-data warning above the list."""
    return tab.page.get_by_test_id("stMain").get_by_test_id("stAlert").filter(has_text="generated sample data")


def _map_frame(tab):
    """The page the map is drawn in (for evaluating script there), once the map's element is in it."""
    tab.map_area().wait_for(state="attached", timeout=MAP_WAIT_MS)
    return tab.page


def _wait_map_total(tab, expected: int, singles: int | None = None) -> dict:
    """Wait until clusters' counts + single markers drawn in the map add up to expected
    (and, when given, until that many are single markers: clusters split after the map's
    first zoom, so the breakdown settles later than the total)."""
    frame = _map_frame(tab)
    frame.wait_for_selector(".leaflet-container", timeout=MAP_WAIT_MS)
    want = {"total": expected, "singles": singles}
    try:
        frame.wait_for_function(
            f"w => {{ const d = ({MAP_DRAWN_JS})(); return !d.moving && d.total === w.total && "
            "(w.singles === null || d.singles === w.singles); }", arg=want, timeout=MAP_WAIT_MS)
    except PlaywrightTimeout:
        pass  # the assertions below report what was drawn
    drawn = frame.evaluate(MAP_DRAWN_JS)
    assert drawn["total"] == expected, (
        f"the page says {expected} assets but the map draws {drawn['total']}: clusters {drawn['clusters']} "
        f"+ {drawn['singles']} single markers")
    assert singles is None or drawn["singles"] == singles, f"expected {singles} single markers, drawn: {drawn}"
    return drawn


def _multiselect(tab, label: str):
    return tab.sidebar().get_by_test_id("stMultiSelect").filter(has=tab.page.get_by_role("combobox", name=label))


def _pick(tab, label: str, option: str) -> None:
    """Pick one option in a sidebar multiselect (typed, then Enter) and close its list."""
    tab.wait_idle()  # a rerun in flight can redraw the box under the click
    box = tab.sidebar().get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    expect(tab.page.get_by_role("option", name=option, exact=True)).to_be_visible()
    box.press("Enter")
    tab.page.keyboard.press("Escape")


def _sample_checkbox(tab):
    return tab.sidebar().get_by_role("checkbox", name="Include sample records", exact=True)


# ---- 1. the map draws the filtered set ---------------------------------------------------

def test_map_draws_every_filtered_asset(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Assets?place=Bradford&sample=true")
    expect(tab.heading()).to_have_text("Assets")
    everything = _shown_count(tab)
    assert everything > 0
    drawn = _wait_map_total(tab, everything)
    assert drawn["clusters"] or drawn["singles"]

    narrow = open_tab()
    narrow.open(f"{app_server.url}/Assets?place=Bradford&sample=true&theme=Dementia")
    expect(narrow.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text("Bradford · Dementia")
    fewer = _shown_count(narrow)
    assert 0 < fewer < everything, f"Bradford: {everything} assets, with Dementia: {fewer}"
    _wait_map_total(narrow, fewer)

    for t in (tab, narrow):
        assert t.outside_requests == []
        assert t.page_errors == []


# ---- 2. filters write the URL, and the URL restores them -----------------------------------

def test_filters_write_the_url_and_it_restores_them(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Assets?place=Bradford&sample=true")
    everything = _shown_count(tab)

    _pick(tab, "Cost", "Free")
    expect(tab.page).to_have_url(re.compile(r"[?&]cost=Free(&|$)"))
    expect(_count(tab)).not_to_have_text([f"{everything:,} assets"])
    tab.wait_idle()
    free = _shown_count(tab)
    assert free < everything

    expect(_sample_checkbox(tab)).to_be_checked()
    tab.sidebar().get_by_test_id("stCheckbox").filter(has_text="Include sample records").click()
    expect(tab.page).not_to_have_url(re.compile(r"[?&]sample="))  # the default (real only) leaves the URL
    expect(_sample_checkbox(tab)).not_to_be_checked()
    expect(tab.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text("Bradford · Free · real records only")
    tab.wait_idle()
    free_real = _shown_count(tab)
    assert free_real <= free
    copied = tab.page.url
    assert re.search(r"[?&]place=Bradford(&|$)", copied), copied

    fresh = open_tab()  # a new browser context: nothing shared but the URL
    fresh.open(copied)
    assert _shown_count(fresh) == free_real
    expect(_multiselect(fresh, "Cost")).to_contain_text("Free")
    expect(_sample_checkbox(fresh)).not_to_be_checked()
    expect(fresh.picker("Place")).to_have_value("Bradford")
    expect(fresh.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_have_text("Bradford · Free · real records only")
    assert fresh.page.url == copied
    assert tab.outside_requests == fresh.outside_requests == []


# ---- 3. the notice's button hides samples -------------------------------------------------

def test_hide_sample_button_hides_samples_in_one_click(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Assets?place=Bradford&sample=true")
    expect(_notice(tab)).to_have_count(1)
    found = NOTICE_TEXT.search(_notice(tab).inner_text())
    assert found, _notice(tab).inner_text()
    samples, shown = (int(g.replace(",", "")) for g in found.groups())
    assert shown == _shown_count(tab) and 0 < samples < shown

    tab.page.get_by_role("button", name="Hide sample records").click()
    expect(_count(tab)).to_have_text([f"{shown - samples:,} assets"])
    expect(_notice(tab)).to_have_count(0)
    expect(tab.page).not_to_have_url(re.compile(r"[?&]sample="))  # the default (real only) leaves the URL
    expect(_sample_checkbox(tab)).not_to_be_checked()
    tab.wait_idle()
    _wait_map_total(tab, shown - samples)
    assert tab.outside_requests == []


# ---- 4. hostile record text is shown as text ---------------------------------------------

def test_hostile_names_stay_text(injected_server, injected_build, open_tab, close_popup):
    tab = open_tab()
    dialogs: list[str] = []

    def refuse(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    tab.page.on("dialog", refuse)
    tab.open(f"{injected_server.url}/Assets?place=Bradford&sample=true&q=alert")
    names = injected_build.names
    expect(_count(tab)).to_have_text([f"{len(names)} assets"])
    expect(tab.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_contain_text("name or organisation contains “alert”")

    # The map: two single markers; each one's tooltip and popup hold the name as plain text.
    _wait_map_total(tab, len(names), singles=len(names))
    frame = tab.map_area()
    tooltip, popup = frame.locator(".leaflet-tooltip"), frame.locator(".leaflet-popup-content")
    seen = []
    for i in range(len(names)):
        marker = frame.locator("path.leaflet-interactive").nth(i)
        marker.hover()
        expect(tooltip).to_have_count(1)
        name = tooltip.text_content()
        assert name in names, f"tooltip {name!r} is not one of the injected names {names}"
        assert tooltip.locator("img").count() == 0
        marker.click()
        expect(popup).to_have_count(1)
        name_line = popup.locator("b", has_text=re.compile(r"^Name: $")).locator("xpath=..")
        expect(name_line).to_have_text(f"Name: {name}")
        assert popup.locator("img").count() == 0, popup.inner_html()
        seen.append(name)
        close_popup(frame, popup)
        tab.page.mouse.move(0, 0)
        expect(tooltip).to_have_count(0)
    assert sorted(seen) == sorted(names)

    # The list is a canvas grid: tick each row's selection box; the details table is real DOM.
    grid = tab.page.get_by_test_id("stDataFrame")
    details_name = tab.page.get_by_test_id("stTable").locator("tr").filter(
        has=tab.page.locator("th", has_text=re.compile(r"^Name$"))).locator("td")
    for row, name in enumerate(names):  # the list keeps the table's order: injected rows last
        grid.click(position={"x": 16, "y": 35 + 35 * row + 17})
        expect(details_name).to_have_text(name)
        tab.wait_idle()
        assert tab.page.get_by_test_id("stTable").locator("img").count() == 0

    # Nothing ran: no dialog, no element made from the names, no error.
    no_img = "() => document.querySelectorAll('img[src=\"x\"]').length"
    assert tab.page.evaluate(no_img) == 0  # the map is drawn in the page, so this covers it too
    assert dialogs == []
    assert tab.page_errors == []
    assert tab.outside_requests == []


# ---- 5. phone width -----------------------------------------------------------------------

def test_phone_puts_the_list_above_the_map(app_server, open_tab):
    tab = open_tab(viewport=PHONE)
    tab.open(f"{app_server.url}/Assets?place=Bradford")
    grid = tab.page.get_by_test_id("stDataFrame")
    drawn_map = tab.map_area()
    expect(grid).to_be_visible()
    expect(drawn_map).to_be_attached()
    _wait_map_total(tab, _shown_count(tab))
    grid_box, map_box = grid.bounding_box(), drawn_map.bounding_box()
    assert grid_box["y"] + grid_box["height"] <= map_box["y"], f"list {grid_box} is not above map {map_box}"
    for box in (grid_box, map_box):
        assert 0 < box["width"] <= PHONE["width"], f"{box} does not fit a {PHONE['width']} px screen"

    # What a phone user first sees, then the list's end with the map below it.
    tab.wait_uncovered(tab.heading())
    tab.page.screenshot(path=PHONE_SCREENSHOT_TOP)
    drawn_map.evaluate("el => el.scrollIntoView({block: 'center'})")
    expect(drawn_map).to_be_in_viewport()
    tab.wait_uncovered(drawn_map)
    _wait_map_total(tab, _shown_count(tab))
    tab.page.screenshot(path=PHONE_SCREENSHOT)
    assert tab.outside_requests == []


# ---- known bug: record and URL text is rendered as Markdown --------------------------------
# st.table (the details panel), st.caption (the filter description) and st.warning (the
# postcode problem) render their text as Markdown, so a record's or a link's text becomes
# formatting, links and remote images. Remove the xfail markers once the app shows it as text.

MARKDOWN_PROBE = "![x](http://tracker.example/q.png) [Call us](https://evil.example)"


def test_details_panel_shows_record_text_literally(injected_server, injected_build, open_tab):
    tab = open_tab()
    tab.open(f"{injected_server.url}/Assets?place=Bradford&sample=true&q=backtick")  # matches the organisation
    expect(_count(tab)).to_have_text(["1 assets"])
    tab.page.get_by_test_id("stDataFrame").click(position={"x": 16, "y": 35 + 17})
    organisation = tab.page.get_by_test_id("stTable").locator("tr").filter(
        has=tab.page.locator("th", has_text=re.compile(r"^Organisation$"))).locator("td")
    expect(organisation).to_be_visible()
    tab.wait_idle()
    assert organisation.inner_text().strip() == injected_build.organisations[0]


def test_url_text_is_shown_literally(app_server, open_tab):
    from urllib.parse import quote

    tab = open_tab()
    tab.open(f"{app_server.url}/Assets?place=Bradford&q={quote(MARKDOWN_PROBE)}&near={quote(MARKDOWN_PROBE)}")
    caption = tab.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
    expect(caption).to_contain_text("name or organisation contains")
    assert f"name or organisation contains “{MARKDOWN_PROBE}”" in caption.inner_text()
    assert tab.outside_requests == []
