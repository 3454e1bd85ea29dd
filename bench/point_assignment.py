"""Point assignment: PointAssigner.assign vs a naive geopandas.sjoin.

Random points uniformly inside England's bounding box (so many fall in the sea,
Wales or Scotland, which exercises the coastal-snap path too). The assigner is
built once (its STRtrees reused); the baseline is one ``geopandas.sjoin`` of the
same points against the full LAD polygons per call (index built each time),
local authority level only, in WGS84.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Result, median_time, timed

TITLE = "point assignment 1k/10k/100k: PointAssigner.assign vs geopandas.sjoin on full LADs"
SIZES = (1_000, 10_000, 100_000)
REPEAT = {1_000: 5, 10_000: 5, 100_000: 3}
BUDGET_S = 5.0  # per case: slow cases run fewer times
SEED = 7


def naive_sjoin(lads_full, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    import geopandas as gpd

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = gpd.sjoin(points, lads_full[["lad_code", "geometry"]], how="left", predicate="within")
    return joined[~joined.index.duplicated()]


def run(result: Result) -> None:
    from ecology import paths
    from ecology.places import geography

    lads_full = geography.load_boundaries("lad", full=True)
    build_s, assigner = timed(geography.PointAssigner.from_build)
    result.add("build PointAssigner", build_s, "s", note="load full LAD+ICB boundaries, project, 2 STRtrees")
    west, south, east, north = lads_full.total_bounds
    rng = np.random.default_rng(SEED)
    for n in SIZES:
        lon = rng.uniform(west, east, n)
        lat = rng.uniform(south, north, n)
        fast_s, fast_all, assigned = median_time(lambda: assigner.assign(lon, lat), REPEAT[n], BUDGET_S)
        slow_s, slow_all, joined = median_time(lambda: naive_sjoin(lads_full, lon, lat), REPEAT[n], BUDGET_S)
        result.add(f"assign {n:,} in bbox", fast_s, "s", baseline=slow_s,
                   baseline_label=f"sjoin LAD only, median of {len(slow_all)}",
                   note=f"assigner runs {[round(t, 4) for t in fast_all]}")
        if n == SIZES[-1]:
            ours = assigned["lad_code"].to_numpy(dtype=object)
            theirs = joined["lad_code"].to_numpy(dtype=object)
            in_both = pd.notna(ours) & pd.notna(theirs)
            result.add("  of which in a LAD (sjoin)", int(pd.notna(theirs).sum()), "",
                       note=f"of {n:,} in the bounding box")
            result.add("  extra by coast snap", int((pd.notna(ours) & pd.isna(theirs)).sum()), "")
            result.add("  LAD disagreements", int((ours[in_both] != theirs[in_both]).sum()), "",
                       note="points both methods place, in different LADs")
            missed = int((pd.isna(ours) & pd.notna(theirs)).sum())
            if missed:
                result.note(f"PROBLEM: {missed} points inside a LAD polygon got no LAD from the assigner")
            _consistency(result, assigned, paths)

    # Real inputs (geocoded addresses) are nearly all inside England: the same
    # comparison for 100k points that all fall in a local authority.
    n = SIZES[-1]
    lon = rng.uniform(west, east, 4 * n)
    lat = rng.uniform(south, north, 4 * n)
    inside = naive_sjoin(lads_full, lon, lat)["lad_code"].notna().to_numpy()
    lon, lat = lon[inside][:n], lat[inside][:n]
    fast_s, fast_all, _ = median_time(lambda: assigner.assign(lon, lat), REPEAT[n], BUDGET_S)
    slow_s, slow_all, _ = median_time(lambda: naive_sjoin(lads_full, lon, lat), REPEAT[n], BUDGET_S)
    result.add(f"assign {len(lon):,} inside England", fast_s, "s", baseline=slow_s,
               baseline_label=f"sjoin LAD only, median of {len(slow_all)}",
               note=f"assigner runs {[round(t, 4) for t in fast_all]}")


def _consistency(result: Result, assigned: pd.DataFrame, paths) -> None:
    """Count points whose ICB is not one the LAD's LSOAs belong to (LAD and ICB
    come from boundaries of different resolution, so edges disagree)."""
    shares = pd.read_parquet(paths.build_dir() / "lad_icb_shares.parquet")
    allowed = set(zip(shares["lad_code"], shares["icb_code"]))
    both = assigned.dropna(subset=["lad_code", "icb_code"])
    pairs = list(zip(both["lad_code"].astype(object), both["icb_code"].astype(object)))
    bad = [p for p in pairs if p not in allowed]
    only_lad = int((assigned["lad_code"].notna() & assigned["icb_code"].isna()).sum())
    only_icb = int((assigned["lad_code"].isna() & assigned["icb_code"].notna()).sum())
    result.add("LAD/ICB pair inconsistent", len(bad), "", note=f"of {len(pairs):,} points with both codes")
    result.add("LAD without ICB / ICB without LAD", f"{only_lad} / {only_icb}")
    if bad:
        result.note(f"{len(bad)} of {len(pairs):,} points got an ICB that none of their LAD's LSOAs are in, "
                    f"e.g. {bad[:3]}")
