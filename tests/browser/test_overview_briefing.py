"""The Overview's figures and charts, the sidebar's briefing downloads and its share link.

The briefing files are checked as a reader gets them: the HTML opened from disk in a
fresh browser context that refuses every request that is not file://, and the PDF
read back with pypdf.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from tests.browser.browser_helpers import save_download

pytestmark = pytest.mark.browser

LOCAL_HOST = "127.0.0.1"  # where conftest starts the app
PAGE_TIMEOUT_MS = 30_000
ICB_COUNT = 42
WEST_YORKSHIRE = "NHS West Yorkshire ICB"
WEST_YORKSHIRE_LADS = 5  # Bradford, Calderdale, Kirklees, Leeds, Wakefield
OVERVIEW = "/?place=NHS+West+Yorkshire+ICB"  # all themes: the real venues count as provision
OVERVIEW_DEMENTIA = "/?place=NHS+West+Yorkshire+ICB&theme=Dementia"
DESKTOP = {"width": 1440, "height": 1800}
PHONE = {"width": 390, "height": 844}
PHONE_SLACK_PX = 4
HEADLINE_COUNT = 10
PLOTLY = '[data-testid="stPlotlyChart"]'
# Schemes a page may ask for without touching any host.
NO_HOST_SCHEMES = ("data", "blob", "about")


def _cards(tab):
    """The headline figures' cards (ecology/reports/headline_cards.py)."""
    return tab.page.get_by_role("list", name="Headline figures").locator("li")


def _metric(tab, label: str):
    """The headline card whose label is exactly ``label``."""
    label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return _cards(tab).filter(has=tab.page.locator(".label", has_text=label_re))


def _metric_value(tab, label: str):
    return _metric(tab, label).locator(".value")


def _comparison_table(tab):
    """The comparison table (a static HTML table named "How it compares")."""
    return tab.page.get_by_role("table", name="How it compares", exact=True)


def _cell(tab, text: str):
    return tab.page.locator("td", has_text=re.compile(rf"^{re.escape(text)}$"))


def _svg_charts(tab):
    """The Overview's light SVG charts (ecology/reports/svg_charts.py)."""
    return tab.page.locator("div.svg-chart svg[role='img']")


def _pick(tab, group: str, option: str, url_part: str) -> None:
    """Choose an option of a segmented control (a radiogroup) and wait for the rerun."""
    tab.page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True).click()
    expect(tab.page).to_have_url(re.compile(rf"[?&]{re.escape(url_part)}(&|$)"))
    expect(tab.page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True)
           ).to_be_checked()
    tab.wait_idle()


def _hosts_other_than_local(urls: list[str]) -> list[str]:
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in NO_HOST_SCHEMES:
            continue
        if parts.hostname != LOCAL_HOST:
            outside.append(url)
    return outside


def _open_overview(tab, server_url: str) -> list[str]:
    """Open the West Yorkshire overview, recording every request; return the (live) list."""
    requests: list[str] = []
    tab.page.on("request", lambda request: requests.append(request.url))
    tab.open(f"{server_url}{OVERVIEW}")
    expect(tab.heading()).to_have_text(WEST_YORKSHIRE)
    return requests


def _download(tab, label: str, target: Path) -> Path:
    """Click a sidebar download button and save what it sends to ``target``."""
    return save_download(tab, tab.sidebar().get_by_role("button", name=label), target)


def _share_link(tab):
    """The sidebar's "Share this view" link (its text is its address)."""
    return tab.sidebar().locator(".st-key-share-link a")


# --- 1. The Overview ---------------------------------------------------------------------------

def test_overview_draws_headline_figures_comparison_table_and_charts_with_no_outside_request(app_server, open_tab):
    tab = open_tab(viewport=DESKTOP)
    requests = _open_overview(tab, app_server.url)

    cards = _cards(tab)
    expect(cards).to_have_count(HEADLINE_COUNT)
    expect(_metric_value(tab, "ICS maturity")).to_have_text("2 Developing")
    expect(_metric_value(tab, "Residents")).to_have_text("2,402,438")
    # Every figure carries its origin badge.
    for figure in cards.all():
        expect(figure.get_by_text(re.compile(r"^(Real|Sample)$"))).to_have_count(1)

    table = _comparison_table(tab)
    expect(table).to_have_count(1)
    rows = table.locator("tbody tr")
    expect(rows.filter(has=_cell(tab, WEST_YORKSHIRE)).filter(has=_cell(tab, "this"))).to_have_count(1)
    expect(rows.filter(has=_cell(tab, "North East and Yorkshire")).filter(has=_cell(tab, "region"))).to_have_count(1)
    expect(rows.filter(has=_cell(tab, "England")).filter(has=_cell(tab, "England"))).to_have_count(1)
    peers = rows.filter(has=_cell(tab, "peer"))
    expect(peers.nth(2)).to_be_attached()  # at least 3 peers
    assert all(name.startswith("NHS ") and name.endswith(" ICB") for name in
               (row.locator("td").first.inner_text() for row in peers.all())), table.inner_text()
    expect(peers.filter(has=_cell(tab, WEST_YORKSHIRE))).to_have_count(0)

    # On load: the comparison bars, the maturity bars and the need-provision scatter, as light SVG
    # charts: the landing page never fetches plotly.js (4.7 MB).
    svg_charts = _svg_charts(tab)
    expect(svg_charts).to_have_count(3)
    labels = [chart.get_attribute("aria-label") for chart in svg_charts.all()]
    assert any("against" in label for label in labels) and any("maturity" in label for label in labels), labels
    for chart in svg_charts.all():
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 100, box
    expect(svg_charts.first.locator("rect title").first).to_have_text(re.compile(r": "))  # a hover text per bar
    expect(tab.page.locator(PLOTLY)).to_have_count(0)
    assert not [url for url in requests if "PlotlyChart" in url]
    # Another measure redraws the SVG; the radar is SVG too, with a point per assessed criterion.
    _pick(tab, "Compare on", "Provision", "compare=Provision")
    expect(svg_charts.first).to_have_attribute("aria-label", re.compile("provision", re.IGNORECASE))
    _pick(tab, "Maturity view", "Radar", "maturity=Radar")
    radar = tab.page.locator("div.svg-chart svg[aria-label*='round the criteria']")
    expect(radar).to_have_count(1)
    box = radar.bounding_box()
    assert box["width"] > 200 and box["height"] > 200, box
    expect(radar.locator("circle title").last).to_have_text(re.compile(r"ICB, .+: \d "))  # the ICS, drawn on top
    expect(tab.page.locator(PLOTLY)).to_have_count(0)

    # Wait for the map to draw, so its requests are recorded too.
    expect(tab.map_shapes()).to_have_count(ICB_COUNT + WEST_YORKSHIRE_LADS)
    assert requests, "no request recorded"
    assert _hosts_other_than_local(requests) == []
    # Its tables and figures are static HTML: the landing page draws no data grid, and fetches the
    # grid's scripts only as idle preloads once it is drawn (preload.idle_preload_script), never
    # as part of drawing itself.
    expect(tab.page.get_by_test_id("stDataFrame")).to_have_count(0)
    grid_requests = [url for url in requests if "/static/js/DataFrame." in url or "arrowFormatUtils" in url]
    idle_preloads = tab.page.eval_on_selector_all("link[data-idle-preload]", "links => links.map(l => l.href)")
    assert [url for url in grid_requests if url not in idle_preloads] == [], (grid_requests, idle_preloads)
    tab.assert_clean()


# --- 2. The HTML briefing ----------------------------------------------------------------------

def test_html_briefing_opens_offline_with_place_heading_and_visible_inline_svg_map(app_server, open_tab,
                                                                                   chromium, files_only, tmp_path):
    tab = open_tab(viewport=DESKTOP)
    _open_overview(tab, app_server.url)
    briefing = _download(tab, "Briefing (HTML)", tmp_path / "briefing.html")
    assert briefing.read_bytes()[:15].lower().startswith(b"<!doctype html>")

    context = chromium.new_context(viewport=DESKTOP)
    try:
        attempted = files_only(context)
        page = context.new_page()
        page.goto(briefing.as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)

        expect(page.locator("h1")).to_have_count(1)
        expect(page.locator("h1")).to_have_text(WEST_YORKSHIRE)
        map_svg = page.locator("svg").filter(has=page.locator("text", has_text="Real venues"))
        expect(map_svg).to_have_count(1)
        expect(map_svg).to_be_visible()
        box = map_svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, box
        expect(map_svg.locator("text", has_text="Real venues")).to_be_visible()
        assert map_svg.evaluate("svg => svg.querySelectorAll('path').length") > 10  # shapes, not an empty frame
        page.wait_for_load_state("networkidle")
        assert attempted == []
    finally:
        context.close()


# --- 3. The PDF briefing -----------------------------------------------------------------------

def test_pdf_briefing_is_a_pdf_of_three_or_more_pages_with_the_sections(app_server, open_tab, tmp_path):
    tab = open_tab(viewport=DESKTOP)
    _open_overview(tab, app_server.url)
    briefing = _download(tab, "Briefing (PDF)", tmp_path / "briefing.pdf")
    data = briefing.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    for expected in (WEST_YORKSHIRE, "Headline figures", "ICS maturity", "Sources, licences and vintages"):
        assert expected in text, f"{expected!r} not in the PDF's text"


# --- 4. The share link -------------------------------------------------------------------------

COVERAGE_QUERY = "?place=Bradford&theme=Dementia&level=Integrated+care+boards+%2842%29"
ICB_LEVEL = "Integrated care boards (42)"


def test_share_link_on_coverage_gaps_restores_place_theme_and_compare_level(app_server, open_tab):
    first = open_tab()
    first.open(f"{app_server.url}/Coverage_gaps{COVERAGE_QUERY}")
    expect(first.heading()).to_have_text("Coverage gaps")
    expect(first.page.get_by_role("radio", name=ICB_LEVEL)).to_be_checked()
    link = _share_link(first)
    expect(link).to_be_visible()
    shared = link.inner_text().strip()
    assert link.get_attribute("href") == shared  # the link goes where its text says
    assert shared.startswith(f"{app_server.url}/Coverage_gaps?"), shared
    for part in ("place=Bradford", "theme=Dementia", "level=Integrated+care+boards+%2842%29"):
        assert part in shared, f"{part!r} not in the share link {shared!r}"

    second = open_tab()  # a fresh context: nothing shared but the link
    second.open(shared)
    expect(second.heading()).to_have_text("Coverage gaps")
    expect(second.picker("Place")).to_have_value("Bradford")
    expect(second.picker("Theme")).to_have_value("Dementia")
    expect(second.page.get_by_role("radio", name=ICB_LEVEL)).to_be_checked()
    first.assert_clean()
    second.assert_clean()


def test_share_link_on_practitioners_follows_a_moved_radius_slider(app_server, open_tab):
    first = open_tab()
    first.open(f"{app_server.url}/Practitioners?place=Bradford&theme=Dementia&radius=15")
    expect(first.heading()).to_have_text("Practitioners")
    radius = first.page.get_by_test_id("stSlider").filter(has_text="Radius (km)").locator("input[type=range]")
    expect(radius).to_have_value("15")
    expect(_share_link(first)).to_contain_text("radius=15")

    radius.focus()
    radius.press("ArrowRight")  # 15 -> 16: a rerun, and the URL and link follow
    expect(first.page).to_have_url(re.compile(r"[?&]radius=16(&|$)"))
    link = _share_link(first)
    expect(link).to_contain_text("radius=16")
    first.wait_idle()
    shared = link.inner_text().strip()
    assert shared.startswith(f"{app_server.url}/Practitioners?"), shared
    for part in ("place=Bradford", "theme=Dementia", "radius=16"):
        assert part in shared, f"{part!r} not in the share link {shared!r}"

    second = open_tab()
    second.open(shared)
    expect(second.heading()).to_have_text("Practitioners")
    expect(second.picker("Place")).to_have_value("Bradford")
    expect(second.picker("Theme")).to_have_value("Dementia")
    expect(second.page.get_by_test_id("stSlider").filter(has_text="Radius (km)")
           .locator("input[type=range]")).to_have_value("16")
    first.assert_clean()
    second.assert_clean()


# --- 5. Phone width ----------------------------------------------------------------------------

def test_overview_at_phone_width_has_no_horizontal_overflow_and_shows_headline_figures(app_server, open_tab):
    tab = open_tab(viewport=PHONE)
    _open_overview(tab, app_server.url)
    metrics = _cards(tab)
    expect(metrics).to_have_count(HEADLINE_COUNT)
    expect(_metric_value(tab, "Residents")).to_have_text("2,402,438")
    first = metrics.first
    first.scroll_into_view_if_needed()
    expect(first).to_be_in_viewport()
    for metric in metrics.all():
        box = metric.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # Let the map and charts draw before measuring the page's width.
    expect(tab.map_shapes()).to_have_count(ICB_COUNT + WEST_YORKSHIRE_LADS)
    expect(_svg_charts(tab)).to_have_count(3)
    for chart in _svg_charts(tab).all():
        # The box fits the screen; a chart wider than it scrolls inside it, its text kept readable.
        box = chart.locator("xpath=..").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert chart.bounding_box()["width"] >= 520
    limit = PHONE["width"] + PHONE_SLACK_PX
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= limit, f"the document is {width} px wide on a {PHONE['width']} px screen"
    # Streamlit scrolls the page inside <main data-testid="stMain">, so the document's own width stays
    # at the viewport's whatever is inside (a 600 px div added there left it at 390): measure main too.
    main_width = tab.page.get_by_test_id("stMain").evaluate("main => main.scrollWidth")
    assert main_width <= limit, f"the page body scrolls to {main_width} px on a {PHONE['width']} px screen"
    assert tab.outside_requests == []


def test_overview_for_a_theme_nothing_provides_says_so_instead_of_drawing_every_area_at_zero(app_server, open_tab):
    tab = open_tab(viewport=DESKTOP)
    tab.open(f"{app_server.url}{OVERVIEW_DEMENTIA}")
    expect(tab.heading()).to_have_text(WEST_YORKSHIRE)
    expect(tab.page.get_by_text("No real record counts as provision for dementia in any of England's 42 ICBs")
           ).to_be_visible()
    # The comparison and the maturity profile still draw; the degenerate scatter does not.
    expect(_svg_charts(tab)).to_have_count(2)
    expect(_metric_value(tab, "Gap rank")).to_have_text(re.compile(r"^\d+ of 42$"))
    tab.assert_clean()
