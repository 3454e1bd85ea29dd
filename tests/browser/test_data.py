"""The Data page in a browser: what a viewer sees (and does not), an editor's sign-in through the
sidebar form, a hostile CSV through the real file input, and marking stale records verified by
ticking rows in the canvas grid.

The AppTest versions (tests/page/test_data_page.py) cover the import's counts and the register's
contents; here the checks are on what only a browser shows: the rendered DOM, script that must not
run, console errors, requests leaving 127.0.0.1, grid row selection and the layout at two widths.

Each server here has its own temporary register (ECOLOGY_DATABASE_URL), seeded on first open, so
nothing these tests write reaches another test's register. Counts are read from the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
EDITOR = "alice"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/data-shots")
EDIT_TABS = ["Freshness", "Import", "Add or edit", "History"]
# Buttons only editors get (a prefix match on the accessible name).
EDIT_BUTTONS = re.compile(r"^(Save|Retire|Check the file|Write|Mark|Select rows to mark|Sign in|Sign out)\b")
STALE_TEXT = re.compile(r"([\d,]+) of ([\d,]+) records")
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_ORGANISATION = "<script>window.__pwned=1</script>"
PWNED_JS = "() => typeof window.__pwned"
# Elements the file's markup would have made: the image, an onerror handler, the script.
MADE_FROM_FILE_JS = """() => document.querySelectorAll('img[src="x"], [onerror]').length
    + [...document.scripts].filter(s => s.textContent.includes('__pwned')).length"""
GRID_HEADER_PX = 35  # the canvas grid's header row and each data row are 35 px high
GRID_ROW_PX = 35


# ---- servers ------------------------------------------------------------------------------

def _start_server(request, **kwargs):
    """conftest._start_server, looked up through pytest (tests/ has two modules named conftest)."""
    conftest = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    return conftest._start_server(**kwargs)


@pytest.fixture(scope="module")
def viewer_server(request, tmp_path_factory) -> Iterator:
    """The app with no editor configured (the hash is blanked in case the caller's shell sets one)."""
    folder = tmp_path_factory.mktemp("viewer-register")
    yield from _start_server(request, tiles=None, extra_env={
        "ECOLOGY_DATABASE_URL": f"sqlite:///{folder / 'register.sqlite3'}",
        "ECOLOGY_EDITOR_PASSWORD_HASH": "", "ECOLOGY_EDITOR_NAME": ""})


@pytest.fixture(scope="module")
def editor_server(request, tmp_path_factory) -> Iterator:
    """The app with one password editor, configured by environment."""
    from ecology import auth

    folder = tmp_path_factory.mktemp("editor-register")
    yield from _start_server(request, tiles=None, extra_env={
        "ECOLOGY_DATABASE_URL": f"sqlite:///{folder / 'register.sqlite3'}",
        "ECOLOGY_EDITOR_PASSWORD_HASH": auth.hash_password(PASSWORD), "ECOLOGY_EDITOR_NAME": EDITOR})


# ---- helpers ------------------------------------------------------------------------------

def _main(tab):
    return tab.page.get_by_test_id("stMain")


def _stale_line(tab):
    """The bold "N of M records" in the freshness queue's summary line."""
    return _main(tab).locator("strong").filter(has_text=STALE_TEXT)


def _stale_counts(tab) -> tuple[int, int]:
    line = _stale_line(tab)
    expect(line).to_have_count(1)
    found = STALE_TEXT.search(line.inner_text())
    return tuple(int(g.replace(",", "")) for g in found.groups())


def _stale_grid(tab):
    """The checking list (the by-authority grid is inside a closed expander, so not visible)."""
    return _main(tab).get_by_test_id("stDataFrame").filter(visible=True)


def _password_box(tab):
    return tab.sidebar().get_by_role("textbox", name="Password", exact=True)


def _sign_in(tab, password: str) -> None:
    box = _password_box(tab)
    box.fill(password)
    tab.sidebar().get_by_role("button", name="Sign in", exact=True).click()
    tab.wait_idle()


def _signed_in_tab(server, open_tab):
    tab = open_tab(viewport=DESKTOP)
    tab.open(f"{server.url}/Data")
    expect(tab.heading()).to_have_text("Data")
    _sign_in(tab, PASSWORD)
    expect(tab.page.get_by_role("tab")).to_have_text(EDIT_TABS)
    expect(tab.sidebar()).to_contain_text(f"Signed in as editor {EDITOR}.")
    return tab


def _tick_row(tab, grid, row: int) -> None:
    """Tick a row's selection box: the first column of the canvas grid, row counted from 0."""
    tab.wait_idle()  # a rerun in flight can redraw the grid under the click
    grid.click(position={"x": 16, "y": GRID_HEADER_PX + GRID_ROW_PX * row + GRID_ROW_PX // 2})


# ---- 1. a viewer sees the queue and nothing to edit with ----------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_viewer_sees_the_freshness_queue_and_no_edit_controls(viewer_server, open_tab, viewport):
    tab = open_tab(viewport=viewport)
    tab.open(f"{viewer_server.url}/Data")
    expect(tab.heading()).to_have_text("Data")
    stale, total = _stale_counts(tab)
    assert 0 < stale <= total
    expect(_stale_line(tab)).to_be_visible()
    expect(_stale_grid(tab)).to_have_count(1)
    expect(_main(tab).get_by_role("button", name="Download the checking list (CSV)")).to_be_visible()
    expect(_main(tab)).to_contain_text("Viewing only. Editors sign in from the sidebar")
    expect(tab.sidebar()).to_contain_text("Editing is switched off")

    page = tab.page
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(page.locator("input[type=password]")).to_have_count(0)
    expect(page.get_by_test_id("stForm")).to_have_count(0)
    names = [b.get_attribute("aria-label") or b.inner_text().strip() for b in page.get_by_role("button").all()]
    editing = [n for n in (re.sub(r"^[a-z_]+\n", "", name) for name in names) if EDIT_BUTTONS.match(n)]
    assert editing == [], f"edit buttons shown to a viewer: {editing} (all buttons: {names})"

    # Nothing is drawn over the page's start (the sidebar closes itself on a phone) and it fits.
    tab.wait_uncovered(tab.heading())
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways: {width} px wide in a {viewport['width']} px window"
    # Streamlit scrolls inside its own container, so a "full page" shot is one screen: take the
    # top, then the checking list scrolled into view.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"viewer-{viewport['width']}.png"))
    grid = _stale_grid(tab)
    grid.evaluate("el => el.scrollIntoView({block: 'center'})")
    expect(grid).to_be_in_viewport()
    tab.wait_uncovered(grid)
    box = grid.bounding_box()
    assert 0 < box["width"] <= viewport["width"], f"the checking list {box} does not fit the window"
    page.screenshot(path=str(SHOTS / f"viewer-{viewport['width']}-list.png"))
    tab.assert_clean()


# ---- 2. a hostile CSV through the real file input -----------------------------------------

def _hostile_csv(folder: Path) -> Path:
    """Two good rows and two with markup: a name (row 3) and an organisation (row 4)."""
    quoted_name = '"' + HOSTILE_NAME.replace('"', '""') + '"'
    path = folder / "directory.csv"
    path.write_text("Organisation Name,Name,Post Code,Health focus\r\n"
                    "Sing Together,Singing for the Brain,M1 1AE,Dementia\r\n"
                    f"Sing Together,{quoted_name},M1 1AE,Dementia\r\n"
                    f"{HOSTILE_ORGANISATION},Stitch club,BD1 1HY,Loneliness\r\n"
                    "Craft Club CIC,Stitch and Natter,BD1 1HY,Loneliness\r\n", encoding="utf-8")
    return path


def _metric(tab, label: str):
    return _main(tab).get_by_test_id("stMetric").filter(
        has=tab.page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{label}$"))
    ).get_by_test_id("stMetricValue")


def _assert_nothing_ran(tab, dialogs: list[str]) -> None:
    for frame in tab.page.frames:
        assert frame.evaluate(PWNED_JS) == "undefined", f"window.__pwned was set in frame {frame.url}"
        assert frame.evaluate(MADE_FROM_FILE_JS) == 0, f"an element made from the file's text in {frame.url}"
    assert dialogs == []


def test_an_editor_imports_a_hostile_csv_the_markup_stays_inert(editor_server, open_tab, tmp_path):
    tab = _signed_in_tab(editor_server, open_tab)
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))

    tab.page.get_by_role("tab", name="Import", exact=True).click()
    uploader = _main(tab).get_by_test_id("stFileUploader")
    expect(uploader).to_be_visible()
    uploader.locator("input[type=file]").set_input_files(_hostile_csv(tmp_path))
    expect(_main(tab)).to_contain_text("4 rows and 4 columns read from directory.csv.")
    tab.wait_idle()
    _main(tab).get_by_role("button", name="Check the file").click()

    for label, value in (("Rows", "4"), ("Accepted", "2"), ("Rejected", "2")):
        expect(_metric(tab, label)).to_have_text(value)
    tab.wait_idle()
    # The report is a canvas grid; Glide keeps an accessible table of the drawn cells beside it.
    report = _main(tab).get_by_test_id("stDataFrame").filter(visible=True)
    expect(report).to_have_count(1)
    # (hidden from get_by_role, so found by CSS).
    expect(report.locator("[role=columnheader]")).to_have_text(["row", "column", "field", "severity", "message"])
    rows = report.locator("[role=row]").filter(has=tab.page.locator("[role=gridcell]", has_text=re.compile("^error$")))
    expect(rows).to_have_count(2)
    rejected = [[c.strip() for c in row.locator("[role=gridcell]").all_inner_texts()[:4]] for row in rows.all()]
    assert sorted(rejected) == [["3", "Name", "name", "error"], ["4", "Organisation Name", "organisation", "error"]]
    _assert_nothing_ran(tab, dialogs)

    write = _main(tab).get_by_role("button", name="Write 2 records to the register")
    expect(write).to_be_disabled()
    _main(tab).get_by_test_id("stRadio").filter(has_text="Rows with errors").get_by_text(
        "Skip them and import the rest", exact=True).click()
    expect(write).to_be_enabled()
    tab.wait_idle()
    write.click()
    success = _main(tab).get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("Imported directory.csv: 2 added, 0 merged")
    tab.wait_idle()
    _assert_nothing_ran(tab, dialogs)
    tab.assert_clean()


# ---- 3. ticking rows in the checking list and marking them verified -----------------------

def _mark_button(tab):
    return _main(tab).get_by_role("button", name=re.compile(r"^(Mark \d+ selected|Select rows to mark)"))


def _mark_first_and_third_verified(tab) -> tuple[int, int]:
    """Tick the checking list's first and third rows, click "Mark 2 ...", wait for the rerun;
    return the (stale, total) counts shown before."""
    stale, total = _stale_counts(tab)
    assert stale >= 3
    grid, mark = _stale_grid(tab), _mark_button(tab)
    expect(grid).to_have_count(1)
    expect(mark).to_have_text(re.compile("Select rows to mark them verified"))
    expect(mark).to_be_disabled()
    _tick_row(tab, grid, 0)
    expect(mark).to_have_text(re.compile("Mark 1 selected as verified today"))
    _tick_row(tab, grid, 2)
    expect(mark).to_have_text(re.compile("Mark 2 selected as verified today"))
    expect(mark).to_be_enabled()
    tab.wait_idle()
    mark.click()
    expect(tab.page.get_by_test_id("stToast")).to_contain_text("2 records marked verified on")
    expect(_stale_line(tab)).to_have_text(f"{stale - 2:,} of {total:,} records")
    tab.wait_idle()
    return stale, total


def test_an_editor_marks_ticked_rows_verified_and_the_stale_count_drops(editor_server, open_tab):
    tab = _signed_in_tab(editor_server, open_tab)
    stale, total = _mark_first_and_third_verified(tab)
    # A fresh tab (new session) reads the register again: the two stay verified.
    fresh = _signed_in_tab(editor_server, open_tab)
    expect(_stale_line(fresh)).to_have_text(f"{stale - 2:,} of {total:,} records")
    tab.assert_clean()
    fresh.assert_clean()


# After marking, the verified records leave the list; a kept selection would land on the rows
# that moved up into their places (records the editor never chose).
def test_marking_verified_clears_the_selection(editor_server, open_tab):
    tab = _signed_in_tab(editor_server, open_tab)
    _mark_first_and_third_verified(tab)
    expect(_mark_button(tab)).to_have_text(re.compile("Select rows to mark them verified"), timeout=5_000)


# ---- 4. a wrong password --------------------------------------------------------------------

def test_a_wrong_password_shows_an_error_and_no_editing(editor_server, open_tab):
    tab = open_tab(viewport=DESKTOP)
    tab.open(f"{editor_server.url}/Data")
    expect(tab.heading()).to_have_text("Data")
    _sign_in(tab, "not the password at all")

    error = tab.sidebar().get_by_test_id("stAlertContentError")
    expect(error).to_contain_text(f"Wrong password for {EDITOR}.")
    expect(error).to_contain_text("tries left")
    expect(tab.page.get_by_role("tab")).to_have_count(0)
    expect(tab.page.locator("input[type=file]")).to_have_count(0)
    expect(_main(tab)).to_contain_text("Viewing only.")
    expect(_password_box(tab)).to_have_value("")  # the form is cleared after the try
    expect(tab.sidebar().get_by_role("button", name="Sign out")).to_have_count(0)
    tab.assert_clean()


# ---- 5. undo from the history ---------------------------------------------------------------

@pytest.fixture(scope="module")
def undo_server(request, tmp_path_factory) -> Iterator:
    """An editor server whose register the test also opens, to make a change to undo."""
    from ecology import auth
    from ecology.register import startup

    url = f"sqlite:///{tmp_path_factory.mktemp('undo-register') / 'register.sqlite3'}"
    startup.open_register(url).update("assets", "library::wylam-library", {"name": "Renamed by Bob"}, 1, "bob")
    for server in _start_server(request, tiles=None, extra_env={
            "ECOLOGY_DATABASE_URL": url,
            "ECOLOGY_EDITOR_PASSWORD_HASH": auth.hash_password(PASSWORD), "ECOLOGY_EDITOR_NAME": EDITOR}):
        server.register_url = url
        yield server


def test_an_editor_undoes_a_change_from_the_history(undo_server, open_tab):
    from ecology.register import startup

    tab = _signed_in_tab(undo_server, open_tab)
    tab.page.get_by_role("tab", name="History").click()
    tab.wait_idle()
    history = _main(tab).get_by_test_id("stDataFrame").filter(visible=True)
    expect(history).to_have_count(1)
    _tick_row(tab, history, 0)  # newest first: Bob's edit
    undo = _main(tab).get_by_role("button", name=re.compile(r"^Undo change \d+$"))
    expect(undo).to_be_visible()
    undo.click()
    tab.wait_idle()
    expect(tab.page.get_by_test_id("stToast")).to_contain_text("undone")
    stored = startup.open_register(undo_server.register_url).get("assets", "library::wylam-library")
    assert stored["name"] == "Wylam Library"
    newest = startup.open_register(undo_server.register_url).history().iloc[0]
    assert (newest["action"], newest["who"]) == ("undo", EDITOR)
    tab.assert_clean()
