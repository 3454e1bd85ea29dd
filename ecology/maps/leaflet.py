"""folium map builders that work with no CDN and no tile server.

``use_local_assets`` points folium at the Leaflet files installed by
``python -m ecology vendor`` and served by Streamlit at ``/app/static/``.
Every string that reaches a popup or tooltip passes through ``escape_for_map``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import folium
from folium.plugins import MarkerCluster

from ecology import settings
from ecology.sources.vendor import url_of

from ecology.maps.palette import HIGHLIGHT, OKABE_ITO  # noqa: F401 (map builders and their callers use these)
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
    chosen = settings.current()
    if chosen.tiles in TILE_PRESETS:
        return TILE_PRESETS[chosen.tiles]
    return chosen.tiles, chosen.tiles_attribution


def escape_for_map(text: object) -> str:
    """Return text safe inside folium's HTML-in-JavaScript-template strings.

    HTML metacharacters become entities, and backtick, ``$`` and backslash
    (which would end or interpolate a JavaScript template literal) become
    numeric entities that display as themselves.
    """
    escaped = html.escape("" if text is None else str(text), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def escaped_layer(collection: dict, properties: dict[str, str]) -> dict:
    """Return a new FeatureCollection whose features carry only the named
    properties ({output name: source name}), each escaped for the map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": feature["geometry"],
             "properties": {out: escape_for_map(feature["properties"].get(source))
                            for out, source in properties.items()}}
            for feature in collection["features"]
        ],
    }


def select_features(collection: dict, key: str, values: list[str] | set[str]) -> dict:
    """Return the features whose property ``key`` is one of ``values`` (same order as the source)."""
    wanted = set(values)
    return {"type": "FeatureCollection",
            "features": [f for f in collection["features"] if f["properties"].get(key) in wanted]}


# level -> (web layer, code property, name property)
LEVEL_LAYERS = {"region": ("region", "region_code", "region_name"), "icb": ("icb", "icb_code", "icb_short_name"),
                "lad": ("lad", "lad_code", "lad_name")}


def outline(layer: dict, level: str, code: str) -> dict:
    """Return the feature of one place from its level's web layer, with a single "name" property."""
    _layer, key, name = LEVEL_LAYERS[level]
    return {"type": "FeatureCollection", "features": [
        {**f, "properties": {"name": f["properties"][name]}} for f in layer["features"] if f["properties"][key] == code]}


def base_map(bounds: list[list[float]] | None = None) -> folium.Map:
    """Return an empty map fitted to ``bounds`` ([[s, w], [n, e]], degrees) or England."""
    tiles, attribution = tile_setting()
    fmap = folium.Map(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True)
    folium.TileLayer(tiles=tiles, attr=attribution, name="Basemap", max_zoom=18).add_to(fmap)
    fmap.fit_bounds(bounds or ENGLAND_BOUNDS)
    return fmap


def bounds_of(collection: dict) -> list[list[float]] | None:
    """Return [[south, west], [north, east]] around every feature's bbox, or None if empty."""
    boxes = [f["bbox"] for f in collection["features"]]
    if not boxes:
        return None
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return [[south, west], [north, east]]


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


def overview_map(icbs: dict) -> folium.Map:
    """Return the Overview's map from the ICB web FeatureCollection (``data/build/icb.geojson``).

    ICBs are coloured by NHS region; hovering a shape shows its name. The map is the same for
    every place, so its HTML never changes and the browser keeps it: the chosen place's local
    authorities come as ``focus_layer`` and its extent as ``view_of`` (both applied in place).
    """
    colours = region_colours([f["properties"]["region_code"] for f in icbs["features"]])
    fmap = base_map()
    icb_layer = escaped_layer(icbs, {"name": "icb_short_name", "region": "region_name",
                                     "region_code": "region_code", "code": "icb_code"})
    folium.GeoJson(
        icb_layer,
        name="Integrated care boards",
        style_function=lambda f: {"fillColor": colours.get(f["properties"]["region_code"], OKABE_ITO[-1]),
                                  "color": "#ffffff", "weight": 1, "fillOpacity": 0.55},
        highlight_function=lambda f: {"weight": 3, "color": HIGHLIGHT},
        tooltip=folium.GeoJsonTooltip(fields=["name", "region"], aliases=["ICB", "NHS region"]),
    ).add_to(fmap)
    return fmap


def focus_layer(lads: dict | None) -> folium.FeatureGroup | None:
    """Return the chosen place's local authorities, outlined, as a layer to add to a drawn map
    (None when there are none, as for England)."""
    if lads is None or not lads["features"]:
        return None
    group = folium.FeatureGroup(name="Local authorities")
    folium.GeoJson(
        escaped_layer(lads, {"name": "lad_name", "code": "lad_code"}),
        name="Local authorities",
        style_function=lambda f: {"fillColor": "#ffffff", "color": HIGHLIGHT, "weight": 1.5, "fillOpacity": 0.25},
        highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.5},
        tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=["Local authority"]),
    ).add_to(group)
    return group


@dataclass(frozen=True)
class MapView:
    """Where a drawn map looks: its centre (lat, lon in degrees, WGS84) and Leaflet zoom level."""

    center: tuple[float, float]
    zoom: int


@dataclass
class LayeredMap:
    """A map in two parts: ``base``, the same whatever the page's settings (so its HTML, and the
    browser's copy of it, never change), and the ``layers`` and ``view`` a rerun swaps in place."""

    base: folium.Map
    layers: list[folium.FeatureGroup]
    view: MapView
    # Names the base when it is the same for every place and setting (so it is rendered once), and
    # sums up what the layers were drawn from (so the same inputs are rendered once); None: render.
    base_key: str | None = None
    layers_key: tuple | None = None

    def whole(self) -> folium.Map:
        """Return the base with every layer added (one map to render, for tests and benchmarks)."""
        for layer in self.layers:
            layer.add_to(self.base)
        return self.base


def view_of(bounds: list[list[float]] | None, *, width_px: int = 520, height_px: int = 480,
            padding: float = 0.95) -> MapView:
    """Return the centre and the largest whole zoom at which ``bounds`` ([[s, w], [n, e]], degrees;
    England when None) fit a map of about ``width_px`` x ``height_px`` (Web Mercator, 256 px tiles)."""
    (south, west), (north, east) = bounds or ENGLAND_BOUNDS

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    x_share = max(east - west, 1e-6) / 360
    y_share = max(mercator_y(north) - mercator_y(south), 1e-6) / (2 * math.pi)
    zoom = math.floor(min(math.log2(padding * width_px / (256 * x_share)),
                          math.log2(padding * height_px / (256 * y_share))))
    middle_y = (mercator_y(north) + mercator_y(south)) / 2
    center_lat = math.degrees(2 * math.atan(math.exp(middle_y)) - math.pi / 2)
    return MapView((round(center_lat, 5), round((west + east) / 2, 5)), max(4, min(zoom, 13)))


def category_map(areas: dict, fills: dict[str, tuple[str, str]], value_title: str, dashed: set[str] = frozenset(),
                 highlight: str | None = None, level: str = "icb") -> LayeredMap:
    """Return a map of the areas of one level (a web layer), each filled with its category's colour.

    ``fills`` maps an area code to (fill colour, label shown on hover); areas in
    ``dashed`` get a dashed outline (used for "not assessed", so a missing score
    never looks like a low one); ``highlight`` is outlined thickly. The areas are a layer over an
    empty map of England, so another criterion or theme recolours them in place.
    """
    group = folium.FeatureGroup(name="Areas")
    _layer, code_key, name_key = LEVEL_LAYERS[level]
    layer = escaped_layer(areas, {"name": name_key, "code": code_key})
    for feature in layer["features"]:
        # Labels are escaped like every other map text.
        feature["properties"]["value"] = escape_for_map(fills.get(feature["properties"]["code"], ("", "Not assessed"))[1])

    def style(feature: dict) -> dict:
        code = feature["properties"]["code"]
        chosen = code == highlight
        thin = 0.8 if level == "icb" else 0.4  # 296 local authorities need finer lines
        return {"fillColor": fills.get(code, ("#f7f7f7", ""))[0], "fillOpacity": 0.85,
                "color": HIGHLIGHT if chosen else "#555555", "weight": 3.5 if chosen else thin,
                "dashArray": "4 3" if code in dashed and not chosen else None}

    folium.GeoJson(
        layer, name={"icb": "Integrated care systems", "lad": "Local authorities"}.get(level, level),
        style_function=style,
        highlight_function=lambda f: {"weight": 3, "color": HIGHLIGHT},
        tooltip=folium.GeoJsonTooltip(fields=["name", "value"], aliases=[
            {"icb": "ICS", "lad": "Local authority", "region": "NHS region"}[level], escape_for_map(value_title)]),
    ).add_to(group)
    layers_key = ("areas", level, value_title, highlight, tuple(sorted(fills.items())), tuple(sorted(dashed)))
    return LayeredMap(base_map(), [group], view_of(None, height_px=560), base_key="england",
                      layers_key=layers_key)


def cluster_map(outlines: dict, centres: list[tuple[float, float, str, str]],
                bounds: list[list[float]] | None = None, context: dict | None = None) -> LayeredMap:
    """Return a map of practitioner clusters: each outline (GeoJSON geometry by cluster) drawn
    lightly, and a circle at its centre sized by its count (``centres``: lat, lon, count text,
    label); ``context`` (e.g. the ICB layer) is drawn as thin grey lines underneath, not
    interactive. Nobody is placed individually. ``context`` is part of the base map; the clusters
    are a layer and ``bounds`` the view, so a new radius or place redraws them in place."""
    fmap = base_map()
    group = folium.FeatureGroup(name="Clusters")
    if context is not None:
        folium.GeoJson({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {}} for f in context["features"]]},
            name="Integrated care boards", interactive=False,
            style_function=lambda f: {"fillColor": "#ffffff", "fillOpacity": 0.6, "color": "#9a9a9a",
                                      "weight": 0.6}).add_to(fmap)
    layer = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {"label": escape_for_map(label)}}
        for geometry, (_, _, _, label) in zip(outlines.values(), centres)]}
    folium.GeoJson(layer, name="Cluster outlines",
                   style_function=lambda f: {"fillColor": OKABE_ITO[4], "color": OKABE_ITO[4], "weight": 1,
                                             "fillOpacity": 0.12},
                   tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False)).add_to(group)
    for lat, lon, count, label in centres:
        size = int("".join(ch for ch in count if ch.isdigit()) or 5)
        folium.CircleMarker(
            # Area grows with the count; 600 practitioners is about 30 px across.
            location=[lat, lon], radius=3 + 1.1 * math.sqrt(size), color="#ffffff", weight=1,
            fill=True, fill_color=OKABE_ITO[5], fill_opacity=0.7,
            tooltip=folium.Tooltip(escape_for_map(label)),
        ).add_to(group)
    # The base holds the ICB lines or nothing: the same for every radius and place.
    return LayeredMap(fmap, [group], view_of(bounds, height_px=540),
                      base_key="clusters-icb" if context is not None else "england")


def legend_items(icbs: dict) -> list[tuple[str, str]]:
    """Return (colour, NHS region name) pairs for the Overview legend, in name order."""
    names = {f["properties"]["region_code"]: f["properties"]["region_name"] for f in icbs["features"]}
    colours = region_colours(list(names))
    return sorted(((colours[code], name) for code, name in names.items()), key=lambda item: item[1])


def rendered_html(fmap: folium.Map) -> str:
    """Return the full HTML document folium would serve for a map."""
    return fmap.get_root().render()

