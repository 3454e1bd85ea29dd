"""folium map builders that work with no CDN and no tile server.

``use_local_assets`` points folium at the Leaflet files installed by
``python -m ecology vendor`` and served by Streamlit at ``/app/static/``.
Every string that reaches a popup or tooltip passes through ``escape_for_map``.
"""

from __future__ import annotations

import html
import json
import os

import folium
import geopandas as gpd
from folium.plugins import MarkerCluster

from ecology.vendor import url_of

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
HIGHLIGHT = "#1a1a1a"
ENGLAND_BOUNDS = [[49.86, -6.42], [55.82, 1.77]]  # south-west, north-east (lat, lon)

# A single transparent tile served by the app itself: Leaflet needs a tile layer
# for st_folium to size the map, and this one never leaves the app's host.
BLANK_TILES = "/app/static/blank-tile.png"
TILE_PRESETS = {
    "none": (BLANK_TILES, "Boundaries: ONS, OGL v3"),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> contributors"),
}


def use_local_assets() -> None:
    """Make folium load Leaflet (and MarkerCluster) from the app, not from CDNs.

    jQuery, Bootstrap and the awesome-markers/Font Awesome files folium adds by
    default are dropped: the maps here use only Leaflet's own vector layers.
    """
    folium.Map.default_js = [("leaflet", url_of("leaflet", "leaflet.js"))]
    folium.Map.default_css = [("leaflet_css", url_of("leaflet", "leaflet.css"))]
    MarkerCluster.default_js = [("markerclusterjs", url_of("leaflet.markercluster", "leaflet.markercluster.js"))]
    MarkerCluster.default_css = [
        ("markerclustercss", url_of("leaflet.markercluster", "MarkerCluster.css")),
        ("markerclusterdefaultcss", url_of("leaflet.markercluster", "MarkerCluster.Default.css")),
    ]


def tile_setting() -> tuple[str, str]:
    """Return (tile URL template, attribution) from ``ECOLOGY_TILES``.

    ``none`` (default: no outside requests), ``osm``, or any URL template with
    {z}/{x}/{y}; ``ECOLOGY_TILES_ATTRIBUTION`` gives a custom layer's credit.
    """
    choice = os.environ.get("ECOLOGY_TILES", "none").strip()
    if choice in TILE_PRESETS:
        return TILE_PRESETS[choice]
    return choice, os.environ.get("ECOLOGY_TILES_ATTRIBUTION", "Basemap: see configuration")


def escape_for_map(text: object) -> str:
    """Return text safe inside folium's HTML-in-JavaScript-template strings.

    HTML metacharacters become entities, and backtick, ``$`` and backslash
    (which would end or interpolate a JavaScript template literal) become
    numeric entities that display as themselves.
    """
    escaped = html.escape("" if text is None else str(text), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _feature_collection(frame: gpd.GeoDataFrame, properties: dict[str, str]) -> dict:
    """Return a compact GeoJSON FeatureCollection with escaped, renamed properties."""
    geometry = json.loads(frame.geometry.to_json(drop_id=True))["features"]
    features = []
    for row, feature in zip(frame.itertuples(index=False), geometry):
        feature["properties"] = {out: escape_for_map(getattr(row, col)) for out, col in properties.items()}
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def base_map(bounds: list[list[float]] | None = None) -> folium.Map:
    """Return an empty map fitted to ``bounds`` ([[s, w], [n, e]], degrees) or England."""
    tiles, attribution = tile_setting()
    fmap = folium.Map(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True,
                      prefer_canvas=False)
    folium.TileLayer(tiles=tiles, attr=attribution, name="Basemap", max_zoom=18).add_to(fmap)
    fmap.fit_bounds(bounds or ENGLAND_BOUNDS)
    return fmap


def bounds_of(frame: gpd.GeoDataFrame) -> list[list[float]]:
    """Return [[south, west], [north, east]] of a WGS84 frame."""
    west, south, east, north = frame.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


# Chosen so that neighbouring regions never share a hue family.
REGION_COLOURS = {
    "E40000003": "#D55E00",  # London: vermillion
    "E40000005": "#56B4E9",  # South East: sky blue
    "E40000006": "#009E73",  # South West: bluish green
    "E40000011": "#E69F00",  # Midlands: orange
    "E40000012": "#0072B2",  # North East and Yorkshire: blue
    "E40000013": "#F0E442",  # East of England: yellow
    "E40000014": "#CC79A7",  # North West: reddish purple
}


def region_colours(region_codes: list[str]) -> dict[str, str]:
    """Return a colour per NHS region code (Okabe-Ito; grey for an unknown code)."""
    return {code: REGION_COLOURS.get(code, OKABE_ITO[-1]) for code in sorted(set(region_codes))}


def overview_map(icbs: gpd.GeoDataFrame, lads: gpd.GeoDataFrame | None,
                 focus: gpd.GeoDataFrame | None) -> folium.Map:
    """Return the Overview map: ICBs coloured by NHS region, the chosen place's
    local authorities outlined, fitted to ``focus`` (England when None).

    Hovering an ICB or local authority shows its name.
    """
    colours = region_colours(icbs["region_code"].tolist())
    fmap = base_map(bounds_of(focus) if focus is not None and len(focus) else None)
    icb_layer = _feature_collection(icbs, {"name": "icb_short_name", "region": "region_name",
                                           "region_code": "region_code", "code": "icb_code"})
    folium.GeoJson(
        icb_layer,
        name="Integrated care boards",
        style_function=lambda f: {"fillColor": colours.get(f["properties"]["region_code"], "#999999"),
                                  "color": "#ffffff", "weight": 1, "fillOpacity": 0.55},
        highlight_function=lambda f: {"weight": 3, "color": HIGHLIGHT},
        tooltip=folium.GeoJsonTooltip(fields=["name", "region"], aliases=["ICB", "NHS region"]),
    ).add_to(fmap)
    if lads is not None and len(lads):
        lad_layer = _feature_collection(lads, {"name": "lad_name", "code": "lad_code"})
        folium.GeoJson(
            lad_layer,
            name="Local authorities",
            style_function=lambda f: {"fillColor": "#ffffff", "color": HIGHLIGHT, "weight": 1.5,
                                      "fillOpacity": 0.25},
            highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.5},
            tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=["Local authority"]),
        ).add_to(fmap)
    return fmap


def legend_items(icbs: gpd.GeoDataFrame) -> list[tuple[str, str]]:
    """Return (colour, NHS region name) pairs for the Overview legend, in name order."""
    colours = region_colours(icbs["region_code"].tolist())
    names = icbs.drop_duplicates("region_code").set_index("region_code")["region_name"]
    return sorted(((colours[code], names[code]) for code in colours), key=lambda item: item[1])


def rendered_html(fmap: folium.Map) -> str:
    """Return the full HTML document folium would serve for a map."""
    return fmap.get_root().render()

