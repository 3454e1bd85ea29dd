"""GeoJSON: one row per feature, its properties and its point (degrees, or British National Grid converted)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd

from ecology.places.crs import BNG_EPSG, looks_like_bng, to_wgs84  # noqa: F401 (named here too)
from ecology.schema import Issue
from ecology.register.readers.table import (ImportRefused, MAX_IMPORT_ROWS, RawTable, cell_text, check_time, shorten,
                                            too_many_rows)


def read_geojson(document: dict) -> RawTable:
    """Return a RawTable of a GeoJSON document: properties plus longitude/latitude (WGS84)."""
    features = document.get("features") if document.get("type") == "FeatureCollection" else [document]
    if not isinstance(features, list):
        raise ImportRefused("The GeoJSON FeatureCollection has no list of features.")
    if len(features) > MAX_IMPORT_ROWS:
        raise ImportRefused(too_many_rows("features"))
    vertices = _vertex_count(features)
    if vertices > MAX_VERTICES:
        raise ImportRefused(
            f"The GeoJSON's geometries hold {vertices:,} coordinate pairs; the limit is {MAX_VERTICES:,}, and only "
            "points can be imported (one pair per asset). It was not read: export the assets as points.")
    issues: list[Issue] = []
    rows, points = [], []
    for number, feature in enumerate(features, start=1):
        check_time(number)
        properties, point, problem = _feature(feature)
        if problem:
            issues.append(Issue(number, "geometry", "geometry", "error", problem[0], problem[1]))
        rows.append(properties)
        points.append(point)
    # One row per feature even when none has properties ("properties": null).
    frame = pd.DataFrame(rows, index=pd.RangeIndex(len(rows)))
    frame = frame.astype(object).where(frame.notna(), None)
    table = RawTable(frame, np.arange(1, len(rows) + 1, dtype=np.int64), "feature", "geojson", issues=issues)
    _add_points(table, np.array(points, dtype=float).reshape(-1, 2), _declared_epsg(document))
    return table


MAX_VERTICES = 2 * MAX_IMPORT_ROWS  # a point per feature, with room to spare


def _vertex_count(features: list) -> int:
    """Return how many coordinate pairs the features' geometries hold (walked without recursion)."""
    count = 0
    stack = [f.get("geometry") for f in features if isinstance(f, dict)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.get(k) for k in ("coordinates", "geometries") if k in value)
        elif isinstance(value, list):
            if value and all(isinstance(v, (int, float)) for v in value[:2]):
                count += 1  # one position: [x, y] or [x, y, z]
            else:
                stack.extend(value)
    return count


def _feature(feature: object) -> tuple[dict, tuple[float, float], tuple[str, str] | None]:
    """Return (properties as text, (x, y) or NaNs, (problem message, value) or None) of one feature."""
    missing = (math.nan, math.nan)
    if not isinstance(feature, dict):
        return {}, missing, ("This feature is not a JSON object, so it was not read.", shorten(str(feature)))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    cells = {str(k).strip(): cell_text(v) for k, v in properties.items()}
    if "id" not in cells and feature.get("id") is not None:
        cells["id"] = cell_text(feature["id"])
    for name in ("longitude", "latitude"):
        if name in cells:  # the geometry's coordinates take these names
            cells[f"{name} (property)"] = cells.pop(name)
    geometry = feature.get("geometry")
    if geometry is None:
        return cells, missing, None  # no geometry: a postcode may still place it
    point, problem = _point(geometry)
    return cells, point or missing, problem


def _point(geometry: object) -> tuple[tuple[float, float] | None, tuple[str, str] | None]:
    """Return ((x, y), None) for a valid Point (or one-point MultiPoint), else (None, problem)."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "MultiPoint" and isinstance(coordinates, list) and len(coordinates) == 1:
        kind, coordinates = "Point", coordinates[0]
    if kind != "Point":
        return None, (f"The geometry is {kind or 'not a GeoJSON geometry'}, not a Point: only points can be "
                      "imported. Give this asset a point (or a postcode) instead.", shorten(json.dumps(geometry)))
    numbers = (isinstance(coordinates, list) and len(coordinates) >= 2
               and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates[:2])
               and all(math.isfinite(c) for c in coordinates[:2]))
    if not numbers:
        return None, ("The Point's coordinates are not two numbers [longitude, latitude], so it cannot be "
                      "placed.", shorten(json.dumps(coordinates)))
    return (float(coordinates[0]), float(coordinates[1])), None


def _declared_epsg(document: dict) -> int | None:
    """Return the EPSG code named by an (old-style) ``crs`` member, or None."""
    crs = document.get("crs")
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        return None
    if "CRS84" in name.upper():
        return 4326
    match = re.search(r"EPSG:*(\d+)", name, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def _add_points(table: RawTable, points: np.ndarray, epsg: int | None) -> None:
    """Add longitude/latitude columns (WGS84 text) to a GeoJSON table, converting BNG when found."""
    x, y = points[:, 0], points[:, 1]
    located = np.isfinite(x) & np.isfinite(y)
    if epsg is None and located.any() and looks_like_bng(x[located], y[located]).mean() > 0.5:
        epsg = BNG_EPSG
    if epsg not in (None, 4326) and located.any():
        try:
            x, y = to_wgs84(x, y, epsg)
        except Exception as error:  # pyproj.exceptions.CRSError and friends
            raise ImportRefused(f"The GeoJSON says its coordinates are in EPSG:{epsg}, which could not be "
                                f"converted to latitude/longitude ({error}).") from None
        label = "British National Grid (EPSG:27700)" if epsg == BNG_EPSG else f"EPSG:{epsg}"
        table.notes.append(f"Coordinates were in {label} and were converted to WGS84 latitude/longitude.")
    for name, values in (("longitude", x), ("latitude", y)):
        # object dtype: pandas 3 would otherwise infer its string dtype, with NaN for None
        table.frame[name] = pd.Series([repr(round(float(v), 7)) if np.isfinite(v) else None for v in values],
                                      index=table.frame.index, dtype=object)
    table.notes.insert(0, f"Read as GeoJSON: {len(table.frame)} features.")


