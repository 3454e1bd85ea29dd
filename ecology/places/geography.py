"""England's places: the place tree, point-in-area assignment and postcode geocoding.

The tree is England > NHS region (7) > ICB (42) > local authority (296). A local
authority sits under the ICB holding most of its 2021 LSOAs (13 straddle two or
three ICBs; the share is kept). All geometries are WGS84 (EPSG:4326) unless a
name says otherwise.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ecology import paths
from ecology.places import postcode

if TYPE_CHECKING:
    import geopandas as gpd

ENGLAND_CODE = "E92000001"
LEVEL_NAMES = {"england": "country", "region": "NHS region", "icb": "integrated care board",
               "lad": "local authority"}
BNG = "EPSG:27700"
# Generalised boundaries leave some coastal points just outside every polygon;
# within this distance the nearest area is taken.
COAST_SNAP_M = 2_000


class BuildMissing(FileNotFoundError):
    """The data build has not been run (or is incomplete)."""


def _read(name: str, build: Path | None = None) -> Path:
    path = (build or paths.build_dir()) / name
    if not path.is_file():
        raise BuildMissing(f"{path} is missing: run `python -m ecology data build` (or `make data`) first")
    return path


def load_boundaries(level: str, full: bool = False, build: Path | None = None) -> "gpd.GeoDataFrame":
    """Return the boundaries of one level ("region", "icb" or "lad"), WGS84.

    ``full=False`` gives the simplified web shapes (for maps); ``full=True`` the
    source-resolution shapes (for point assignment; ICB and LAD only).
    """
    import geopandas as gpd  # imported here: pages that only draw maps never need it

    stem = {"region": "regions", "icb": "icbs", "lad": "lads"}[level]
    return gpd.read_parquet(_read(f"{stem}{'_full' if full else ''}.parquet", build))


def load_web_layer(level: str, build: Path | None = None) -> dict:
    """Return the simplified boundaries of one level as a GeoJSON FeatureCollection
    (WGS84, 5 decimals, a bbox on each feature), ready for a web map."""
    stem = {"region": "regions", "icb": "icbs", "lad": "lads"}[level]
    return json.loads(_read(f"{stem}.geojson", build).read_text(encoding="utf-8"))


def _attributes(stem: str, build: Path | None) -> pd.DataFrame:
    """Return a boundary file's attribute columns, without reading its geometry."""
    import pyarrow.parquet as pq

    path = _read(f"{stem}.parquet", build)
    columns = [name for name in pq.read_schema(path).names if name != "geometry"]
    return pd.read_parquet(path, columns=columns)


def load_indicators(build: Path | None = None) -> pd.DataFrame:
    """Return one row per local authority: IMD 2025/2019 summaries and mid-2020 population."""
    return pd.read_parquet(_read("lad_indicators.parquet", build))


def place_table(build: Path | None = None) -> pd.DataFrame:
    """Return every place, one row each, in tree order.

    Columns: code, name, label (unique, shown in pickers and URLs), short_name
    (for tables: region name, ICB short name, local authority name), level,
    parent_code, region_code, icb_code (for local authorities: majority ICB),
    icb_share, cauth_code, cauth_name.
    """
    regions = _attributes("regions", build)
    icbs = _attributes("icbs", build)
    lads = _attributes("lads", build)
    rows = [{"code": ENGLAND_CODE, "name": "England", "label": "England", "level": "england",
             "parent_code": None, "region_code": None, "icb_code": None}]
    for region in regions.sort_values("region_name").itertuples():
        rows.append({"code": region.region_code, "name": region.region_name,
                     "label": f"{region.region_name} (NHS region)", "level": "region",
                     "parent_code": ENGLAND_CODE, "region_code": region.region_code, "icb_code": None})
    for icb in icbs.sort_values("icb_short_name").itertuples():
        rows.append({"code": icb.icb_code, "name": icb.icb_name, "label": icb.icb_short_name,
                     "level": "icb", "parent_code": icb.region_code, "region_code": icb.region_code,
                     "icb_code": icb.icb_code})
    for lad in lads.sort_values("lad_name").itertuples():
        rows.append({"code": lad.lad_code, "name": lad.lad_name, "label": lad.lad_name, "level": "lad",
                     "parent_code": lad.icb_code, "region_code": lad.region_code, "icb_code": lad.icb_code,
                     "icb_share": lad.icb_share, "cauth_code": lad.cauth_code, "cauth_name": lad.cauth_name})
    table = pd.DataFrame(rows)
    table["short_name"] = table["label"].where(table["level"] == "icb", table["name"])
    if table["label"].duplicated().any():
        raise ValueError(f"place labels must be unique: {table[table['label'].duplicated()]['label'].tolist()}")
    return table


@dataclass(frozen=True)
class PlaceTree:
    """The place hierarchy over a ``place_table`` frame (indexed by code)."""

    places: pd.DataFrame

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> "PlaceTree":
        return cls(table.set_index("code", drop=False))

    def __contains__(self, code: object) -> bool:
        return code in self.places.index

    def get(self, code: str) -> pd.Series:
        """Return one place's row (KeyError if unknown)."""
        return self.places.loc[code]

    def children(self, code: str) -> list[str]:
        """Return the codes of a place's direct children, in tree order."""
        return self.places.index[self.places["parent_code"] == code].tolist()

    def ancestors(self, code: str) -> list[str]:
        """Return the codes from England down to the place's parent."""
        chain = []
        parent = self.places.at[code, "parent_code"]
        while isinstance(parent, str):
            chain.append(parent)
            parent = self.places.at[parent, "parent_code"]
        return chain[::-1]

    def lads_within(self, code: str) -> list[str]:
        """Return the local authority codes under a place (itself, for a local authority)."""
        place = self.get(code)
        lads = self.places[self.places["level"] == "lad"]
        if place["level"] == "england":
            return lads.index.tolist()
        if place["level"] == "lad":
            return [code]
        column = "region_code" if place["level"] == "region" else "icb_code"
        return lads.index[lads[column] == code].tolist()

    @functools.cached_property
    def _labels(self) -> dict[str, str]:
        return dict(zip(self.places.index, self.places["label"]))

    def label(self, code: str) -> str:
        """Return a place's label as the place picker shows it (KeyError if unknown)."""
        # A dict: the picker asks for all 356 labels on every rerun.
        return self._labels[code]

    def code_for_label(self, label: str) -> str | None:
        hits = self.places.index[self.places["label"] == label]
        return hits[0] if len(hits) else None


# ---------------------------------------------------------------- points


class PointAssigner:
    """Assigns WGS84 points to local authority, ICB and NHS region codes.

    A point's local authority comes from the local authority boundaries (a
    coastal point within ``COAST_SNAP_M`` of one takes the nearest). Its ICB is
    the local authority's ICB; only in the 13 local authorities that straddle
    ICBs are the ICB boundaries consulted, and only among that authority's
    ICBs, so the three codes always nest. Built once; ``assign`` is vectorised.
    """

    def __init__(self, lads_full: "gpd.GeoDataFrame", icbs_full: "gpd.GeoDataFrame", shares: pd.DataFrame):
        import shapely

        self._lads = lads_full.to_crs(BNG).reset_index(drop=True)
        self._icbs = icbs_full.to_crs(BNG).reset_index(drop=True)
        shapely.prepare(self._lads.geometry.values)
        shapely.prepare(self._icbs.geometry.values)
        self._lad_tree = shapely.STRtree(self._lads.geometry.values)
        self._icb_region = dict(zip(self._icbs["icb_code"], self._icbs["region_code"]))
        pairs = shares[shares["lad_code"].duplicated(keep=False)]
        self._split_pairs = set(zip(pairs["lad_code"], pairs["icb_code"]))
        self._split_lads = set(pairs["lad_code"])

    @classmethod
    def from_build(cls, build: Path | None = None) -> "PointAssigner":
        shares = pd.read_parquet(_read("lad_icb_shares.parquet", build))
        return cls(load_boundaries("lad", full=True, build=build),
                   load_boundaries("icb", full=True, build=build), shares)

    @staticmethod
    def _containing(polygons: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Return, per point, the index of the polygon containing it, else -1."""
        import shapely

        found = np.full(len(points), -1, dtype=np.int64)
        # Querying with the polygons as input lets GEOS use them prepared, which
        # is far faster than testing each point against unprepared polygons.
        polygon_idx, point_idx = shapely.STRtree(points).query(polygons, predicate="contains")
        found[point_idx] = polygon_idx
        return found

    def assign(self, lon: Iterable[float], lat: Iterable[float]) -> pd.DataFrame:
        """Return lad_code, icb_code and region_code per point (missing outside England).

        ``lon``/``lat`` are WGS84 degrees; NaN coordinates give missing codes.
        """
        import geopandas as gpd

        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        valid = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        points = gpd.GeoSeries(gpd.points_from_xy(lon[valid], lat[valid]), crs="EPSG:4326").to_crs(BNG).values

        lad_hit = self._containing(self._lads.geometry.values, points)
        outside = np.flatnonzero(lad_hit < 0)
        if len(outside):
            near_point, near_lad = self._lad_tree.query_nearest(points[outside], max_distance=COAST_SNAP_M)
            lad_hit[outside[near_point]] = near_lad
        lad_code = np.where(lad_hit >= 0, self._lads["lad_code"].to_numpy(dtype=object)[lad_hit], None)
        icb_code = np.where(lad_hit >= 0, self._lads["icb_code"].to_numpy(dtype=object)[lad_hit], None)

        in_split = np.flatnonzero([code in self._split_lads for code in lad_code])
        if len(in_split):
            icb_hit = self._containing(self._icbs.geometry.values, points[in_split])
            for i, hit in zip(in_split, icb_hit):
                candidate = self._icbs.at[hit, "icb_code"] if hit >= 0 else None
                if (lad_code[i], candidate) in self._split_pairs:
                    icb_code[i] = candidate

        region_code = np.array([self._icb_region.get(code) for code in icb_code], dtype=object)
        result = pd.DataFrame(index=range(len(lon)), columns=["lad_code", "icb_code", "region_code"],
                              dtype="string")
        result.loc[valid, "lad_code"] = lad_code
        result.loc[valid, "icb_code"] = icb_code
        result.loc[valid, "region_code"] = region_code
        return result


# ---------------------------------------------------------------- postcodes

GEOCODE_REASONS = {
    "ok": "",
    "invalid": "not shaped like a UK postcode",
    "not_found": "not in the postcode directory (NSPL May 2025)",
    "no_coordinates": "in the directory without a location (terminated or not yet placed)",
}


@dataclass(frozen=True)
class PostcodeTable:
    """Sorted packed postcode keys with their WGS84 coordinates (float32 degrees)."""

    keys: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def from_build(cls, build: Path | None = None) -> "PostcodeTable":
        with np.load(_read("postcodes.npz", build)) as data:
            return cls(data["keys"], data["lat"], data["lon"])

    def __len__(self) -> int:
        return len(self.keys)

    def geocode(self, postcodes: Iterable[str | None]) -> pd.DataFrame:
        """Return one row per input: postcode (tidy form), lat, lon, status, reason.

        Matching ignores case and spaces. ``status`` is one of ``GEOCODE_REASONS``;
        lat/lon are NaN unless status is "ok".
        """
        given = pd.Series(list(postcodes), dtype="string")
        normalised = postcode.normalise(given)
        valid = postcode.is_valid(normalised).to_numpy()
        keys = postcode.pack(normalised.where(valid, ""))
        position = np.searchsorted(self.keys, keys)
        position = np.clip(position, 0, len(self.keys) - 1)
        found = valid & (self.keys[position] == keys)
        lat = np.where(found, self.lat[position], np.nan).astype("float64")
        lon = np.where(found, self.lon[position], np.nan).astype("float64")
        located = found & np.isfinite(lat)
        status = np.select([~valid, ~found, ~located], ["invalid", "not_found", "no_coordinates"], "ok")
        tidy = [postcode.display_form(n) if ok else None
                for n, ok in zip(normalised.fillna("").tolist(), valid)]
        return pd.DataFrame({
            "input": given,
            "postcode": pd.Series(tidy, dtype="string"),
            # float32 storage: round back to the source's 5 decimals (about 1 m).
            "lat": np.round(np.where(located, lat, np.nan), 5),
            "lon": np.round(np.where(located, lon, np.nan), 5),
            "status": status,
            "reason": [GEOCODE_REASONS[s] for s in status],
        })
