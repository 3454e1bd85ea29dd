"""With an outside tile server configured but unreachable, the map still draws."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TILE_HOST = "tile.openstreetmap.org"
CDN_HOSTS = {"cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna.bootstrapcdn.com"}


def test_map_draws_when_the_tile_server_is_unreachable(osm_server, open_tab):
    tab = open_tab()
    # Listen before navigating, so the first aborted tile request cannot be missed.
    with tab.page.expect_event("requestfailed", lambda request: urlsplit(request.url).hostname == TILE_HOST):
        tab.open(f"{osm_server.url}/")
    expect(tab.map_shapes()).to_have_count(42)

    hosts = {urlsplit(url).hostname for url in tab.outside_requests}
    assert hosts == {TILE_HOST}, tab.outside_requests
    assert not hosts & CDN_HOSTS
    assert all(urlsplit(url).path.endswith(".png") for url in tab.outside_requests)
