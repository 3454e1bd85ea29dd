"""Preload hints (ecology/ui/preload.py): the root page names the chunks every page needs, and Leaflet."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import streamlit

from ecology.ui import preload, serving
from tests.unit.test_serving import FileServer, fetch

STREAMLIT_PAGE = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()


def _preloaded(page: str) -> str:
    """Return the file names the page's own ``<link rel=modulepreload>`` tags name, one per line."""
    return "\n".join(re.findall(r'<link rel="modulepreload"[^>]*href="\./static/js/([^"]+)"', page))


def _sources(**chunks: str):
    return lambda name: chunks.get(name)


def test_static_imports_are_read_from_minified_chunks_in_order_and_once():
    source = 'import{a as b}from"./x.AB1.js";import"./y.CD2.js";import{c}from "./x.AB1.js";const s="./z.js";'
    assert preload.chunk_imports(source) == ["x.AB1.js", "y.CD2.js"]


def test_the_closure_lists_dependencies_before_what_imports_them_and_survives_a_cycle():
    read = _sources(**{"Top.js": 'import"./mid.js";import"./leaf.js"', "mid.js": 'import"./leaf.js";import"./Top.js"',
                       "leaf.js": "export const x=1"})
    assert preload.chunk_closure(["Top.js"], read) == ["leaf.js", "mid.js", "Top.js"]


def test_a_chunk_missing_from_the_installed_streamlit_is_left_out():
    read = _sources(**{"Top.js": 'import"./gone.js"'})
    assert preload.chunk_closure(["Top.js", "Renamed.js"], read) == ["Top.js"]


def test_hints_skip_what_the_page_already_preloads_and_leave_leaflet_without_crossorigin():
    page = '<link rel="modulepreload" crossorigin href="./static/js/react.A1.js">'
    markup = preload.hint_markup(["react.A1.js", "Selectbox.B2.js"], page, ["/app/static/l.js"], ["/app/static/l.css"])
    assert "react.A1.js" not in markup
    assert '<link rel="modulepreload" crossorigin fetchpriority="low" href="./static/js/Selectbox.B2.js">' in markup
    assert '<link rel="preload" as="script" href="/app/static/l.js">' in markup
    assert '<link rel="preload" as="style" href="/app/static/l.css">' in markup


def test_every_element_chunk_exists_in_the_installed_streamlit():
    # A Streamlit upgrade that renames one of them would silently drop its hint: fail here instead.
    stems = {name.split(".")[0] for name in preload._element_roots()}
    assert stems == set(preload.ELEMENT_CHUNKS)


def test_streamlits_own_page_gets_hints_for_files_that_exist_and_keeps_its_entry_script():
    hinted = preload.with_hints(STREAMLIT_PAGE).decode()
    named = re.findall(r'<link rel="modulepreload" crossorigin fetchpriority="low" href="\./static/js/([^"]+)"', hinted)
    assert len(named) > len(preload.ELEMENT_CHUNKS)  # the elements and what they import
    assert all((preload.STATIC_JS / name).is_file() for name in named)
    assert len(set(named)) == len(named) and not any(f'crossorigin href="./static/js/{n}"' in
                                                     STREAMLIT_PAGE.decode() for n in named)
    assert hinted.index("/app/static/vendor/leaflet/leaflet.js") < hinted.index("</head>")
    assert hinted.replace(preload._hints_for(STREAMLIT_PAGE).decode() + "\n  ", "", 1) == STREAMLIT_PAGE.decode()


def test_any_other_html_is_left_as_it_is():
    page = b"<html><head><title>x</title></head><body></body></html>"
    assert preload.with_hints(page) == page


def test_the_middleware_asks_for_the_page_uncompressed_and_sends_it_hinted_with_its_length():
    seen_encodings = []

    class Page(FileServer):
        async def __call__(self, scope, receive, send):
            seen_encodings.append(dict(scope["headers"]).get(b"accept-encoding"))
            await super().__call__(scope, receive, send)

    inner = Page(STREAMLIT_PAGE, content_type=b"text/html; charset=utf-8")
    status, headers, body = fetch(preload.PreloadHints(inner), "/Practitioners")
    assert seen_encodings == [None] and status == 200
    assert body == preload.with_hints(STREAMLIT_PAGE, segment="Practitioners")
    assert int(headers["content-length"]) == len(body)
    assert "etag" not in headers and "last-modified" not in headers  # they name the file, not the hinted page


def test_behind_compression_a_page_path_arrives_gzipped_with_its_hints():
    app = serving.CompressOnce(preload.PreloadHints(FileServer(STREAMLIT_PAGE, content_type=b"text/html")))
    status, headers, body = fetch(app, "/assets")
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == preload.with_hints(STREAMLIT_PAGE, grid=True, segment="Assets")


def test_static_files_websockets_and_other_methods_pass_straight_through():
    inner = FileServer()
    for path, kwargs in (("/static/js/index.abc.js", {}), ("/_stcore/health", {}), ("/", {"method": "HEAD"})):
        status, headers, body = fetch(preload.PreloadHints(inner), path, **kwargs)
        assert (status, headers.get("etag")) == (200, '"abc"')
        assert body == (b"" if kwargs else inner.body)


def test_the_pages_that_open_with_a_grid_are_pages_of_the_app_and_get_its_chunks_too():
    from ecology.site import PAGES

    assert set(preload.GRID_PAGES) <= {page.url_path.lower() for page in PAGES}
    assert preload.opens_with_grid("/Assets") and preload.opens_with_grid("/data/")
    assert not preload.opens_with_grid("/ICS_maturity") and not preload.opens_with_grid("/Coverage_gaps")
    assert not preload.opens_with_grid("/") and not preload.opens_with_grid("/Practitioners")
    plain, grid = preload.with_hints(STREAMLIT_PAGE).decode(), preload.with_hints(STREAMLIT_PAGE, grid=True).decode()
    assert "DataFrame." not in _preloaded(plain) and "DataFrame." in _preloaded(grid)
    assert grid.count('rel="modulepreload"') > plain.count('rel="modulepreload"') + 20  # the grid's own imports too


def test_the_middleware_hints_the_grid_on_a_grid_page_only():
    inner = FileServer(STREAMLIT_PAGE, content_type=b"text/html; charset=utf-8")
    assert "DataFrame." in _preloaded(fetch(preload.PreloadHints(inner), "/Assets")[2].decode())
    assert "DataFrame." not in _preloaded(fetch(preload.PreloadHints(inner), "/Practitioners")[2].decode())


def test_a_page_without_a_grid_asks_for_the_grids_other_chunks_once_idle_and_a_grid_page_does_not():
    plain, grid = preload.with_hints(STREAMLIT_PAGE).decode(), preload.with_hints(STREAMLIT_PAGE, grid=True).decode()
    assert "idlePreload" in plain and "idlePreload" not in grid
    start = plain.rindex("<script>", 0, plain.index("idlePreload"))
    idle = plain[start:plain.index("</script>", start)]
    later = re.findall(r'"\./static/js/([^"]+)"', idle)
    eager, grid_closure = set(_preloaded(plain).split()), set(_preloaded(grid).split())
    assert any(name.startswith("DataFrame.") for name in later) and len(later) == len(set(later))
    assert set(later) == grid_closure - eager  # the grid's chunks the page has not already named
    assert "saveData" in idle and "notRunning" in idle  # not on a data-saving connection; after the first run
    assert start < plain.index("</head>")


def test_a_page_opened_at_its_own_address_is_told_the_apps_root_and_the_root_page_is_not():
    assert preload.page_segment("/ICS_maturity") == "ICS_maturity"
    assert preload.page_segment("/prefix/data/") == "Data"  # behind a proxy's prefix, any case
    assert preload.page_segment("/") is None and preload.page_segment("/no_such_page") is None
    inner = FileServer(STREAMLIT_PAGE, content_type=b"text/html; charset=utf-8")
    deep = fetch(preload.PreloadHints(inner), "/ICS_maturity")[2].decode()
    root = fetch(preload.PreloadHints(inner), "/")[2].decode()
    assert "BACKEND_BASE_URL" in deep and "BACKEND_BASE_URL" not in root
    script = deep[deep.rindex("<script>", 0, deep.index("BACKEND_BASE_URL")):]
    assert '"ics_maturity"' in script and "location.pathname" in script
    # Set before Streamlit's entry module runs (a module waits for the page to be parsed) and
    # merged into any configuration already there.
    assert deep.index("BACKEND_BASE_URL") < deep.index("</head>")
    assert "Object.assign({}, window.__streamlit" in script
