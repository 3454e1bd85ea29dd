"""Turn the raw sources into the files the app reads, in ``data/build/``.

Three targets, each rebuilt only when one of its input files (or the build
code) changed: ``geography`` (regions, ICBs, local authorities and their
boundaries), ``indicators`` (deprivation and population per local authority)
and ``postcodes`` (the packed lookup table). Every input is checksum-verified
before anything is written, and outputs replace the old ones only once complete,
so a refused or failed build leaves the previous build as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecology import paths, schema
from ecology.places import postcode
from ecology.sources import arts_build, catalogue, need_build

BNG = "EPSG:27700"  # British National Grid, metres
WGS84 = "EPSG:4326"
# Web geometry: simplification tolerance in metres and coordinate grid in degrees.
ICB_TOLERANCE_M = 500
LAD_TOLERANCE_M = 200
CLEAN_GAP_M = 5  # slivers narrower than this between neighbours are closed
MIN_PART_AREA_M2 = 250_000  # islets under 0.25 km2 are dropped from web shapes
WEB_DECIMALS = 5  # about 1 m: coarser grids made rings cross after rounding
STAMP_FILE = paths.STAMP_NAME


@dataclass(frozen=True)
class Target:
    name: str
    dataset_ids: tuple[str, ...]
    outputs: tuple[str, ...]
    make: Callable[[dict[str, Path], Path], dict]


# ---------------------------------------------------------------- geography


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    """Return valid geometries keeping only their polygon parts."""
    return shapely.make_valid(geometries, method="structure", keep_collapsed=False)


def _web_coverage(frame: gpd.GeoDataFrame, tolerance_m: float) -> np.ndarray:
    """Return WGS84 geometries simplified together so neighbours keep shared edges.

    ``frame`` must be in British National Grid. Simplifying the coverage as a
    whole (not polygon by polygon) moves each shared edge once, so no gaps or
    overlaps open.
    """
    parts, owner = shapely.get_parts(frame.geometry.values, return_index=True)
    # Only islets may go: a small part touching a neighbour (an enclave, or a
    # piece left by repair) must stay or a hole would open in the coverage.
    part_idx, area_idx = shapely.STRtree(frame.geometry.values).query(parts, predicate="intersects")
    touches_other = np.zeros(len(parts), dtype=bool)
    touches_other[part_idx[area_idx != owner[part_idx]]] = True
    keep = (shapely.area(parts) >= MIN_PART_AREA_M2) | touches_other
    # An area made only of small parts keeps them all rather than vanishing.
    keep |= ~np.isin(owner, owner[keep])
    trimmed = np.array([shapely.multipolygons(parts[(owner == i) & keep]) for i in range(len(frame))])
    # Source polygons rounded to 5 decimals overlap and gap by centimetres, so
    # their edges are not shared exactly; clean first or simplification pulls
    # neighbours apart.
    cleaned = shapely.coverage_clean(trimmed, gap_width=CLEAN_GAP_M)
    simplified = shapely.coverage_simplify(cleaned, tolerance=tolerance_m)
    wgs = gpd.GeoSeries(simplified, crs=BNG).to_crs(WGS84).values
    # Rounding (not shapely.set_precision, which opened km-sized holes here)
    # moves shared vertices identically; the few rings it makes self-touch are
    # repaired keeping their polygon parts.
    rounded = shapely.transform(wgs, lambda xy: np.round(xy, WEB_DECIMALS))
    return _polygonal(rounded)


def _write_web_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a compact WGS84 FeatureCollection with a bbox on every feature.

    The app draws maps from these files directly, so pages need neither
    geopandas nor any geometry work at run time.
    """
    frame = frame.copy()
    for column in frame.columns.drop("geometry"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    collection = json.loads(frame.to_json(drop_id=True, show_bbox=True))
    path.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")


def short_icb_name(name: str) -> str:
    """Return 'NHS X ICB' for 'NHS X Integrated Care Board'."""
    return name.replace(" Integrated Care Board", " ICB")


def _majority_icb(lsoa_lad: pd.DataFrame, lsoa_icb: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (LAD, ICB) pair with the share of the LAD's LSOAs in that ICB."""
    joined = lsoa_lad.merge(lsoa_icb, on="lsoa21_code", how="inner", validate="one_to_one")
    pairs = joined.groupby(["lad_code", "icb_code"], as_index=False).size().rename(
        columns={"size": "n_lsoa21"}
    )
    pairs["icb_share"] = pairs["n_lsoa21"] / pairs.groupby("lad_code")["n_lsoa21"].transform("sum")
    pairs = pairs.sort_values(["lad_code", "icb_share"], ascending=[True, False])
    pairs["is_majority"] = ~pairs.duplicated("lad_code")
    return pairs.reset_index(drop=True)


def make_geography(files: dict[str, Path], out: Path) -> dict:
    """Write regions, ICBs and local authorities (attributes + web and full geometry)."""
    icb = gpd.read_file(files["icb_boundaries/icb_apr2023_en_bgc.geojson"])[["code", "name", "geometry"]]
    icb["geometry"] = _polygonal(icb.geometry.values)
    icb = icb.rename(columns={"code": "icb_code", "name": "icb_name"}).to_crs(BNG)

    regions_src = gpd.read_file(files["nhs_regions/nhser_jan2024_en_bgc.geojson"])
    regions_src["geometry"] = _polygonal(regions_src.geometry.values)
    regions_src = regions_src.rename(columns={"code": "region_code", "name": "region_name"}).to_crs(BNG)

    # Each ICB lies in exactly one NHS region: take the region holding a point
    # that is guaranteed to be inside the ICB.
    inside = gpd.GeoDataFrame(icb[["icb_code"]], geometry=icb.representative_point(), crs=BNG)
    icb_region = gpd.sjoin(inside, regions_src[["region_code", "region_name", "geometry"]],
                           predicate="within", how="left")
    icb = icb.merge(icb_region[["icb_code", "region_code", "region_name"]], on="icb_code")
    if icb["region_code"].isna().any() or icb["icb_code"].duplicated().any():
        raise ValueError("every ICB must fall in exactly one NHS region")
    icb["icb_short_name"] = icb["icb_name"].map(short_icb_name)

    lad = gpd.read_file(files["lad_boundaries/LAD_DEC_2023_UK_BUC.shp"])
    lad = lad[lad["LAD23CD"].str.startswith("E")].rename(
        columns={"LAD23CD": "lad_code", "LAD23NM": "lad_name"}
    )[["lad_code", "lad_name", "geometry"]].to_crs(BNG)
    lad["geometry"] = _polygonal(lad.geometry.values)

    lsoa_lad = pd.read_csv(files["lookups/lsoa21_ward24_lad24_ew.csv"],
                           usecols=["lsoa21_code", "ltla24_code"]).rename(columns={"ltla24_code": "lad_code"})
    lsoa_lad = lsoa_lad[lsoa_lad["lad_code"].str.startswith("E")].drop_duplicates("lsoa21_code")
    lsoa_icb = pd.read_csv(files["lookups/lsoa21_sicbl24_icb24_en.csv"],
                           usecols=["lsoa21_code", "icb24_code"]).rename(columns={"icb24_code": "icb_code"})
    shares = _majority_icb(lsoa_lad, lsoa_icb)
    majority = shares[shares["is_majority"]][["lad_code", "icb_code", "icb_share"]]

    ons_region = pd.read_csv(files["lookups/lad24_region24_en.csv"]).rename(
        columns={"ltla24_code": "lad_code", "region24_code": "ons_region_code", "region24_name": "ons_region_name"}
    )[["lad_code", "ons_region_code", "ons_region_name"]]
    cauth = pd.read_csv(files["lookups/lad23_cauth23_en.csv"]).rename(
        columns={"ltla23_code": "lad_code", "cauth23_code": "cauth_code", "cauth23_name": "cauth_name"}
    )[["lad_code", "cauth_code", "cauth_name"]]

    lad = (
        lad.merge(majority, on="lad_code", how="left", validate="one_to_one")
        .merge(icb[["icb_code", "region_code"]], on="icb_code", how="left")
        .merge(ons_region, on="lad_code", how="left", validate="one_to_one")
        .merge(cauth, on="lad_code", how="left", validate="one_to_one")
    )
    missing = lad[lad["icb_code"].isna() | lad["region_code"].isna()]["lad_code"].tolist()
    if missing:
        raise ValueError(f"local authorities without an ICB or region: {missing}")

    out.mkdir(parents=True, exist_ok=True)
    for name, frame, tolerance in (("icbs", icb, ICB_TOLERANCE_M), ("lads", lad, LAD_TOLERANCE_M)):
        full = frame.to_crs(WGS84)
        full.to_parquet(out / f"{name}_full.parquet")
        web = frame.copy()
        web["geometry"] = _web_coverage(frame, tolerance)
        web = gpd.GeoDataFrame(web, geometry="geometry", crs=WGS84)
        web.to_parquet(out / f"{name}.parquet")
        _write_web_geojson(web, out / f"{name}.geojson")
        if name == "icbs":
            # Regions are unions of the simplified ICBs so their edges coincide.
            regions = web.dissolve(by="region_code", as_index=False)[["region_code", "geometry"]].merge(
                regions_src[["region_code", "region_name"]], on="region_code"
            )
            regions.to_parquet(out / "regions.parquet")
            _write_web_geojson(regions, out / "regions.geojson")
    shares.to_parquet(out / "lad_icb_shares.parquet")
    return {"regions": len(regions), "icbs": len(icb), "lads": len(lad),
            "split_lads": int(shares["lad_code"].duplicated().sum())}


# ---------------------------------------------------------------- indicators


def _imd_wide(long: pd.DataFrame, code_col: str, prefix: str) -> pd.DataFrame:
    """Return IMD and health-domain summary columns, one row per area code."""
    # The 2019 file names the health domain without "Deprivation".
    picks = {"Index of Multiple Deprivation": "imd", "Health Deprivation and Disability": "health",
             "Health and Disability": "health"}
    rows = long[long["index_domain"].isin(picks)].copy()
    rows["measure"] = rows["index_domain"].map(picks)
    wide = rows.pivot_table(
        index=code_col, columns="measure",
        values=["average_score", "rank_average_score", "proportion_bottom_decile"], aggfunc="first",
    )
    wide.columns = [f"{prefix}_{measure}_{value}" for value, measure in wide.columns]
    return wide.reset_index().rename(columns={code_col: "lad_code"})


def make_indicators(files: dict[str, Path], out: Path) -> dict:
    """Write one row per local authority: IMD 2025, IMD 2019 and mid-2020 population."""
    imd25 = _imd_wide(pd.read_csv(files["imd/iod2025_lad24_summaries_long.csv"]), "area_code", "imd2025")
    imd19_official = _imd_wide(pd.read_csv(files["imd/iod2019_lad19_summaries_long.csv"]), "lad19cd", "imd2019")
    imd19_official["imd2019_basis"] = "official LAD 2019 summary"

    population = pd.read_csv(files["population/mye2020_age_bands_lad23_en.csv"]).rename(columns={"lad23cd": "lad_code"})
    population = population[["lad_code", "total_population", "pop_0_17", "pop_18_64", "pop_65_plus", "pop_80_plus"]]
    for column in population.columns[1:]:
        population[column] = population[column].round().astype("int64")

    table = population.merge(imd25, on="lad_code", how="left", validate="one_to_one")
    table = table.merge(imd19_official, on="lad_code", how="left", validate="one_to_one")

    # Districts created after 2019 have no official 2019 summary: fill only those
    # from the re-aggregation, and say so in imd2019_basis.
    reagg = pd.read_csv(files["imd/imd2019_aggregated_to_lad23_en.csv"]).rename(
        columns={"ltla23_code": "lad_code", "Score": "imd2019_imd_average_score",
                 "Proportion": "imd2019_imd_proportion_bottom_decile", "Health_Score": "imd2019_health_average_score"}
    )
    gaps = table["imd2019_basis"].isna()
    fill = table.loc[gaps, ["lad_code"]].merge(reagg, on="lad_code", how="left")
    for column in ("imd2019_imd_average_score", "imd2019_imd_proportion_bottom_decile", "imd2019_health_average_score"):
        table.loc[gaps, column] = fill[column].to_numpy()
    table.loc[gaps, "imd2019_basis"] = "re-aggregated to LAD 2023 (humaniverse/IMD; not official)"

    out.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out / "lad_indicators.parquet", index=False)
    return {"lads": len(table), "imd2019_reaggregated": int(gaps.sum()),
            "england_population": int(table["total_population"].sum())}


# ---------------------------------------------------------------- postcodes


def make_postcodes(files: dict[str, Path], out: Path) -> dict:
    """Write the sorted packed-key postcode table (keys int64; lat/lon float32, WGS84)."""
    table = pd.read_csv(files["postcodes/postcodes_uk_latlon_nspl2025-05.csv.gz"],
                        dtype={"postcode": "string", "lat": "float64", "lon": "float64"})
    normalised = postcode.normalise(table["postcode"])
    keys = postcode.pack(normalised)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if (np.diff(keys) == 0).any():
        raise ValueError("two postcodes pack to the same key")
    out.mkdir(parents=True, exist_ok=True)
    np.savez(
        out / "postcodes.npz",
        keys=keys,
        lat=table["lat"].to_numpy(dtype="float32")[order],
        lon=table["lon"].to_numpy(dtype="float32")[order],
    )
    districts = postcode_districts(normalised, table["lat"], table["lon"])
    districts.to_parquet(out / "districts.parquet", index=False)
    return {"postcodes": len(keys), "without_coordinates": int(table["lat"].isna().sum()),
            "districts": len(districts)}


def postcode_districts(normalised: pd.Series, lat: pd.Series, lon: pd.Series) -> pd.DataFrame:
    """Return one row per postcode district (outward code, e.g. "M14"): the WGS84 mean of its
    located postcodes and how many there are (a rough guide to how many people live there)."""
    frame = pd.DataFrame({"district": normalised.str[:-3], "lat": lat, "lon": lon}).dropna()
    grouped = frame.groupby("district", sort=True)
    out = grouped[["lat", "lon"]].mean().round(5)
    out["n_postcodes"] = grouped.size()
    return out.reset_index()


# ---------------------------------------------------------------- assets


def make_assets(files: dict[str, Path], out: Path) -> dict:
    """Write the asset table (real venues + generated sample offers) and GP practices,
    each point carrying its local authority, ICB and region codes."""
    from ecology.places import geography
    from ecology.sources import sample, venues

    # The geography and postcode targets run first and are already in the build folder.
    build = paths.build_dir()
    postcodes = geography.PostcodeTable.from_build(build)
    assigner = geography.PointAssigner.from_build(build)

    def with_codes(frame: pd.DataFrame) -> pd.DataFrame:
        codes = assigner.assign(frame["longitude"], frame["latitude"])
        frame = frame.copy()
        for column in schema.DERIVED:
            frame[column] = codes[column].to_numpy()
        return frame

    real = pd.concat([venues.museums(files["museums/mapping_museums_uk_2021.csv"]),
                      venues.libraries(files["libraries/ace_basic_libraries_england_2023.csv"], postcodes)],
                     ignore_index=True)
    real = with_codes(real)
    real = real[real["lad_code"].notna()].reset_index(drop=True)  # a few sit offshore of England
    # Cinemas are venues too, but not places for the sample offers (kept as they were).
    cinemas, _counts = arts_build.england_cinemas(files[arts_build.CINEMA_FILE], assigner,
                                                  files[arts_build.UK_LAD_FILE])

    lads = gpd.read_parquet(build / "lads_full.parquet")[["lad_code", "lad_name", "geometry"]]
    population = pd.read_csv(files["population/mye2020_age_bands_lad23_en.csv"]).rename(
        columns={"lad23cd": "lad_code"})[["lad_code", "total_population"]]
    lads = lads.merge(population, on="lad_code")
    offers = with_codes(sample.generate(lads, real))
    assets = schema.conform(pd.concat([real, cinemas, offers], ignore_index=True))
    problems = schema.validate(assets)
    if problems:
        raise ValueError(f"the asset table is invalid: {problems[:5]}")

    gps = with_codes(venues.gp_practices(files["gp_practices/epraccur_2024-01.csv"], postcodes))
    gps = gps[gps["lad_code"].notna()].reset_index(drop=True)

    practitioners = _sample_practitioners(build, assigner, real)

    out.mkdir(parents=True, exist_ok=True)
    assets.to_parquet(out / "assets.parquet", index=False)
    gps.to_parquet(out / "gp_practices.parquet", index=False)
    practitioners.to_parquet(out / "practitioners.parquet", index=False)
    return {"museums": int(assets["asset_id"].str.startswith("museum:").sum()),
            "libraries": int(assets["asset_id"].str.startswith("library:").sum()),
            "cinemas": int(assets["asset_id"].str.startswith("cinema:").sum()),
            "sample_offers": int(assets["is_sample"].sum()), "gp_practices": len(gps),
            "sample_practitioners": len(practitioners)}


def _sample_practitioners(build: Path, assigner, venues: pd.DataFrame) -> pd.DataFrame:
    """Return the generated practitioner sample, placed at English postcode district centroids."""
    from ecology.sources import practitioner_sample

    districts = pd.read_parquet(build / "districts.parquet")
    codes = assigner.assign(districts["lon"], districts["lat"])
    for column in schema.DERIVED:
        districts[column] = codes[column].to_numpy()
    districts = districts[districts["lad_code"].notna()].reset_index(drop=True)
    venue_districts = postcode.normalise(venues["postcode"]).str[:-3].value_counts()
    return practitioner_sample.generate(districts, venue_districts)


TARGETS = (
    Target("geography",
           ("icb_boundaries", "nhs_regions", "lad_boundaries", "lsoa_icb_lookup", "lsoa_lad_lookup",
            "lad_region_lookup", "lad_cauth_lookup"),
           ("regions.parquet", "icbs.parquet", "icbs_full.parquet", "lads.parquet", "lads_full.parquet",
            "regions.geojson", "icbs.geojson", "lads.geojson",
            "lad_icb_shares.parquet"),
           make_geography),
    Target("indicators", ("imd2025", "imd2019", "imd2019_lad23", "population"),
           ("lad_indicators.parquet",), make_indicators),
    # Reads icbs.parquet (geography, built first) for each ICB's NHS region.
    Target("need",
           ("qof_prevalence", "hoc_lsoa_lookup", "lsoa11_lad22_lookup", "lad22_lad23_lookup", "loneliness",
            "census2021", "imd2025", "lsoa_lad_lookup", "lsoa_icb_lookup", "icb_boundaries", "nhs_regions"),
           need_build.OUTPUTS, need_build.make_need),
    Target("postcodes", ("postcodes",), ("postcodes.npz", "districts.parquet"), make_postcodes),
    # Listed after geography and postcodes, whose outputs it reads; their
    # inputs are part of its key so it rebuilds when they change.
    Target("assets",
           ("museums", "libraries", "cinemas", "gp_practices", "population", "postcodes", "icb_boundaries",
            "lad_boundaries", "lsoa_icb_lookup", "lsoa_lad_lookup"),
           ("assets.parquet", "gp_practices.parquet", "practitioners.parquet"), make_assets),
    # After geography and assets: reads lads.parquet, the boundaries and gp_practices.parquet.
    Target("arts",
           ("ace_investment", "ace_project_grants", "cinemas", "nhs_structure", "lad22_lad23_lookup",
            "hoc_lsoa_lookup", "lsoa11_lad22_lookup", "gp_practices", "postcodes", "icb_boundaries", "nhs_regions",
            "lad_boundaries", "lsoa_icb_lookup", "lsoa_lad_lookup"),
           arts_build.OUTPUTS, arts_build.make_arts),
)


# ---------------------------------------------------------------- driver


def _code_fingerprint() -> str:
    """Return a sha256 over the code and vocabulary the build's outputs depend on (a change rebuilds)."""
    digest = hashlib.sha256()
    here = Path(__file__).parent  # the build targets, imported lazily where they are used
    targets = [here / f"{name}.py" for name in ("venues", "sample", "practitioner_sample", "need_build", "arts_build")]
    for path in (Path(__file__), Path(postcode.__file__), Path(schema.__file__), *targets,
                 paths.authored_data_dir() / "taxonomy.json"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_stamp(build: Path) -> dict:
    try:
        return json.loads((build / STAMP_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def build(report: Callable[[str], None] = print, force: bool = False) -> dict[str, str]:
    """Build every out-of-date target into ``paths.build_dir()``.

    Returns {target name: "built" | "up to date"}. Raises ``catalogue.SourceError``
    (or its ``ChecksumMismatch``) before writing anything when an input is
    missing or differs from the manifest.
    """
    manifest = {item.id: item for item in catalogue.load_manifest()}
    needed = [manifest[i] for i in dict.fromkeys(i for target in TARGETS for i in target.dataset_ids)]
    files = catalogue.locate_all(needed)  # verifies every checksum first

    build_dir = paths.build_dir()
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp = _read_stamp(build_dir)
    code = _code_fingerprint()
    outcome: dict[str, str] = {}
    for target in TARGETS:
        inputs = {f.path: f.sha256 for i in target.dataset_ids for f in manifest[i].files}
        wanted = {"code": code, "inputs": inputs}
        complete = all((build_dir / name).is_file() for name in target.outputs)
        if not force and complete and stamp.get(target.name, {}).get("key") == wanted:
            outcome[target.name] = "up to date"
            continue
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=build_dir, prefix=f".{target.name}-") as tmp:
            summary = target.make(files, Path(tmp))
            for name in target.outputs:
                os.replace(Path(tmp) / name, build_dir / name)
        seconds = time.perf_counter() - started
        stamp[target.name] = {"key": wanted, "summary": summary, "seconds": round(seconds, 2),
                              "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        (build_dir / STAMP_FILE).write_text(json.dumps(stamp, indent=2))
        outcome[target.name] = "built"
        report(f"built {target.name} in {seconds:.1f} s: {summary}")
    if all(state == "up to date" for state in outcome.values()):
        report(f"{build_dir} is up to date: no source changed, nothing rebuilt.")
    return outcome


def clean() -> None:
    """Remove the build folder entirely."""
    shutil.rmtree(paths.build_dir(), ignore_errors=True)
