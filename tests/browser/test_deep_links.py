"""A deep link to every page renders that page, with the shared sidebar."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ecology.site import APP_NAME, PAGES

pytestmark = pytest.mark.browser


# Not named "page": that is the usual name of a Playwright page fixture, which readers would expect here.
@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_deep_link_renders_the_page_with_its_sidebar(app_server, open_tab, app_page):
    tab = open_tab()
    asked: list[str] = []
    tab.page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    tab.open(f"{app_server.url}/{app_page.url_path}")

    expect(tab.page).to_have_title(f"{app_page.title} · {APP_NAME}")
    # The home page's h1 is the chosen place (England by default); every other page's is its title.
    expect(tab.heading()).to_have_text("England" if app_page.file == "app.py" else app_page.title)

    # The shared sidebar (open at desktop width): both pickers, and a link to every page.
    expect(tab.picker("Place")).to_be_visible()
    expect(tab.picker("Place")).to_have_value("England")
    expect(tab.picker("Theme")).to_be_visible()
    expect(tab.picker("Theme")).to_have_value("All themes")
    expect(tab.nav_labels()).to_have_text([p.title for p in PAGES])
    expect(tab.nav_links().last).to_be_visible()

    # The frontend went straight to the server at the app's root: it never first looked for one at
    # the page's own address (/<page>/_stcore/health), a failed round trip before anything is drawn.
    assert [path for path in asked if "/_stcore/" in path and not path.startswith("/_stcore/")] == []
    assert "/_stcore/health" in asked
    tab.assert_clean()
