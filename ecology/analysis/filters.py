"""Filtering the asset table: one definition shared by the Assets page and the CLI.

Within one field the chosen terms are alternatives (any of them matches);
different fields must all match.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ecology import taxonomy
from ecology.places.geography import ENGLAND_CODE, PlaceTree

EARTH_RADIUS_KM = 6371.0088  # mean radius
# Filter field -> asset column holding "|id|id|" terms.
TERM_FILTERS = {"health_focus": "health_focus", "activity": "activities", "audience": "audiences",
                "setting": "settings", "referral_route": "referral_routes"}
SINGLE_FILTERS = {"cost": "cost", "kind": "kind"}
PLACE_COLUMN = {"region": "region_code", "icb": "icb_code", "lad": "lad_code"}


@dataclass(frozen=True)
class AssetFilter:
    """What the user asked for. Empty tuples and None mean "no restriction"."""

    place: str = ENGLAND_CODE
    health_focus: tuple[str, ...] = ()
    activity: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    setting: tuple[str, ...] = ()
    referral_route: tuple[str, ...] = ()
    cost: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    verified_within_months: int | None = None
    include_sample: bool = True
    include_venues: bool = True
    search: str = ""
    near: tuple[float, float] | None = None  # (latitude, longitude), WGS84 degrees
    near_points: tuple[tuple[float, float], ...] = ()  # e.g. a PCN's practices: near any of them
    near_points_label: str = ""  # what those points are, e.g. "the practices of Bradford North PCN"
    within_km: float | None = None
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())


def distance_km(lat: np.ndarray, lon: np.ndarray, from_lat: float, from_lon: float) -> np.ndarray:
    """Return great-circle (haversine) distances in km from one point to many."""
    lat1, lon1 = np.radians(from_lat), np.radians(from_lon)
    lat2, lon2 = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


KM_PER_DEGREE_LAT = np.pi * EARTH_RADIUS_KM / 180


def within_km_of_any(lat: np.ndarray, lon: np.ndarray, points_lat: np.ndarray, points_lon: np.ndarray,
                     km: float) -> np.ndarray:
    """Return True for each (lat, lon) within ``km`` (great circle) of any of the points (none: all False)."""
    near = np.zeros(len(lat), dtype=bool)
    if len(points_lat) == 0:
        return near
    # Only points inside the padded bounding box can be near: test those alone.
    pad_lat = km / KM_PER_DEGREE_LAT
    widest = np.cos(np.radians(min(np.max(np.abs(points_lat)) + pad_lat, 89.0)))
    pad_lon = km / (KM_PER_DEGREE_LAT * widest)
    with np.errstate(invalid="ignore"):
        box = ((lat >= points_lat.min() - pad_lat) & (lat <= points_lat.max() + pad_lat)
               & (lon >= points_lon.min() - pad_lon) & (lon <= points_lon.max() + pad_lon))
    candidates = np.flatnonzero(box)
    for plat, plon in zip(points_lat, points_lon):
        if len(candidates) == 0:
            break
        close = distance_km(lat[candidates], lon[candidates], plat, plon) <= km
        near[candidates[close]] = True
        candidates = candidates[~close]
    return near


def _has_any(column: pd.Series, terms: tuple[str, ...]) -> np.ndarray:
    text = column.fillna("")
    hit = np.zeros(len(column), dtype=bool)
    for term in terms:
        hit |= text.str.contains(f"|{term}|", regex=False).to_numpy(dtype=bool)
    return hit


def mask(assets: pd.DataFrame, tree: PlaceTree, chosen: AssetFilter) -> np.ndarray:
    """Return a boolean array: True for each asset that passes every filter."""
    keep = np.ones(len(assets), dtype=bool)
    level = tree.get(chosen.place)["level"]
    if level != "england":
        keep &= (assets[PLACE_COLUMN[level]] == chosen.place).fillna(False).to_numpy(dtype=bool)
    for name, column in TERM_FILTERS.items():
        terms = getattr(chosen, name)
        if terms:
            keep &= _has_any(assets[column], terms)
    for name, column in SINGLE_FILTERS.items():
        values = getattr(chosen, name)
        if values:
            keep &= assets[column].isin(values).fillna(False).to_numpy(dtype=bool)
    if chosen.verified_within_months is not None:
        since = chosen.as_of - pd.DateOffset(months=chosen.verified_within_months)
        keep &= (assets["last_verified"] >= since).fillna(False).to_numpy(dtype=bool)
    if not chosen.include_sample:
        keep &= ~assets["is_sample"].to_numpy(dtype=bool)
    if not chosen.include_venues:
        keep &= (assets["kind"] != "venue").fillna(True).to_numpy(dtype=bool)
    words = chosen.search.strip().lower()
    if words:
        haystack = (assets["name"].fillna("") + " " + assets["organisation"].fillna("")).str.lower()
        keep &= haystack.str.contains(words, regex=False).to_numpy(dtype=bool)
    if chosen.near is not None and chosen.within_km is not None:
        far = distance_km(assets["latitude"].to_numpy(), assets["longitude"].to_numpy(), *chosen.near)
        keep &= np.nan_to_num(far, nan=np.inf) <= chosen.within_km
    if chosen.near_points and chosen.within_km is not None:
        points = np.asarray(chosen.near_points, dtype=float)
        keep &= within_km_of_any(assets["latitude"].to_numpy(dtype=float), assets["longitude"].to_numpy(dtype=float),
                                 points[:, 0], points[:, 1], chosen.within_km)
    return keep


def within_place(frame: pd.DataFrame, tree: PlaceTree, place: str) -> pd.DataFrame:
    """Return the rows of any frame with area code columns that lie in a place."""
    level = tree.get(place)["level"]
    if level == "england":
        return frame
    return frame[(frame[PLACE_COLUMN[level]] == place).fillna(False)]


def apply(assets: pd.DataFrame, tree: PlaceTree, chosen: AssetFilter) -> pd.DataFrame:
    """Return the assets that pass the filter, in the table's order; with a
    ``distance_km`` column (sorted nearest first) when a distance filter is set."""
    result = assets[mask(assets, tree, chosen)]
    if chosen.near is not None:
        result = result.assign(distance_km=distance_km(
            result["latitude"].to_numpy(), result["longitude"].to_numpy(), *chosen.near).round(2))
        result = result.sort_values("distance_km", kind="stable")
    return result.reset_index(drop=True)


def describe(chosen: AssetFilter, tree: PlaceTree) -> str:
    """Return a one-line plain description of the filter, for headings and exports."""
    parts = [tree.label(chosen.place)]
    for name in (*TERM_FILTERS, *SINGLE_FILTERS):  # filter names are vocabulary names
        terms = getattr(chosen, name)
        if terms:
            parts.append(" or ".join(taxonomy.label_of(name, term) for term in terms))
    if chosen.verified_within_months is not None:
        parts.append(f"verified in the last {chosen.verified_within_months} months")
    if not chosen.include_sample:
        parts.append("real records only")
    if not chosen.include_venues:
        parts.append("no venues")
    if chosen.search.strip():
        parts.append(f"name or organisation contains “{chosen.search.strip()}”")
    if chosen.near is not None and chosen.within_km is not None:
        parts.append(f"within {chosen.within_km:g} km")
    if chosen.near_points and chosen.within_km is not None:
        parts.append(f"within {chosen.within_km:g} km of {chosen.near_points_label or 'the chosen points'}")
    return " · ".join(parts)


# What each restriction is called when the empty state says what it removed.
_RELAXED = {**{name: f"the {name.replace('_', ' ')} filter" for name in (*TERM_FILTERS, *SINGLE_FILTERS)},
            "verified_within_months": "the verified-within limit", "include_sample": "hiding sample records",
            "include_venues": "leaving out venues", "search": "the name search", "within_km": "the distance"}
_OPEN = {"verified_within_months": None, "include_sample": True, "include_venues": True, "search": "",
         "within_km": None}


def nothing_matches(assets: pd.DataFrame, tree: PlaceTree, chosen: AssetFilter) -> str:
    """Return what to say when no asset passes ``chosen``: how many each single restriction hides
    (so the user knows which to loosen), and what the place holds with none of them."""
    place = tree.label(chosen.place)
    held = int(mask(assets, tree, AssetFilter(place=chosen.place)).sum())
    lines = []
    for name, words in _RELAXED.items():
        open_value = _OPEN.get(name, ())
        if getattr(chosen, name) == open_value:
            continue  # this restriction is not in use
        opened = replace(chosen, **{name: open_value})
        found = int(mask(assets, tree, opened).sum())
        if found:
            lines.append(f"without {words}: {found:,}")
    if not held:
        return f"The register holds no asset in {place}: import a directory on the Data page."
    text = f"No asset in {place} matches every filter. The register holds {held:,} assets there"
    if lines:
        return text + "; with one filter loosened it would show " + "; ".join(lines) + "."
    return text + ", but loosening any one filter still finds none: clear several."
