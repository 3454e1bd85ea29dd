"""The Place and Theme pickers live in the URL: a copied link reopens the same view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _choose_bradford_dementia(tab, server_url: str) -> None:
    tab.open(f"{server_url}/")
    tab.choose("Place", "Bradford")
    expect(tab.heading()).to_have_text("Bradford")
    tab.choose("Theme", "Dementia")
    expect(tab.page).to_have_url(re.compile(r"[?&]place=Bradford(&|$)"))
    expect(tab.page).to_have_url(re.compile(r"[?&]theme=Dementia(&|$)"))
    tab.wait_idle()


def test_copied_url_restores_place_and_theme(app_server, open_tab):
    first = open_tab()
    _choose_bradford_dementia(first, app_server.url)
    copied = first.page.url

    second = open_tab()  # a fresh browser context: no shared session or storage
    second.open(copied)
    expect(second.picker("Place")).to_have_value("Bradford")
    expect(second.picker("Theme")).to_have_value("Dementia")
    expect(second.heading()).to_have_text("Bradford")
    assert second.page.url == copied
    assert first.outside_requests == second.outside_requests == []


def test_sidebar_link_keeps_place_and_theme(app_server, open_tab):
    tab = open_tab()
    _choose_bradford_dementia(tab, app_server.url)

    tab.nav_links().filter(has_text="Assets").click()
    expect(tab.page).to_have_url(re.compile(r"/Assets\?"))
    expect(tab.heading()).to_have_text("Assets")
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"[?&]place=Bradford(&|$)"))
    expect(tab.page).to_have_url(re.compile(r"[?&]theme=Dementia(&|$)"))
    expect(tab.picker("Place")).to_have_value("Bradford")
    expect(tab.picker("Theme")).to_have_value("Dementia")
    assert tab.outside_requests == []
