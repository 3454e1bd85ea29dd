"""Links that reopen a view: the page, place, theme and page settings in the URL.

Bound widgets read their value from the URL by its *label* (``?place=Bradford``),
so a link names the place and theme as the pickers show them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ecology import settings

DEFAULT_BASE = settings.DEFAULT_PUBLIC_URL


def public_base() -> str:
    """Return the app's address for links in files made outside a browser (``ECOLOGY_PUBLIC_URL``)."""
    return settings.current().public_url


def view_params(place_label: str | None, theme_label: str | None, settings: dict[str, object] | None = None
                ) -> dict[str, str]:
    """Return the query parameters of a view (England and all themes are the defaults, left out)."""
    params = {}
    if place_label and place_label != "England":
        params["place"] = place_label
    if theme_label and theme_label != "All themes":
        params["theme"] = theme_label
    for key, value in (settings or {}).items():
        if value not in (None, "", [], ()):
            params[key] = value if isinstance(value, str) else str(value)
    return params


def view_url(base: str, url_path: str, params: dict[str, str]) -> str:
    """Return ``base/url_path?params`` (``url_path`` "" for the home page)."""
    address = base.rstrip("/") + ("/" + url_path if url_path else "/")
    return address + ("?" + urlencode(params) if params else "")
