"""The ranked tables of ICS maturity and Coverage gaps in Chromium: a header sorts the rows (by
value for numbers, by text otherwise, missing values last either way), from the mouse or the
keyboard, says so to assistive technology, and keeps the order across a rerun."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ICB_COUNT = 42


def _table(tab, label: str):
    return tab.page.locator(f"table[aria-label='{label}']")


def _header(table, name: str):
    return table.locator("thead th").filter(has_text=re.compile(rf"^{re.escape(name)}$"))


def _column(table, name: str) -> list[str | None]:
    """The column's cells, top to bottom: a cell's sort key where it has one, else its text;
    None for a missing value."""
    return table.evaluate(
        """(table, name) => {
             const at = Array.from(table.tHead.rows[0].cells).findIndex(th => th.textContent === name);
             return Array.from(table.tBodies[0].rows, row => {
               const cell = row.cells[at];
               if (cell.classList.contains("missing")) return null;
               return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
             });
           }""", name)


def _open_maturity_table(tab, url: str):
    tab.open(f"{url}/ICS_maturity")
    table = _table(tab, "All 42 ICSs")
    expect(table.locator("tbody tr")).to_have_count(ICB_COUNT)
    return table


def _numbers(keys: list[str | None]) -> list[float]:
    return [float(key) for key in keys if key]


def test_a_number_header_sorts_largest_first_then_smallest_with_missing_values_last(app_server, open_tab):
    tab = open_tab()
    table = _open_maturity_table(tab, app_server.url)
    header = _header(table, "Strategy & governance")
    expect(header).to_have_attribute("aria-sort", "none")
    as_drawn = _column(table, "Code")

    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    keys = _column(table, "Strategy & governance")
    scores = _numbers(keys)
    assert len(scores) > 5 and None in keys, keys  # some ICSs are not scored on it
    assert scores == sorted(scores, reverse=True)
    assert keys[len(scores):] == [None] * (ICB_COUNT - len(scores))  # the unscored last

    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    keys = _column(table, "Strategy & governance")
    assert _numbers(keys) == sorted(scores) and keys[len(scores):] == [None] * (ICB_COUNT - len(scores))
    # Only one header is sorted at a time; the rows are the same 42, reordered.
    expect(table.locator("thead th[aria-sort='none']")).to_have_count(table.locator("thead th").count() - 1)
    assert sorted(_column(table, "Code")) == sorted(as_drawn) and _column(table, "Code") != as_drawn
    tab.assert_clean()


def test_a_text_header_sorts_a_to_z_from_the_keyboard(app_server, open_tab):
    tab = open_tab()
    table = _open_maturity_table(tab, app_server.url)
    header = _header(table, "NHS region")
    header.get_by_role("button").focus()
    tab.page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")
    regions = _column(table, "NHS region")
    assert regions == sorted(regions, key=str.casefold) and len(set(regions)) == 7, regions
    tab.page.keyboard.press("Space")
    expect(header).to_have_attribute("aria-sort", "descending")
    assert _column(table, "NHS region") == sorted(regions, key=str.casefold, reverse=True)
    tab.assert_clean()


def test_the_gaps_ranking_keeps_the_readers_order_when_the_theme_changes(app_server, open_tab):
    tab = open_tab()
    tab.open(f"{app_server.url}/Coverage_gaps")
    table = _table(tab, "Need against provision, ranked")
    expect(table.locator("tbody tr").first).to_be_attached()
    rows = table.locator("tbody tr").count()
    header = _header(table, "Assets")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    before = _numbers(_column(table, "Assets"))
    assert before == sorted(before, reverse=True) and before[0] > before[-1]

    tab.choose("Theme", "Dementia")
    expect(table.locator("td", has_text="aged 65+").first).to_be_attached()
    tab.wait_idle()
    expect(_header(table, "Assets")).to_have_attribute("aria-sort", "descending")
    after = _numbers(_column(table, "Assets"))
    assert len(after) == rows and after == sorted(after, reverse=True) and after != before
    tab.assert_clean()
