"""The Assets map: filtered assets as clustered circles inside the chosen place.

Popups are built in the browser from plain data with ``textContent``, so no
asset text is ever parsed as HTML or JavaScript. The data sent shrinks as the
count grows, keeping the map payload bounded:

- up to ``DETAIL_LIMIT`` assets: every point with its popup details;
- up to ``POINT_LIMIT``: every point with its name only;
- beyond: points are binned into grid cells drawn with their counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from folium.plugins import FastMarkerCluster

from ecology import schema, taxonomy
from ecology.maps import leaflet, palette
from ecology.register import freshness

DETAIL_LIMIT = 5_000
POINT_LIMIT = 20_000
GRID_DEGREES = 0.05  # about 5 km north-south; cells for the aggregated view
OTHER = "Other"
COLOUR_FIELDS = {
    "kind": "Kind",
    "sample": "Sample or real",
    "cost": "Cost",
    "activity": "Main activity",
    "freshness": "Last verified",
}
FRESHNESS_BANDS = ((6, "Within 6 months"), (12, "6–12 months ago"), (24, "1–2 years ago"))
POPUP_FIELDS = ("Name", "Organisation", "Activities", "Health focus", "Contact", "Last verified")

# One function draws every row; it must stay in step with ``_rows``.
_CALLBACK = """
function callback(row) {
    var colours = %(colours)s;
    var labels = %(labels)s;
    var cell = row.length === 4 && typeof row[3] === "number";
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: cell ? Math.min(4 + Math.sqrt(row[3]) * 1.5, 28) : 6,
        color: "#1a1a1a", weight: 1, fillColor: colours[row[2]], fillOpacity: 0.85
    });
    // Leaflet puts a string tooltip or popup in as HTML; a node is used as it is.
    function textNode(text) { var span = document.createElement("span"); span.textContent = text; return span; }
    if (cell) {
        marker.bindTooltip(textNode(String(row[3]) + (row[3] === 1 ? " asset" : " assets")));
        return marker;
    }
    var box = document.createElement("div");
    for (var i = 3; i < row.length; i++) {
        if (row[i] === null || row[i] === "") { continue; }
        var line = document.createElement("div");
        var label = document.createElement("b");
        label.textContent = labels[i - 3] + ": ";
        line.appendChild(label);
        line.appendChild(document.createTextNode(String(row[i])));
        box.appendChild(line);
    }
    if (row.length > 3) {
        marker.bindPopup(box);
        marker.bindTooltip(textNode(String(row[3])));
    }
    return marker;
}
"""


def categories(assets: pd.DataFrame, field: str, as_of: pd.Timestamp) -> tuple[pd.Series, list[str]]:
    """Return (category label per asset, every category label in colour order) for a colour field."""
    fixed: list[str] | None = None  # a full order keeps each category's colour when filters change
    if field == "kind":
        fixed = [t.label for t in taxonomy.terms("kind")] + [OTHER]
        labels = schema.labels_column("kind", assets["kind"]).replace("", OTHER)
    elif field == "cost":
        fixed = [t.label for t in taxonomy.terms("cost")] + ["Not stated"]
        labels = schema.labels_column("cost", assets["cost"]).replace("", "Not stated")
    elif field == "sample":
        fixed = ["Real record", "Sample (generated)"]
        labels = assets["is_sample"].map({True: "Sample (generated)", False: "Real record"})
    elif field == "activity":
        # Eleven activities but eight distinguishable colours: the seven commonest here, then "Other".
        codes, distinct = pd.factorize(assets["activities"])  # a few hundred distinct strings at most
        firsts = [taxonomy.label_of("activity", (schema.split_terms(v) or [None])[0]) or OTHER for v in distinct]
        labels = pd.Series(np.array(firsts + [OTHER], dtype=object)[codes], index=assets.index)
        top = labels.value_counts().index[: len(palette.OKABE_ITO) - 1].tolist()
        labels = labels.where(labels.isin(top), OTHER)
    elif field == "freshness":
        fixed = [label for _limit, label in FRESHNESS_BANDS] + ["Over 2 years ago", "Never"]
        months = (as_of - assets["last_verified"]).dt.days / 30.44
        labels = pd.Series("Over 2 years ago", index=assets.index)
        for limit, label in reversed(FRESHNESS_BANDS):
            labels = labels.mask(months <= limit, label)
        labels = labels.mask(assets["last_verified"].isna(), "Never")
    else:
        raise ValueError(f"unknown colour field {field!r}")
    if fixed is not None:
        # A value outside the vocabulary (a record written past the import checks) is "Other",
        # never a label without a colour.
        if OTHER not in fixed:
            fixed = [*fixed, OTHER]
        return labels.where(labels.isin(fixed), OTHER), fixed
    order = sorted(labels.unique().tolist(), key=lambda label: (label == OTHER, label))
    return labels, order


def legend(order: list[str]) -> list[tuple[str, str]]:
    """Return (colour, label) pairs; colours from the colour-blind-safe Okabe-Ito set."""
    return [(palette.OKABE_ITO[i % len(palette.OKABE_ITO)], label) for i, label in enumerate(order)]


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _texts(column: pd.Series) -> list[str | None]:
    # Through Python lists: mapping a pandas string column keeps <NA>, which JSON cannot hold.
    return [_text(v) for v in column.tolist()]


def _rows(assets: pd.DataFrame, category_index: np.ndarray) -> tuple[list[list], str]:
    """Return (rows for the callback, mode) where mode is "detail", "points" or "grid"."""
    lat = assets["latitude"].round(5).to_numpy()
    lon = assets["longitude"].round(5).to_numpy()
    if len(assets) > POINT_LIMIT:
        # One integer per cell (longitude index offset to stay positive) keeps np.unique one-dimensional.
        cell_keys = (np.floor(lat / GRID_DEGREES).astype(np.int64) * 100_000
                     + np.floor(lon / GRID_DEGREES).astype(np.int64) + 50_000)
        _cells, cell = np.unique(cell_keys, return_inverse=True)
        n_cells = int(cell.max()) + 1
        count = np.bincount(cell, minlength=n_cells)
        mean_lat = np.bincount(cell, weights=lat, minlength=n_cells) / count
        mean_lon = np.bincount(cell, weights=lon, minlength=n_cells) / count
        # Each cell takes its commonest category (ties: the first in colour order).
        n_categories = int(category_index.max()) + 1
        tally = np.bincount(cell * n_categories + category_index, minlength=n_cells * n_categories)
        commonest = tally.reshape(n_cells, n_categories).argmax(axis=1)
        rows = [[round(float(a), 4), round(float(b), 4), int(c), int(n)]
                for a, b, c, n in zip(mean_lat, mean_lon, commonest, count)]
        return rows, "grid"
    base = [[float(a), float(b), int(c)] for a, b, c in zip(lat, lon, category_index)]
    if len(assets) > DETAIL_LIMIT:
        names = _texts(assets["name"])
        # A string, never a number, in position 3 tells the callback this is a point.
        return [row + [name or ""] for row, name in zip(base, names)], "points"
    details = zip(_texts(assets["name"]), _texts(assets["organisation"]),
                  schema.labels_column("activities", assets["activities"]).tolist(),
                  schema.labels_column("health_focus", assets["health_focus"]).tolist(),
                  _texts(assets["contact_email"].fillna(assets["website"])),
                  _texts(assets["last_verified"].dt.strftime("%d %b %Y").fillna(freshness.NEVER)))
    return [row + [name or "", *rest] for row, (name, *rest) in zip(base, details)], "detail"


@dataclass
class AssetMap:
    """The Assets map (its base the same for every filter, so layers and view change in place),
    with the legend of the categories shown and the mode ("detail", "points" or "grid")."""

    map: leaflet.LayeredMap
    legend: list[tuple[str, str]]
    mode: str


def base_map() -> folium.Map:
    """Return the Assets page's empty map: England, with the marker-cluster plugin its layers need
    (st_folium loads a plugin's scripts only for what the base map holds)."""
    fmap = leaflet.base_map()
    FastMarkerCluster([], name="plugin").add_to(fmap)
    return fmap


def asset_map(assets: pd.DataFrame, colour_field: str, place_outline: dict | None,
              as_of: pd.Timestamp, gp_practices: pd.DataFrame | None = None) -> AssetMap:
    """Return the map of the filtered assets: base, layers, view, legend pairs and mode.

    ``place_outline`` is a FeatureCollection of the chosen place's boundary (None for England);
    the view is fitted to it. ``gp_practices`` (lat/lon/name) adds the optional context layer.
    """
    located = assets[assets["latitude"].notna() & assets["longitude"].notna()]
    labels, order = categories(located, colour_field, as_of)
    all_pairs = legend(order)
    index_of = {label: i for i, label in enumerate(order)}
    rows, mode = _rows(located, labels.map(index_of).to_numpy(dtype=np.int64))
    present = set(labels.unique())
    pairs = [(colour, label) for colour, label in all_pairs if label in present]

    layers = []
    if place_outline:
        outline = folium.FeatureGroup(name="Chosen place")
        folium.GeoJson(
            leaflet.escaped_layer(place_outline, {"name": "name"}),
            name="Chosen place",
            style_function=lambda f: {"color": palette.HIGHLIGHT, "weight": 2, "fillOpacity": 0.04},
            interactive=False,
        ).add_to(outline)
        layers.append(outline)
    if gp_practices is not None and len(gp_practices):
        gp_rows = [[round(float(a), 5), round(float(b), 5)] for a, b in
                   zip(gp_practices["latitude"], gp_practices["longitude"])]
        practices = folium.FeatureGroup(name="GP practices")
        FastMarkerCluster(gp_rows, name="GP practices", callback=(
            "function callback(row) { return L.circleMarker(new L.LatLng(row[0], row[1]), "
            "{radius: 3, color: '#555555', weight: 1, fillColor: '#ffffff', fillOpacity: 1}); }"),
            options={"disableClusteringAtZoom": 11}).add_to(practices)
        layers.append(practices)
    callback = _CALLBACK % {"colours": json.dumps([colour for colour, _label in all_pairs]),
                            "labels": json.dumps(list(POPUP_FIELDS))}
    options = {"disableClusteringAtZoom": 1} if mode == "grid" else {"maxClusterRadius": 45}
    points = folium.FeatureGroup(name="Assets")
    FastMarkerCluster(rows, name="Assets", callback=callback, options=options).add_to(points)
    layers.append(points)
    view = leaflet.view_of(leaflet.bounds_of(place_outline) if place_outline else None, height_px=520)
    return AssetMap(leaflet.LayeredMap(base_map(), layers, view, base_key="assets"), pairs, mode)
