"""Preload hints: the root page names, up front, the scripts every page of the app will need.

Streamlit's frontend loads the code of each kind of element (a select box, a page link, a custom
component) only when the first element of that kind arrives over the WebSocket, and that code's
own imports after it: a waterfall of round trips that starts after the script has run. The app's
pages all use the same few kinds, and every page with a map needs Leaflet. ``PreloadHints`` adds
``<link rel="modulepreload">`` for those chunks (and every chunk they import) and ``<link
rel="preload">`` for Leaflet to the root page, so the browser fetches and compiles them while the
WebSocket is still connecting. A page that opens without a data grid also asks for the grid's
chunks once it is drawn and the browser is idle, so the first visit to a page with one does not
wait for them. A chunk not found in the installed Streamlit (renamed in another
version) is skipped: the page then loads it the usual way.

A page opened at its own address (``/ICS_maturity``) is also told where the app's server is
(``base_address_script``): otherwise Streamlit's frontend first looks for the server at the
page's address, waits for that to fail, and only then connects at the app's root, which cost
each such page about 180 ms before anything was drawn.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import streamlit

from ecology.site import PAGES
from ecology.sources.vendor import url_of
from ecology.ui.serving import call_with_whole_body, is_page_path

# The lazily loaded element chunks the pages use from their first run (the sidebar's select boxes
# and page links, the download buttons, st.html legends, the map and chart components, segmented
# controls). Found by listing the scripts a page load requests after Streamlit's entry bundle.
ELEMENT_CHUNKS = ("Selectbox", "PageLink", "DownloadButton", "Html", "BidiComponent", "ButtonGroup")
# The data grid (st.dataframe), on the pages that open with one: 1.5 MB of scripts in 28 chunks,
# otherwise fetched only once the grid's element has arrived.
GRID_CHUNKS = ("DataFrame",)
GRID_PAGES = ("assets", "data")  # site.PAGES url paths, lower case
# Other pages ask for the grid's chunks once idle (``idle_preload_script``): they poll for the end of
# the first run every POLL_MS, give up waiting after WAIT_AT_MOST_MS, then wait for an idle moment
# (at most IDLE_TIMEOUT_MS).
POLL_MS, WAIT_AT_MOST_MS, IDLE_TIMEOUT_MS = 200, 10_000, 2_000
STATIC_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Static imports in a minified chunk: `from"./x.js"` and bare `import"./x.js"`.
_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.$-]+\.js)"')
_ENTRY_SCRIPT = b'<script type="module" crossorigin src="./static/js/index.'


def chunk_imports(source: str) -> list[str]:
    """Return the file names a chunk imports statically, in order, each once."""
    return list(dict.fromkeys(_IMPORT.findall(source)))


def chunk_closure(roots: list[str], read) -> list[str]:
    """Return ``roots`` and every chunk they import, directly or not: each once, dependencies first.

    ``read(name)`` returns a chunk's source, or None when there is no such file.
    """
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        source = read(name)
        if source is None:
            return
        for imported in chunk_imports(source):
            visit(imported)
        ordered.append(name)

    for root in roots:
        visit(root)
    return ordered


def _read_chunk(name: str) -> str | None:
    path = STATIC_JS / name
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def _element_roots(stems: tuple[str, ...] = ELEMENT_CHUNKS) -> list[str]:
    """Return the installed file name of each element chunk (``Selectbox.<hash>.js``) that exists."""
    found = []
    for stem in stems:
        matches = sorted(p.name for p in STATIC_JS.glob(f"{stem}.*.js") if p.name.count(".") == 2)
        found.extend(matches[:1])
    return found


def hint_markup(chunks: list[str], already: str, scripts: list[str], styles: list[str]) -> str:
    """Return the ``<link>`` tags for the chunks not already named in the page, then the app's
    scripts and stylesheets (a script preload without ``crossorigin``: the map loads it by a plain
    ``<script src>``, and a preload only serves a request made in the same mode)."""
    tags = [f'<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/{html.escape(name)}">'
            for name in chunks if f"/{name}" not in already]
    tags += [f'<link rel="preload" as="script" href="{html.escape(url)}">' for url in scripts]
    tags += [f'<link rel="preload" as="style" href="{html.escape(url)}">' for url in styles]
    return "\n    ".join(tags)


def idle_preload_script(chunks: list[str]) -> str:
    """Return an inline script that, once the app has finished its first run and the browser is
    idle, asks for ``chunks`` (low priority, compiled when they arrive), unless the visitor's
    browser asks to save data. A page without a grid thereby readies the grid for the first visit
    to a page with one, instead of that visit waiting for 28 chunks one round trip after another."""
    hrefs = json.dumps([f"./static/js/{name}" for name in chunks])
    return f"""<script>
    (() => {{
      const connection = navigator.connection;
      if (connection && connection.saveData) return;
      const ask = () => {{
        for (const href of {hrefs}) {{
          if (document.querySelector(`link[href="${{href}}"]`)) continue;
          const link = document.createElement("link");
          link.rel = "modulepreload"; link.crossOrigin = ""; link.fetchPriority = "low"; link.href = href;
          link.dataset.idlePreload = "";
          document.head.appendChild(link);
        }}
      }};
      const idle = () => (window.requestIdleCallback ? requestIdleCallback(ask, {{timeout: {IDLE_TIMEOUT_MS}}})
                          : setTimeout(ask, 0));
      // Waits for the first run's end (Streamlit marks it on its app element), so the landing page's
      // own scripts, data and map come first; after {WAIT_AT_MOST_MS} ms it asks anyway.
      const started = Date.now();
      const poll = setInterval(() => {{
        if (document.querySelector("[data-test-script-state='notRunning']") || Date.now() - started > {WAIT_AT_MOST_MS}) {{
          clearInterval(poll); idle();
        }}
      }}, {POLL_MS});
    }})();
    </script>"""


@functools.cache
def _hints_for(page: bytes, *, grid: bool = False) -> bytes:
    roots = _element_roots(ELEMENT_CHUNKS + (GRID_CHUNKS if grid else ()))
    chunks = chunk_closure(roots, _read_chunk)
    markup = hint_markup(chunks, page.decode("utf-8", "replace"),
                         [url_of("leaflet", "leaflet.js")], [url_of("leaflet", "leaflet.css")])
    if not grid:
        later = [name for name in chunk_closure(_element_roots(GRID_CHUNKS), _read_chunk) if name not in chunks]
        markup += "\n    " + idle_preload_script(later)
    return markup.encode()


def opens_with_grid(path: str) -> bool:
    """Return whether the page at this request path opens with a data grid."""
    segment = page_segment(path)
    return segment is not None and segment.lower() in GRID_PAGES


def page_segment(path: str) -> str | None:
    """Return the app page a request path opens by its own address (``"ICS_maturity"`` for
    ``/ICS_maturity/``, as ``site.PAGES`` spells it), or None for the root and unknown paths."""
    last = path.rstrip("/").rsplit("/", 1)[-1].lower()
    return next((page.url_path for page in PAGES if page.url_path and page.url_path.lower() == last), None)


def base_address_script(segment: str) -> str:
    """Return an inline script that sets Streamlit's ``BACKEND_BASE_URL`` to the address the page
    is at without its last ``segment`` (the app's root, whatever prefix a proxy serves it under),
    so the frontend connects there at once instead of first trying the page's own address."""
    return f"""<script>
    (() => {{
      const segment = {json.dumps(segment.lower())};
      const path = location.pathname.replace(/\\/+$/, "");
      if (!path.toLowerCase().endsWith("/" + segment)) return;
      const root = new URL(path.slice(0, path.length - segment.length), location.href);
      window.__streamlit = Object.assign({{}}, window.__streamlit, {{BACKEND_BASE_URL: root.href}});
    }})();
    </script>"""


def with_hints(page: bytes, *, grid: bool = False, segment: str | None = None) -> bytes:
    """Return Streamlit's root page with the preload hints added before ``</head>`` (with ``grid``,
    the data grid's chunks too; with a page ``segment``, ``base_address_script``); unchanged when
    it is not that page."""
    if _ENTRY_SCRIPT not in page or b"</head>" not in page:
        return page
    added = _hints_for(page, grid=grid)
    if segment is not None:
        added = base_address_script(segment).encode() + b"\n    " + added
    return page.replace(b"</head>", added + b"\n  </head>", 1)


class PreloadHints:
    """ASGI middleware: add the preload hints to every HTML page Streamlit serves (its root page,
    also served at each page's own path)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not is_page_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        # The page is asked for uncompressed so it can be edited; CompressOnce, outside, compresses it.
        scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", ()) if k.lower() != b"accept-encoding"]}

        def wanted(start: dict) -> bool:
            headers = {k.lower(): v.lower() for k, v in start.get("headers", ())}
            return (start["status"] == 200 and b"content-encoding" not in headers
                    and headers.get(b"content-type", b"").startswith(b"text/html"))

        async def respond(start: dict, page: bytes) -> None:
            path = scope.get("path", "")
            body = with_hints(page, grid=opens_with_grid(path), segment=page_segment(path))
            # Not Streamlit's tag or date: they name the file, not this page with its hints.
            headers = [(k, v) for k, v in start.get("headers", ())
                       if k.lower() not in (b"content-length", b"etag", b"last-modified")]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await call_with_whole_body(self.app, scope, receive, send, wanted=wanted, respond=respond)
