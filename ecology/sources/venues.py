"""Real venues (open museums, static public libraries) and GP practices from raw files.

Each function returns a frame in the schema's shape (``schema.conform``), with
WGS84 coordinates but without the derived area codes, which the build adds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ecology import schema
from ecology.sources import catalogue
from ecology.places.geography import PostcodeTable

MUSEUMS_VERIFIED = "2021-09-30"  # the Mapping Museums data describe this date
LIBRARIES_VERIFIED = "2023-12-31"
GP_ENGLISH_REGION_PREFIX = "Y"  # ODS higher-level codes of NHS England's regions


def _slug(text: pd.Series) -> pd.Series:
    return text.fillna("").str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")


def _join_address(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = frame[columns].astype("string").apply(lambda col: col.str.strip()).replace({"NA": pd.NA, "": pd.NA})
    return parts.apply(lambda row: ", ".join(v for v in row if isinstance(v, str)), axis=1)


def museums(path: Path) -> pd.DataFrame:
    """Return open English museums (Mapping Museums, 2021) as venue assets."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    lat = pd.to_numeric(raw["Latitude"], errors="coerce")
    lon = pd.to_numeric(raw["Longitude"], errors="coerce")
    keep = (raw["Admin_area"].str.startswith("/England/") & (raw["Year_closed"] == "9999:9999")
            & lat.between(49, 56) & lon.between(-7, 2))
    raw, lat, lon = raw[keep], lat[keep], lon[keep]
    meta = catalogue.dataset("museums")
    frame = pd.DataFrame({
        "asset_id": "museum:" + raw["museum_id"],
        "name": raw["Name_of_museum"].str.strip(),
        "organisation": pd.NA,
        "kind": "venue",
        "activities": schema.join_terms(["heritage_museums"]),
        "settings": schema.join_terms(["cultural_venue"]),
        "address": _join_address(raw, ["Address_line_1", "Address_line_2", "Village,_Town_or_City"]),
        "postcode": raw["Postcode"].replace({"NA": pd.NA}),
        "latitude": lat,
        "longitude": lon,
        "status": "active",
        "last_verified": MUSEUMS_VERIFIED,
        "source": meta.title,
        "licence": meta.licence,
        "attribution": meta.attribution,
        "is_sample": False,
    })
    return schema.conform(frame)


def libraries(path: Path, postcodes: PostcodeTable) -> pd.DataFrame:
    """Return open static public libraries (ACE, 2023) as venue assets, placed by postcode.

    Closed, mobile, prison and archive sites are left out; so are the few whose
    postcode has no location.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    kind = raw["type"].str.lower()
    keep = kind.str.startswith("static") & ~kind.str.contains("archive") & (raw["closed"].str.strip() == "")
    raw = raw[keep].reset_index(drop=True)
    located = postcodes.geocode(raw["postcode"])
    meta = catalogue.dataset("libraries")
    ids = "library:" + _slug(raw["authority"]) + ":" + _slug(raw["name"])
    # A few authorities list two libraries under one name: the postcode tells them apart.
    clash = ids.duplicated(keep=False)
    ids = ids.where(~clash, ids + ":" + _slug(raw["postcode"]))
    authority = raw["authority"].fillna("").str.strip()
    council = (authority + " Council libraries").where(authority != "")
    operator = raw["operating_organisation"].fillna("").str.strip()
    organisation = operator.where(~operator.str.upper().isin(["", "-", "LA", "N/A", "NA"]), council)
    frame = pd.DataFrame({
        "asset_id": ids,
        "name": raw["name"].str.strip(),
        "organisation": organisation,
        "kind": "venue",
        "activities": schema.join_terms(["creative_writing_reading"]),
        "settings": schema.join_terms(["cultural_venue"]),
        "address": _join_address(raw, ["address1", "address2", "address3"]),
        "postcode": located["postcode"],
        "latitude": located["lat"],
        "longitude": located["lon"],
        "status": "active",
        "last_verified": LIBRARIES_VERIFIED,
        "source": meta.title,
        "licence": meta.licence,
        "attribution": meta.attribution,
        "is_sample": False,
    })
    frame = frame[located["status"].eq("ok").to_numpy()]
    return schema.conform(frame)


# epraccur has no header row; the ODS specification numbers its columns.
_EPRACCUR = {0: "org_code", 1: "name", 2: "higher_level", 9: "postcode", 12: "status", 25: "setting"}


def gp_practices(path: Path, postcodes: PostcodeTable) -> pd.DataFrame:
    """Return active GP practices in English NHS regions (ODS epraccur), placed by postcode."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, usecols=list(_EPRACCUR))
    raw = raw.rename(columns=_EPRACCUR)
    keep = (raw["status"] == "A") & (raw["setting"] == "4") & raw["higher_level"].str.startswith(
        GP_ENGLISH_REGION_PREFIX)
    raw = raw[keep].reset_index(drop=True)
    located = postcodes.geocode(raw["postcode"])
    frame = pd.DataFrame({
        "org_code": raw["org_code"],
        "name": raw["name"].str.title(),
        "postcode": located["postcode"],
        "latitude": located["lat"],
        "longitude": located["lon"],
    })
    return frame[np.isfinite(frame["latitude"].to_numpy(dtype=float))].reset_index(drop=True)

