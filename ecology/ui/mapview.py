"""Showing a folium map in a page, and its legend.

folium renders a map to Leaflet JavaScript; ``leaflet_map.js``, a Streamlit v2 component, runs
that script in the page itself (no iframe, unlike streamlit-folium's component). Leaflet's files
load once per browser tab and stay loaded across page switches, and a map is built once per base
script: a rerun that changes only its layers or view swaps those in place.

Rendering is costly too (for the Overview's 42 ICBs about 70 ms, a layer of 296 local authorities
about 115 ms, each time, for text that does not change), so the base map (the same whatever the
page's settings) is rendered once per data build and kept, and a layer is kept by a key its maker
gives (the inputs it was drawn from). The script and layers are exactly those streamlit-folium
would send (``tests/unit/test_map_frames.py`` checks that).
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import folium
import streamlit as st
import streamlit_folium

from ecology.maps import leaflet
from ecology.maps.leaflet import LayeredMap, MapView
from ecology.ui import loaders

# Leaflet's own stylesheet does the rest; these keep Streamlit's page styles from reaching into the
# map, and give folium's tooltips (a small table of name and value) a readable layout.
_MAP_CSS = """
.eco-map { position: relative; width: 100%; z-index: 0; }
.eco-map.leaflet-container { font-size: 0.875rem; }
.eco-map img { max-width: none; }
.eco-map .foliumtooltip table { margin: auto; }
.eco-map .foliumtooltip th, .eco-map .foliumtooltip td { padding: 2px 4px; text-align: left; border: none; }
.eco-map .foliumtooltip tr { background: none; }
"""

# Declared once at import (a v2 component is registered again on whichever runtime mounts it).
_map_component = st.components.v2.component(
    "ecology.leaflet_map", js=(Path(__file__).with_name("leaflet_map.js")).read_text(encoding="utf-8"),
    css=_MAP_CSS, isolate_styles=False)


@dataclass(frozen=True)
class BaseFrame:
    """A base map rendered for the component: its Leaflet script and the files it needs (URLs)."""

    script: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def render_base(fmap: folium.Map) -> BaseFrame:
    """Return ``fmap`` rendered as streamlit-folium renders a map for its component (its own steps)."""
    fmap.render()
    streamlit_folium._get_html(fmap)  # before the script, as st_folium does: rendering the page alters the map
    script = streamlit_folium._get_map_string(fmap)
    css, js = [], []
    for element in _elements(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return BaseFrame(script, tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js)))


def _elements(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def render_layers(layers: list[folium.FeatureGroup]) -> str:
    """Return the JavaScript that adds ``layers`` to a drawn map (what ``feature_group_to_add`` sends)."""
    host = leaflet.base_map()  # the layers' parent while rendering; its name becomes "map_div", as in st_folium
    return "".join(streamlit_folium._get_feature_group_string(layer, map=host, idx=index)
                   for index, layer in enumerate(layers))


@st.cache_resource(show_spinner=False, max_entries=16)
def _kept_base(base_key: str, build_key: str, tiles: tuple[str, str], _fmap: folium.Map) -> BaseFrame:
    return render_base(_fmap)


def keep_base(fmap: folium.Map, base_key: str) -> BaseFrame:
    """Return ``fmap`` rendered, once per ``base_key`` (a name for a base that is the same for every
    rerun of every session), data build and tile setting."""
    return _kept_base(base_key, loaders.build_key(), leaflet.tile_setting(), fmap)


@st.cache_resource(show_spinner=False, max_entries=64)
def _kept_layers(layers_key: Hashable, build_key: str, tiles: tuple[str, str], _layers: list) -> str:
    return render_layers(_layers)


def frame_data(base: BaseFrame, layer_script: str | None, view: MapView | None, *, height: int,
               label: str) -> dict:
    """Return what ``leaflet_map.js`` is sent for a map: scripts, file URLs, view (lat/lon degrees,
    Leaflet zoom), height in px and the map's accessible name (JSON-ready)."""
    return {"script": base.script, "layers": layer_script, "height": height, "label": label,
            "center": list(view.center) if view else None, "zoom": view.zoom if view else None,
            "css_links": list(base.css_links), "js_links": list(base.js_links)}


def show_map(fmap: folium.Map, key: str, height: int = 560, *, layers: list[folium.FeatureGroup] | None = None,
             view: MapView | None = None, base_key: str | None = None, layers_key: Hashable | None = None,
             label: str = "Map") -> None:
    """Render a map at the container's width. Pans and zooms do not rerun the page.

    ``layers`` and ``view`` change a map already drawn in place: the browser keeps the map (its
    base script is the same) and only swaps those layers and moves to the view.
    ``base_key`` names a base that is the same for every rerun of every session (rendered once
    per data build); ``layers_key`` is a hashable summary of everything the layers were drawn
    from (rendered once per key). Without them the map is rendered on this rerun. ``label``
    names the map for screen readers.
    """
    stamp, tiles = loaders.build_key(), leaflet.tile_setting()
    base = _kept_base(base_key, stamp, tiles, fmap) if base_key else render_base(fmap)
    shown = [layer for layer in (layers or []) if layer is not None]
    layer_script = None
    if layers is not None:  # an empty string, not None, so the browser removes the last place's layers
        layer_script = _kept_layers(layers_key, stamp, tiles, shown) if layers_key is not None else \
            render_layers(shown)
    _map_component(key=key, data=frame_data(base, layer_script, view, height=height, label=label))


@st.cache_resource(show_spinner=False, max_entries=16)
def _kept_map(map_key: Hashable, build_key: str, tiles: tuple[str, str], _make: Callable[[], LayeredMap]) -> LayeredMap:
    return dataclasses.replace(_make(), layers_key=map_key)


def kept(map_key: Hashable, make: Callable[[], LayeredMap]) -> LayeredMap:
    """Return the map ``make`` builds, built once per ``map_key`` (a hashable summary of every input
    it is drawn from) and data build, with its layers kept by the same key.

    Building folium elements is itself costly (each compiles its own template: 0.4 s for 170
    cluster circles), so a map whose inputs repeat is not built again, only shown. Change its
    ``view`` with ``dataclasses.replace``; do not change what it holds."""
    return _kept_map(map_key, loaders.build_key(), leaflet.tile_setting(), make)


def show_layered(drawn: LayeredMap, key: str, height: int = 560, *, label: str = "Map") -> None:
    """Render a layered map: its base once, its layers and view changed in place on later reruns."""
    show_map(drawn.base, key=key, height=height, layers=drawn.layers, view=drawn.view, base_key=drawn.base_key,
             layers_key=drawn.layers_key, label=label)


def legend(title: str, items: list[tuple[str, str]]) -> None:
    """Render a colour legend as text beside the map (readable by screen readers)."""
    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;margin:0 12px 4px 0'>"
        f"<span style='width:14px;height:14px;background:{html.escape(colour)};display:inline-block;"
        f"margin-right:6px;border:1px solid #666'></span>{html.escape(label)}</span>"
        for colour, label in items
    )
    # st.html, not Markdown's raw HTML: a page with no raw-HTML Markdown never loads that parser.
    st.html(f"<div aria-label='{html.escape(title)}'><b>{html.escape(title)}</b><br>{swatches}</div>")
