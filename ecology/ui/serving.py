"""Serving the app: what ``serve.py`` (``streamlit run serve.py``) adds to Streamlit's own server.

Two things, both measured in ``bench/first_render.py``:

* ``CompressOnce``: Streamlit's server sends its frontend bundles and the root page uncompressed
  (its gzip middleware skips them, because compressing on every request costs CPU). This
  middleware compresses each static file once, keeps the result in memory and sends that to
  every later visitor, so a first visit carries about a third of the bytes. Deployments behind a
  reverse proxy that compresses (SECURITY.md) can leave it in: responses that are already encoded
  pass through untouched.
* ``lifespan``: from the moment the server starts, a background thread imports what the pages
  import, loads what the Overview reads and renders its map, while the first visitor's browser is
  still loading Streamlit's frontend. (The maps are a v2 component, registered again on whichever
  runtime mounts them, so declaring it here, outside a script run, is safe; streamlit-folium's own
  iframe component, which is not, is never used.) When it is done it moves everything loaded so
  far (imports, the place tree, the boundaries) out of the garbage collector's sight
  (``gc.freeze``): they live as long as the server, and every later collection would walk them
  again.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import hashlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from streamlit.logger import get_logger

from ecology import snapshots

_LOG = get_logger(__name__)  # Streamlit's handler and format, so the line shows in the server's log

# Paths whose responses are the same for every visitor (content-hashed bundles, the project's
# static folder, component files): compressed once and kept.
CACHED_PREFIXES = ("/static/", "/app/static/", "/component/")
# Paths that are never one of the app's pages (Streamlit serves its root page at "/" and at each
# page's own path, such as "/assets").
NOT_PAGE_PREFIXES = ("/_stcore/", "/static/", "/app/static/", "/component/", "/media/")
COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
                      "application/manifest+json", "font/ttf", "application/wasm")
MINIMUM_BYTES = 1024
CACHE_LIMIT_BYTES = 64 * 1024 * 1024


def _header(scope: dict, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value
    return b""


def is_page_path(path: str) -> bool:
    """Return whether a request path may be one of the app's pages (Streamlit's root page)."""
    return not path.startswith(NOT_PAGE_PREFIXES)


def accepts_gzip(scope: dict) -> bool:
    """Return whether the request's Accept-Encoding allows gzip (not refused with q=0)."""
    for part in _header(scope, b"accept-encoding").decode("latin-1").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def compressible(headers: list[tuple[bytes, bytes]]) -> bool:
    """Return whether a response with these headers should be gzipped (a text type, not yet encoded)."""
    found = {k.decode("latin-1").lower(): v.decode("latin-1").lower() for k, v in headers}
    return "content-encoding" not in found and found.get("content-type", "").startswith(COMPRESSIBLE_TYPES)


def gzipped_headers(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    """Return the headers of the compressed response: new length, gzip encoding, Vary."""
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-encoding", b"vary")]
    vary = [v for k, v in headers if k.lower() == b"vary"]
    vary_value = b", ".join([*vary, b"Accept-Encoding"]) if vary and b"accept-encoding" not in vary[0].lower() \
        else (vary[0] if vary else b"Accept-Encoding")
    return [*kept, (b"content-encoding", b"gzip"), (b"content-length", str(length).encode()), (b"vary", vary_value)]


async def call_with_whole_body(app, scope, receive, send, *, wanted: Callable[[dict], bool],
                               respond: Callable[[dict, bytes], Awaitable[None]]) -> None:
    """Call the ASGI ``app``: a response whose start message ``wanted`` accepts is collected whole
    and handed to ``respond(start, body)``, which sends it; any other is passed on as it comes."""
    start: dict = {}
    chunks: list[bytes] = []

    async def capture(message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            if not wanted(message):
                start["passthrough"] = True
                await send(message)
            return
        if start.get("passthrough"):
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            await respond(start, b"".join(chunks))

    await app(scope, receive, capture)


class CompressOnce:
    """ASGI middleware: gzip the static files and pages Streamlit sends uncompressed; static ones once."""

    def __init__(self, app, *, cache_limit_bytes: int = CACHE_LIMIT_BYTES):
        self.app = app
        self.cache_limit_bytes = cache_limit_bytes
        self._cache: dict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}
        self._cached_bytes = 0
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else None
        cacheable = path is not None and path.startswith(CACHED_PREFIXES)
        if (path is None or scope.get("method") not in ("GET", "HEAD") or not (cacheable or is_page_path(path))
                or not accepts_gzip(scope) or _header(scope, b"range")):
            await self.app(scope, receive, send)
            return
        key = path.encode() + b"?" + scope.get("query_string", b"")
        if cacheable and (hit := self._cache.get(key)) is not None and not _header(scope, b"if-none-match"):
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        await self._compress(scope, receive, send, key if cacheable else None)

    async def _compress(self, scope, receive, send, key: bytes | None) -> None:
        def wanted(start: dict) -> bool:
            return start["status"] == 200 and compressible(list(start.get("headers", ())))

        async def respond(start: dict, body: bytes) -> None:
            if len(body) < MINIMUM_BYTES or scope["method"] == "HEAD":
                await send({**start, "headers": list(start.get("headers", ()))})
                await send({"type": "http.response.body", "body": body})
                return
            packed = (_packed_static(key, body) if key is not None
                      else gzip.compress(body, compresslevel=6, mtime=0))
            headers = gzipped_headers(list(start.get("headers", ())), len(packed))
            if key is not None:
                self._keep(key, start["status"], headers, packed)
            await send({"type": "http.response.start", "status": start["status"], "headers": headers})
            await send({"type": "http.response.body", "body": packed})

        await call_with_whole_body(self.app, scope, receive, send, wanted=wanted, respond=respond)

    def _keep(self, key: bytes, status: int, headers: list, body: bytes) -> None:
        with self._lock:
            if key not in self._cache and self._cached_bytes + len(body) <= self.cache_limit_bytes:
                self._cache[key] = (status, headers, body)
                self._cached_bytes += len(body)


def _packed_static(key: bytes, body: bytes) -> bytes:
    """Return a static file gzipped at the highest level: from the snapshots on disk when an earlier
    server packed the same bytes at the same path, so a restart compresses nothing. Keyed on the
    bytes' SHA-256 (about 1 ms a MB, against 40 ms for gzip): a file's tag is only its size and
    modification time, which a copy that keeps times can leave unchanged."""
    name = snapshots.name_for("static", key.decode("latin-1").split("?", 1)[0])
    digest = snapshots.bytes_key(key.decode("latin-1"), hashlib.sha256(body).hexdigest())
    return snapshots.kept(name, digest, lambda: gzip.compress(body, compresslevel=9, mtime=0))


def warm_up(*, report: Callable[[str], None] = _LOG.info) -> float:
    """Import what the pages import, load what the Overview reads and render its map's base; return
    the seconds it took.

    Runs outside any script run, so Streamlit's caches are filled for the first visitor.
    """
    started = time.perf_counter()
    # Streamlit warns about each cache call outside a script run; here that is the point.
    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    context_log.setLevel(logging.ERROR)
    # Imports and frame building make millions of objects that all live on: collecting while they
    # are made only walks them again and again (a quarter of the warm-up's time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _load_the_overview()
    finally:
        if collecting:
            gc.enable()
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the server: later collections skip it
    seconds = time.perf_counter() - started
    report(f"warmed the imports and the Overview's data in {seconds:.2f} s")
    return seconds


def _load_the_overview() -> None:
    """Import the pages' modules and fill the caches the Overview of England reads."""
    # The maps' library, imported by every page with a map. Not plotly: only a view the user asks
    # for (the investment scatter) uses it, and its import would compete with the first page.
    import folium  # noqa: F401

    from ecology.maps import leaflet
    from ecology.places import geography
    from ecology.ui import loaders, mapview, overview_sections

    loaders.the_register()
    loaders.place_tree()
    for level in ("icb", "lad"):
        loaders.web_layer(level)
    leaflet.use_local_assets()  # as every page does first: the rendered base names the app's own Leaflet
    mapview.keep_base(leaflet.overview_map(loaders.web_layer("icb")), overview_sections.MAP_BASE_KEY)
    loaders.gap_inputs()
    overview_sections.profile_of(geography.ENGLAND_CODE, None)


@contextlib.asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """Start ``warm_up`` in a background thread and serve at once (a failure there is only logged:
    the first visitor then does the work, as without it)."""

    def run() -> None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 (the page will meet and report the same problem)
            _LOG.exception("warming up failed; the first page load will do the work")

    threading.Thread(target=run, name="warm-up", daemon=True).start()
    yield
