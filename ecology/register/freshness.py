"""Freshness: which records have not been verified for a while, by place.

A record is stale when its last verified date is missing or older than the
threshold (12 months unless ``ECOLOGY_STALE_MONTHS`` says otherwise). A missing
date means no one has verified the record (an import never makes one up) and
reads "never verified" wherever it is shown.
"""

from __future__ import annotations


import pandas as pd

from ecology import settings
from ecology.places.geography import PlaceTree

DEFAULT_STALE_MONTHS = settings.DEFAULT_STALE_MONTHS
NEVER = "never verified"


def verified_text(dates: pd.Series) -> pd.Series:
    """Return last verified dates as text: YYYY-MM-DD (sorts in date order), or "never verified"."""
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d").astype("string").fillna(NEVER)


def stale_months() -> int:
    """Return the configured threshold in whole months (``ECOLOGY_STALE_MONTHS``, default 12)."""
    return settings.current().stale_months


def cutoff(as_of: pd.Timestamp, months: int) -> pd.Timestamp:
    """Return the date before which a verification is stale."""
    return pd.Timestamp(as_of).normalize() - pd.DateOffset(months=months)


def stale(records: pd.DataFrame, as_of: pd.Timestamp, months: int) -> pd.DataFrame:
    """Return the records not verified since ``cutoff(as_of, months)``, never-verified first,
    then oldest first, with ``months_since_verified`` (whole months; NaN if never)."""
    verified = pd.to_datetime(records["last_verified"])
    out = records[verified.isna() | (verified < cutoff(as_of, months))].copy()
    since = pd.Timestamp(as_of).normalize() - pd.to_datetime(out["last_verified"])
    out["months_since_verified"] = (since.dt.days / 30.4375).round(0)
    never = out["last_verified"].isna()
    return (out.assign(_never=~never, _order=out["last_verified"])
            .sort_values(["_never", "_order", "name"], kind="stable").drop(columns=["_never", "_order"]))


def by_place(stale_records: pd.DataFrame, tree: PlaceTree) -> pd.DataFrame:
    """Return one row per local authority: Local authority, ICB, Stale records (most first)."""
    counts = stale_records.groupby("lad_code", dropna=False).size().rename("Stale records").reset_index()
    counts["Local authority"] = counts["lad_code"].map(lambda c: tree.label(c) if isinstance(c, str) and c in tree
                                                       else "Outside England or unplaced")
    icb = stale_records.drop_duplicates("lad_code").set_index("lad_code")["icb_code"]
    counts["ICB"] = counts["lad_code"].map(icb).map(lambda c: tree.label(c) if isinstance(c, str) and c in tree
                                                    else "")
    return counts.sort_values(["Stale records", "Local authority"], ascending=[False, True])[
        ["Local authority", "ICB", "Stale records"]].reset_index(drop=True)


def checking_list(stale_records: pd.DataFrame, tree: PlaceTree) -> pd.DataFrame:
    """Return a checking list: one row per stale record, by place then name, with what a
    person needs to check it (contact details, when last verified and by whom)."""
    names = tree.places["name"]
    table = pd.DataFrame({
        "Local authority": stale_records["lad_code"].map(names),
        "Name": stale_records["name"],
        "Organisation": stale_records["organisation"].fillna(""),
        "Address": stale_records["address"].fillna(""),
        "Postcode": stale_records["postcode"].fillna(""),
        "Website": stale_records["website"].fillna(""),
        "Email": stale_records["contact_email"].fillna(""),
        "Last verified": verified_text(stale_records["last_verified"]),
        "Verified by": stale_records["verified_by"] if "verified_by" in stale_records else None,
        "Months since": stale_records["months_since_verified"],
        "Sample": stale_records["is_sample"],
        "Record id": stale_records["asset_id"],
    })
    return table.sort_values(["Local authority", "Name"], kind="stable", na_position="last").reset_index(drop=True)
