"""Records whose every text field holds script and event-handler payloads, seen everywhere.

The ``poisoned_register`` fixture inserts the records straight into the register with SQL,
past the import checks: three real-looking (not sample, active, located) Bradford rows and one
Calderdale row, each text field holding ``<script>``, ``<img onerror>``, ``"><svg onload>``,
``{{7*7}}``, a Markdown ``javascript:`` link and a template literal, websites holding
``javascript:`` URLs and the vocabulary fields holding unknown term ids made of payloads.

Every page opened here carries a trap (an init script, so in every frame, the map's too): a
setter on ``window.__pwned`` and wrapped ``alert`` / ``confirm`` / ``prompt`` that report to
the test. After each step the test asserts that the trap never fired, no dialog opened, no
page error or failed request happened, no element was made from a payload (an ``img`` with
``src=x``, an ``on...`` attribute, a ``javascript:`` link, a script holding the payload), no
page shows a Streamlit exception, and the payload text is shown literally where the record is.

Visited: every page for Bradford and for Calderdale, the Assets list, details view and map
tooltips and popups, the three Assets exports (CSV, GeoJSON, Open Referral UK) opened from disk
in the browser, and the place briefing (HTML) of each place opened from disk. Chromium hands a
CSV to a download instead of showing it, so the CSV's bytes are also opened as plain text.

The Calderdale row's kind and cost are unknown term ids (a record written past the import
checks): the Assets page colours it "Other" (it once stopped the page).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from ecology import schema
from ecology.site import PAGES
from tests.browser.browser_helpers import MAP_DRAWN_JS, save_download

pytestmark = pytest.mark.browser

MAP_WAIT_MS = 15_000
PAGE_TIMEOUT_MS = 30_000
SEARCH = "pwned"  # every poisoned name holds it; no real record's name or organisation does
POISON_PREFIX = "poisoned:"  # the poisoned rows' asset ids start with it
PWNED = "window.__pwned=1"  # what every payload runs (conftest.PWNED)

# Runs before any page script in every frame. Reports through the exposed binding (to the
# test) and keeps its own list in the frame, in case a binding call is lost with the frame.
TRAP_JS = """(() => {
    const hit = (what) => {
        try { (window.__injectionHits = window.__injectionHits || []).push(what); } catch (e) {}
        try { window.__reportInjection(what + " in " + location.href); } catch (e) {}
    };
    Object.defineProperty(window, "__pwned", {
        configurable: false,
        get() { return undefined; },
        set(value) { hit("window.__pwned = " + String(value)); },
    });
    for (const name of ["alert", "confirm", "prompt"]) {
        window[name] = function (...args) { hit(name + "(" + args.map(String).join(", ") + ")"); };
    }
})();"""

# Elements made from a payload, in one frame's document.
MADE_FROM_PAYLOAD_JS = r"""() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        if (el.tagName === "SCRIPT" && el.textContent.trim() === "window.__pwned=1") {
            found.push("script element holding the payload");
        }
        if (el.tagName === "IMG" && el.getAttribute("src") === "x") { found.push("img src=x: " + el.outerHTML); }
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name) && /pwned/.test(attr.value)) {
                found.push(el.tagName + " " + attr.name + "=" + attr.value);
            }
            if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name.toLowerCase())
                    && /^\s*javascript:/i.test(attr.value)) {
                found.push(el.tagName + " " + attr.name + "=" + attr.value);
            }
        }
    }
    return found;
}"""

# A frame's own record of the trap firing (the init script keeps it).
FRAME_HITS_JS = "() => window.__injectionHits || []"


# ---- the trap --------------------------------------------------------------------------------

class Trap:
    """What fired in one browser context: the trap's reports and any dialog."""

    def __init__(self, context):
        self.hits: list[str] = []
        self.dialogs: list[str] = []
        context.expose_binding("__reportInjection", lambda _source, what: self.hits.append(str(what)))
        context.add_init_script(TRAP_JS)

    def watch(self, page) -> None:
        def refuse(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", refuse)


def _trapped_tab(open_tab, viewport: dict | None = None):
    tab = open_tab(viewport=viewport)
    trap = Trap(tab.page.context)
    trap.watch(tab.page)
    return tab, trap


def _assert_nothing_ran(page, trap: Trap, page_errors: list[str], where: str) -> None:
    """Assert, for every frame of ``page``, that no payload ran or became an element."""
    made, frame_hits = [], []
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            made += [f"{frame.url}: {m}" for m in frame.evaluate(MADE_FROM_PAYLOAD_JS)]
            frame_hits += [f"{frame.url}: {h}" for h in frame.evaluate(FRAME_HITS_JS)]
        except Exception as error:  # a frame navigating away meanwhile has nothing left to check
            if "detached" not in str(error).lower() and "destroyed" not in str(error).lower():
                raise
    assert trap.hits == [], f"{where}: a payload ran: {trap.hits}"
    assert frame_hits == [], f"{where}: a payload ran: {frame_hits}"
    assert trap.dialogs == [], f"{where}: a dialog opened: {trap.dialogs}"
    assert made == [], f"{where}: elements were made from payload text: {made}"
    assert page_errors == [], f"{where}: page errors: {page_errors}"


def _assert_streamlit_ok(tab, url_path: str, where: str) -> None:
    """No Streamlit exception on the page and no failed request, console error or outside request."""
    exceptions = tab.page.get_by_test_id("stException")
    assert exceptions.count() == 0, f"{where}: the page shows an exception: {exceptions.first.inner_text()}"
    tab.assert_clean()


def _wait_maps(tab) -> None:
    """Wait until Leaflet has drawn every map on the page (data in the map is parsed then)."""
    maps = tab.page.locator(".eco-map")
    for i in range(maps.count()):
        maps.nth(i).and_(tab.page.locator(".leaflet-container")).wait_for(timeout=MAP_WAIT_MS)


# ---- what the page shows ---------------------------------------------------------------------

def _grid_cells(tab):
    """Cells of the accessible tables Streamlit keeps beside its canvas grids (text, in the DOM)."""
    return tab.page.locator("td[role='gridcell']")


def _grid_records(tab) -> list[dict[str, str]]:
    """The rows the page's grids have drawn, as {column header: cell text}."""
    records = []
    for grid in tab.page.get_by_test_id("stDataFrame").all():
        headers = [h.strip() for h in grid.locator("th[role='columnheader']").all_text_contents()]
        for line in grid.locator("tr[role='row']").all():
            cells = [c.strip() for c in line.locator("td[role='gridcell']").all_text_contents()]
            if cells:
                records.append(dict(zip(headers[-len(cells):], cells)))
    return records


def _count(tab):
    return tab.page.get_by_test_id("stMain").locator("strong").filter(has_text=re.compile(r"^\d[\d,]* assets$"))


def _details_value(tab, field_label: str):
    return tab.page.get_by_test_id("stTable").locator("tr").filter(
        has=tab.page.locator("th", has_text=re.compile(rf"^{re.escape(field_label)}$"))).locator("td")


def _expected_details(row: dict) -> dict[str, str]:
    """The details panel's Field -> Value for a poisoned row (text fields as stored)."""
    labels = {"activities": "Activities", "health_focus": "Health focus", "audiences": "Audiences",
              "settings": "Settings", "referral_routes": "Referral routes"}
    expected = {"Name": row["name"], "Organisation": row["organisation"], "Address": row["address"],
                "Postcode": row["postcode"], "Website": row["website"], "Source": row["source"],
                "Licence": row["licence"], "Attribution": row["attribution"], "Verified by": row["verified_by"],
                **{label: schema.term_labels(field, row[field]) for field, label in labels.items()}}
    if row["contact_email"]:
        expected["Email"] = row["contact_email"]
    return expected


def _open_file(chromium, files_only, path: Path, *, expect_download: bool = False):
    """Open ``path`` (file://) in a fresh trapped context that refuses every other request;
    return (context, page, trap, page_errors, attempted). With ``expect_download`` the
    navigation is expected to start a download instead (Chromium does not show the type)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    attempted = files_only(context)
    trap = Trap(context)
    page = context.new_page()
    trap.watch(page)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    if expect_download:
        with page.expect_download(timeout=PAGE_TIMEOUT_MS) as info:
            try:
                page.goto(path.as_uri(), wait_until="load")
            except Exception as error:  # Playwright ends the navigation with "Download is starting"
                assert "Download is starting" in str(error), error
        info.value.cancel()
    else:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
    return context, page, trap, page_errors, attempted


def _json_strings(value) -> list[str]:
    """Every string (keys excepted) anywhere in a parsed JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _json_strings(item)]
    return []


def _shown_text(page) -> str:
    """The text a plain-text or JSON document shows (Chromium puts it in one <pre>)."""
    return page.evaluate("() => (document.querySelector('pre') || document.body).textContent")


def _lines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").rstrip("\n")


# ---- 1. every page -----------------------------------------------------------------------------

WIDE = {"width": 4000, "height": 1000}
PLACES = {"Bradford": "E08000032", "Calderdale": "E08000033"}
def _page_cases():
    for place in PLACES:
        for page in PAGES:
            yield pytest.param(place, page.url_path, id=f"{place}-{page.url_path or 'Overview'}")


@pytest.mark.parametrize(("place", "url_path"), list(_page_cases()))
def test_every_page_runs_no_payload(poisoned_server, poisoned_register, open_tab, place, url_path):
    """Each page for a place holding poisoned records: nothing runs, nothing breaks, and where
    the records are listed (Assets, Data) their names show literally."""
    # The grids draw only the columns in view: the Data page's checking list needs 4000 px for all 12.
    tab, trap = _trapped_tab(open_tab, WIDE if url_path == "Data" else None)
    tab.open(f"{poisoned_server.url}/{url_path}?place={place}")
    expect(tab.picker("Place")).to_have_value(place)
    _wait_maps(tab)
    where = f"/{url_path}?place={place}"
    _assert_streamlit_ok(tab, url_path, where)
    rows = [poisoned_register.rows[i] for i in
            (poisoned_register.bradford if place == "Bradford" else poisoned_register.calderdale)]
    if url_path == "Data":
        # The checking list (stale records, by name: the poisoned names sort first).
        expect(_grid_cells(tab).filter(has_text=rows[0]["name"]).first).to_be_attached()
        shown = {r.get("Record id"): r for r in _grid_records(tab)}
        for row in rows:
            assert row["asset_id"] in shown, f"{where}: {row['asset_id']!r} is not in the checking list: {shown.keys()}"
            for column, field in (("Name", "name"), ("Organisation", "organisation"), ("Address", "address"),
                                  ("Postcode", "postcode"), ("Website", "website"), ("Verified by", "verified_by")):
                assert shown[row["asset_id"]][column] == row[field], f"{where}: {column} is not shown as text"
            assert shown[row["asset_id"]]["Email"] == (row["contact_email"] or "")
    if url_path == "Assets":
        expect(_count(tab)).to_have_count(1)
    _assert_nothing_ran(tab.page, trap, tab.page_errors, where)


# ---- 2. the Assets list, details view and map -------------------------------------------------

def _marker_frame(tab):
    """The page the map is drawn in, once Leaflet has drawn it."""
    tab.map_area().and_(tab.page.locator(".leaflet-container")).wait_for(timeout=MAP_WAIT_MS)
    return tab.page


def test_assets_list_and_details_show_payloads_as_text(poisoned_server, poisoned_register, open_tab):
    rows = poisoned_register.bradford_rows()
    names = [row["name"] for row in rows]
    tab, trap = _trapped_tab(open_tab, WIDE)  # the list's grid draws only the columns in view
    tab.open(f"{poisoned_server.url}/Assets?place=Bradford&q={SEARCH}")
    expect(_count(tab)).to_have_text([f"{len(rows)} assets"])

    # The list: every name and organisation as a cell's text.
    expect(_grid_cells(tab).filter(has_text=names[0]).first).to_be_attached()
    by_name = {row["name"]: row for row in rows}
    listed = {r["Name"]: r for r in _grid_records(tab)}
    assert sorted(listed) == sorted(names), f"names shown in the list: {list(listed)}"
    for row in rows:
        for column, value in (("Organisation", row["organisation"]),
                              ("Activities", schema.term_labels("activities", row["activities"])),
                              ("Health focus", schema.term_labels("health_focus", row["health_focus"]))):
            assert listed[row["name"]][column] == value, f"the list's {column} of {row['name']!r}"

    # The details view of each row (the list is a canvas grid: click the row's selection box).
    # The panel is waited on until it shows the clicked row: just after a click the last row's
    # panel is still there, and the rerun has not started yet.
    grid = tab.page.get_by_test_id("stDataFrame")
    for position, name in enumerate(listed):  # the list's row order
        grid.click(position={"x": 16, "y": 35 + 35 * position + 17})
        expect(_details_value(tab, "Name")).to_have_text(name)
        tab.wait_idle()
        for field_label, value in _expected_details(by_name[name]).items():
            expect(_details_value(tab, field_label)).to_have_text(value)
            assert _details_value(tab, field_label).inner_text() == value, f"details of {name!r}: {field_label}"
        table = tab.page.get_by_test_id("stTable")
        assert table.locator("img, svg, script, a").count() == 0, table.inner_html()
        _assert_nothing_ran(tab.page, trap, tab.page_errors, f"details of {name!r}")
    _assert_streamlit_ok(tab, "Assets", "Assets details")


# The Leaflet map (its element carries it as ``leafletMap``): its first view is kept, and put back
# after each popup, because a popup this wide pans the map (autoPan) and can push the next marker
# out of view.
_KEEP_VIEW_JS = """() => {
    const box = document.querySelector(".eco-map");
    const map = box && box.leafletMap;
    if (!(map instanceof L.Map)) { return false; }
    window.__firstView = {map, center: map.getCenter(), zoom: map.getZoom()};
    return true;
}"""
_RESTORE_VIEW_JS = "() => { const v = window.__firstView; v.map.setView(v.center, v.zoom, {animate: false}); }"


def test_assets_map_tooltips_and_popups_show_payloads_as_text(poisoned_server, poisoned_register, open_tab,
                                                               close_popup):
    rows = poisoned_register.bradford_rows()
    names = [row["name"] for row in rows]
    by_name = {row["name"]: row for row in rows}
    tab, trap = _trapped_tab(open_tab)
    tab.open(f"{poisoned_server.url}/Assets?place=Bradford&q={SEARCH}")
    expect(_count(tab)).to_have_text([f"{len(rows)} assets"])

    # One single marker per row (the rows are far apart), once the map has settled.
    frame = _marker_frame(tab)
    frame.wait_for_selector(".leaflet-container", timeout=MAP_WAIT_MS)
    frame.wait_for_function(f"n => {{ const d = ({MAP_DRAWN_JS})(); return !d.moving && d.singles === n; }}",
                            arg=len(rows), timeout=MAP_WAIT_MS)
    assert frame.evaluate(_KEEP_VIEW_JS), "the map element carries no Leaflet map"
    # Each marker's tooltip and popup hold the record's text as text.
    markers = tab.map_area().locator("path.leaflet-interactive")
    expect(markers).to_have_count(len(rows), timeout=MAP_WAIT_MS)
    tooltip, popup = tab.map_area().locator(".leaflet-tooltip"), tab.map_area().locator(".leaflet-popup-content")
    seen = []
    for i in range(len(rows)):
        markers.nth(i).hover()
        expect(tooltip).to_have_count(1)
        name = tooltip.text_content()
        assert name in by_name, f"tooltip {name!r} is not a poisoned name"
        row = by_name[name]
        markers.nth(i).click()
        expect(popup).to_have_count(1)
        for label, value in (("Name", row["name"]), ("Organisation", row["organisation"]),
                             ("Activities", schema.term_labels("activities", row["activities"])),
                             ("Contact", row["contact_email"] or row["website"])):
            line = popup.locator("b", has_text=re.compile(rf"^{label}: $")).locator("xpath=..")
            assert line.text_content() == f"{label}: {value}", popup.inner_html()
        assert popup.locator("img, svg, script, a").count() == 0, popup.inner_html()
        _assert_nothing_ran(tab.page, trap, tab.page_errors, f"map popup of {name!r}")
        seen.append(name)
        close_popup(frame, popup)
        tab.page.mouse.move(0, 0)
        expect(tooltip).to_have_count(0)
        frame.evaluate(_RESTORE_VIEW_JS)
        frame.wait_for_function(f"n => {{ const d = ({MAP_DRAWN_JS})(); return !d.moving && d.singles === n; }}",
                                arg=len(rows), timeout=MAP_WAIT_MS)
    assert sorted(seen) == sorted(names)

    _assert_streamlit_ok(tab, "Assets", "Assets map")


# ---- 3. the Assets exports, opened from disk ---------------------------------------------------

def _export_button(tab, label: str):
    return tab.page.get_by_test_id("stMain").get_by_role("button", name=label, exact=True)


def _check_file_page(page, trap, page_errors, attempted, text: str, where: str) -> None:
    assert _lines(_shown_text(page)) == _lines(text), f"{where}: the browser does not show the file's text as it is"
    for payload in ("<script>", "<img src=x", "<svg onload", "{{7*7}}", "[click](javascript:"):
        assert payload in _shown_text(page), f"{where}: {payload!r} is not shown"
    _assert_nothing_ran(page, trap, page_errors, where)
    assert attempted == [], f"{where}: requests: {attempted}"


def test_assets_exports_opened_in_the_browser_run_no_payload(poisoned_server, poisoned_register, open_tab,
                                                             chromium, files_only, tmp_path):
    rows = poisoned_register.bradford_rows()
    tab, trap = _trapped_tab(open_tab)
    tab.open(f"{poisoned_server.url}/Assets?place=Bradford")  # every Bradford record: poisoned among real
    expect(_count(tab)).to_have_count(1)
    files = {label: save_download(tab, _export_button(tab, label), tmp_path / name) for label, name in (
        ("CSV", "assets.csv"), ("GeoJSON", "assets.geojson"), ("Open Referral UK", "assets.oruk.json"))}
    _assert_nothing_ran(tab.page, trap, tab.page_errors, "Assets page after the downloads")
    _assert_streamlit_ok(tab, "Assets", "Assets downloads")

    # CSV: every field as stored (several-term fields as "; "-joined ids).
    text = files["CSV"].read_text(encoding="utf-8-sig")
    records = {r["asset_id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    for row in rows:
        got = records[row["asset_id"]]
        for field in ("name", "organisation", "address", "postcode", "website", "source", "licence", "attribution"):
            assert got[field] == row[field], f"CSV {field}: {got[field]!r}"
        assert got["contact_email"] == (row["contact_email"] or "")
        for field in schema.MULTI_VALUED:
            assert got[field] == "; ".join(schema.split_terms(row[field]))
    # Chromium does not display text/csv: opening the file hands it to a download (nothing is shown,
    # so nothing can run). The same bytes opened as plain text show literally.
    context, *_ = _open_file(chromium, files_only, files["CSV"], expect_download=True)
    context.close()
    as_text = files["CSV"].with_suffix(".csv.txt")
    as_text.write_bytes(files["CSV"].read_bytes())
    context, page, file_trap, errors, attempted = _open_file(chromium, files_only, as_text)
    try:
        _check_file_page(page, file_trap, errors, attempted, text, "the CSV opened as text")
    finally:
        context.close()

    # GeoJSON and Open Referral UK: Chromium shows JSON as text; the values are the stored text.
    geojson = json.loads(files["GeoJSON"].read_text(encoding="utf-8"))
    features = {f["id"]: f["properties"] for f in geojson["features"] if f["id"].startswith(POISON_PREFIX)}
    assert len(features) == len(rows)
    for row in rows:
        for field in ("name", "organisation", "address", "website", "contact_email", "source", "licence",
                      "attribution"):
            assert features[row["asset_id"]][field] == row[field], f"GeoJSON {field}"
        for field in schema.MULTI_VALUED:
            assert features[row["asset_id"]][field] == schema.split_terms(row[field])
    oruk = json.loads(files["Open Referral UK"].read_text(encoding="utf-8"))
    strings = set(_json_strings(oruk))
    for row in rows:
        for field in ("name", "organisation", "address", "website", "attribution", "licence"):
            assert row[field] in strings, f"Open Referral UK: {field} {row[field]!r} missing"
        if row["contact_email"]:
            assert row["contact_email"] in strings
    for label in ("GeoJSON", "Open Referral UK"):
        context, page, file_trap, errors, attempted = _open_file(chromium, files_only, files[label])
        try:
            _check_file_page(page, file_trap, errors, attempted, files[label].read_text(encoding="utf-8"),
                             f"the {label} file")
        finally:
            context.close()


# ---- 4. the place briefing, opened from disk ----------------------------------------------------

@pytest.mark.parametrize("place", list(PLACES))
def test_place_briefing_opened_in_the_browser_runs_no_payload(poisoned_server, poisoned_register, open_tab,
                                                              chromium, files_only, tmp_path, place):
    rows = [poisoned_register.rows[i] for i in
            (poisoned_register.bradford if place == "Bradford" else poisoned_register.calderdale)]
    tab, trap = _trapped_tab(open_tab)
    tab.open(f"{poisoned_server.url}/?place={quote(place)}")
    expect(tab.picker("Place")).to_have_value(place)
    briefing = save_download(tab, tab.sidebar().get_by_role("button", name="Place briefing (HTML)"),
                         tmp_path / "briefing.html")
    _assert_nothing_ran(tab.page, trap, tab.page_errors, f"Overview of {place} after the download")
    _assert_streamlit_ok(tab, "", f"Overview of {place}")

    context, page, file_trap, errors, attempted = _open_file(chromium, files_only, briefing)
    try:
        expect(page.locator("h1")).to_have_text(place)
        # The asset table: each poisoned row's name, kind, postcode and source, each a cell's text.
        table = page.locator("table").filter(has=page.locator("th", has_text=re.compile(r"^Source$")))
        expect(table).to_have_count(1)
        for row in rows:
            line = table.locator("tr").filter(has=page.locator("td", has_text=row["name"]))
            expect(line).to_have_count(1)
            cells = [c.strip() for c in line.locator("td").all_text_contents()]
            assert cells[0] == row["name"], cells
            assert row["kind"] in cells and row["postcode"] in cells and row["source"] in cells, cells
            assert row["name"] in page.locator("body").inner_text()
        assert table.locator("img, svg, script, a").count() == 0
        _assert_nothing_ran(page, file_trap, errors, f"the {place} briefing")
        assert attempted == [], attempted
    finally:
        context.close()


# ---- 5. the trap itself ---------------------------------------------------------------------

def test_the_trap_catches_a_payload_that_runs(open_tab, tmp_path):
    """The checks above would see a payload that ran: in the page, in a child frame, and as a
    dialog or an element made from it."""
    tab, trap = _trapped_tab(open_tab)
    hostile = tmp_path / "hostile.html"
    hostile.write_text(f'<p>before</p><img src=x onerror="{PWNED}">'
                       f"<iframe srcdoc=\"<script>{PWNED}; alert('framed')</script>\"></iframe>")
    tab.page.goto(hostile.as_uri(), wait_until="load")
    tab.page.wait_for_function("() => (window.__injectionHits || []).length > 0")
    tab.page.frames[-1].wait_for_function("() => (window.__injectionHits || []).length > 1")
    tab.page.evaluate("() => 0")  # a round trip: the binding calls made before it have arrived
    with pytest.raises(AssertionError, match="a payload ran"):
        _assert_nothing_ran(tab.page, trap, tab.page_errors, "the trap's own test")
    assert any("window.__pwned = 1" in hit for hit in trap.hits), trap.hits
    assert any("alert(framed)" in hit for hit in trap.hits), trap.hits
    trap.hits.clear()
    with pytest.raises(AssertionError, match="a payload ran"):  # the frames' own record
        _assert_nothing_ran(tab.page, trap, tab.page_errors, "the trap's own test")
    assert tab.page.evaluate(MADE_FROM_PAYLOAD_JS), "the img made from the payload was not found"
