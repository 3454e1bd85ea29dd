"""GeoJSON out: an RFC 7946 FeatureCollection of points (longitude, latitude; WGS84)."""

from __future__ import annotations

import math

import pandas as pd

from ecology import schema
from ecology.register.export.common import (BOOL_COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, coordinate_or_none, date_text,
                                            distinct_texts, is_missing, records_of, text_or_none)


# -- GeoJSON ----------------------------------------------------------------------

def _json_value(column: str, value: object) -> object:
    if column in schema.MULTI_VALUED:
        return None if is_missing(value) else schema.split_terms(value)
    if column in DATE_COLUMNS:
        return date_text(value)
    if column in BOOL_COLUMNS:
        return bool(value)
    if column in FLOAT_COLUMNS:
        return None if is_missing(value) or not math.isfinite(float(value)) else float(value)
    return text_or_none(value)


def to_geojson(assets: pd.DataFrame) -> dict:
    """Return the assets as a GeoJSON FeatureCollection (RFC 7946) of Point features.

    Each feature has ``id`` = asset_id, geometry [longitude, latitude] and every
    other column as a property (several-term fields as lists of term ids, dates
    as "YYYY-MM-DD", missing values as null). Assets without a usable point
    (missing or out of range) are left out and counted in the top-level member
    ``assets_without_coordinates``. Top-level ``attribution`` and ``licence``
    list the distinct texts of all the input rows, in order of first appearance.
    Every value is a plain Python type, so ``json.dumps(..., allow_nan=False)`` works.
    """
    records = records_of(assets)
    features = []
    for record in records:
        lat = coordinate_or_none(record["latitude"], 90)
        lon = coordinate_or_none(record["longitude"], 180)
        if lat is None or lon is None:
            continue
        properties = {c: _json_value(c, record[c]) for c in schema.ASSET_COLUMNS if c not in FLOAT_COLUMNS}
        feature: dict[str, object] = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                                      "properties": properties}
        if properties["asset_id"] is not None:
            feature["id"] = properties["asset_id"]
        features.append(feature)
    return {
        "type": "FeatureCollection",
        "features": features,
        "assets_without_coordinates": len(records) - len(features),
        "attribution": distinct_texts(r["attribution"] for r in records),
        "licence": distinct_texts(r["licence"] for r in records),
    }


