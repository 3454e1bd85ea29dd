"""Running a page under AppTest as the server would (shared by the page tests)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(file: str, editors: dict[str, str] | None = None, **query: str) -> AppTest:
    """Return a page after its first run: app.py is the entry point, other pages are switched to,
    ``query`` is the URL it was opened with. Fails if the page raised."""
    at = AppTest.from_file(APP, default_timeout=90)
    # Always set secrets: without them AppTest would read a developer's own secrets.toml.
    at.secrets["editors"] = editors or {}
    for key, value in query.items():
        at.query_params[key] = value
    if file != "app.py":
        at.switch_page(file)
    at.run()
    assert not at.exception, at.exception[0].message
    return at
