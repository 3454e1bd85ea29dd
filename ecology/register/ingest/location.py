"""Placing imported rows: coordinates (degrees or British National Grid), postcodes, districts and areas."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecology.places import postcode
from ecology.places.crs import to_wgs84
from ecology.register.ingest.fields import check_numbers, check_required
from ecology.register.ingest.report import Report

if TYPE_CHECKING:
    from ecology.places.geography import PointAssigner, PostcodeTable


# -- location ----------------------------------------------------------------------------------

# England's extent in degrees: a latitude in the longitude range (and the reverse) means swapped columns.
_ENGLAND_LAT = (49.8, 55.9)
_ENGLAND_LON = (-6.5, 1.9)
# Said only of points outside England, so areas that straddle the border (CH, SY, HR, TD) are safe.
_AREA_COUNTRY = {**dict.fromkeys("AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split(), "a Scottish"),
                 **dict.fromkeys("CF LD LL NP SA SY CH HR".split(), "a Welsh"),
                 "BT": "a Northern Irish", "JE": "a Jersey", "GY": "a Guernsey", "IM": "an Isle of Man"}
_DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"


@dataclass
class Location:
    """Per row: WGS84 lat/lon (NaN = none), where it came from, and the postcode to store."""

    lat: np.ndarray
    lon: np.ndarray
    origin: np.ndarray  # "latitude" | "easting" | "postcode" | ""
    postcode: pd.Series


def _pair(report: Report, values: dict, columns: dict, first: str, second: str) -> tuple[np.ndarray, np.ndarray]:
    """Return two number columns (NaN where blank or not a number)."""
    empty = pd.Series([pd.NA] * len(report.numbers), dtype="string")
    a = check_numbers(report, values.get(first, empty), columns.get(first, ""), first)
    b = check_numbers(report, values.get(second, empty), columns.get(second, ""), second)
    return a, b


def _coordinates(report: Report, values: dict, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return latitude, longitude in range (swapped back where needed); errors for out-of-range values."""
    lat, lon = _pair(report, values, columns, "latitude", "longitude")
    swapped = ((lon >= _ENGLAND_LAT[0]) & (lon <= _ENGLAND_LAT[1]) & (lat >= _ENGLAND_LON[0])
               & (lat <= _ENGLAND_LON[1]))
    report.add(swapped, columns.get("latitude", ""), "latitude", "warning",
               lambda i: f"latitude ({lat[i]:g}) and longitude ({lon[i]:g}) look swapped for a place in England; "
                         "they were swapped back.")
    lat, lon = np.where(swapped, lon, lat), np.where(swapped, lat, lon)
    with np.errstate(invalid="ignore"):
        bad_lat, bad_lon = np.abs(lat) > 90, np.abs(lon) > 180
    report.add(bad_lat, columns.get("latitude", ""), "latitude", "error",
               lambda i: f"latitude {lat[i]:g} is outside -90 to 90 degrees.", values.get("latitude"))
    report.add(bad_lon, columns.get("longitude", ""), "longitude", "error",
               lambda i: f"longitude {lon[i]:g} is outside -180 to 180 degrees.", values.get("longitude"))
    lat[bad_lat | bad_lon], lon[bad_lat | bad_lon] = np.nan, np.nan
    return lat, lon


def _grid(report: Report, values: dict, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return WGS84 latitude, longitude from easting/northing (British National Grid metres)."""
    east, north = _pair(report, values, columns, "easting", "northing")
    with np.errstate(invalid="ignore"):
        outside = ((east < 0) | (east > 700_000) | (north < 0) | (north > 1_300_000))
    report.add(outside, columns.get("easting", ""), "easting", "error",
               lambda i: f"easting {east[i]:g}, northing {north[i]:g} is outside the British National Grid "
                         "(0-700,000 m east, 0-1,300,000 m north).", values.get("easting"))
    east[outside], north[outside] = np.nan, np.nan
    if not np.isfinite(east).any():
        return np.full(len(east), np.nan), np.full(len(east), np.nan)
    lon, lat = to_wgs84(east, north)
    return lat, lon


def _half_pairs(report: Report, values: dict, columns: dict, fallback: np.ndarray) -> None:
    """Report a latitude without longitude (or easting without northing): an error unless placed otherwise."""
    for first, second in (("latitude", "longitude"), ("easting", "northing")):
        if first not in values and second not in values:
            continue
        a = values[first].notna().to_numpy() if first in values else np.zeros(len(fallback), bool)
        b = values[second].notna().to_numpy() if second in values else np.zeros(len(fallback), bool)
        for severity, mask in (("error", ~fallback), ("warning", fallback)):
            report.add((a ^ b) & mask, columns.get(first if a.any() else second, ""), first, severity,
                       f"{first} and {second} must both be given; only one was"
                       + (", so the postcode was used." if severity == "warning" else " and there is no postcode."))


def _postcode_issues(report: Report, geo: pd.DataFrame, given: pd.Series, column: str, placed: np.ndarray) -> None:
    """Report postcodes that could not be located: an error when the row has no other location."""
    bad = given.notna().to_numpy() & (geo["status"].to_numpy() != "ok")
    reasons = geo["reason"].to_numpy()
    for severity, mask, tail in (("error", bad & ~placed, " The row has no other location, so it was not imported."),
                                 ("warning", bad & placed, " The coordinates given were used.")):
        report.add(mask, column, "postcode", severity, lambda i, tail=tail: f"postcode is {reasons[i]}.{tail}", given)


def locate_assets(report: Report, values: dict, columns: dict, postcodes: "PostcodeTable") -> Location:
    """Return each row's location: latitude/longitude, else easting/northing, else the postcode."""
    n = len(report.numbers)
    if not {"postcode", "latitude", "longitude", "easting", "northing"} & set(values):
        check_required(report, values, columns, "postcode", "every asset needs a location (or map latitude and "
                  "longitude, or easting and northing)")
    lat, lon = _coordinates(report, values, columns)
    grid_lat, grid_lon = _grid(report, values, columns) if {"easting", "northing"} & set(values) else (
        np.full(n, np.nan), np.full(n, np.nan))
    given = values.get("postcode", pd.Series([pd.NA] * n, dtype="string"))
    geo = postcodes.geocode(given.tolist())
    has_ll, has_en = np.isfinite(lat) & np.isfinite(lon), np.isfinite(grid_lat) & np.isfinite(grid_lon)
    has_pc = geo["status"].to_numpy() == "ok"
    origin = np.select([has_ll, has_en, has_pc], ["latitude", "easting", "postcode"], "")
    lat = np.select([has_ll, has_en, has_pc], [lat, grid_lat, geo["lat"].to_numpy()], np.nan)
    lon = np.select([has_ll, has_en, has_pc], [lon, grid_lon, geo["lon"].to_numpy()], np.nan)
    _half_pairs(report, values, columns, has_pc)
    _postcode_issues(report, geo, given, columns.get("postcode", ""), has_ll | has_en)
    # no location at all; a feature whose geometry the reader rejected has been told so already
    nothing = ~given.notna().to_numpy() & ~report.reported("geometry")
    nothing &= bool({"postcode", "latitude", "longitude", "easting", "northing"} & set(values))
    for name in ("latitude", "longitude", "easting", "northing"):
        if name in values:
            nothing &= values[name].isna().to_numpy()
    report.add(nothing, "", "postcode", "error",
               "No location: give a postcode, or latitude and longitude, or easting and northing.")
    tidy = geo["postcode"].where(geo["status"] != "invalid")  # an invalid postcode is not stored
    return Location(lat, lon, origin, pd.Series(tidy.to_numpy(), dtype="string"))


def _outside_message(location: Location, label: str) -> callable:
    def message(i: int) -> str:
        where = f"{location.lat[i]:.5f}, {location.lon[i]:.5f}"
        if location.origin[i] == "postcode" and isinstance(location.postcode[i], str):
            code = location.postcode[i]
            area = re.match(r"[A-Z]+", code).group(0)
            country = _AREA_COUNTRY.get(area)
            why = f": {area} is {country} postcode area" if country else ""
            return f"{label} {code} is outside England{why}. This directory covers England only."
        return f"The point {where} (from {location.origin[i]}) is outside England. This directory covers England only."
    return message


def area_codes(report: Report, location: Location, columns: dict, assigner: "PointAssigner",
           postcode_field: str) -> pd.DataFrame:
    """Return lad/icb/region codes per row; a located point outside England is an error."""
    codes = assigner.assign(location.lon, location.lat)
    outside = np.isfinite(location.lat) & codes["lad_code"].isna().to_numpy()
    label = postcode_field.replace("_", " ")
    for origin, target in (("latitude", "latitude"), ("easting", "easting"), ("postcode", postcode_field)):
        report.add(outside & (location.origin == origin), columns.get(target, ""), target, "error",
                   _outside_message(location, label), location.postcode if origin == "postcode" else None)
    return codes


def district_centroids(postcodes: "PostcodeTable", districts: list[str]) -> pd.DataFrame:
    """Return lat, lon (WGS84 mean of the district's located postcodes) and count, one row per district."""
    rows = []
    for district in districts:
        width = len(district) + 3
        low, high = postcode.pack(pd.Series([district + "0AA", district + "9ZZ"]))
        start, stop = np.searchsorted(postcodes.keys, [low, high + 1])
        keys = postcodes.keys[start:stop]
        # "M1" + "4AB" sorts among "M14 5AB"-style keys: keep only codes exactly district + 3 long.
        mine = (keys % 37 ** (postcode.MAX_LENGTH - width) == 0) if width < postcode.MAX_LENGTH else np.ones(
            len(keys), bool)
        lat = postcodes.lat[start:stop][mine].astype("float64")
        lon = postcodes.lon[start:stop][mine].astype("float64")
        located = np.isfinite(lat)
        rows.append((district, lat[located].mean() if located.any() else np.nan,
                     lon[located].mean() if located.any() else np.nan, int(located.sum())))
    frame = pd.DataFrame(rows, columns=["district", "lat", "lon", "count"]).set_index("district")
    return frame.astype({"lat": "float64", "lon": "float64", "count": "int64"})


def locate_practitioners(report: Report, values: dict, columns: dict, postcodes: "PostcodeTable") -> Location:
    """Return each row's postcode district (full postcodes cut, with a warning) and its centroid."""
    n, column = len(report.numbers), columns.get("postcode_district", "")
    given = values.get("postcode_district", pd.Series([pd.NA] * n, dtype="string"))
    norm = postcode.normalise(given)
    full = postcode.is_valid(norm).to_numpy()
    district = norm.where(~full, norm.str[:-3])
    report.add(full, column, "postcode_district", "warning",
               "A full postcode was given; only its district was kept (practitioner records never hold a "
               "full postcode).", district)  # the district, not the full postcode, goes into the report
    shaped = district.str.fullmatch(_DISTRICT).fillna(False).to_numpy()
    report.add(given.notna().to_numpy() & ~shaped, column, "postcode_district", "error",
               "postcode_district is not a postcode district (expected the first half of a postcode, e.g. M14).",
               given.where(~pd.Series(full), district))
    report.add(given.isna().to_numpy() & ("postcode_district" in values), column, "postcode_district", "error",
               "postcode_district is missing: every practitioner needs one to be placed.")
    district = district.where(pd.Series(shaped))
    codes, distinct = pd.factorize(district)
    centroids = district_centroids(postcodes, list(distinct))
    lat = np.append(centroids["lat"].to_numpy(), np.nan)[codes]
    lon = np.append(centroids["lon"].to_numpy(), np.nan)[codes]
    report.add(shaped & ~np.isfinite(lat), column, "postcode_district", "error",
               "postcode_district has no located postcodes in the postcode directory (NSPL May 2025).", district)
    origin = np.where(np.isfinite(lat), "postcode", "")
    return Location(lat, lon, origin, pd.Series(district.to_numpy(), dtype="string"))


