"""Small helpers several browser test files share (imported by name, like tests/page/page_runner)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

DOWNLOAD_TIMEOUT_MS = 60_000

# What Leaflet has drawn for the assets layer: cluster icons (their number) and single
# circle markers (SVG paths). The place outline is not interactive, so it is not counted.
# "moving": a zoom or cluster animation is under way (clusters split and merge during it).
MAP_DRAWN_JS = """() => {
    const clusters = [...document.querySelectorAll('.eco-map .marker-cluster')]
        .map(el => parseInt(el.textContent.trim(), 10));
    const singles = document.querySelectorAll('.eco-map path.leaflet-interactive').length;
    const moving = document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim') !== null;
    return {clusters, singles, total: clusters.reduce((a, b) => a + b, 0) + singles, moving};
}"""


def save_download(tab, button, target: Path, *, timeout_ms: int = DOWNLOAD_TIMEOUT_MS) -> Path:
    """Click a download ``button`` (a locator) and save what it sends to ``target``.

    It waits for the app to be idle first: a button drawn by a run that is being replaced holds a
    file id the server is about to drop."""
    tab.wait_idle()
    expect(button).to_be_enabled()
    with tab.page.expect_download(timeout=timeout_ms) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    download.save_as(target)
    return target
