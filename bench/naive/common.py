"""What the naive pages share: read the build each run (no caching), full-resolution boundaries."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import folium
import pandas as pd

from ecology import paths
from ecology.maps import leaflet
from ecology.places import geography

if TYPE_CHECKING:
    import geopandas as gpd


def table(name: str) -> pd.DataFrame:
    """Return a table of the build, read afresh on every run."""
    return pd.read_parquet(paths.build_dir() / f"{name}.parquet")


def full_boundaries_frame(level: str) -> "gpd.GeoDataFrame":
    """Return a level's source-resolution boundaries (WGS84), read afresh."""
    return geography.load_boundaries(level, full=True)


def full_boundaries(level: str) -> dict:
    """Return a level's source-resolution boundaries as a FeatureCollection (WGS84)."""
    return json.loads(full_boundaries_frame(level).to_json(drop_id=True))


def england_map() -> folium.Map:
    """Return a folium map of England with no tiles, its Leaflet served by the app (no CDN here,
    so the naive page can draw offline like ours; folium's defaults for everything else)."""
    leaflet.use_local_assets()
    return folium.Map(location=[52.8, -1.6], zoom_start=6, tiles=None)
