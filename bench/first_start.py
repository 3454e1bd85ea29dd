"""Server memory of a first start at 100,000 assets, against a restart and the one-line script.

``pages`` measures memory on a server that reads back the snapshots (``ecology.snapshots``) its
own AppTest runs wrote just before, which is the restart case. A new deployment has no snapshots:
its first server computes every page's data. Here one ``serve.py`` starts on a generated
register of 100,000 assets and 50,000 practitioners with an empty snapshots folder, and every page
is opened once in Chromium. Then the same server is started again, with what the first one kept,
and the pages are opened once more. The figure is the process's peak resident set (VmHWM); the
baseline is the one-line script's, measured in the same run. Target: under 1.5 GB.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import Result

TITLE = "Server memory of a first start (no snapshots) and a restart at 100k assets, every page opened once"
N_ASSETS, N_PEOPLE = 100_000, 50_000
TARGET_BYTES = 1_500_000_000  # 1.5 GB


def _open_every_page(browser, server) -> dict[str, float]:
    """Open every page once in a fresh context; return seconds until each was drawn."""
    from bench.pages import PAGE_FILTERS, open_page

    return {path or "Overview": open_page(browser, f"{server.url}/{path}", needs_map=has_map)["seconds"]
            for path, has_map, _widget in PAGE_FILTERS.values()}


def run(result: Result) -> None:
    from playwright.sync_api import sync_playwright

    from bench.first_render import CHROMIUM, CHROMIUM_ARGS
    from bench.pages import Server, _environment, _floor, make_size
    from ecology import paths

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="bench-first-start-") as tmp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            floor = _floor(browser, Path(tmp))["memory"]
            build = make_size(paths.build_dir(), Path(tmp) / "size", N_ASSETS, N_PEOPLE)
            env = _environment(build)
            shutil.rmtree(env["ECOLOGY_SNAPSHOTS_DIR"], ignore_errors=True)
            for label in ("first start", "restart"):
                server = Server("serve.py", env)
                try:
                    drawn = _open_every_page(browser, server)
                    peak = server.peak_memory()
                finally:
                    server.stop()
                result.add(f"{label}: server peak memory, every page opened once", peak, "B",
                           baseline=floor, baseline_label="one-line script", target=TARGET_BYTES)
                result.add(f"{label}: Overview drawn (the first page opened)", drawn["Overview"], "s")
                result.note(f"{label}: drawn in " + ", ".join(f"{page} {seconds:.2f} s"
                                                           for page, seconds in drawn.items()))
        finally:
            browser.close()
