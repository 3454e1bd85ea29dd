"""Coordinate reference systems: British National Grid metres told from degrees, and converted."""

from __future__ import annotations

import numpy as np

BNG_EPSG = 27700


def looks_like_bng(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return True where (x, y) can only be British National Grid metres (not degrees)."""
    with np.errstate(invalid="ignore"):
        in_grid = (x >= 0) & (x <= 700_000) & (y >= 0) & (y <= 1_300_000)
        return in_grid & ((np.abs(x) > 180) | (np.abs(y) > 90))


def to_wgs84(x: np.ndarray, y: np.ndarray, epsg: int = BNG_EPSG) -> tuple[np.ndarray, np.ndarray]:
    """Return (longitude, latitude) in WGS84 degrees for coordinates in ``epsg`` (default BNG metres)."""
    import pyproj

    transformer = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
